"""`python -m audit_app <command>`: a small dispatcher; each command registers its own arguments.

Commands: `sync` (audit_app.sync.command), `serve-app` (audit_app.serve_command). Add a command by writing a module with
`register(subparsers)` that sets `run=` (a function of the parsed args returning an exit status),
and listing it in `COMMANDS`."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMANDS = ["audit_app.sync.command", "audit_app.serve_command"]


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m audit_app", description="Field Audit phone app tools.")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in COMMANDS:
        importlib.import_module(module_name).register(commands)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(sys.argv[1:] if argv is None else argv)
    return int(args.run(args))
