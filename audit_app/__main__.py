"""`python -m audit_app serve-app [--host H] [--port P]`: the web app (see `audit_app.app`).

Environment: `APP_PORT` (default 8550) and `APP_HOST` (default 127.0.0.1); data under
`AUDIT_APP_DATA_DIR` (default ./var/app)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m audit_app")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve-app", help="serve the field app for browsers (no CDN)")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "serve-app":
        from audit_app.app import run
        run(host=args.host, port=args.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
