"""One error type for the UI, and the one place every store, photo, domain and sync failure is
mapped to it. Views show `message(lang)`; `code` is stable for tests and logs."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from audit_app.domain import Problem
from audit_app.i18n import is_chinese, t
from audit_app.photos import PhotoRejected, PhotoStoreError
from audit_app.store import FinaliseRefused, StoreError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UiError:
    code: str
    message_en: str
    message_zh: str
    # For a refused finalise: every problem, so Review can list them and jump to each item.
    problems: tuple[Problem, ...] = ()

    def message(self, lang: str) -> str:
        return self.message_zh if is_chinese(lang) else self.message_en


class ActionRefused(Exception):
    """An action the state layer refuses before touching the store (bad input, wrong moment)."""

    def __init__(self, error: UiError):
        super().__init__(error.message_en)
        self.error = error


class FieldRefused(ActionRefused):
    """Typed input refused at its field: the field shows the error and keeps the text, so no
    banner is raised (the session's `Typing` holds both)."""

    def __init__(self, error: UiError, item_key: str):
        super().__init__(error)
        self.item_key = item_key


def catalogue_error(code: str, key: str, **fmt: object) -> UiError:
    """A UI error whose words come from the i18n catalogue."""
    return UiError(code=code, message_en=t("en", key, **fmt), message_zh=t("zh-CN", key, **fmt))


def refuse(code: str, key: str, **fmt: object) -> ActionRefused:
    return ActionRefused(catalogue_error(code, key, **fmt))


def problem_error(problem: Problem) -> UiError:
    return UiError(code=problem.code, message_en=problem.message, message_zh=problem.message_zh)


def _sync_error_types() -> tuple[type[BaseException], ...]:
    try:  # the sync client is optional for an offline-only build of the state layer
        from audit_app.sync import SyncError
    except ImportError:
        return ()
    return (SyncError,)


def ui_error(exc: BaseException) -> UiError:
    """The UI's view of any failure an action can meet. Its messages are each wholly in one
    language; technical detail (a file name, an errno, an exception type) goes to the log."""
    error = _ui_error(exc)
    log.warning("action failed (%s): %s", error.code, exc if str(exc) else type(exc).__name__)
    return error


def _ui_error(exc: BaseException) -> UiError:
    if isinstance(exc, ActionRefused):
        return exc.error
    if isinstance(exc, FinaliseRefused):  # Review lists each problem; the banner only counts them
        return UiError(code=exc.code, message_en=t("en", "error.finalise_refused", count=len(exc.problems)),
                       message_zh=t("zh-CN", "error.finalise_refused", count=len(exc.problems)),
                       problems=tuple(exc.problems))
    if isinstance(exc, StoreError):  # store and stopwatch errors
        problems = tuple(getattr(exc, "problems", ()))
        return UiError(code=exc.code, message_en=exc.message_en, message_zh=exc.message_zh,
                       problems=problems)
    if isinstance(exc, (PhotoRejected, PhotoStoreError)):
        return UiError(code=f"photo_{exc.code}", message_en=exc.message_en, message_zh=exc.message_zh)
    if isinstance(exc, _sync_error_types()):
        return UiError(code=getattr(exc, "code", "sync_failed"),
                       message_en=getattr(exc, "message_en", str(exc)),
                       message_zh=getattr(exc, "message_zh", str(exc)))
    if isinstance(exc, OSError):
        return catalogue_error("io_error", "error.io")
    return catalogue_error("unexpected", "error.unexpected")
