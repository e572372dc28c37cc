"""The benchmark's arithmetic: percentiles, medians over rounds, ratios, round order."""

from __future__ import annotations

import pytest

from bench.stats import median_of, percentile, ratio, round_order, summarize, window


def test_percentile_interpolates_like_numpy() -> None:
    values = [0.4, 0.1, 0.3, 0.2, 0.5]
    assert percentile(values, 50) == pytest.approx(0.3)
    assert percentile(values, 0) == pytest.approx(0.1)
    assert percentile(values, 100) == pytest.approx(0.5)
    assert percentile(values, 95) == pytest.approx(0.48)  # numpy.percentile gives 0.48
    assert percentile([1.0, 2.0], 50) == pytest.approx(1.5)


def test_percentile_of_nothing_is_none() -> None:
    assert percentile([], 50) is None


def test_summarize_gives_throughput_and_percentiles_in_ms() -> None:
    summary = summarize([0.1] * 99 + [1.0], duration_s=10.0)
    assert summary["messages"] == 100
    assert summary["throughput"] == 10.0
    assert summary["p50_ms"] == 100.0
    assert summary["p99_ms"] == pytest.approx(109.0)


def test_summarize_of_an_empty_round_has_no_percentiles() -> None:
    summary = summarize([], duration_s=1.0)
    assert summary["throughput"] == 0.0 and summary["p50_ms"] is None


def test_median_skips_missing_values() -> None:
    assert median_of([3.0, None, 1.0, 2.0]) == 2.0
    assert median_of([None]) is None


def test_ratio_is_none_without_both_figures() -> None:
    assert ratio(80.0, 40.0) == 2.0
    assert ratio(None, 40.0) is None
    assert ratio(80.0, 0.0) is None


def test_rounds_alternate_which_bot_goes_first() -> None:
    assert round_order(3) == [("reference", "gracious"), ("gracious", "reference"), ("reference", "gracious")]
    order = round_order(4)
    assert sum(1 for first, _ in order if first == "gracious") == 2


def test_window_counts_turns_from_one() -> None:
    values = list(range(1, 201))
    assert window(values, 1, 10) == list(range(1, 11))
    assert window(values, 191, 200) == list(range(191, 201))
