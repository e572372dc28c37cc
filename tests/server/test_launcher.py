"""The launchers: the HTTP API exists only with a token, the action server only with
its secret, and nginx's configuration says what the domain says."""

import json
import re
from pathlib import Path

import pytest

from launch.cluster.nginx import nginx_config, quoted
from launch.launcher import runtime_env, server_commands

MODEL = Path("models/m.tar.gz")


def test_without_a_token_the_http_api_is_off(monkeypatch):
    monkeypatch.delenv("RASA_AUTH_TOKEN", raising=False)
    bot = server_commands(MODEL, runtime_env({"BOT_PORT": "5005"}))["bot"]
    assert "--enable-api" not in bot and "--auth-token" not in bot
    assert bot[bot.index("--port") + 1] == "5005"


def test_with_a_token_the_http_api_is_on_and_protected(monkeypatch):
    monkeypatch.setenv("RASA_AUTH_TOKEN", "s3cret")
    bot = server_commands(MODEL, runtime_env())["bot"]
    assert "--enable-api" in bot
    assert bot[bot.index("--auth-token") + 1] == "s3cret"


def test_defaults_give_the_contract_port_and_sqlite_files(monkeypatch, tmp_path):
    for name in ("BOT_PORT", "ACTION_PORT", "GRACIOUS_ACTION_URL", "GRACIOUS_TRACKER_DB_URL"):
        monkeypatch.delenv(name, raising=False)
    env = runtime_env({"GRACIOUS_VAR_DIR": str(tmp_path)})
    assert env["BOT_PORT"] == "5005"
    assert env["GRACIOUS_ACTION_URL"] == "http://127.0.0.1:5055/webhook"
    assert env["GRACIOUS_TRACKER_DB_URL"] == f"sqlite:///{tmp_path / 'tracker.db'}"


# -- the launcher and the action server -------------------------------------------------


def test_the_launcher_gives_both_servers_one_action_token(monkeypatch, tmp_path):
    monkeypatch.delenv("GRACIOUS_ACTION_TOKEN", raising=False)
    env = runtime_env({"GRACIOUS_VAR_DIR": str(tmp_path)})
    assert len(env["GRACIOUS_ACTION_TOKEN"]) >= 40
    assert runtime_env({"GRACIOUS_VAR_DIR": str(tmp_path)})["GRACIOUS_ACTION_TOKEN"] != env["GRACIOUS_ACTION_TOKEN"]
    monkeypatch.setenv("GRACIOUS_ACTION_TOKEN", "given")
    assert runtime_env({"GRACIOUS_VAR_DIR": str(tmp_path)})["GRACIOUS_ACTION_TOKEN"] == "given"


def test_the_action_server_command_is_ours_not_rasa_run_actions(tmp_path):
    env = runtime_env({"GRACIOUS_VAR_DIR": str(tmp_path), "ACTION_PORT": "5055"})
    actions = server_commands(Path("models/m.tar.gz"), env)["actions"]
    assert actions[1:3] == ["-m", "launch.action_server"]
    assert actions[actions.index("--port") + 1] == "5055"
    assert "run" not in actions


def test_the_action_server_does_not_start_without_a_token(monkeypatch):
    from launch.action_server import create_app, main

    with pytest.raises(ValueError):
        create_app("")
    monkeypatch.delenv("GRACIOUS_ACTION_TOKEN", raising=False)
    with pytest.raises(SystemExit, match="GRACIOUS_ACTION_TOKEN"):
        main(["--port", "1"])


def test_endpoints_send_the_token_header():
    import yaml

    endpoints = yaml.safe_load((Path(__file__).resolve().parents[2] / "endpoints.yml").read_text())
    assert endpoints["action_endpoint"]["headers"] == {"X-Gracious-Action-Token": "${GRACIOUS_ACTION_TOKEN}"}


def test_nginx_reads_the_refusals_literally():
    assert quoted(r"""{"message": "We've \ it"}""") == r"""'{"message": "We\'ve \\ it"}'"""
    with pytest.raises(ValueError, match="variable"):
        quoted("costs $5")


def test_nginx_answers_customers_in_the_domains_words(domain, tmp_path):
    config = nginx_config(5080, [5001, 5002], tmp_path, "a-proxy-secret-of-ours")
    bodies = [json.loads(body.replace("\\'", "'").replace("\\\\", "\\")) for body in re.findall(r"'(\{.*\})';", config)]
    said = {body["error"]: body["message"] for body in bodies}
    assert said["unavailable"] == domain["responses"]["utter_connection_lost"][0]["text"]
    too_large = [body["message"] for body in bodies if body["error"] == "too_large"]
    template = domain["responses"]["utter_refused_too_large"][0]["text"]
    assert too_large == [template.replace("{max_size}", "64 KB"), template.replace("{max_size}", "512 MB")]
    assert "server 127.0.0.1:5001 " in config and "server 127.0.0.1:5002 " in config
