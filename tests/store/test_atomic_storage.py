import json

import pytest
from tinydb import TinyDB

from audit_app.store import AtomicJSONStorage, FileOps, StoreCorruptError
from audit_app.store.atomic_storage import temp_files


class CountingOps(FileOps):
    def __init__(self, max_chunk: int | None = None):
        self.replaces = 0
        self.max_chunk = max_chunk

    def write(self, fd, data):
        if self.max_chunk is not None:
            data = data[: self.max_chunk]  # the OS may write less than asked
        return super().write(fd, data)

    def replace(self, src, dst):
        self.replaces += 1
        super().replace(src, dst)


def open_db(path, fs=None):
    return TinyDB(path, storage=AtomicJSONStorage, fs=fs)


def test_the_file_is_plain_json_of_the_data(tmp_path):
    path = tmp_path / "db.json"
    db = open_db(path)
    db.table("a").insert({"text": "顾客 \"quoted\"", "n": [1, 2.5, None, True]})
    db.table("b").insert({"x": {"y": "z"}})
    db.table("a").insert({"text": "second"})
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "a": {"1": {"text": "顾客 \"quoted\"", "n": [1, 2.5, None, True]}, "2": {"text": "second"}},
        "b": {"1": {"x": {"y": "z"}}},
    }


def test_a_changed_value_is_written_even_when_it_compares_equal(tmp_path):
    # 1 == 1.0 == True in Python; the file must still keep the type that was saved last.
    path = tmp_path / "db.json"
    table = open_db(path).table("t")
    table.insert({"value": 1})
    for value in (1.0, True, 0, False):
        table.update({"value": value})
        [doc] = open_db(path).table("t").all()
        assert doc["value"] is value or (type(doc["value"]) is type(value) and doc["value"] == value)


def test_short_writes_are_completed(tmp_path):
    path = tmp_path / "db.json"
    db = open_db(path, CountingOps(max_chunk=7))
    db.table("t").insert({"text": "x" * 1000})
    assert open_db(path).table("t").all() == [{"text": "x" * 1000}]


def test_a_transaction_is_one_write_and_an_exception_writes_nothing(tmp_path):
    path = tmp_path / "db.json"
    ops = CountingOps()
    db = open_db(path, ops)
    storage = db.storage
    with storage.transaction():
        db.table("visits").insert({"id": 1})
        with storage.transaction():  # nested: joins the outer one
            db.table("outbox").insert({"id": 1})
    assert ops.replaces == 1
    with pytest.raises(RuntimeError):
        with storage.transaction():
            db.table("visits").insert({"id": 2})
            db.table("outbox").insert({"id": 2})
            raise RuntimeError("stop")
    assert ops.replaces == 1
    assert db.table("visits").all() == [{"id": 1}]  # the in-memory view went back too
    assert open_db(path).table("outbox").all() == [{"id": 1}]


def test_leftover_temp_files_are_removed_on_open(tmp_path):
    path = tmp_path / "db.json"
    open_db(path).table("t").insert({"a": 1})
    leftover = tmp_path / ".db.json.deadbeef.tmp"
    leftover.write_text('{"t": {"1": {"a"', encoding="utf-8")  # a write cut short by a crash
    assert temp_files(path) == [leftover]
    db = open_db(path)
    assert temp_files(path) == []
    assert db.table("t").all() == [{"a": 1}]


def test_a_corrupt_file_is_reported_and_left_untouched(tmp_path):
    path = tmp_path / "db.json"
    path.write_text('{"t": {"1": ', encoding="utf-8")
    with pytest.raises(StoreCorruptError) as error:
        open_db(path).table("t").all()
    assert "db.json" in error.value.message_en
    assert "文件已损坏" in error.value.message_zh and "db.json" not in error.value.message_zh   # file names go to the log
    assert path.read_text(encoding="utf-8") == '{"t": {"1": '
