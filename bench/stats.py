"""The arithmetic of the benchmark: percentiles, medians over rounds, ratios, round order."""

from __future__ import annotations

import math
import statistics
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

PERCENTILES = (50, 95, 99)


def percentile(values: Sequence[float], q: float) -> Optional[float]:
    """The q-th percentile by linear interpolation (numpy's default), None if empty.

    Args:
        values: the samples, in any order.
        q: the percentile, 0 to 100.
    """
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(latencies_s: Sequence[float], duration_s: float) -> Dict[str, Optional[float]]:
    """Throughput and latency percentiles (in ms) of one round."""
    summary: Dict[str, Optional[float]] = {
        "messages": len(latencies_s),
        "duration_s": round(duration_s, 3),
        "throughput": round(len(latencies_s) / duration_s, 2) if duration_s > 0 else None,
    }
    for q in PERCENTILES:
        value = percentile(latencies_s, q)
        summary[f"p{q}_ms"] = None if value is None else round(value * 1000, 1)
    return summary


def median_of(values: Iterable[Optional[float]]) -> Optional[float]:
    """The median of the values that exist, None if none does."""
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 3) if present else None


def ratio(numerator: Optional[float], denominator: Optional[float]) -> Optional[float]:
    """numerator / denominator, None when either is missing or the denominator is 0."""
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 3)


def round_order(rounds: int, bots: Tuple[str, str] = ("reference", "gracious")) -> List[Tuple[str, str]]:
    """Which bot goes first in each round: alternating, so neither always runs warm or cold."""
    first, second = bots
    return [(first, second) if r % 2 == 0 else (second, first) for r in range(rounds)]


def window(values: Sequence[float], first_turn: int, last_turn: int) -> List[float]:
    """The values of turns first_turn..last_turn, counting turns from 1."""
    return list(values[first_turn - 1 : last_turn])
