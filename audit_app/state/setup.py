"""Connecting the phone to a server (first run and Settings): an enrolment code, a pasted
token, or offline only; replacing the token; signing out. Mixed into `AppState`.

The token is handed straight to the sync client's credential file (0600); it is never kept in
prefs, logged or shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from .errors import refuse
from .routes import Route

if TYPE_CHECKING:
    from .app_state import AppState


@dataclass
class SetupForm:
    """What the user typed on the first-run and settings screens (kept while they type)."""

    server: str = ""
    token: str = ""
    code: str = ""

    def set_server(self, value: str) -> None:
        self.server = value

    def set_token(self, value: str) -> None:
        self.token = value

    def set_code(self, value: str) -> None:
        self.code = value


def checked_server_url(text: str) -> str:
    """`text` as a server base URL (http or https, with a host, no query), or refused."""
    url = text.strip().rstrip("/")
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname or parsed.query or parsed.fragment:
        raise refuse("server_not_url", "error.server_not_url")
    return url


class ConnectionActions:
    async def enrol_with_code(self: AppState) -> bool:
        """Exchange a one-time code for this device's own token, then pull the roster."""
        from audit_app.sync import enrol_device, save_credentials

        async def action() -> None:
            server = checked_server_url(self.setup_form.server)
            code = self.setup_form.code.strip().upper()
            if not code:
                raise refuse("no_code", "error.no_code")
            self.busy = True
            self.changed()
            try:
                creds, _me = await self.access.unlocked(enrol_device, server, code,
                                                         transport=self.sync.transport)
                await self.access.locked(save_credentials, self.device.folder, creds)
            finally:
                self.busy = False
            self.setup_form.code = ""
            await self.finish_setup()
            self.go(Route.HOME)
        ok = await self.act(action)
        if ok:
            await self.sync.start()
        return ok

    async def open_enrolment_link(self: AppState, code: str, server: str | None) -> bool:
        """An enrolment link opened on this device, on a first load or in a tab already open.

        A phone connected to a server keeps its account while it holds visits not synced yet:
        enrolling would send them as someone else, or strand them. Otherwise the link's account
        replaces the stored one only once the server has accepted the code."""
        from audit_app.sync import load_credentials

        self.setup_form.code = code
        self.setup_form.server = server or ""
        if self.prefs.setup_done:
            async def check_unsynced() -> None:
                if await self.access.locked(load_credentials, self.device.folder) is None:
                    return  # offline only so far: enrolling is how its visits get uploaded
                await self.refresh_home()
                if self.home.unsynced:
                    self.setup_form.code = ""
                    raise refuse("enrol_unsynced", "error.enrol_unsynced", count=self.home.unsynced)
            if not await self.act(check_unsynced):
                return False
        if not server:  # the code alone: the first-run screen asks for the server's address
            if not self.prefs.setup_done:
                self.go(Route.FIRST_RUN)
            return False
        return await self.enrol_with_code()

    async def connect_with_token(self: AppState) -> bool:
        """Keep a pasted token and check it with a first sync (a refused token is reported)."""
        async def action() -> None:
            await self._save_pasted_token()
            await self.finish_setup()
            self.go(Route.HOME)
        ok = await self.act(action)
        if ok:
            await self.sync.start()
        return ok

    async def replace_token(self: AppState) -> bool:
        """Settings: a new token (and server address) replaces the stored one."""
        async def action() -> None:
            self.server_url = await self._save_pasted_token()
            await self._save_prefs(offline_only=False)
            self.flash = "settings.token_saved"
        return await self.act(action)

    async def _save_pasted_token(self: AppState) -> str:
        """Store the form's server address and token as the device's credentials; the address."""
        from audit_app.sync import Credentials, save_credentials

        server = checked_server_url(self.setup_form.server)
        token = self.setup_form.token.strip()
        if not token:
            raise refuse("no_token", "error.no_token")
        await self.access.locked(save_credentials, self.device.folder,
                                 Credentials(server_url=server, token=token))
        self.setup_form.token = ""
        return server

    async def load_server_url(self: AppState) -> None:
        try:
            from audit_app.sync import load_credentials
        except ImportError:  # a build without the sync client: offline only
            return

        creds = await self.access.locked(load_credentials, self.device.folder)
        self.server_url = creds.server_url if creds else None
        if creds and not self.setup_form.server:
            self.setup_form.server = creds.server_url

    async def request_sign_out(self: AppState) -> bool:
        """Sign out, unless visits are not synced yet: then only after two more confirmations."""
        from audit_app.sync import clear_credentials

        async def action() -> None:
            await self.refresh_home()
            if self.home.unsynced and self.sign_out_confirmations < 2:
                self.sign_out_confirmations += 1
                return
            await self.access.locked(clear_credentials, self.device.folder)
            await self._save_prefs(setup_done=False, offline_only=False)
            self.server_url = None
            self.sign_out_confirmations = 0
            self.go(Route.FIRST_RUN)
        return await self.act(action)

    def cancel_sign_out(self: AppState) -> None:
        self.sign_out_confirmations = 0
        self.changed()
