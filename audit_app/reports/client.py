"""HTTP client for the reports a manager reads: `/reports/*`, `/visits`, `/photos`, `/sites`,
`/checklists`. Blocking (httpx); the app calls it from a worker thread. The token is sent in
the Authorization header and never appears in an error message or a log."""

from __future__ import annotations

import functools
import ssl
from collections.abc import Mapping
from typing import Literal

import certifi
import httpx
from pydantic import TypeAdapter, ValidationError

from audit_app.domain import Checklist, GroupBy

from .models import (
    ActionGroupBy, ActionInfo, ActionReportAnswer, ComplianceAnswer, SiteInfo, TrendAnswer,
    VisitDetail, VisitSummary,
)

API = "/api/v1"
TIMEOUT = httpx.Timeout(30.0, connect=5.0)


class ReportsError(Exception):
    """A report could not be read. `code` is stable (tests and the UI's wording use it)."""

    code = "failed"

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ServerUnreachable(ReportsError):
    code = "offline"


class TokenRefused(ReportsError):
    code = "token_refused"  # 401: unknown or revoked token


class NotAllowed(ReportsError):
    code = "forbidden"  # 403: an auditor, or a region not theirs


class NotFound(ReportsError):
    code = "not_found"  # 404: also what a visit or photo the caller may not read answers


class BadAnswer(ReportsError):
    code = "bad_answer"  # not a Field Audit answer (wrong server, proxy page, newer contract)


_VISITS = TypeAdapter(list[VisitSummary])
_SITES = TypeAdapter(list[SiteInfo])
_ACTIONS = TypeAdapter(list[ActionInfo])
ACTIONS_PAGE = 1000  # the most `GET /actions` answers at once


def _server_message(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return f"HTTP {response.status_code}"


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every client: building one loads the CA bundle (~50 ms)."""
    return ssl.create_default_context(cafile=certifi.where())


def _pdf_lang(lang: str) -> str:
    return "zh" if lang.lower().startswith("zh") else "en"


class ReportsClient:
    def __init__(self, server_url: str, token: str, *,
                 transport: httpx.BaseTransport | None = None,
                 timeout: httpx.Timeout = TIMEOUT) -> None:
        self._http = httpx.Client(base_url=server_url.rstrip("/") + API, transport=transport,
                                  timeout=timeout, headers={"Authorization": f"Bearer {token}"},
                                  verify=_tls())

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ReportsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _get(self, path: str, params: Mapping[str, str] | None = None) -> httpx.Response:
        try:
            response = self._http.get(path, params=dict(params or {}))
        except httpx.TransportError as exc:
            raise ServerUnreachable(f"the server cannot be reached ({type(exc).__name__})") from exc
        if response.status_code == 200:
            return response
        message = _server_message(response)
        error = {401: TokenRefused, 403: NotAllowed, 404: NotFound}.get(response.status_code,
                                                                         ReportsError)
        raise error(message, response.status_code)

    def _json(self, path: str, params: Mapping[str, str] | None = None) -> bytes:
        response = self._get(path, params)
        if not response.headers.get("content-type", "").startswith("application/json"):
            raise BadAnswer(f"{path} did not answer JSON", response.status_code)
        return response.content

    def compliance(self, group_by: GroupBy, params: Mapping[str, str]) -> ComplianceAnswer:
        return self._parse(ComplianceAnswer.model_validate_json, "/reports/compliance",
                           {**params, "group_by": group_by})

    def compliance_csv(self, group_by: GroupBy, params: Mapping[str, str]) -> bytes:
        return self._get("/reports/compliance.csv", {**params, "group_by": group_by}).content

    def trend(self, group_by: Literal["site", "staff"], interval: str,
              params: Mapping[str, str]) -> TrendAnswer:
        return self._parse(TrendAnswer.model_validate_json, "/reports/trend",
                           {**params, "group_by": group_by, "interval": interval})

    def visits(self, params: Mapping[str, str], *, limit: int = 200) -> list[VisitSummary]:
        return self._parse(_VISITS.validate_json, "/visits",
                           {**params, "limit": str(limit), "sort": "started"})

    def action_report(self, group_by: ActionGroupBy, params: Mapping[str, str]) -> ActionReportAnswer:
        return self._parse(ActionReportAnswer.model_validate_json, "/reports/actions",
                           {**params, "group_by": group_by})

    def actions(self, params: Mapping[str, str]) -> list[ActionInfo]:
        """Every action matching `params`, page by page (the server answers 1000 at most)."""
        found: list[ActionInfo] = []
        while True:
            page = self._parse(_ACTIONS.validate_json, "/actions",
                               {**params, "limit": str(ACTIONS_PAGE), "offset": str(len(found))})
            found += page
            if len(page) < ACTIONS_PAGE:
                return found

    def visit(self, visit_id: str) -> VisitDetail:
        return self._parse(VisitDetail.model_validate_json, f"/visits/{visit_id}")

    def photo(self, sha256: str, size: Literal["full", "thumb"] = "thumb") -> bytes:
        return self._get(f"/photos/{sha256}", {"size": size}).content

    def visit_pdf(self, visit_id: str, lang: str) -> bytes:
        """The server's PDF report of one visit, in the app's language."""
        return self._get(f"/visits/{visit_id}.pdf", {"lang": _pdf_lang(lang)}).content

    def scorecard_pdf(self, params: Mapping[str, str], lang: str) -> bytes:
        """The server's scorecard PDF of the site (or region) and period in `params`."""
        return self._get("/reports/scorecard.pdf", {**params, "lang": _pdf_lang(lang)}).content

    def sites(self) -> list[SiteInfo]:
        return self._parse(_SITES.validate_json, "/sites")

    def checklists(self) -> list[Checklist]:
        return self._parse(TypeAdapter(list[Checklist]).validate_json, "/checklists")

    def checklist(self, checklist_id: str, version: int) -> Checklist:
        return self._parse(Checklist.model_validate_json, f"/checklists/{checklist_id}/{version}")

    def _parse(self, parse, path: str, params: Mapping[str, str] | None = None):  # type: ignore[no-untyped-def]
        body = self._json(path, params)
        try:
            return parse(body)
        except ValidationError as exc:
            raise BadAnswer(f"{path} answered something this app cannot read "
                            f"({exc.error_count()} problem(s))") from exc
