"""A hypothesis state machine: a shopper starts, answers, finalises and edits visits, adds
photos, raises corrective actions from finalised visits and adds events to them (start,
comment, resolve), syncs over a network that drops answers (before or after the server
commits), duplicates requests and fails, and the app restarts (the device is closed and
reopened), also in the middle of a sync. Whatever the sequence, after a final clean sync the
server holds exactly the phone's latest finalised revisions, each photo once, each action the
phone made and each of its events once, in the order made, and its compliance report equals
`group_rows` computed from the phone.

Invariants after every step: a revision the phone calls synced is stored on the server with the
same content, and so is every action or event that has left the phone's outbox (no failure is
ever taken for success); the server refuses nothing the phone made."""

from __future__ import annotations

import itertools
import random
import shutil
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test,
)

from audit_app.checklist_files import BUNDLED_DIR
from audit_app.device import Device, open_device
from audit_app.domain import GROUPINGS, Item, Kind, content_hash, group_rows, score_visit
from audit_app.domain.actions import EventType, NewAction, NewEvent
from audit_app.store import FinaliseRefused, VisitState
from audit_app.sync import Credentials, RetryPolicy, SyncProgress, SyncStatus, VisitOutcome, run_sync

from .conftest import LiveServer
from .fault_proxy import Fault, FaultProxy, RandomFaults, pass_all
from .phone import CHECKLIST, camera_jpeg
from .server_state import (
    BackoffRecorder, PhoneState, phone_state, photo_files, photo_rows, stored_revisions,
)

SITES = {"site-n1": ["staff-1", "staff-2"], "site-s1": ["staff-3"]}
# Faults that cost no waiting (a timeout would cost the client's whole read timeout).
NETWORK_FAULTS = (Fault.RESET, Fault.LOST_ACK, Fault.DUPLICATE, Fault.BAD_GATEWAY, Fault.CAPTIVE_PORTAL)
UPLOADS = (("PUT", "/api/v1/visits/"), ("PUT", "/api/v1/photos/"))
PHOTO_SEEDS = (101, 202, 303)  # a small pool: visits share photos, which must be stored once
COMPARED = ("applicable", "passed", "rate", "visit_score_mean", "observations", "visits",
            "critical_failures", "ci_low", "ci_high", "below_target", "below_award_floor",
            "small_sample")
SETTINGS = settings(max_examples=12, stateful_step_count=12, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
_folders = itertools.count()


def _now() -> datetime:
    return datetime.now(UTC)


def answer_value(item: Item, rng: random.Random) -> object:
    if item.kind is Kind.CHECK:
        return rng.random() < 0.8
    if item.kind is Kind.TIMED:
        return round(rng.uniform(0, item.threshold_for(False) * 1.6), 1)
    if item.kind is Kind.COUNT:
        return rng.randint(0, (item.max or 3) + 1)
    if item.kind is Kind.RATING:
        return rng.randint(1, item.rating_scale)
    return "noted 已记录" if item.kind is Kind.TEXT else None


def comparable(rows: list[dict]) -> dict[str, dict]:
    return {row["key"]: {name: row[name] for name in COMPARED} for row in rows}


class SyncMachine(RuleBasedStateMachine):
    """One example: one auditor, one phone folder, one proxy in front of the shared server."""

    server: LiveServer
    root: Path
    bundled: Path  # only the checklist the visits use: opening the device parses less YAML

    def __init__(self) -> None:
        super().__init__()
        self.auditor, self.token = self.server.new_user("auditor")
        self.folder = self.root / f"phone-{next(_folders)}"
        self.device: Device = open_device(self.folder, bundled_dir=self.bundled)
        self.checklist = self.device.store.checklists.get_checklist(*CHECKLIST)
        self.proxy = FaultProxy(self.server.url).start()
        self.creds = Credentials(self.proxy.url, self.token)
        self.visit_ids: list[str] = []
        # action id → the ids of the events this phone added to it, in the order made
        self.actions: dict[str, list[str]] = {}
        self.actionable = next(item.key for item in self.checklist.items
                               if item.kind is not Kind.PHOTO and item.photo != "required")

    # -- what the shopper does -------------------------------------------------------------

    @initialize(visits=st.integers(1, 3), actions=st.integers(0, 2), rng=st.randoms(use_true_random=False))
    def finalised_visits(self, visits: int, actions: int, rng: random.Random) -> None:
        """Every example starts with something to sync, often with an action and an event."""
        for _ in range(visits):
            self.start(rng.choice(sorted(SITES)), rng.randint(0, 2), rng.random() < 0.3, rng,
                       complete=True, photos=rng.randint(0, 2))
            self.finalise(len(self.visit_ids) - 1)
        for _ in range(actions):
            self.raise_action(rng.randrange(len(self.visit_ids)))
            self.act_on_action(len(self.actions) - 1, rng.choice(["start", "comment", "resolve"]))

    @rule(site=st.sampled_from(sorted(SITES)), staff_count=st.integers(0, 2), peak=st.booleans(),
          rng=st.randoms(use_true_random=False), complete=st.booleans(), photos=st.integers(0, 2))
    def start(self, site: str, staff_count: int, peak: bool, rng: random.Random, complete: bool,
              photos: int) -> None:
        """Start a visit and answer all its items, or only some (it cannot be finalised then)."""
        with self.device.lock:
            visit = self.device.store.visits.start_visit(
                checklist_id=CHECKLIST[0], checklist_version=CHECKLIST[1], site_id=site,
                staff_ids=SITES[site][:staff_count], peak=peak, now=_now())
        self.visit_ids.append(visit.id)
        self._answer(visit.id, rng, everything=complete)
        for _ in range(photos):
            self.add_photo(len(self.visit_ids) - 1, rng.choice(PHOTO_SEEDS))

    @rule(pick=st.integers(0, 99), rng=st.randoms(use_true_random=False))
    def answer(self, pick: int, rng: random.Random) -> None:
        """Change some answers of a draft, or finish answering it."""
        visit_id = self._visit(pick)
        if self._is_draft(visit_id):
            self._answer(visit_id, rng, everything=rng.random() < 0.5)

    @rule(pick=st.integers(0, 99), photo=st.sampled_from(PHOTO_SEEDS))
    def add_photo(self, pick: int, photo: int) -> None:
        visit_id = self._visit(pick)
        if self._is_draft(visit_id):
            with self.device.lock:
                stored = self.device.photos.add(camera_jpeg(photo))
                self.device.store.visits.attach_photo(visit_id, stored.ref, item_key=None, now=_now())

    @rule(pick=st.integers(0, 99))
    def finalise(self, pick: int) -> None:
        visit_id = self._visit(pick)
        if self._is_draft(visit_id):
            with self.device.lock:
                try:
                    self.device.store.visits.finalise(visit_id, _now())
                except FinaliseRefused:
                    pass  # not every required item answered yet: nothing was written

    @rule(pick=st.integers(0, 99), rng=st.randoms(use_true_random=False), then_finalise=st.booleans())
    def edit(self, pick: int, rng: random.Random, then_finalise: bool) -> None:
        """Correct a finalised or synced visit: a new revision with some answers changed."""
        visit_id = self._visit(pick)
        if self._has_committed_revision(visit_id):
            with self.device.lock:
                self.device.store.visits.edit_visit(visit_id, _now())
            self._answer(visit_id, rng, everything=False)
            if then_finalise:
                self.finalise(pick)

    # -- the network and the app's life ---------------------------------------------------

    @rule(pick=st.integers(0, 99))
    def raise_action(self, pick: int) -> None:
        """An action from a finalised visit's item; it waits for its visit to reach the server
        (an auditor may raise actions only from a visit of their own)."""
        visit_id = self._visit(pick)
        if not self._has_committed_revision(visit_id):
            return
        with self.device.lock:
            site_id = self.device.store.visits.get(visit_id).visit.site_id
        created = _now()
        action = NewAction(id=str(uuid.uuid4()), site_id=site_id,
                           visit_id=visit_id, item_key=self.actionable,
                           title="Fix the greeting 整改迎宾", priority="important",
                           due_on=created.date() + timedelta(days=7), created_at=created)
        assert self.device.store.actions is not None
        with self.device.lock:
            self.device.store.actions.create(action, self.auditor, created)
        self.actions[action.id] = []

    @rule(pick=st.integers(0, 99), kind=st.sampled_from(["start", "comment", "resolve"]))
    def act_on_action(self, pick: int, kind: EventType) -> None:
        """An event the auditor may add, only where the phone's own view allows it; after a
        resolve only comments (the server's automatic re-check may have moved the status)."""
        if not self.actions:
            return
        action_id = sorted(self.actions)[pick % len(self.actions)]
        book = self.device.store.actions
        assert book is not None
        with self.device.lock:
            view = book.view(action_id)
        assert view is not None
        allowed = {"open": {"start", "comment", "resolve"}, "in_progress": {"comment", "resolve"}}
        if kind not in allowed.get(view.status, {"comment"}):
            return
        extra = {"cause": "service_process", "root_cause": "why ×5 为什么"} if kind == "resolve" else {}
        event = NewEvent(id=str(uuid.uuid4()), type=kind, note=f"{kind} 备注", at=_now(), **extra)
        with self.device.lock:
            book.add_event(action_id, event, self.auditor, _now())
        self.actions[action_id].append(event.id)

    @rule(rate=st.sampled_from([0.0, 0.2, 0.5]), seed=st.integers(0, 2**16),
          attempts=st.integers(1, 3), kinds=st.lists(st.sampled_from(NETWORK_FAULTS), min_size=1,
                                                      max_size=3, unique=True))
    def sync(self, rate: float, seed: int, attempts: int, kinds: list[Fault]) -> None:
        self._sync(RandomFaults(rate, seed, kinds), attempts, seed)

    @rule(rate=st.sampled_from([0.5, 0.9]), seed=st.integers(0, 2**16), attempts=st.integers(1, 2),
          kinds=st.lists(st.sampled_from(NETWORK_FAULTS), min_size=1, max_size=2, unique=True))
    def sync_losing_uploads(self, rate: float, seed: int, attempts: int, kinds: list[Fault]) -> None:
        """Most uploads fail and each is tried at most twice: visits end pending, never wrongly
        synced (a failure of the visit's own PUT is the one a careless client takes for success)."""
        self._sync(RandomFaults(rate, seed, kinds, only=UPLOADS), attempts, seed)

    def _sync(self, plan: RandomFaults, attempts: int, seed: int) -> None:
        self.proxy.plan = plan
        report = run_sync(self.device, self.creds, now=_now, retry=RetryPolicy(attempts=attempts),
                          sleep=BackoffRecorder(), rng=random.Random(seed))
        assert report.status in (SyncStatus.OK, SyncStatus.PENDING), report
        assert all(r.outcome in (VisitOutcome.SYNCED, VisitOutcome.PENDING) for r in report.results)

    @rule(after=st.integers(1, 12), seed=st.integers(0, 2**16))
    def restart_during_sync(self, after: int, seed: int) -> None:
        """The app is killed mid-sync: cancel after `after` progress reports, then reopen."""
        cancel = threading.Event()
        reports = itertools.count(1)

        def on_progress(_progress: SyncProgress) -> None:
            if next(reports) >= after:
                cancel.set()

        self.proxy.plan = RandomFaults(0.2, seed, NETWORK_FAULTS)
        report = run_sync(self.device, self.creds, now=_now, on_progress=on_progress, cancel=cancel,
                          sleep=BackoffRecorder(), rng=random.Random(seed))
        assert report.status in (SyncStatus.OK, SyncStatus.PENDING, SyncStatus.CANCELLED), report
        self.restart()

    @rule()
    def restart(self) -> None:
        self.device.close()
        self.device = open_device(self.folder, bundled_dir=self.bundled)

    # -- checks -------------------------------------------------------------------------------

    @invariant()
    def synced_means_stored_on_the_server(self) -> None:
        synced = phone_state(self.device).visits(VisitState.SYNCED)
        if synced:
            stored = stored_revisions(self.server, self.auditor)
            for visit in synced:
                assert stored.get(visit.id, {}).get(visit.revision) == content_hash(visit), visit.id

    @invariant()
    def actions_out_of_the_outbox_are_stored_on_the_server(self) -> None:
        book = self.device.store.actions
        if not self.actions or book is None:
            return
        with self.device.lock:
            queued = {item.id for item in book.queued()}
            refused = {action_id: view.refused for action_id in self.actions
                       if (view := book.view(action_id)) is not None and view.refused}
        assert refused == {}
        for action_id, event_ids in self.actions.items():
            if action_id in queued:
                continue
            stored = self._server_events(action_id)
            assert [e for e in event_ids if e not in queued] == [e for e in stored if e in event_ids]

    def teardown(self) -> None:
        try:
            self.proxy.plan = pass_all
            report = run_sync(self.device, self.creds, now=_now, sleep=BackoffRecorder())
            assert report.status is SyncStatus.OK, report
            phone = phone_state(self.device)
            self._assert_server_holds(phone)
            self._assert_server_holds_the_actions()
        finally:
            self.proxy.stop()
            self.device.close()

    def _assert_server_holds(self, phone: PhoneState) -> None:
        assert phone.queued == 0 and phone.visits(VisitState.FINALISED, VisitState.CONFLICT,
                                                  VisitState.REJECTED) == []
        latest = phone.visits(VisitState.SYNCED)
        stored = stored_revisions(self.server, self.auditor)
        assert {v.id: max(stored[v.id]) for v in latest} == {v.id: v.revision for v in latest}
        assert stored.keys() == {v.id for v in latest}  # nothing the phone never finalised
        for visit in latest:
            assert stored[visit.id][visit.revision] == content_hash(visit)
        hashes = phone.photo_hashes()
        assert photo_rows(self.server, hashes).keys() == hashes
        assert all(len(photo_files(self.server, sha256)) == 1 for sha256 in hashes)
        scores = [score_visit(visit, self.checklist) for visit in latest]
        for group_by in GROUPINGS:
            answer = self.server.get("/reports/compliance", group_by=group_by, auditor_id=self.auditor)
            assert answer.status_code == 200, answer.text
            server_rows = comparable(answer.json()["rows"])
            phone_rows = comparable([row.model_dump() for row in group_rows(scores, group_by)])
            assert server_rows.keys() == phone_rows.keys(), group_by
            for key, row in phone_rows.items():
                assert server_rows[key] == pytest.approx(row), (group_by, key)

    def _assert_server_holds_the_actions(self) -> None:
        book = self.device.store.actions
        assert book is not None and book.queued_count() == 0
        mine = self.server.get("/actions", self.token, limit=1000)  # a new auditor: only these
        assert mine.status_code == 200, mine.text
        assert {row["id"] for row in mine.json()} == self.actions.keys()
        for action_id, event_ids in self.actions.items():
            stored = self._server_events(action_id)
            assert [e for e in stored if e in event_ids] == event_ids  # each once, in order
            with self.device.lock:
                view = book.view(action_id)
            assert view is not None and view.synced

    def _server_events(self, action_id: str) -> list[str]:
        """The ids of the action's events the server holds (404: it holds no such action)."""
        answer = self.server.get(f"/actions/{action_id}", self.token)
        assert answer.status_code == 200, (action_id, answer.text)
        return [event["id"] for event in answer.json()["history"]]

    def _answer(self, visit_id: str, rng: random.Random, *, everything: bool) -> None:
        items = [item for item in self.checklist.items if item.kind is not Kind.PHOTO]
        chosen = items if everything else rng.sample(items, rng.randint(1, 4))
        na_share = rng.choice([0.0, 0.1, 1.0])
        with self.device.lock, self.device.store.hot.commit():  # one file write, a quicker test
            for item in chosen:
                na = item.scored and rng.random() < na_share
                self.device.store.visits.record_observation(
                    visit_id, item.key, value=None if na else answer_value(item, rng), na=na, now=_now())

    def _visit(self, pick: int) -> str | None:
        return self.visit_ids[pick % len(self.visit_ids)] if self.visit_ids else None

    def _is_draft(self, visit_id: str | None) -> bool:
        if visit_id is None:
            return False
        with self.device.lock:
            return self.device.store.visits.get(visit_id).state is VisitState.DRAFT

    def _has_committed_revision(self, visit_id: str | None) -> bool:
        if visit_id is None:
            return False
        with self.device.lock:
            return any(r.state is not VisitState.DRAFT
                       for r in self.device.store.visits.revisions(visit_id))


@pytest.mark.slow
def test_any_sequence_of_edits_faulty_syncs_and_restarts_converges_to_the_phones_visits(
        live_server: LiveServer, tmp_path: Path) -> None:
    bundled = tmp_path / "bundled"
    bundled.mkdir()
    shutil.copy(BUNDLED_DIR / f"{CHECKLIST[0]}.yaml", bundled)
    machine = type("Machine", (SyncMachine,), {"server": live_server, "root": tmp_path, "bundled": bundled})
    run_state_machine_as_test(machine, settings=SETTINGS)
