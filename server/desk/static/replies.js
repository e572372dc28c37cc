/* The team's canned replies in the case view (GET/POST/PUT/DELETE /desk/api/replies, server/desk/shift.py).
 * window.DeskReplies.mount(container, textarea): a labelled search box, the matching replies as buttons that
 * put their text into the reply box, each saying who last changed it, and add / edit / delete in place: every
 * agent adds their own, edits and deletes the ones they added; a lead any, and restores the playbook's. Everything is written with textContent;
 * the list is updated item by item (never rebuilt), so typing and keyboard focus are never disturbed.
 * The container may sit inside the reply form: no nested form, every button type="button", and Enter in
 * these fields never sends the reply. */
(function () {
  "use strict";

  var SEARCH_DELAY = 250;
  var made = 0;

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function button(text, className, label) {
    var node = el("button", text, className);
    node.type = "button";
    if (label) node.setAttribute("aria-label", label);
    return node;
  }

  // The replies API: any method; signed out, back to the sign-in page.
  function call(method, path, body) {
    var options = { method: method, headers: { "Content-Type": "application/json" } };
    if (body !== undefined) options.body = JSON.stringify(body);
    return fetch("/desk/api/replies" + path, options).then(function (reply) {
      if (reply.status === 401) { window.location.assign("/desk/login"); throw new Error("signed out"); }
      return reply.json().then(function (data) {
        if (!reply.ok) throw new Error((data && data.error) || "Something went wrong. Please try again.");
        return data;
      });
    });
  }

  function preview(text) {
    var line = String(text || "").replace(/\s+/g, " ").trim();
    return line.length > 90 ? line.slice(0, 89) + "…" : line;
  }

  function mount(container, textarea) {
    var id = "canned-" + (++made);
    var items = {};          // reply id -> {li, use, text, edit, remove, reply}
    var editing = null;      // the reply being edited, or null when adding
    var timer = null;
    var asked = 0;

    var section = el("section", null, "canned");
    section.setAttribute("aria-labelledby", id + "-title");
    var title = el("h4", "Canned replies", "canned-title");
    title.id = id + "-title";
    var searchLabel = el("label", "Search canned replies");
    searchLabel.htmlFor = id + "-q";
    var search = el("input");
    search.type = "search";
    search.id = id + "-q";
    search.autocomplete = "off";
    var list = el("ul", null, "canned-list");
    list.setAttribute("aria-labelledby", id + "-title");
    var empty = el("p", "No canned reply matches.", "empty");
    empty.hidden = true;
    var status = el("p", "", "meta canned-status");
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var add = button("Add a canned reply", "secondary canned-add");
    var restore = button("", "secondary canned-restore");  // a lead's, when playbook replies are missing
    restore.hidden = true;

    // The editor: a group, not a form (it may sit inside the reply form).
    var editor = el("div", null, "canned-editor");
    editor.setAttribute("role", "group");
    editor.setAttribute("aria-labelledby", id + "-editor-title");
    editor.hidden = true;
    var editorTitle = el("p", "New canned reply", "canned-editor-title");
    editorTitle.id = id + "-editor-title";
    var titleLabel = el("label", "Title");
    titleLabel.htmlFor = id + "-title-input";
    var titleInput = el("input");
    titleInput.id = id + "-title-input";
    titleInput.maxLength = 80;
    titleInput.autocomplete = "off";
    var textLabel = el("label", "Text");
    textLabel.htmlFor = id + "-text-input";
    var textInput = el("textarea");
    textInput.id = id + "-text-input";
    textInput.rows = 3;
    textInput.maxLength = 2000;
    var save = button("Save canned reply", "canned-save");
    var cancel = button("Cancel", "secondary canned-cancel");
    [editorTitle, titleLabel, titleInput, textLabel, textInput, save, cancel].forEach(function (n) { editor.appendChild(n); });

    [title, searchLabel, search, list, empty, add, restore, editor, status].forEach(function (n) { section.appendChild(n); });
    container.appendChild(section);

    function say(words) { status.textContent = words; }

    function insert(text) {
      var start = textarea.selectionStart, end = textarea.selectionEnd, value = textarea.value;
      if (typeof start !== "number" || document.activeElement !== textarea && start === 0 && end === 0) {
        start = end = value.length;
      }
      var before = value.slice(0, start), after = value.slice(end);
      var spacer = before && !/\s$/.test(before) ? " " : "";
      textarea.value = before + spacer + text + after;
      var caret = (before + spacer + text).length;
      textarea.focus();
      textarea.setSelectionRange(caret, caret);
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function item(reply) {
      var li = el("li", null, "canned-item");
      var use = button(reply.title, "secondary canned-use");
      var text = el("span", preview(reply.text), "meta canned-text");
      var by = el("span", reply.byline, "meta canned-by");
      var edit = button("Edit", "secondary canned-edit");
      var remove = button("Delete", "secondary canned-delete");
      [use, text, by, edit, remove].forEach(function (n) { li.appendChild(n); });
      var entry = { li: li, use: use, text: text, by: by, edit: edit, remove: remove, reply: reply };
      use.addEventListener("click", function () { insert(entry.reply.text); say("Inserted “" + entry.reply.title + "” into the reply."); });
      edit.addEventListener("click", function () { open(entry.reply); });
      remove.addEventListener("click", function () { removeReply(entry); });
      return entry;
    }

    function label(entry) {
      var r = entry.reply;
      entry.use.textContent = r.title;
      entry.use.setAttribute("aria-label", "Insert canned reply: " + r.title);
      entry.use.title = r.text;
      entry.text.textContent = preview(r.text);
      entry.by.textContent = r.byline || "";
      // Only the agent who added a reply, or a lead, may change it (the server says which: can_change).
      if (!r.can_change && (document.activeElement === entry.edit || document.activeElement === entry.remove)) entry.use.focus();
      entry.edit.hidden = entry.remove.hidden = !r.can_change;
      entry.edit.setAttribute("aria-label", "Edit canned reply: " + r.title);
      entry.remove.textContent = entry.confirming ? "Confirm delete" : "Delete";
      entry.remove.setAttribute("aria-label", (entry.confirming ? "Confirm delete of canned reply: " : "Delete canned reply: ") + r.title);
    }

    // Update the list in place: keep each reply's elements, add new ones, take away those gone.
    function show(replies) {
      var seen = {};
      replies.forEach(function (reply, index) {
        seen[reply.id] = true;
        var entry = items[reply.id];
        if (!entry) { entry = items[reply.id] = item(reply); }
        entry.reply = reply;
        label(entry);
        var at = list.children[index];
        if (at !== entry.li) list.insertBefore(entry.li, at || null);
      });
      Object.keys(items).forEach(function (key) {
        if (!seen[key]) { list.removeChild(items[key].li); delete items[key]; }
      });
      empty.hidden = replies.length > 0;
    }

    function offerRestore(data) {
      var missing = data.lead ? data.missing_defaults || 0 : 0;
      restore.textContent = "Restore the playbook's replies (" + missing + " missing)";
      if (!missing && document.activeElement === restore) add.focus();
      restore.hidden = !missing;
    }

    function load() {
      var mine = ++asked;
      return call("GET", "?q=" + encodeURIComponent(search.value.trim())).then(function (data) {
        if (mine === asked) { show(data.replies || []); offerRestore(data); }
      }).catch(function (error) { if (error.message !== "signed out") say(error.message); });
    }

    function open(reply) {
      editing = reply;
      editorTitle.textContent = reply ? "Edit canned reply: " + reply.title : "New canned reply";
      save.textContent = reply ? "Save changes" : "Save canned reply";
      titleInput.value = reply ? reply.title : "";
      textInput.value = reply ? reply.text : "";
      editor.hidden = false;
      titleInput.focus();
    }

    function close(focusOn) {
      editor.hidden = true;
      editing = null;
      (focusOn || add).focus();
    }

    function saveReply() {
      var body = { title: titleInput.value, text: textInput.value };
      var was = editing;
      (was ? call("PUT", "/" + was.id, body) : call("POST", "", body)).then(function (reply) {
        // Said once the list shows it and the editor is closed: nothing moves after the words.
        return load().then(function () {
          close(items[reply.id] ? items[reply.id].use : add);
          say(was ? "Saved “" + reply.title + "”." : "Added “" + reply.title + "”.");
        });
      }).catch(function (error) { if (error.message !== "signed out") say(error.message); });
    }

    function removeReply(entry) {
      if (!entry.confirming) {
        entry.confirming = true;
        label(entry);
        say("Press “Confirm delete” to delete “" + entry.reply.title + "” for the whole team.");
        return;
      }
      call("DELETE", "/" + entry.reply.id).then(function () {
        say("Deleted “" + entry.reply.title + "”.");
        var next = entry.li.nextElementSibling || entry.li.previousElementSibling;
        return load().then(function () {
          var button = next && next.querySelector(".canned-use");
          (button || search).focus();
        });
      }).catch(function (error) { if (error.message !== "signed out") say(error.message); });
    }

    function noSubmit(event) {
      if (event.key === "Enter" && event.target.tagName !== "TEXTAREA") event.preventDefault();
    }

    search.addEventListener("keydown", function (event) {
      noSubmit(event);
      if (event.key === "Enter") { clearTimeout(timer); load(); }
    });
    search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(load, SEARCH_DELAY); });
    titleInput.addEventListener("keydown", function (event) { noSubmit(event); if (event.key === "Enter") saveReply(); });
    editor.addEventListener("keydown", function (event) { if (event.key === "Escape") close(); });
    add.addEventListener("click", function () { open(null); });
    restore.addEventListener("click", function () {
      call("POST", "/restore").then(function (data) {
        var back = data.restored || [];
        say(back.length ? "Restored " + back.map(function (t) { return "“" + t + "”"; }).join(", ") + "." : "Nothing was missing.");
        return load();
      }).catch(function (error) { if (error.message !== "signed out") say(error.message); });
    });
    save.addEventListener("click", saveReply);
    cancel.addEventListener("click", function () { close(editing && items[editing.id] ? items[editing.id].edit : add); });
    list.addEventListener("focusout", function (event) {
      // A delete not confirmed is forgotten once the keyboard moves on.
      Object.keys(items).forEach(function (key) {
        var entry = items[key];
        if (entry.confirming && event.target === entry.remove && event.relatedTarget !== entry.remove) {
          entry.confirming = false;
          label(entry);
        }
      });
    });

    load();
    return { reload: load, search: search };
  }

  window.DeskReplies = { mount: mount };
}());
