"""Fixtures of the reports tests: a real sync server with demo data (see demo_server.py)."""

from tests.reports.demo_server import demo_server, demo_settings  # noqa: F401  (fixtures)
