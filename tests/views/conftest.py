"""The views are built from the same app state the state tests use."""

from tests.state.conftest import clock, device, state  # noqa: F401  (fixtures)
