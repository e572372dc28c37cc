"""The manager's report as one self-contained HTML page with its charts (studio/report_charts.py).

The charts are PNGs inside the page (``data:`` URIs) and the styles are inline, so
the file can be mailed or opened offline: the page loads nothing from anywhere, and
its Content-Security-Policy says so. Every value from the database is escaped.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from matplotlib.figure import Figure

from gracious.catalog import CatalogError, load_catalog
from studio import report_charts as charts
from studio import report_words as words
from studio.report_counts import CONFUSION_RULE, Report
from studio.report_text import NOTHING_YET, describe_period

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
        return {policy.id: policy.rule for policy in load_catalog(catalog_path).policies}
    except (CatalogError, OSError):
        return {}


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th scope=col>{escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<div class=scroll><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"


def _numbers(headers: Sequence[str], rows: Sequence[Sequence[object]], what: str = "") -> str:
    summary = escape(f"The numbers: {what}" if what else "The numbers")
    return f"<details><summary>{summary}</summary>{_table(headers, rows)}</details>"


def _section(heading: str, figure: Optional[Figure], alt: str, explanation: str, extra: str = "") -> str:
    chart = (
        f'<figure><img src="{charts.png(figure)}" alt="{escape(alt)}">'
        f"<figcaption>{escape(explanation)}</figcaption></figure>"
        if figure is not None
        else f"<p>{escape(explanation)}</p>"
    )
    return f"<section><h2>{escape(heading)}</h2>{chart}{extra}</section>"


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
        "Complaints by category over time",
        charts.categories_chart(report),
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
    rows = [
        [p.policy_id, rules.get(p.policy_id, ""), p.cases, p.confused, words.percent(p.share)] for p in report.policies
    ]
    return _section(
        heading,
        charts.policies_chart(report),
        "Horizontal bars: each policy's cases, the confusing ones in orange",
        f"Each bar is one policy's cases, orange where the case confused the customer. {CONFUSION_RULE} "
        f"Policies with the most confusing cases come first (top {charts.TOP_POLICIES} shown): these are the rules "
        "whose wording or alternatives most need a look.",
        _numbers(["policy", "the rule", "cases", "confusing", "share"], rows),
    )


def _handoff_rate_section(report: Report) -> str:
    rate = (
        f"{words.count(report.handoffs, 'handoff')} for {words.count(report.cases, 'case')}: a handoff rate of "
        f"{words.percent(report.handoff_rate)} (handoffs opened divided by cases the assistant closed)."
    )
    if not report.cases:
        return _section("Handoff rate", None, "", rate)
    return _section(
        "Handoff rate",
        charts.handoff_rate_chart(report),
        "Line: handoffs per 100 cases, per week",
        f"{rate} Each point is one week, labelled handoffs/cases; a gap is a week without cases"
        f"{'; the hollow point is this week so far' if report.period.under_way else ''}. "
        "A rising line means more customers need a person.",
    )


def _reasons_section(report: Report) -> str:
    return _section(
        "Why conversations went to a person",
        charts.reasons_chart(report),
        "Horizontal bars: handoffs by reason",
        "What sent each handoff to the desk. Many 'misunderstood' handoffs call for more training "
        "examples; many 'beyond what the assistant may grant' may call for a higher limit.",
        _numbers(["reason", "handoffs", "share"], words.shares(report.handoff_reasons, report.handoffs, words.reason)),
    )


def _outcomes_section(report: Report) -> str:
    explanations, numbers = [], []
    if report.cases:
        explanations.append(
            "How the cases the assistant closed ended: 'took an alternative offered' means the customer "
            "accepted one of the assistant's alternatives (the numbers below say which)."
        )
        rows = words.shares(report.assistant_outcomes, report.cases, words.assistant_outcome)
        numbers.append(_numbers(["outcome", "cases", "share"], rows, "how the assistant's cases ended"))
    if report.handoffs:
        explanations.append(
            "How the desk finished handoffs: the outcome the agent chose for each handoff opened in this period."
        )
        rows = words.shares(report.desk_outcomes, report.handoffs, words.desk_outcome)
        numbers.append(_numbers(["outcome", "handoffs", "share"], rows, "how the desk finished handoffs"))
    return _section(
        "Outcomes",
        charts.outcomes_chart(report),
        "Horizontal bars: how cases and handoffs ended",
        " ".join(explanations),
        "".join(numbers),
    )


def _satisfaction_section(report: Report) -> str:
    if not report.rating_count:
        return _section("Satisfaction", None, "", "No ratings in this period.")
    return _section(
        "Satisfaction",
        charts.satisfaction_chart(report),
        "Bars: how many customers gave each rating from 1 to 5",
        "The one-question rating customers give after an agent closes the conversation: "
        "how many gave each score, 1 (poor) to 5 (excellent).",
    )


def _sections(report: Report, rules: Dict[str, str]) -> List[str]:
    sections = [
        _key_figures(report),
        _categories_section(report),
        _policies_section(report, rules),
        _handoff_rate_section(report),
    ]
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
