"""The S3 tests' server: SeaweedFS (tools/seaweed.py), one per test session. Without the binary
the tests skip, except under CI=true, where they fail. Never a mock."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tools.seaweed import ACCESS_KEY, BUCKET, SECRET_KEY, SeaweedMissing, SeaweedS3, start_seaweed, stop_seaweed

__all__ = ["ACCESS_KEY", "BUCKET", "SECRET_KEY", "SeaweedS3", "seaweed"]


@pytest.fixture(scope="session")
def seaweed() -> Iterator[SeaweedS3]:
    try:
        server = start_seaweed()
    except SeaweedMissing as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{exc}; CI must run the S3 tests")
        pytest.skip(str(exc))
    yield server
    stop_seaweed(server)
