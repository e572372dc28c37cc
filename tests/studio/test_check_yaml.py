"""`make check` on a YAML mistake in any designer's file: `file:line: problem` with the fix, exit 1,
never a traceback; and a typo in a catalog id at its own line, not line 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.studio.conftest import ROOT


def line_of(path: Path, needle: str) -> int:
    return next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in text)


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def check(project: Path, module: str = "studio.check") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", module, "--root", str(project)], cwd=ROOT, capture_output=True, text=True
    )


def test_a_tab_in_domain_yml_is_one_line_with_the_fix_and_exit_1(project: Path) -> None:
    domain = project / "domain.yml"
    text = domain.read_text(encoding="utf-8")
    first = next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith("    - text:"))
    lines = text.splitlines(keepends=True)
    lines[first - 1] = lines[first - 1].replace("    - text:", "    -\ttext:", 1)
    domain.write_text("".join(lines), encoding="utf-8")
    run = check(project)
    assert run.returncode == 1
    assert run.stdout == (
        f"domain.yml:{first}: a tab or bad indentation: YAML needs spaces; line up 'text:' with the line above\n"
    )
    assert "Traceback" not in run.stdout + run.stderr and "<unicode string>" not in run.stdout + run.stderr


def test_a_typo_in_a_catalog_id_is_found_at_its_line_not_line_1(project: Path) -> None:
    catalog = project / "catalog" / "policies.yml"
    replace_once(catalog, "{id: goodwill_credit, amount: 10}", "{id: goodwil_credit, amount: 10}")
    line = line_of(catalog, "goodwil_credit")
    run = check(project)
    assert run.returncode == 1
    found = [said for said in run.stdout.splitlines() if "goodwil_credit" in said]
    assert len(found) == 1 and found[0].startswith(f"catalog/policies.yml:{line}: policy '"), run.stdout
    assert "field 'alternatives': 'goodwil_credit' is not in the alternatives list — use one of: " in found[0]
    assert "(did you mean 'goodwill_credit'?)" in found[0]


def test_a_key_written_twice_is_found_at_the_second_with_the_first_s_line(project: Path) -> None:
    # Rasa's own reader refuses a response written twice; a second `gift:` list would
    # silently replace the first. Both are one line each, at the second, naming the first.
    domain = project / "domain.yml"
    replace_once(
        domain,
        "  utter_offer_exchange:\n",
        '  utter_offer_exchange:\n    - text: "Swap it for another"\n  utter_offer_exchange:\n',
    )
    first = line_of(domain, "utter_offer_exchange:")
    signals = project / "catalog" / "signals.yml"
    gift = line_of(signals, "gift:")
    with signals.open("a", encoding="utf-8") as out:
        out.write("\ngift:\n  - a treat\n")
    again = len(signals.read_text(encoding="utf-8").splitlines()) - 1
    run = check(project, "studio.check_yaml")
    assert run.returncode == 1
    assert run.stdout == (
        f"domain.yml:{first + 2}: 'utter_offer_exchange' is written twice (first at line {first}): keep one\n"
        f"catalog/signals.yml:{again}: 'gift' is written twice (first at line {gift}): keep one\n"
    )
    assert "Traceback" not in run.stdout + run.stderr


def test_a_variation_with_no_text_stops_make_check_before_rasa_with_the_live_check_s_words(project: Path) -> None:
    domain = project / "domain.yml"
    at = line_of(domain, "Hello! I'm Gracious, here for anything")
    replace_once(
        domain,
        "    - text: \"Hello! I'm Gracious, here for anything",
        "    - txt: \"Hello! I'm Gracious, here for anything",
    )
    said = f"domain.yml:{at}: response 'utter_greet' variation 2 has no text — give it a text: line\n"
    for module in ("studio.check_yaml", "studio.check"):
        run = check(project, module)
        assert run.returncode == 1, module
        assert run.stdout == said, module


def test_a_response_with_no_fallback_for_an_empty_value_is_found_before_rasa(project: Path) -> None:
    domain = project / "domain.yml"
    replace_once(
        domain,
        '    - text: "Welcome back! Is it about what we talked about earlier, or something new? Either way, I\'m here."',
        '    - text: "Welcome back! Is it about your order {reference} from earlier?"',
    )
    at = line_of(domain, "Is it about your order {reference} from earlier?")
    run = check(project, "studio.check_yaml")
    assert run.returncode == 1
    assert run.stdout == (
        f"domain.yml:{at}: response 'utter_welcome_back' has no variation without {{reference}}, and {{reference}} "
        "can be empty — add a variation with no placeholders to fall back on\n"
    )


def test_an_unclosed_quote_in_domain_yml_is_found_where_it_opens_as_in_the_catalog(project: Path) -> None:
    domain = project / "domain.yml"
    at = line_of(domain, "Good to see you. I'm Gracious from Larkspur")
    replace_once(domain, 'what can I do for you today?"\n', "what can I do for you today?\n")
    run = check(project, "studio.check_yaml")
    assert run.returncode == 1
    assert (
        run.stdout == f"domain.yml:{at}: a quote opens here and never closes: end the text with the same quote mark\n"
    )
