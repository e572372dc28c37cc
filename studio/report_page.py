"""The manager's report as one self-contained HTML page with matplotlib charts.

The charts are PNGs inside the page (``data:`` URIs) and the styles are inline, so
the file can be mailed or opened offline: the page loads nothing from anywhere, and
its Content-Security-Policy says so. Every value from the database is escaped.
"""

from __future__ import annotations

import base64
import io
from html import escape
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

import matplotlib
import yaml
from matplotlib.figure import Figure  # Figure renders with Agg itself: no pyplot, no display

from studio import report_words as words
from studio.report import CONFUSION_RULE, Counts, Report
from studio.report_text import NOTHING_YET, describe_period

TOP_POLICIES = 10
TOOK = "\x00took"  # can't clash with an outcome code from the database
STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;margin:0;
color:#1f2933;background:#f5f7fa;line-height:1.45}
main{max-width:960px;margin:0 auto;padding:24px}
h1{margin:0 0 4px;font-size:1.8rem}h2{margin:0 0 8px;font-size:1.3rem}
.period{color:#52606d;margin:0 0 20px}.demo{background:#fff3c4;padding:8px 12px;border-radius:6px}
section{background:#fff;border-radius:8px;padding:20px;margin:0 0 20px;box-shadow:0 1px 3px rgba(0,0,0,.1)}
.key{display:flex;gap:16px;flex-wrap:wrap}.key div{flex:1;min-width:150px}
.key strong{display:block;font-size:1.8rem}figure{margin:0}img{max-width:100%;height:auto}
figcaption{color:#3e4c59;margin:6px 0 12px}table{border-collapse:collapse;font-size:.9rem}
th,td{padding:3px 10px;border-bottom:1px solid #e4e7eb;text-align:right}
th:first-child,td:first-child{text-align:left}summary{cursor:pointer;color:#2d5fa8}
.scroll{overflow-x:auto}
"""
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def policy_rules(catalog_path: Path) -> Dict[str, str]:
    """Each policy's rule in one sentence, from the catalog; none if it can't be read."""
    try:
        catalog = yaml.safe_load(catalog_path.read_text(encoding="utf-8")) or {}
        return {str(p["id"]): str(p.get("rule") or "") for p in catalog.get("policies", [])}
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError):
        return {}


def _text(value: object) -> str:
    # A "$" would start matplotlib's math mode, and an unmatched one fails the drawing.
    return str(value).replace("$", r"\$")


def _png(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure(height: float = 4.0) -> Figure:
    figure = Figure(figsize=(8.6, height))
    figure.patch.set_facecolor("white")
    return figure


def _tidy(axes) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _categories_chart(report: Report) -> Figure:
    figure = _figure(4.4)
    axes = figure.subplots()
    labels = [words.week(w) for w in report.period.weeks]
    bottom = [0] * len(labels)
    palette = matplotlib.colormaps["tab10" if len(report.by_category) <= 10 else "tab20"]
    for i, (code, weeks) in enumerate(report.by_category.items()):
        axes.bar(labels, weeks, bottom=bottom, label=_text(words.category(code)), color=palette(i % palette.N))
        bottom = [b + n for b, n in zip(bottom, weeks)]
    axes.set_title("Complaints by category, per week")
    axes.set_xlabel("week starting")
    axes.set_ylabel("cases closed by the assistant")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize="small")
    _tidy(axes)
    return figure


def _policies_chart(report: Report) -> Figure:
    shown = report.policies[:TOP_POLICIES]
    figure = _figure(1.1 + 0.42 * len(shown))
    axes = figure.subplots()
    names = [_text(p.policy_id) for p in shown]
    confused = [p.confused for p in shown]
    axes.barh(names, confused, color="#d9822b", label="confusing cases")
    axes.barh(names, [p.cases - p.confused for p in shown], left=confused, color="#cbd2d9", label="other cases")
    for y, p in enumerate(shown):
        axes.text(p.cases, y, f" {words.percent(p.share)} confusing", va="center", fontsize="small")
    axes.invert_yaxis()  # the most confusing policy on top
    axes.set_xlim(0, max(p.cases for p in shown) * 1.25)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.set_title("Policies that confuse customers most")
    axes.set_xlabel("cases in the period that reached the policy")
    axes.legend(loc="lower right", frameon=False, fontsize="small")
    _tidy(axes)
    return figure


def _handoff_rate_chart(report: Report) -> Figure:
    figure = _figure(3.6)
    axes = figure.subplots()
    labels = [words.week(w) for w in report.period.weeks]
    rates = [100 * h / c if c else float("nan") for h, c in zip(report.handoffs_per_week, report.cases_per_week)]
    whole = len(labels) - 1 if report.period.under_way else len(labels)
    axes.plot(labels[:whole], rates[:whole], marker="o", color="#2d5fa8")
    if whole < len(labels):  # this week so far: few cases, so drawn apart and hollow
        axes.plot(labels[-2:], rates[-2:], linestyle=":", color="#2d5fa8")
        axes.plot(labels[-1:], rates[-1:], marker="o", markerfacecolor="white", color="#2d5fa8")
    for x, (rate, h, c) in enumerate(zip(rates, report.handoffs_per_week, report.cases_per_week)):
        if c:
            axes.annotate(f"{h}/{c}", (x, rate), textcoords="offset points", xytext=(0, 7),
                          ha="center", fontsize="small")
    top = max([r for r in rates if r == r] + [0])
    axes.set_ylim(0, max(10, top * 1.3))  # from zero, so a small change doesn't look like a big one
    axes.set_title("Handoff rate, per week")
    axes.set_xlabel("week starting")
    axes.set_ylabel("handoffs per 100 cases")
    _tidy(axes)
    return figure


def _bars(axes, counts: Counts, label: Callable[[str], str], colour: str, title: str, unit: str) -> None:
    names = [_text(label(code)) for code, _ in counts]
    values = [n for _, n in counts]
    axes.barh(names, values, color=colour)
    for y, n in enumerate(values):
        axes.text(n, y, f" {n}", va="center", fontsize="small")
    axes.invert_yaxis()
    axes.set_title(title)
    axes.set_xlabel(unit)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.set_xlim(0, max(values) * 1.15)
    _tidy(axes)


def _reasons_chart(report: Report) -> Figure:
    figure = _figure(0.9 + 0.42 * len(report.handoff_reasons))
    _bars(figure.subplots(), report.handoff_reasons, words.reason, "#2d5fa8",
          "Why conversations went to a person", "handoffs")
    return figure


def _grouped(counts: Counts) -> Counts:
    """Every alternative taken as one bar: the chart answers "solved or not", the table says which."""
    took = sum(n for code, n in counts if code not in words.ASSISTANT_OUTCOMES)
    kept = [(code, n) for code, n in counts if code in words.ASSISTANT_OUTCOMES]
    return tuple(sorted(kept + ([(TOOK, took)] if took else []), key=lambda item: (-item[1], item[0])))


def _outcome_label(code: str) -> str:
    return "took an alternative offered" if code == TOOK else words.assistant_outcome(code)


def _outcomes_chart(report: Report) -> Figure:
    panels = []
    if report.cases:
        panels.append((_grouped(report.assistant_outcomes), _outcome_label, "#3f9142",
                       "How the assistant's cases ended", "cases"))
    if report.handoffs:
        panels.append((report.desk_outcomes, words.desk_outcome, "#7b61a8",
                       "How the desk finished handoffs", "handoffs"))
    rows = max(len(p[0]) for p in panels)
    figure = _figure(1.0 + 0.42 * rows)
    for axes, panel in zip(figure.subplots(1, len(panels), squeeze=False)[0], panels):
        _bars(axes, *panel)
    figure.subplots_adjust(wspace=0.9)
    return figure


def _satisfaction_chart(report: Report) -> Figure:
    figure = _figure(3.4)
    axes = figure.subplots()
    stars = [f"{n} of 5" for n in range(1, 6)]
    axes.bar(stars, report.ratings, color=["#c23030", "#e0703a", "#d9b02b", "#7cb342", "#3f9142"])
    for x, n in enumerate(report.ratings):
        axes.text(x, n, str(n), ha="center", va="bottom", fontsize="small")
    axes.set_title(f"Satisfaction: average {report.rating_average:.1f} of 5 "
                   f"from {words.count(report.rating_count, 'rating')}")
    axes.set_xlabel("rating the customer gave after the desk closed the conversation")
    axes.set_ylabel("ratings")
    axes.yaxis.get_major_locator().set_params(integer=True)
    _tidy(axes)
    return figure


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th scope=col>{escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f'<div class=scroll><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _numbers(headers: Sequence[str], rows: Sequence[Sequence[object]], what: str = "") -> str:
    summary = escape(f"The numbers: {what}" if what else "The numbers")
    return f"<details><summary>{summary}</summary>{_table(headers, rows)}</details>"


def _section(heading: str, figure: Optional[Figure], alt: str, explanation: str, extra: str = "") -> str:
    chart = (
        f'<figure><img src="{_png(figure)}" alt="{escape(alt)}">'
        f"<figcaption>{escape(explanation)}</figcaption></figure>"
        if figure is not None else f"<p>{escape(explanation)}</p>"
    )
    return f"<section><h2>{escape(heading)}</h2>{chart}{extra}</section>"


def _shares(counts: Counts, total: int, label: Callable[[str], str]) -> List[List[object]]:
    return [[label(code), n, words.percent(n / total)] for code, n in counts]


def _key_figures(report: Report) -> str:
    average = f"{report.rating_average:.1f} of 5" if report.rating_count else "no ratings"
    figures = [
        ("cases closed by the assistant", str(report.cases)),
        ("handoffs to a person", str(report.handoffs)),
        ("handoff rate", words.percent(report.handoff_rate)),
        ("average satisfaction", average),
    ]
    cells = "".join(f"<div><strong>{escape(v)}</strong>{escape(k)}</div>" for k, v in figures)
    return f'<section class=key aria-label="Key figures">{cells}</section>'


def _categories_section(report: Report) -> str:
    if not report.cases:
        return _section("Complaints by category over time", None, "", "No cases were closed in this period.")
    weeks = [words.week(w) for w in report.period.weeks]
    rows = [[words.category(c)] + list(n) + [sum(n)] for c, n in report.by_category.items()]
    rows.append(["all cases"] + list(report.cases_per_week) + [report.cases])
    return _section(
        "Complaints by category over time", _categories_chart(report),
        "Stacked bars: cases per week, coloured by category",
        "Each bar is one week of cases the assistant closed; each colour is one kind of complaint. "
        "A colour that grows week after week is a problem getting worse."
        + (" The last bar is this week so far." if report.period.under_way else ""),
        _numbers(["category"] + weeks + ["total"], rows),
    )


def _policies_section(report: Report, rules: Dict[str, str]) -> str:
    heading = "Policies that confuse customers most"
    if not report.policies:
        return _section(heading, None, "", "No case reached a policy in this period.")
    rows = [[p.policy_id, rules.get(p.policy_id, ""), p.cases, p.confused, words.percent(p.share)]
            for p in report.policies]
    return _section(
        heading, _policies_chart(report),
        "Horizontal bars: each policy's cases, the confusing ones in orange",
        f"Each bar is one policy's cases, orange where the case confused the customer. {CONFUSION_RULE} "
        f"Policies with the most confusing cases come first (top {TOP_POLICIES} shown): these are the rules "
        "whose wording or alternatives most need a look.",
        _numbers(["policy", "the rule", "cases", "confusing", "share"], rows),
    )


def _handoff_rate_section(report: Report) -> str:
    rate = (f"{words.count(report.handoffs, 'handoff')} for {words.count(report.cases, 'case')}: a handoff rate of "
            f"{words.percent(report.handoff_rate)} (handoffs opened divided by cases the assistant closed).")
    if not report.cases:
        return _section("Handoff rate", None, "", rate)
    return _section(
        "Handoff rate", _handoff_rate_chart(report), "Line: handoffs per 100 cases, per week",
        f"{rate} Each point is one week, labelled handoffs/cases; a gap is a week without cases"
        f"{'; the hollow point is this week so far' if report.period.under_way else ''}. "
        "A rising line means more customers need a person.",
    )


def _reasons_section(report: Report) -> str:
    return _section(
        "Why conversations went to a person", _reasons_chart(report), "Horizontal bars: handoffs by reason",
        "What sent each handoff to the desk. Many 'misunderstood' handoffs call for more training "
        "examples; many 'beyond what the assistant may grant' may call for a higher limit.",
        _numbers(["reason", "handoffs", "share"], _shares(report.handoff_reasons, report.handoffs, words.reason)),
    )


def _outcomes_section(report: Report) -> str:
    explanations, numbers = [], []
    if report.cases:
        explanations.append(
            "How the cases the assistant closed ended: 'took an alternative offered' means the customer "
            "accepted one of the assistant's alternatives (the numbers below say which)."
        )
        rows = _shares(report.assistant_outcomes, report.cases, words.assistant_outcome)
        numbers.append(_numbers(["outcome", "cases", "share"], rows, "how the assistant's cases ended"))
    if report.handoffs:
        explanations.append("How the desk finished handoffs: the outcome the agent chose for each handoff "
                            "opened in this period.")
        rows = _shares(report.desk_outcomes, report.handoffs, words.desk_outcome)
        numbers.append(_numbers(["outcome", "handoffs", "share"], rows, "how the desk finished handoffs"))
    return _section("Outcomes", _outcomes_chart(report), "Horizontal bars: how cases and handoffs ended",
                    " ".join(explanations), "".join(numbers))


def _satisfaction_section(report: Report) -> str:
    if not report.rating_count:
        return _section("Satisfaction", None, "", "No ratings in this period.")
    return _section(
        "Satisfaction", _satisfaction_chart(report), "Bars: how many customers gave each rating from 1 to 5",
        "The one-question rating customers give after an agent closes the conversation: "
        "how many gave each score, 1 (poor) to 5 (excellent).",
    )


def _sections(report: Report, rules: Dict[str, str]) -> List[str]:
    sections = [_key_figures(report), _categories_section(report), _policies_section(report, rules),
                _handoff_rate_section(report)]
    if report.handoffs:
        sections.append(_reasons_section(report))
    sections.extend([_outcomes_section(report), _satisfaction_section(report)])
    return sections


def render_html(report: Report, demo: bool = False, rules: Optional[Dict[str, str]] = None) -> str:
    """The whole page; with nothing in the period, a page that says so."""
    title = "What customers complain about"
    body = [f"<h1>{escape(title)}</h1>", f"<p class=period>{escape(describe_period(report.period))}</p>"]
    if demo:
        body.append("<p class=demo>Demo data: made up by <code>make report DEMO=1</code>, not real customers.</p>")
    if report.empty:
        body.append(f"<section><p>{escape(NOTHING_YET)}</p></section>")
    else:
        body.extend(_sections(report, rules or {}))
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        f"<title>Gracious: {escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>\n"
    )
