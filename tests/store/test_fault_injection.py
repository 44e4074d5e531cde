"""Make each step of a save fail, the way a full or broken disk does, and check nothing is lost."""

import errno
import json
import os
import stat

import pytest

from audit_app.store import FileOps, StoreWriteError, VisitState, open_store
from audit_app.store.atomic_storage import temp_files
from audit_app.store.paths import ARCHIVE_FILE, HOT_FILE

from .conftest import NOW, answer_required, reopen, start

# (step, words the error names); "short_write" writes part of the data, then the disk is full.
STEPS = [
    ("open_temp", "creating a temp file"),
    ("write", "writing"),
    ("short_write", "writing"),
    ("fsync", "flushing to disk"),
    ("close", "closing"),
    ("replace", "replacing"),
    ("fsync_dir", "syncing the folder"),
]
ERRNOS = [(errno.ENOSPC, "ENOSPC", "full", "存储空间已满"), (errno.EIO, "EIO", "input/output", "读写出错")]


class FaultyOps(FileOps):
    """Real system calls, except that the armed step raises OSError(code)."""

    def __init__(self):
        self.step: str | None = None
        self.code = errno.ENOSPC
        self.partial_written = False

    def _fail(self, step):
        if self.step == step:
            raise OSError(self.code, os.strerror(self.code))

    def open(self, path, flags, mode=0o600):
        self._fail("open_temp" if flags & os.O_CREAT else "open_dir")
        return super().open(path, flags, mode)

    def write(self, fd, data):
        self._fail("write")
        if self.step == "short_write":
            if not self.partial_written:  # half the data goes down, then the disk is full
                self.partial_written = True
                return super().write(fd, data[: len(data) // 2])
            self._fail("short_write")
        return super().write(fd, data)

    def fsync(self, fd):
        self._fail("fsync" if _is_file(fd) else "fsync_dir")
        super().fsync(fd)

    def close(self, fd):
        if self.step == "close" and _is_file(fd):
            super().close(fd)  # the descriptor is gone either way, as with a real close error
            raise OSError(self.code, os.strerror(self.code))
        super().close(fd)

    def replace(self, src, dst):
        self._fail("replace")
        super().replace(src, dst)


def _is_file(fd):
    return stat.S_ISREG(os.fstat(fd).st_mode)


@pytest.mark.parametrize("code, code_name, words_en, words_zh", ERRNOS, ids=[e[1] for e in ERRNOS])
@pytest.mark.parametrize("step, step_words", STEPS, ids=[s[0] for s in STEPS])
def test_a_failed_save_loses_nothing_saved_before(data_dir, bundled_dir, step, step_words,
                                                    code, code_name, words_en, words_zh):
    fs = FaultyOps()
    store = open_store(data_dir, bundled_dir=bundled_dir, fs=fs)
    visit_id = start(store)
    store.visits.record_observation(visit_id, "smile", value=True, now=NOW)
    store.visits.record_observation(visit_id, "satisfaction", value=5, now=NOW)

    fs.step, fs.code = step, code
    with pytest.raises(StoreWriteError) as error:
        store.visits.record_observation(visit_id, "remarks", value="a new remark", now=NOW)
    message = error.value.message_en
    assert step_words in message and code_name in message and words_en in message
    assert HOT_FILE in message and words_zh in error.value.message_zh

    assert json.loads((data_dir / HOT_FILE).read_text(encoding="utf-8"))  # still parses
    assert temp_files(data_dir / HOT_FILE) == []
    saved = reopen(data_dir, bundled_dir).visits.get(visit_id).visit
    assert saved.observation_for("smile").value is True
    assert saved.observation_for("satisfaction").value == 5
    if step != "fsync_dir":  # before the rename the new save is simply not there
        assert saved.observation_for("remarks") is None

    fs.step = None  # the disk has room again: the same open store carries on
    store.visits.record_observation(visit_id, "uniform_clean", value=True, now=NOW)
    saved = reopen(data_dir, bundled_dir).visits.get(visit_id).visit
    assert {o.item_key for o in saved.observations} >= {"smile", "satisfaction", "uniform_clean"}


@pytest.mark.parametrize("step", [s[0] for s in STEPS if s[0] != "fsync_dir"])
def test_a_failed_archive_run_keeps_every_visit_in_the_hot_file(data_dir, bundled_dir, step):
    fs = FaultyOps()
    store = open_store(data_dir, bundled_dir=bundled_dir, fs=fs)
    visit_id = start(store)
    answer_required(store, visit_id)
    store.visits.finalise(visit_id, NOW)
    store.outbox.record_ack(visit_id, 1, missing_photos=[], now=NOW)
    fs.step = step
    with pytest.raises(StoreWriteError) as error:
        store.archive_synced(NOW.replace(year=2027))
    assert ARCHIVE_FILE in error.value.message_en
    assert temp_files(data_dir / ARCHIVE_FILE) == []
    again = reopen(data_dir, bundled_dir)
    assert again.visits.get(visit_id).state is VisitState.SYNCED
    assert again.visits.revisions(visit_id) != []
