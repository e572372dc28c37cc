"""The summary and bench.json's shape, from made-up rounds (no servers)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

from bench import report
from bench.load import Turn, actions_per_turn, custom_action_turns, socket_messages
from bench.stats import summarize


def rounds() -> List[Dict[str, Any]]:
    made = []
    for number in range(3):
        for bot, speed in (("reference", 10.0), ("gracious", 20.0 + number)):
            latencies = [1 / speed] * 50
            made.append(
                {
                    "round": number,
                    "concurrency": 20,
                    "bot": bot,
                    "position": 0,
                    **summarize(latencies, 50 / speed),
                    "errors": 0,
                }
            )
    return made


def test_summary_has_medians_per_bot_and_ratio_per_round() -> None:
    summary = report.summarize_rounds(rounds())
    entry = summary["20"]
    assert entry["reference"]["throughput"] == 10.0
    assert entry["gracious"]["throughput"] == 21.0  # median of 20, 21, 22
    assert entry["ratio_throughput_per_round"] == [2.0, 2.1, 2.2]
    assert entry["ratio_throughput_median"] == 2.1
    # Latencies: Gracious over the reference, below 1 when Gracious answers sooner.
    assert entry["ratio_p50_ms_per_round"] == [0.5, 0.476, 0.455]  # 47.6 ms and the like over 100 ms
    assert entry["ratio_p50_ms_median"] == 0.476
    assert entry["gracious"]["rounds"] == 3 and entry["gracious"]["errors"] == 0


def test_failed_turns_are_counted_by_why() -> None:
    made = rounds()
    made[1].update(errors=2, problems={"status 500": 2})
    made[3].update(errors=1, problems={"status 500": 1})
    entry = report.summarize_rounds(made)["20"]["gracious"]
    assert entry["errors"] == 3 and entry["problems"] == {"status 500": 3}
    assert "(status 500: 3)" in report.table({**results(), "rest": {"summary": {"20": {"gracious": entry}}}})


def test_summary_of_one_bot_has_no_ratio() -> None:
    summary = report.summarize_rounds([r for r in rounds() if r["bot"] == "gracious"], ("gracious",))
    assert "ratio_throughput_median" not in summary["20"]


def test_long_summary_compares_the_first_and_last_ten_turns() -> None:
    latencies = [0.05] * 10 + [0.1] * 180 + [0.15] * 9 + [None]
    summary = report.long_summary(latencies)
    assert summary["early_window"] == [1, 10] and summary["late_window"] == [191, 200]
    assert summary["early_p50_ms"] == 50.0 and summary["late_p50_ms"] == 150.0
    assert summary["late_over_early"] == 3.0
    assert summary["unanswered"] == 1 and len(summary["latencies_ms"]) == 200


def results() -> Dict[str, Any]:
    return {
        "machine": {"cores": 2, "load_before": [0.1, 0.2, 0.3], "mem_total_gb": 24.0},
        "options": {"turns": 10},
        "training": {"reference_init_and_train_s": 60.0, "gracious_scratch_s": None},
        "startup": {"reference": {"server_s": 9.0}, "gracious": {"actions_s": 3.0, "bot_s": 20.0}},
        "rest": {"summary": report.summarize_rounds(rounds()), "rounds": rounds()},
        "socketio": {
            "summary": report.summarize_rounds([r for r in rounds() if r["bot"] == "gracious"], ("gracious",)),
            "rounds": [],
        },
        "long_conversation": {
            "reference": report.long_summary([0.05] * 30),
            "gracious": report.long_summary([0.06] * 30),
        },
        "memory": {
            "reference": {"server": {"total_mb": 700.0, "processes_mb": {"1": 700.0}}},
            "gracious": {
                "bot": {"total_mb": 900.0, "processes_mb": {"2": 900.0}},
                "actions": {"total_mb": 150.0, "processes_mb": {"3": 150.0}},
            },
        },
        "where_time_goes": {
            "gracious": {
                "turn_p50_ms": 80.0,
                "nlu_parse_only_p50_ms": 20.0,
                "turn_p50_ms_by_actions_run": {"1": 50.0, "3": 120.0},
            }
        },
    }


def test_json_round_trips_with_every_section(tmp_path: Path) -> None:
    path = tmp_path / "bench.json"
    report.write_json(results(), path)
    loaded = json.loads(path.read_text())
    assert set(loaded) >= {"machine", "training", "startup", "rest", "socketio", "long_conversation", "memory"}
    entry = loaded["rest"]["summary"]["20"]
    assert set(entry["gracious"]) >= {"throughput", "p50_ms", "p95_ms", "p99_ms", "errors"}
    # What was written is read back as it was: figures, lists and all.
    assert loaded["rest"] == json.loads(json.dumps(results()["rest"]))
    assert entry["ratio_throughput_per_round"] == [2.0, 2.1, 2.2]


def test_table_names_every_figure() -> None:
    text = report.table(results())
    assert "gracious/reference: throughput x2.10" in text
    assert "together 1050 MB" in text
    assert "turns 1-10" in text and "SOCKETIO" in text
    assert "by actions run in the turn: 1: 50.0, 3: 120.0" in text


def test_chart_writes_a_png(tmp_path: Path) -> None:
    report.chart(results(), tmp_path / "bench.png")
    assert (tmp_path / "bench.png").read_bytes()[:4] == b"\x89PNG"


def test_socket_messages_split_text_at_blank_lines_like_rasa() -> None:
    replies = [{"text": "one\n\ntwo"}, {"text": "three", "buttons": [{}]}, {"image": "x.png"}]
    assert socket_messages(replies) == 4


def test_custom_action_turns_follow_user_events() -> None:
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "user"},
        {"event": "action", "name": "utter_greet"},
        {"event": "user"},
        {"event": "action", "name": "action_empathize"},
        {"event": "action", "name": "case_form"},
    ]
    assert custom_action_turns(events, ["action_empathize", "case_form"]) == [False, True]


def test_a_failed_turn_is_no_latency() -> None:
    from bench.load import RoundResult

    result = RoundResult([Turn(0, 0, 0.1, 1, True), Turn(0, 1, 60.0, 0, False, "TimeoutError")], 60.1)
    assert result.latencies == [0.1] and result.errors == 1 and result.problems == {"TimeoutError": 1}


def test_actions_per_turn_count_everything_but_listening() -> None:
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "action", "name": "action_listen"},
        {"event": "user"},
        {"event": "action", "name": "utter_greet"},
        {"event": "action", "name": "action_listen"},
        {"event": "user"},
        {"event": "action", "name": "action_empathize"},
        {"event": "action", "name": "case_form"},
        {"event": "action", "name": "action_listen"},
    ]
    assert actions_per_turn(events) == [1, 2]
