"""The report's charts, drawn with matplotlib and returned as PNG ``data:`` URIs.

Each chart function takes the counted report and returns a figure; ``png`` makes it
the image the page embeds, so the page loads nothing from anywhere.
"""

from __future__ import annotations

import base64
import io
from typing import Callable

import matplotlib
from matplotlib.figure import Figure  # Figure renders with Agg itself: no pyplot, no display

from studio import report_words as words
from studio.report_counts import Counts, Report

TOP_POLICIES = 10
TOOK = "\x00took"  # can't clash with an outcome code from the database


def _text(value: object) -> str:
    # A "$" would start matplotlib's math mode, and an unmatched one fails the drawing.
    return str(value).replace("$", r"\$")


def png(figure: Figure) -> str:
    """The figure as a PNG ``data:`` URI."""
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


def categories_chart(report: Report) -> Figure:
    figure = _figure(4.4)
    axes = figure.subplots()
    labels = [words.week(w) for w in report.period.weeks]
    bottom = [0] * len(labels)
    palette = matplotlib.colormaps["tab10" if len(report.by_category) <= 10 else "tab20"]
    for i, (code, weeks) in enumerate(report.by_category.items()):
        axes.bar(labels, weeks, bottom=bottom, label=_text(words.category(code)), color=palette(i % palette.N))
        bottom = [b + n for b, n in zip(bottom, weeks, strict=True)]
    axes.set_title("Complaints by category, per week")
    axes.set_xlabel("week starting")
    axes.set_ylabel("cases closed by the assistant")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize="small")
    _tidy(axes)
    return figure


def policies_chart(report: Report) -> Figure:
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


def handoff_rate_chart(report: Report) -> Figure:
    figure = _figure(3.6)
    axes = figure.subplots()
    labels = [words.week(w) for w in report.period.weeks]
    rates = [
        100 * h / c if c else float("nan") for h, c in zip(report.handoffs_per_week, report.cases_per_week, strict=True)
    ]
    whole = len(labels) - 1 if report.period.under_way else len(labels)
    axes.plot(labels[:whole], rates[:whole], marker="o", color="#2d5fa8")
    if whole < len(labels):  # this week so far: few cases, so drawn apart and hollow
        axes.plot(labels[-2:], rates[-2:], linestyle=":", color="#2d5fa8")
        axes.plot(labels[-1:], rates[-1:], marker="o", markerfacecolor="white", color="#2d5fa8")
    for x, (rate, h, c) in enumerate(zip(rates, report.handoffs_per_week, report.cases_per_week, strict=True)):
        if c:
            axes.annotate(
                f"{h}/{c}", (x, rate), textcoords="offset points", xytext=(0, 7), ha="center", fontsize="small"
            )
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


def reasons_chart(report: Report) -> Figure:
    figure = _figure(0.9 + 0.42 * len(report.handoff_reasons))
    _bars(
        figure.subplots(),
        report.handoff_reasons,
        words.reason,
        "#2d5fa8",
        "Why conversations went to a person",
        "handoffs",
    )
    return figure


def _grouped(counts: Counts) -> Counts:
    """Every alternative taken as one bar: the chart answers "solved or not", the table says which."""
    took = sum(n for code, n in counts if code not in words.ASSISTANT_OUTCOMES)
    kept = [(code, n) for code, n in counts if code in words.ASSISTANT_OUTCOMES]
    return tuple(sorted(kept + ([(TOOK, took)] if took else []), key=lambda item: (-item[1], item[0])))


def _outcome_label(code: str) -> str:
    return "took an alternative offered" if code == TOOK else words.assistant_outcome(code)


def outcomes_chart(report: Report) -> Figure:
    panels = []
    if report.cases:
        panels.append(
            (_grouped(report.assistant_outcomes), _outcome_label, "#3f9142", "How the assistant's cases ended", "cases")
        )
    if report.handoffs:
        panels.append(
            (report.desk_outcomes, words.desk_outcome, "#7b61a8", "How the desk finished handoffs", "handoffs")
        )
    rows = max(len(p[0]) for p in panels)
    figure = _figure(1.0 + 0.42 * rows)
    for axes, panel in zip(figure.subplots(1, len(panels), squeeze=False)[0], panels, strict=True):
        _bars(axes, *panel)
    figure.subplots_adjust(wspace=0.9)
    return figure


def satisfaction_chart(report: Report) -> Figure:
    figure = _figure(3.4)
    axes = figure.subplots()
    stars = [f"{n} of 5" for n in range(1, 6)]
    axes.bar(stars, report.ratings, color=["#c23030", "#e0703a", "#d9b02b", "#7cb342", "#3f9142"])
    for x, n in enumerate(report.ratings):
        axes.text(x, n, str(n), ha="center", va="bottom", fontsize="small")
    axes.set_title(
        f"Satisfaction: average {report.rating_average:.1f} of 5 from {words.count(report.rating_count, 'rating')}"
    )
    axes.set_xlabel("rating the customer gave after the desk closed the conversation")
    axes.set_ylabel("ratings")
    axes.yaxis.get_major_locator().set_params(integer=True)
    _tidy(axes)
    return figure
