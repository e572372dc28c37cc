"""The action server: rasa_sdk's, on loopback, answering only the Rasa server.

    python -m launch.action_server --port 5055 [--actions actions]

rasa_sdk has no authentication of its own, and ``rasa run actions`` listens on
every interface: anyone who reaches the port could run any action with a forged
tracker (grant credits, book callbacks, read records). Here the same app
(``rasa_sdk.endpoint.create_app``) listens on 127.0.0.1 (``GRACIOUS_ACTION_HOST``
to change it), and every route but ``/health`` needs the header
``X-Gracious-Action-Token`` equal to ``GRACIOUS_ACTION_TOKEN``, a secret the
launcher makes for both servers; the Rasa server sends it from endpoints.yml.

rasa_sdk's error handler logs, and answers with, the whole request body: the
tracker, with everything the customer said. Errors here are logged without any
message text, and answered without the body.
"""

from __future__ import annotations

import hmac
import logging
import sys
from typing import Any, Optional, Text

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app as create_sdk_app
from rasa_sdk.endpoint import create_argument_parser
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from gracious.catalog import keep_first_catalog
from gracious.settings import settings
from server.channels.failures import DESIGNERS_MISTAKE, DESIGNERS_MISTAKES, log_failure

logger = logging.getLogger(__name__)

TOKEN_HEADER = "X-Gracious-Action-Token"
TOKEN_ENV = "GRACIOUS_ACTION_TOKEN"
OPEN_PATHS = ("/health",)


def create_app(token: Text, actions: Any = "actions") -> Sanic:
    """rasa_sdk's action server app, refusing every call without the shared token."""
    if not token:
        raise ValueError(f"{TOKEN_ENV} is empty: the action server needs a shared secret")
    expected = token.encode()
    # No CORS: only the Rasa server calls this, never a browser.
    app = create_sdk_app(actions, cors_origins=None)

    @app.middleware("request")
    async def require_token(request: Request) -> Optional[HTTPResponse]:
        if request.path in OPEN_PATHS:
            return None
        given = (request.headers.get(TOKEN_HEADER) or "").encode()
        if hmac.compare_digest(given, expected):
            return None
        return response.json(
            {"error": "unauthorized", "message": "This action server only answers the assistant it belongs to."},
            status=401,
        )

    @app.exception(Exception)
    async def on_error(request: Request, exception: Exception) -> HTTPResponse:
        # Replaces rasa_sdk's handler, which logs and echoes the request body.
        if isinstance(exception, SanicException):
            status = getattr(exception, "status_code", 500) or 500
            return response.json(
                {"error": "request_failed", "message": "The request could not be handled."}, status=status
            )
        log_failure(logger, f"An action failed ({request.method} {request.path}; customer text not logged).", exception)
        if isinstance(exception, DESIGNERS_MISTAKES):  # logged once, as file:line: problem — fix
            return response.json(
                {"error": DESIGNERS_MISTAKE, "message": "A designer's file has a mistake."}, status=500
            )
        return response.json(
            {"error": "action_failed", "message": "The action failed on the action server."}, status=500
        )

    @app.listener("before_server_start")
    async def read_the_catalog(app: Sanic, loop: Any) -> None:
        keep_first_catalog()  # a catalog edit refused later falls back on this version (gracious/catalog.py)

    # Whatever rasa_sdk plugins add (rasa_sdk.endpoint.run does the same).
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    return app


def main(argv: Optional[list] = None) -> None:
    parser = create_argument_parser()
    parser.description = __doc__.splitlines()[0]
    args = parser.parse_args(argv)
    token = settings().action_token
    if not token:
        sys.exit(
            f"error: set {TOKEN_ENV} (launch/launcher.py does): the action server answers only callers that send it"
        )
    logging.getLogger("matplotlib").setLevel(logging.WARN)
    utils.configure_colored_logging(args.loglevel)
    utils.update_sanic_log_level()
    host = settings().action_host
    app = create_app(token, args.actions)
    logger.info(f"Action server listening on http://{host}:{args.port} (calls need the {TOKEN_HEADER} header)")
    app.run(host, int(args.port), workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
