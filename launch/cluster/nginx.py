"""The cluster's nginx configuration, with what nginx itself says to customers from domain.yml.

nginx answers on its own in two cases: every instance is away (503), and a body
is larger than it passes on (413). Those answers are the channels' JSON refusals
(server/channels/refusals.py), worded by domain.yml's responses, rendered when
the configuration is written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import List

from server.channels.refusals import TOO_LARGE, size_words
from server.channels.wording import text

# Bodies nginx passes on: customers and agents send little; a model upload is large.
MAX_BODY = 64 * 1024
MAX_MODEL_BODY = 512 * 1024 * 1024
# nginx waits this long for an instance's answer; the channels answer well before.
PROXY_READ_SECONDS = 75
CONNECTION_LOST = "utter_connection_lost"
# The proxy secret goes into a Forwarded header as a token: no quotes, separators or '$'.
SECRET = re.compile(r"[A-Za-z0-9._~-]{16,200}")

TEMPLATE = """\
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/logs/error.log warn;
events {{ worker_connections 4096; }}
http {{
    # No bodies and no query strings in the log: customer text never reaches it.
    log_format gracious '$remote_addr [$time_local] "$request_method $uri" $status $body_bytes_sent $upstream_addr $request_time';
    access_log {workdir}/logs/access.log gracious;
    client_body_temp_path {workdir}/client_body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/proxy;
    uwsgi_temp_path {workdir}/proxy;
    scgi_temp_path {workdir}/proxy;
    client_max_body_size {max_body};
    server_tokens off;

    # Sticky sessions: a browser (the widget's cookie) stays on one instance, so
    # socket.io's polling and upgrade requests meet the same server. Requests
    # without the cookie (REST clients) spread over all instances.
    map $cookie_gracious_browser $sticky {{
        "" $request_id;
        default $cookie_gracious_browser;
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        "" "";
    }}
    # The 413 names the limit of the location refused.
    map $uri $too_large {{
        default {too_large};
        /model {model_too_large};
    }}
    upstream gracious {{
        hash $sticky consistent;
{servers}
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        proxy_http_version 1.1;
        proxy_set_header Host $http_host;
        # The instances take the client's address and scheme only from this header, which
        # replaces any Forwarded header a client sent: its secret is known to us alone
        # (GRACIOUS_PROXY_SECRET, Sanic's FORWARDED_SECRET). X-Forwarded-For is never read.
        proxy_set_header Forwarded {forwarded};
        proxy_set_header X-Forwarded-For "";
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_read_timeout {read_seconds}s;
        # An instance that refuses the connection is skipped; a request already
        # handed to one that then died is not replayed elsewhere (the client may
        # retry it with the same message_id, which is answered once).
        proxy_next_upstream error timeout;
        proxy_next_upstream_tries 3;
        proxy_intercept_errors off;
        error_page 502 503 504 = @unavailable;
        error_page 413 = @too_large;

        location / {{
            proxy_pass http://gracious;
        }}
        location = /model {{
            client_max_body_size {max_model_body};
            proxy_pass http://gracious;
        }}
        location @unavailable {{
            default_type application/json;
            return 503 {unavailable};
        }}
        location @too_large {{
            default_type application/json;
            return 413 $too_large;
        }}
    }}
}}
"""


def quoted(value: str) -> str:
    """``value`` as an nginx single-quoted string, taken literally."""
    if "$" in value:
        raise ValueError(f"nginx would read a variable in {value!r}: reword it without '$'")
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def refusal(error: str, key: str, **values: str) -> str:
    """A refusal's JSON body, worded by domain.yml's response ``key``, quoted for nginx."""
    return quoted(json.dumps({"error": error, "message": text(key, **values)}))


def forwarded(proxy_secret: str) -> str:
    """The Forwarded header nginx sends each instance: the client's address, the scheme, the secret."""
    if not SECRET.fullmatch(proxy_secret):
        raise ValueError("GRACIOUS_PROXY_SECRET must be 16-200 characters of A-Z, a-z, 0-9, '.', '_', '~' or '-'")
    return f'"for=\\"$remote_addr\\";proto=$scheme;secret={proxy_secret}"'


def nginx_config(port: int, instance_ports: List[int], workdir: Path, proxy_secret: str) -> str:
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=3s;" for p in instance_ports)
    return TEMPLATE.format(
        workdir=workdir,
        servers=servers,
        port=port,
        max_body=f"{MAX_BODY // 1024}k",
        max_model_body=f"{MAX_MODEL_BODY // (1024 * 1024)}m",
        read_seconds=PROXY_READ_SECONDS,
        forwarded=forwarded(proxy_secret),
        unavailable=refusal("unavailable", CONNECTION_LOST),
        too_large=refusal("too_large", TOO_LARGE, max_size=size_words(MAX_BODY)),
        model_too_large=refusal("too_large", TOO_LARGE, max_size=size_words(MAX_MODEL_BODY)),
    )
