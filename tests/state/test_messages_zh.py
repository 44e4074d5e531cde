"""Every message a user can be shown as a `UiError` is, in Chinese, wholly Chinese: no English
word but names and units, full-width punctuation (issue 12 point 11). Technical detail (a file
name, an errno name, an exception type) goes to the log instead."""

from __future__ import annotations

import errno
import re
import string

import pytest

from audit_app.domain import Problem
from audit_app.i18n import catalogue
from audit_app.photos.errors import REJECTION_MESSAGES, PhotoRejected, PhotoStoreError, write_reason_zh
from audit_app.state.errors import catalogue_error, ui_error
from audit_app.store.errors import (ChecklistNotFound, FinaliseRefused, InvalidAnswer, StoreCorruptError,
                                    StoreWriteError, VisitNotFound, WrongState)
from audit_app.sync.errors import SyncCancelled, forbidden, token_refused

from .conftest import run, start_retail_visit

# Names and units a Chinese sentence may carry as they are.
ALLOWED_LATIN = {"MB", "JPEG", "PNG", "WiFi", "Wi", "Fi"}
URL = re.compile(r"https?://\S*")
QUOTED = re.compile(r"“[^”]*”")     # a checklist's own words (an item's text), quoted as a name
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
HALF_WIDTH = re.compile(r"[,;:()!?]")
VISIT_ID = "0b8f6f0e-5a57-4d2f-9f0e-3c1d2b9a7e11"


def not_chinese(text: str) -> list[str]:
    """What in `text` is not Chinese: English words, and half-width punctuation (a colon or
    comma between digits, as in 1:30 or 1,000, is part of the number)."""
    bare = QUOTED.sub("", URL.sub("", text))
    found = [w for w in LATIN_WORD.findall(bare) if w not in ALLOWED_LATIN]
    for match in HALF_WIDTH.finditer(bare):
        before, after = bare[match.start() - 1:match.start()], bare[match.end():match.end() + 1]
        if not (before.isdigit() and after.isdigit()):
            found.append(match.group())
    return found


def sample(template: str) -> dict[str, object]:
    return {name: 3 for _, name, _, _ in string.Formatter().parse(template) if name}


def catalogue_errors():
    zh = catalogue("zh-CN")
    keys = [k for k in zh if k.startswith("error.") or k.startswith("flow.error")
            or k in ("flow.stopwatch_running", "flow.reset_not_asked")]
    assert len(keys) > 25
    return [catalogue_error(k, k, **sample(zh[k])) for k in keys]


def raised_errors() -> list[Exception]:
    oserrors = [OSError(code, "No space left on device") for code in
                (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EIO, errno.EPERM)]
    problem = Problem(code="required_missing", path="observations", message="x: required item not answered",
                      message_zh="x:必答项目尚未作答")
    errors: list[Exception] = [StoreWriteError("writing", "store.json", e) for e in oserrors]
    errors += [StoreCorruptError("store.json", "Expecting value: line 1 column 1"), VisitNotFound(VISIT_ID),
               *[WrongState(VISIT_ID, "edit", "编辑", s) for s in ("draft", "finalised", "synced", "conflict")],
               InvalidAnswer("greet_within_3s", "not a number", "不是数字"), InvalidAnswer("greet_within_3s", "bad"),
               FinaliseRefused(VISIT_ID, [problem]), ChecklistNotFound("retail-store-visit", 3)]
    fields = {"size_mb": 21.5, "limit_mb": 15, "megapixels": 60, "limit_mp": 50}
    errors += [PhotoRejected(code, **fields) for code in REJECTION_MESSAGES]
    errors += [PhotoStoreError("write_failed", reason="No space left on device", reason_zh=write_reason_zh(e))
               for e in oserrors]
    errors += [token_refused(), forbidden("role auditor may not read reports"), SyncCancelled(),
               OSError(errno.ENOSPC, "No space left on device"), RuntimeError("boom"), KeyError("x")]
    return errors


def test_every_error_the_state_layer_can_show_is_wholly_chinese_in_chinese():
    shown = catalogue_errors() + [ui_error(exc) for exc in raised_errors()]
    bad = {error.code: (error.message_zh, not_chinese(error.message_zh)) for error in shown
           if not_chinese(error.message_zh)}
    assert bad == {}


def test_errors_met_by_real_actions_are_wholly_chinese(state):
    start_retail_visit(state)
    met = []
    for action in (lambda: state.stopwatch_undo("greet_within_3s"),      # nothing to undo
                   lambda: state.answer_duration("greet_within_3s", "soon"),
                   lambda: state.answer_rating("greet_within_3s", 3),     # wrong kind
                   lambda: state.finalise(),
                   lambda: state.add_photo("not_ignored_on_entry", b"not a photo")):
        assert not run(action())
        met.append(state.error or state.visit.typing.errors["greet_within_3s"])
    assert [e.code for e in met] == ["stopwatch", "duration_not_number", "wrong_kind", "finalise_refused",
                                     "photo_unsupported_format"]
    assert {e.code: not_chinese(e.message_zh) for e in met if not_chinese(e.message_zh)} == {}


def test_the_check_catches_english_inside_chinese():
    # Guards the check: the messages the issue quoted fail it.
    assert not_chinese("无法保存:手机存储空间已满(ENOSPC),步骤:writing store.json。") != []
    assert not_chinese("无法在本设备上保存照片(No space left on device)。") != []
    assert not_chinese("第 1 部分,共 6 部分") == [","]
    assert not_chinese("第 1 部分，共 6 部分；时间 1:30，照片 2 MB（JPEG）") == []


@pytest.mark.parametrize("key", ["runner.section_of", "home.signed_in"])
def test_the_quoted_catalogue_lines_use_full_width_punctuation(key):
    assert not_chinese(catalogue("zh-CN")[key].format(number=1, total=6, name="李娜", role="审核员")) == []
