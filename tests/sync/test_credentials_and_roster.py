"""The token file (0600, atomic, never shown) and the roster cache (atomic, offline)."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

from audit_app.device import Device
from audit_app.sync import (
    CREDENTIALS_FILE, ROSTER_FILE, Credentials, Me, Roster, RosterSite, RosterStaff,
    clear_credentials, load_credentials, load_roster, save_credentials, save_roster,
)

SECRET = "s3cr3t-token-value"


def test_credentials_are_saved_readable_only_by_the_owner(tmp_path: Path) -> None:
    creds = Credentials("https://audit.example.com", SECRET)
    save_credentials(tmp_path, creds)
    mode = stat.S_IMODE((tmp_path / CREDENTIALS_FILE).stat().st_mode)
    assert mode == 0o600
    assert load_credentials(tmp_path) == creds
    assert [p.name for p in tmp_path.iterdir()] == [CREDENTIALS_FILE]  # no temp file left


def test_replacing_credentials_keeps_the_mode_and_the_new_token(tmp_path: Path) -> None:
    save_credentials(tmp_path, Credentials("https://a.example", "old"))
    (tmp_path / CREDENTIALS_FILE).chmod(0o644)  # e.g. restored from a careless backup
    save_credentials(tmp_path, Credentials("https://a.example", SECRET))
    assert stat.S_IMODE((tmp_path / CREDENTIALS_FILE).stat().st_mode) == 0o600
    assert load_credentials(tmp_path).token == SECRET


def test_the_token_never_appears_in_a_repr_or_str() -> None:
    creds = Credentials("https://audit.example.com", SECRET)
    assert SECRET not in repr(creds) and SECRET not in str(creds) and SECRET not in f"{creds}"


def test_missing_or_damaged_credentials_read_as_none_and_clear_is_idempotent(tmp_path: Path) -> None:
    assert load_credentials(tmp_path) is None
    (tmp_path / CREDENTIALS_FILE).write_text("{not json", encoding="utf-8")
    assert load_credentials(tmp_path) is None
    (tmp_path / CREDENTIALS_FILE).write_text('{"server_url": "x", "token": ""}', encoding="utf-8")
    assert load_credentials(tmp_path) is None
    clear_credentials(tmp_path)
    clear_credentials(tmp_path)
    assert not (tmp_path / CREDENTIALS_FILE).exists()


def test_the_roster_round_trips_and_reads_none_before_the_first_pull(device: Device) -> None:
    assert load_roster(device) is None
    roster = Roster(sites=[RosterSite(id="s1", name="店一", region=None,
                                      staff=[RosterStaff(id="p1", name="李娜", site_id="s1")])],
                    me=Me(name="ann", role="auditor", region=None),
                    fetched_at=datetime(2026, 11, 20, tzinfo=UTC))
    save_roster(device, roster)
    assert load_roster(device) == roster
    (device.folder / ROSTER_FILE).write_text("garbage", encoding="utf-8")
    assert load_roster(device) is None
