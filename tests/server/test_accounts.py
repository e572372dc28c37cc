"""python -m server.desk.accounts: desk accounts from the command line, in the records database."""

import asyncio
from typing import Iterator, List

import pytest

import server.desk.accounts
from gracious.settings import settings
from server.desk.accounts import main
from server.desk.agents import Agent
from server.desk.store import DeskStore

PASSWORD = "plum-orchard-42"


@pytest.fixture
def env_password(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GRACIOUS_AGENT_PASSWORD", PASSWORD)
    return PASSWORD


class Prompts:
    """A person at the password prompts: types ``answers`` in order, then Ctrl-D."""

    def __init__(self) -> None:
        self.answers: List[str] = []
        self.asked: List[str] = []

    def getpass(self, prompt: str) -> str:
        self.asked.append(prompt)
        if not self.answers:
            raise EOFError
        return self.answers.pop(0)


@pytest.fixture
def typed(monkeypatch: pytest.MonkeyPatch) -> Prompts:
    monkeypatch.delenv("GRACIOUS_AGENT_PASSWORD", raising=False)
    prompts = Prompts()
    monkeypatch.setattr(server.desk.accounts.getpass, "getpass", prompts.getpass)
    return prompts


@pytest.fixture
def desk() -> Iterator[DeskStore]:
    """The store the command writes to: the records database from the settings."""
    store = DeskStore(settings().records_db_url)
    yield store
    store.engine.dispose()


def sign_in(desk: DeskStore, name: str, password: str):
    return asyncio.run(desk.verify_login(name, password, "cli-test"))


def test_add_takes_the_password_from_the_environment_and_confirms_without_it(env_password, desk, capsys, tmp_path):
    assert main(["add", "Sam", "--display", "Sam Lee"]) == 0

    out, err = capsys.readouterr()
    assert (out, err) == ("Added agent sam (Sam Lee).\n", "")
    assert settings().records_db_url == f"sqlite:///{tmp_path / 'gracious.db'}"
    assert sign_in(desk, "sam", PASSWORD) == Agent(id=1, name="sam", display_name="Sam Lee")
    assert PASSWORD.encode() not in (tmp_path / "gracious.db").read_bytes()


def test_add_without_a_display_name_shows_the_login(env_password, desk, capsys):
    assert main(["add", "lee"]) == 0
    assert capsys.readouterr().out == "Added agent lee (lee).\n"
    assert asyncio.run(desk.agents()) == [Agent(id=1, name="lee", display_name="lee")]


def test_adding_a_taken_name_exits_1_with_the_reason(env_password, capsys):
    main(["add", "sam"])
    capsys.readouterr()

    assert main(["add", "SAM", "--display", "Other Sam"]) == 1
    assert capsys.readouterr() == ("", "error: An agent named 'sam' already exists.\n")


def test_a_bad_name_exits_1_before_asking_for_a_password(typed, desk, capsys):
    assert main(["add", "Sam Lee"]) == 1
    assert capsys.readouterr().err == "error: An agent name is 2-40 characters of a-z, 0-9, '.', '_' or '-'.\n"
    assert typed.asked == []
    assert asyncio.run(desk.agents()) == []


def test_a_short_password_exits_1_and_adds_nobody(monkeypatch, desk, capsys):
    monkeypatch.setenv("GRACIOUS_AGENT_PASSWORD", "short")
    assert main(["add", "sam"]) == 1
    assert capsys.readouterr() == ("", "error: A password needs at least 10 characters.\n")
    assert asyncio.run(desk.agents()) == []


def test_without_the_environment_the_password_is_asked_twice(typed, desk, capsys):
    typed.answers.extend([PASSWORD, PASSWORD])
    assert main(["add", "sam"]) == 0
    assert typed.asked == ["Password: ", "Password again: "]
    assert PASSWORD not in capsys.readouterr().out
    assert sign_in(desk, "sam", PASSWORD) == Agent(id=1, name="sam", display_name="sam")


def test_two_different_passwords_at_the_prompts_change_nothing(typed, desk, capsys):
    typed.answers.extend([PASSWORD, PASSWORD + "!"])
    assert main(["add", "sam"]) == 1
    assert capsys.readouterr() == ("", "error: The two passwords differ; nothing was changed.\n")
    assert asyncio.run(desk.agents()) == []


def test_password_sets_a_new_password_for_an_existing_agent(typed, desk, capsys):
    asyncio.run(desk.add_agent("sam", "Sam Lee", PASSWORD))
    typed.answers.extend(["a-brand-new-secret", "a-brand-new-secret"])

    assert main(["password", "Sam"]) == 0
    assert capsys.readouterr() == ("Password changed for sam.\n", "")
    assert sign_in(desk, "sam", PASSWORD) is None
    assert sign_in(desk, "sam", "a-brand-new-secret") == Agent(id=1, name="sam", display_name="Sam Lee")


def test_password_for_an_unknown_agent_exits_1(env_password, capsys):
    assert main(["password", "nobody"]) == 1
    assert capsys.readouterr() == ("", "error: There is no agent named 'nobody'.\n")


def test_an_unfinished_prompt_exits_1_and_changes_nothing(typed, desk, capsys):
    assert main(["add", "sam"]) == 1
    assert capsys.readouterr().err == "error: no password given; nothing was changed.\n"
    assert typed.asked == ["Password: "]
    assert asyncio.run(desk.agents()) == []
