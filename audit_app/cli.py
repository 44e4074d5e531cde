"""`python -m audit_app <command>`: a small dispatcher; each command registers its own arguments.

Commands: `sync` (audit_app.sync.command), `serve-app` (audit_app.serve_command). Add a command by writing a module with
`register(subparsers)` that sets `run=` (a function of the parsed args returning an exit status),
and listing it in `COMMANDS` under its name."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMANDS = {"sync": "audit_app.sync.command", "serve-app": "audit_app.serve_command"}


def parser(command: str | None = None) -> argparse.ArgumentParser:
    """Every command's arguments, or only `command`'s: importing the sync command loads the
    sync client (httpx and the store, ~0.3 s), which `serve-app` must not wait for at start."""
    top = argparse.ArgumentParser(prog="python -m audit_app", description="Field Audit phone app tools.")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = [COMMANDS[command]] if command in COMMANDS else COMMANDS.values()
    for module_name in chosen:
        importlib.import_module(module_name).register(commands)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser(argv[0] if argv else None).parse_args(argv)
    return int(args.run(args))
