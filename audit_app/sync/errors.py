"""What can stop a sync or an enrolment, each with a stable code and an English and Chinese message.

`SyncError`s reach the caller (the app shows `message_en`/`message_zh`; the command line prints
them). Never put a token in a message."""

from __future__ import annotations


class SyncError(Exception):
    """A failure the user is told about. `code` is stable; messages are in English and Chinese."""

    code = "sync_failed"

    def __init__(self, message_en: str, message_zh: str) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_zh = message_zh


class InvalidServerAddress(SyncError):
    code = "invalid_server_address"


class ServerUnreachable(SyncError):
    """No answer at all: no network, wrong address, server down, or every try timed out."""

    code = "offline"


class NotFieldAuditServer(SyncError):
    """Something answered, but not with this API's JSON (a login page, another web site)."""

    code = "not_field_audit_server"


class ServerFailed(SyncError):
    """The server answered with a failure of its own (5xx)."""

    code = "server_error"


class InvalidEnrolmentCode(SyncError):
    code = "invalid_enrolment_code"


class EnrolmentRateLimited(SyncError):
    code = "rate_limited"


class TokenRefused(SyncError):
    """401: the token is unknown, revoked or expired; a new one is needed."""

    code = "token_refused"


class Forbidden(SyncError):
    """403: this account's role may not do this (e.g. a manager's token uploading visits)."""

    code = "forbidden"


class SyncCancelled(SyncError):
    code = "cancelled"

    def __init__(self) -> None:
        super().__init__("sync cancelled", "同步已取消")


def token_refused() -> TokenRefused:
    return TokenRefused("the server refused the token: ask your administrator for a new token",
                        "服务器拒绝了令牌：请向管理员申请新的令牌")


def forbidden(server_message: str) -> Forbidden:
    return Forbidden(f"this account may not do this ({server_message})",
                     "此账号没有执行此操作的权限")   # the server's words are English
