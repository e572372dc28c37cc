"""Serves the newest trained model to the Rasa server, so `make train` reaches it live.

Rasa pulls its model from a model server when endpoints.yml has a `models` URL:
every few seconds it asks with the fingerprint (ETag) of the model it runs, and
loads a new one only when the answer is not 304. Conversations live in the
tracker store, so a swap loses none of them. This is that server, on loopback,
inside the launcher: it serves the model `make train` chose last (scripts/model.py
touches it, so the newest file is the current one).
"""

from __future__ import annotations

import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional, Tuple

PATH = "/model"


def current_model(models: Path) -> Optional[Path]:
    """The model `make train` chose last: the newest file in ``models``."""
    found = sorted(models.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime_ns)
    return found[-1] if found else None


def fingerprint(model: Path) -> str:
    stat = model.stat()
    return f"{model.name}-{stat.st_mtime_ns}-{stat.st_size}"


class ModelServer:
    """An HTTP server on 127.0.0.1 with one path, ``/model``, in a thread of its own."""

    def __init__(self, models: Path) -> None:
        self.models = models
        handler = type("Handler", (_Handler,), {"models": models})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="model-server", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{PATH}"

    def start(self) -> "ModelServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    models: Path

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path.split("?")[0] != PATH:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        model, tag = self._model()
        if model is None:
            self.send_error(HTTPStatus.NOT_FOUND, "No trained model yet: run `make train`.")
            return
        if self.headers.get("If-None-Match") == tag:
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", tag)
            self.end_headers()
            return
        body = model.read_bytes()
        self.send_response(HTTPStatus.OK)
        self.send_header("ETag", tag)
        self.send_header("filename", model.name)
        self.send_header("Content-Type", "application/gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _model(self) -> Tuple[Optional[Path], str]:
        # scripts/model.py moves a finished archive into place, so no half-written
        # model is ever listed here.
        try:
            model = current_model(self.models)
            return (model, fingerprint(model)) if model else (None, "")
        except FileNotFoundError:  # removed between listing and reading (old models pruned)
            return None, ""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: the Rasa server polls every few seconds."""
