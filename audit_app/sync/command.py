"""`python -m audit_app sync`: pull, then push, from a device folder; for support staff and for a
laptop used as the device.

    python -m audit_app sync --data DIR --server URL --token TOKEN
    (or --token-file FILE, or AUDIT_TOKEN in the environment, or the folder's saved credentials)

One line per visit, then `synced N, conflict N, rejected N, pending N`. Exit status: 0 nothing
pending and nothing refused; 1 something pending, a visit refused (conflict or rejected), the
role forbidden, the server unreachable; 2 the token was refused. The token is never printed."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TextIO

from audit_app.device import open_device

from .credentials import Credentials, load_credentials
from .errors import SyncError
from .report import SyncReport, SyncStatus, VisitOutcome, VisitResult
from .run import run_sync

TOKEN_ENV = "AUDIT_TOKEN"
EXIT_OK, EXIT_PENDING, EXIT_TOKEN_REFUSED = 0, 1, 2


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sync = commands.add_parser("sync", help="send this device's finished visits to the server",
                               description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sync.add_argument("--data", required=True, type=Path, help="the device's data folder")
    sync.add_argument("--server", help="server address, e.g. https://audit.example.com "
                                       "(default: the folder's saved credentials)")
    token = sync.add_mutually_exclusive_group()
    token.add_argument("--token", help=f"the token (prefer --token-file or {TOKEN_ENV}: "
                                       "a command line is visible to other users)")
    token.add_argument("--token-file", type=Path, help="a file holding the token")
    sync.set_defaults(run=lambda args: run_command(args, os.environ, sys.stdout, sys.stderr,
                                                   parser=sync))


def credentials_from(args: argparse.Namespace, environ: Mapping[str, str]) -> Credentials | str:
    """The credentials to use, or why there are none (a message for the user)."""
    saved = load_credentials(args.data)
    token: str | None
    if args.token is not None:
        token = args.token.strip()
    elif args.token_file is not None:
        try:
            token = args.token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            return f"cannot read the token file {args.token_file}: {exc.strerror}"
    else:
        token = environ.get(TOKEN_ENV, "").strip() or (saved.token if saved else None)
    server = args.server or (saved.server_url if saved else None)
    if not server:
        return "give --server (no server address is saved in this folder)"
    if not token:
        return f"give --token, --token-file or {TOKEN_ENV} (no token is saved in this folder)"
    return Credentials(server_url=server, token=token)


def run_command(args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO,
                *, parser: argparse.ArgumentParser | None = None) -> int:
    creds = credentials_from(args, environ)
    if isinstance(creds, str):
        if parser is not None:
            parser.error(creds)  # exits 2, as for any usage error
        print(f"error: {creds}", file=err)
        return EXIT_TOKEN_REFUSED
    if not args.data.is_dir():
        print(f"error: no device folder at {args.data} / 找不到设备数据文件夹", file=err)
        return EXIT_PENDING
    device = open_device(args.data)
    try:
        report = run_sync(device, creds, now=lambda: datetime.now().astimezone())
    except SyncError as exc:
        print(f"error: {exc.message_en} / {exc.message_zh}", file=err)
        return EXIT_PENDING
    finally:
        device.close()
    print_report(report, out, err)
    return exit_status(report)


def exit_status(report: SyncReport) -> int:
    if report.status is SyncStatus.TOKEN_REFUSED:
        return EXIT_TOKEN_REFUSED
    if report.status is SyncStatus.OK and not report.conflict and not report.rejected:
        return EXIT_OK
    return EXIT_PENDING


def visit_line(result: VisitResult) -> str:
    line = f"{result.outcome.value:<8}  {result.visit_id}  r{result.revision}"
    if result.outcome is VisitOutcome.REJECTED and result.problems:
        reasons = "; ".join(f"{p.get('code')}: {p.get('message')} / {p.get('message_zh')}"
                            for p in result.problems)
        return f"{line}  {reasons}"
    if result.code:
        return f"{line}  {result.code}: {result.message_en} / {result.message_zh}"
    return line


def print_report(report: SyncReport, out: TextIO, err: TextIO) -> None:
    if report.pull_problem is not None:
        code, en, zh = report.pull_problem
        print(f"warning: checklists and roster not updated ({code}: {en} / {zh})", file=err)
    for result in report.results:
        print(visit_line(result), file=out)
    if report.message_en:
        print(f"sync stopped ({report.status.value}): {report.message_en} / {report.message_zh}",
              file=err)
    print(report.summary, file=out)
