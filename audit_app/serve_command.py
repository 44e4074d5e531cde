"""`python -m audit_app serve-app [--host H] [--port P]`: the field app for browsers.

Environment: `APP_PORT` (default 8550; `FLET_SERVER_PORT` also works), `APP_HOST` (default
127.0.0.1), data under `AUDIT_APP_DATA_DIR` (default ./var/app) or `FLET_APP_STORAGE_DATA`."""

from __future__ import annotations

import argparse
import logging


def register(commands) -> None:
    serve = commands.add_parser("serve-app", help="serve the field app for browsers (offline: no CDN)")
    serve.add_argument("--host", default=None, help="default $APP_HOST or 127.0.0.1")
    serve.add_argument("--port", type=int, default=None, help="default $APP_PORT or 8550")
    serve.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    # The app's own notes (a session opening, a browser call sent again) go to stderr, which
    # `make run` and the tests keep as the app server's log; other libraries only warn.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("audit_app").setLevel(logging.INFO)
    from audit_app.web_server import run  # flet is imported only when the app is served
    run(host=args.host, port=args.port)
    return 0
