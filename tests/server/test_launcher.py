"""The launcher's commands: the HTTP API exists only with a token."""

from pathlib import Path

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
