"""`python -m audit_app sync`: one line per visit, the summary line, exit 0/1/2, token never shown."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from audit_app.cli import main
from audit_app.device import open_device

from .conftest import LiveServer
from .phone import make_visit

REPO = Path(__file__).resolve().parents[2]


def _phone(folder: Path, *, count: int = 2, site_id: str = "site-n1", seed: int = 0) -> list[str]:
    device = open_device(folder)
    try:
        rng = random.Random(seed)
        return [make_visit(device, rng, site_id=site_id, staff_ids=["staff-1"]) for _ in range(count)]
    finally:
        device.close()


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    status = main(["sync", *args])
    captured = capsys.readouterr()
    return status, captured.out.splitlines(), captured.err


def test_everything_synced_prints_each_visit_and_exits_0(live_server: LiveServer, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    _name, token = live_server.new_user()
    ids = _phone(tmp_path / "phone")
    status, out, err = _run(capsys, "--data", str(tmp_path / "phone"), "--server", live_server.url,
                            "--token", token)
    assert status == 0, err
    assert sorted(out[:-1]) == sorted(f"synced    {i}  r1" for i in ids)
    assert out[-1] == "synced 2, conflict 0, rejected 0, pending 0"
    assert token not in "\n".join(out) + err
    # Nothing left: a second run prints only the summary.
    status, out, _err = _run(capsys, "--data", str(tmp_path / "phone"), "--server", live_server.url,
                             "--token", token)
    assert (status, out) == (0, ["synced 0, conflict 0, rejected 0, pending 0"])


def test_a_rejected_visit_is_named_with_its_problem_and_exits_1(
        live_server: LiveServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    _name, token = live_server.new_user()
    [visit_id] = _phone(tmp_path / "phone", count=1, site_id="site-gone")
    monkeypatch.setenv("AUDIT_TOKEN", token)
    status, out, err = _run(capsys, "--data", str(tmp_path / "phone"), "--server", live_server.url)
    assert status == 1
    assert out[0].startswith(f"rejected  {visit_id}  r1  unknown_site: site-gone: no such site / 门店")
    assert out[-1] == "synced 0, conflict 0, rejected 1, pending 0"
    assert token not in "\n".join(out) + err


def test_a_conflict_exits_1(live_server: LiveServer, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    _name, token = live_server.new_user()
    [visit_id] = _phone(tmp_path / "phone", count=1, seed=3)
    device = open_device(tmp_path / "phone")
    with device.lock:
        body = device.store.visits.get(visit_id).visit.model_dump(mode="json")
    device.close()
    body["context"]["peak"] = not body["context"]["peak"]
    assert httpx.put(f"{live_server.url}/api/v1/visits/{visit_id}", json=body,
                     headers={"Authorization": f"Bearer {token}"}).status_code == 201
    token_file = tmp_path / "token.txt"
    token_file.write_text(token + "\n", encoding="utf-8")
    status, out, err = _run(capsys, "--data", str(tmp_path / "phone"), "--server", live_server.url,
                            "--token-file", str(token_file))
    assert status == 1
    assert out[0].startswith(f"conflict  {visit_id}  r1  revision_conflict: revision 1 is already stored")
    assert out[-1] == "synced 0, conflict 1, rejected 0, pending 0"


def test_a_visit_left_pending_exits_1(live_server: LiveServer, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    _name, token = live_server.new_user()
    [visit_id] = _phone(tmp_path / "phone", count=1, seed=4)
    device = open_device(tmp_path / "phone")
    with device.lock:
        [photo] = device.store.visits.get(visit_id).visit.photos
        device.photos.photo_path(photo.sha256).unlink()  # lost from the device
    device.close()
    status, out, _err = _run(capsys, "--data", str(tmp_path / "phone"), "--server", live_server.url,
                             "--token", token)
    assert status == 1
    assert out[0].startswith(f"pending   {visit_id}  r1  photo_not_on_device:")
    assert out[-1] == "synced 0, conflict 0, rejected 0, pending 1"


def test_a_refused_token_exits_2_and_is_never_printed(live_server: LiveServer, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    name, token = live_server.new_user()
    ids = _phone(tmp_path / "phone", seed=5)
    live_server.revoke(name)
    status, out, err = _run(capsys, "--data", str(tmp_path / "phone"), "--server", live_server.url,
                            "--token", token)
    assert status == 2
    assert sorted(out[:-1]) == sorted(f"pending   {i}  r1  token_refused: not sent: the token was "
                                      "refused / 未发送：令牌被拒绝" for i in ids)
    assert out[-1] == "synced 0, conflict 0, rejected 0, pending 2"
    assert "new token" in err and "令牌" in err
    assert token not in "\n".join(out) + err


def test_a_server_down_exits_1_with_everything_pending(down_url: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    ids = _phone(tmp_path / "phone", seed=6)
    status, out, err = _run(capsys, "--data", str(tmp_path / "phone"), "--server", down_url,
                            "--token", "tok-123456")
    assert status == 1
    assert len(out) == 3 and all(line.split()[0] == "pending" for line in out[:-1])
    assert {line.split()[1] for line in out[:-1]} == set(ids)
    assert out[-1] == "synced 0, conflict 0, rejected 0, pending 2"
    assert "sync stopped (offline)" in err and "tok-123456" not in err + "\n".join(out)


def test_missing_token_or_server_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("AUDIT_TOKEN", raising=False)
    (tmp_path / "phone").mkdir()
    with pytest.raises(SystemExit) as exited:
        main(["sync", "--data", str(tmp_path / "phone"), "--server", "http://127.0.0.1:9"])
    assert exited.value.code == 2
    assert "--token" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["sync", "--data", str(tmp_path / "phone"), "--token", "t"])
    assert "--server" in capsys.readouterr().err


def test_python_dash_m_audit_app_sync_runs_as_a_program(live_server: LiveServer, tmp_path: Path) -> None:
    _name, token = live_server.new_user()
    _phone(tmp_path / "phone", count=1, seed=7)
    done = subprocess.run([sys.executable, "-m", "audit_app", "sync", "--data", str(tmp_path / "phone"),
                           "--server", live_server.url],
                          env={**os.environ, "AUDIT_TOKEN": token}, cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "synced 1, conflict 0, rejected 0, pending 0"
    assert token not in done.stdout + done.stderr


def test_a_bad_server_address_or_missing_folder_exits_1(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "phone").mkdir()
    status, _out, err = _run(capsys, "--data", str(tmp_path / "phone"), "--server", "audit.example.com",
                             "--token", "tok-abcdef")
    assert status == 1 and "http://" in err and "tok-abcdef" not in err
    status, _out, err = _run(capsys, "--data", str(tmp_path / "nowhere"), "--server",
                             "http://127.0.0.1:9", "--token", "tok-abcdef")
    assert status == 1 and "no device folder" in err
    assert not (tmp_path / "nowhere").exists()
