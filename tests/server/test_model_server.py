"""The model server: Rasa's protocol (ETag, 304) over the newest model in a folder."""

import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, Optional, Tuple

import pytest
import yaml

from launch.launcher import MODEL_PULL_SECONDS, live_endpoints
from launch.model_server import ModelServer


@pytest.fixture
def served(tmp_path: Path):
    server = ModelServer(tmp_path).start()
    yield tmp_path, server
    server.stop()


def get(url: str, etag: Optional[str] = None) -> Tuple[int, Dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"If-None-Match": etag} if etag else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), b""


def test_no_model_yet_is_a_404_rasa_retries_later(served):
    _, server = served
    assert get(server.url)[0] == 404


def test_the_newest_model_is_served_with_its_fingerprint_and_name(served):
    models, server = served
    (models / "gracious-old.tar.gz").write_bytes(b"old")
    os.utime(models / "gracious-old.tar.gz", ns=(1_000_000_000, 1_000_000_000))
    (models / "gracious-new.tar.gz").write_bytes(b"new model")
    status, headers, body = get(server.url)
    assert status == 200 and body == b"new model"
    assert headers["filename"] == "gracious-new.tar.gz"
    assert headers["ETag"].startswith("gracious-new.tar.gz-")


def test_the_same_model_again_is_not_modified(served):
    models, server = served
    (models / "gracious-a.tar.gz").write_bytes(b"a")
    etag = get(server.url)[1]["ETag"]
    status, headers, body = get(server.url, etag)
    assert (status, body, headers["ETag"]) == (304, b"", etag)


def test_a_model_trained_later_changes_the_fingerprint(served):
    models, server = served
    (models / "gracious-a.tar.gz").write_bytes(b"a")
    etag = get(server.url)[1]["ETag"]
    later = models / "gracious-b.tar.gz"
    later.write_bytes(b"b")
    os.utime(later, ns=(2**62, 2**62))
    status, headers, body = get(server.url, etag)
    assert status == 200 and body == b"b" and headers["ETag"] != etag


def test_half_written_models_in_the_staging_folder_are_never_served(served):
    models, server = served
    (models / ".training-gracious-x").mkdir()
    (models / ".training-gracious-x" / "gracious-x.tar.gz").write_bytes(b"partial")
    assert get(server.url)[0] == 404


def test_only_the_model_path_is_served(served):
    models, server = served
    (models / "gracious-a.tar.gz").write_bytes(b"a")
    assert get(server.url.replace("/model", "/etc/passwd"))[0] == 404


def test_live_endpoints_add_the_model_server_and_keep_the_rest(tmp_path):
    path = live_endpoints("http://127.0.0.1:9/model", tmp_path)
    endpoints = yaml.safe_load(path.read_text())
    assert endpoints["models"] == {"url": "http://127.0.0.1:9/model", "wait_time_between_pulls": MODEL_PULL_SECONDS}
    assert endpoints["action_endpoint"] == {
        "url": "${GRACIOUS_ACTION_URL}",
        "headers": {"X-Gracious-Action-Token": "${GRACIOUS_ACTION_TOKEN}"},
    }
    assert endpoints["tracker_store"]["url"] == "${GRACIOUS_TRACKER_DB_URL}"
