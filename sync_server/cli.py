"""`audit-server`: serve, create-user, revoke-user, enrol, demo. Each command calls the library
functions a program would (`prepare_database`, `create_user`, `revoke_user`, `issue_code`)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Mapping, Sequence

from sqlalchemy.orm import Session

from audit_app.domain import ChecklistError

from .accounts import ROLES, AccountError, create_user, revoke_user
from .app import create_app, prepare_database
from .blob_store import BlobStoreUnavailable
from .db import make_engine, make_session_factory, startup_lock, upgrade
from .enrolment import enrolment_link, issue_code
from .settings import Settings, settings_from_env


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="audit-server", description="Field Audit sync server.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="migrate the database, load checklists, serve the API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--workers", type=int, default=1,
                       help="worker processes (default 1); settings come from the environment")
    create = commands.add_parser("create-user", help="create a user and print their token once")
    create.add_argument("name")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--region", default=None, help="managers: see only this region's sites")
    revoke = commands.add_parser("revoke-user", help="revoke a user's token and every device's")
    revoke.add_argument("name")
    enrol = commands.add_parser("enrol", help="print a one-time code (and app link) enrolling a "
                                              "device for a user")
    enrol.add_argument("name")
    _link_options(enrol)
    demo = commands.add_parser("demo", help="add demo sites, staff, users and visits; print logins")
    demo.add_argument("--visits", type=int, default=300, help="how many demo visits (default 300)")
    demo.add_argument("--today", type=dt.date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                      help="the last date of the demo visits (default: this machine's date, the "
                           "date the app on it reports up to)")
    _link_options(demo)
    commands.add_parser("migrate-photos", help="copy the photos on this node's disk into the "
                                               "S3 bucket the settings name (resumable, verified)")
    return parser


def _link_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--app-url", default=DEFAULT_APP_URL,
                        help=f"the field app's address, for the link (default {DEFAULT_APP_URL})")
    parser.add_argument("--server-url", default=DEFAULT_SERVER_URL,
                        help=f"this server's address as the app reaches it (default {DEFAULT_SERVER_URL})")


DEFAULT_APP_URL = "http://127.0.0.1:8550"
DEFAULT_SERVER_URL = "http://127.0.0.1:8080"


def _enrol(session: Session, name: str, app_url: str, server_url: str) -> None:
    issued = issue_code(session, name, dt.datetime.now(dt.UTC))
    scope = f", region {issued.region}" if issued.region else ""
    print(f"Enrolment code 注册码 for {name} ({issued.role}{scope}): single use, valid until "
          f"{issued.expires_at:%Y-%m-%d %H:%M} UTC 一次性，24 小时内有效")
    print(f"code: {issued.code}")
    print(f"link: {enrolment_link(app_url, server_url, issued.code)}")


def _serve(settings: Settings, host: str, port: int, workers: int) -> int:
    import uvicorn  # only the serve command needs it

    added = prepare_database(settings)
    for checklist in added:
        print(f"loaded checklist {checklist}")
    if workers > 1:
        # Each worker process builds its own app (and engine) from the same environment.
        uvicorn.run("sync_server.app:app_from_environment", factory=True, host=host, port=port,
                    workers=workers)
    else:
        uvicorn.run(create_app(settings), host=host, port=port)
    return 0


def _demo(settings: Settings, visits: int, today: dt.date | None, app_url: str, server_url: str) -> int:
    from .demo import DemoError, describe, load_demo  # only this command needs it

    try:
        result = load_demo(settings, visits=visits, now=dt.datetime.now(dt.UTC),
                           today=today or dt.date.today())
        print(describe(result, app_url=app_url, server_url=server_url))
    except DemoError as exc:
        print(f"audit-server: {exc}", file=sys.stderr)
        return 1
    return 0


def _migrate_photos(session: Session, settings: Settings) -> int:
    from .blob_store import LocalBlobStore, open_photo_store
    from .photo_migration import migrate_photos

    if settings.photo_store != "s3":
        print("audit-server: migrate-photos copies into the S3 bucket: set AUDIT_PHOTO_STORE=s3 "
              "and AUDIT_S3_* (photos are read from AUDIT_DATA_DIR/photos)", file=sys.stderr)
        return 1
    report = migrate_photos(session, LocalBlobStore(settings.photo_dir), open_photo_store(settings),
                            progress=lambda r: print(f"… {r.copied} copied, {r.already_there} already there",
                                                     flush=True))
    for key, why in report.failed:
        print(f"failed {key}: {why}", file=sys.stderr)
    print(f"copied {report.copied}, already there {report.already_there}, replaced "
          f"{report.replaced}, failed {len(report.failed)}")
    return 1 if report.failed else 0


def run(argv: Sequence[str], environ: Mapping[str, str]) -> int:
    """Run one command; returns the exit status (what `main` passes to sys.exit)."""
    args = _parser().parse_args(argv)
    settings = settings_from_env(environ)
    try:
        if args.command == "serve":
            return _serve(settings, args.host, args.port, args.workers)
        if args.command == "demo":
            return _demo(settings, args.visits, args.today, args.app_url, args.server_url)
        engine = make_engine(settings)
        try:
            with startup_lock(engine):
                upgrade(engine)
            with make_session_factory(engine)() as session:
                if args.command == "create-user":
                    token = create_user(session, args.name, args.role, args.region)
                    print(f"created {args.role} {args.name}"
                          + (f" (region {args.region})" if args.region else "")
                          + "; the token below is shown only this once:")
                    print(token)
                elif args.command == "enrol":
                    _enrol(session, args.name, args.app_url, args.server_url)
                elif args.command == "migrate-photos":
                    return _migrate_photos(session, settings)
                else:
                    devices = revoke_user(session, args.name)
                    print(f"revoked {args.name} and {devices} enrolled device(s)")
        finally:
            engine.dispose()
    except BlobStoreUnavailable as exc:
        print(f"audit-server: {exc}", file=sys.stderr)
        return 1
    except (AccountError, ChecklistError) as exc:
        print(f"audit-server: {exc}", file=sys.stderr)
        return 1
    return 0


def main() -> None:
    """Console script entry point."""
    sys.exit(run(sys.argv[1:], os.environ))
