"""The sync client: the phone's outbox reaches the server with nothing lost or doubled.

No flet here: the app's Sync screen and `python -m audit_app sync` both call `run_sync`.

    creds, me = enrol_device(server_url, code)       # or Credentials(url, token)
    save_credentials(device.folder, creds)
    report = run_sync(device, creds, now=lambda: datetime.now(UTC), on_progress=..., cancel=...)
"""

from .credentials import CREDENTIALS_FILE, Credentials, clear_credentials, load_credentials, save_credentials
from .enrol import enrol_device
from .errors import (
    EnrolmentRateLimited, Forbidden, InvalidEnrolmentCode, InvalidServerAddress, NotFieldAuditServer,
    ServerFailed, ServerUnreachable, SyncCancelled, SyncError, TokenRefused,
)
from .http import DEFAULT_RETRY, RetryPolicy, normalise_server_url
from .report import SyncProgress, SyncReport, SyncStatus, VisitOutcome, VisitResult
from .roster import ROSTER_FILE, Me, Roster, RosterSite, RosterStaff, load_roster, save_roster
from .run import run_sync

__all__ = [
    "CREDENTIALS_FILE", "DEFAULT_RETRY", "ROSTER_FILE", "Credentials", "EnrolmentRateLimited",
    "Forbidden", "InvalidEnrolmentCode", "InvalidServerAddress", "Me", "NotFieldAuditServer",
    "RetryPolicy", "Roster", "RosterSite", "RosterStaff", "ServerFailed", "ServerUnreachable",
    "SyncCancelled", "SyncError", "SyncProgress", "SyncReport", "SyncStatus", "TokenRefused",
    "VisitOutcome", "VisitResult", "clear_credentials", "enrol_device", "load_credentials",
    "load_roster", "normalise_server_url", "run_sync", "save_credentials", "save_roster",
]
