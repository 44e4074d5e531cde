"""Small checklists and an open store on a temp folder, independent of the bundled files."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from audit_app.domain import Checklist
from audit_app.store import LocalStore, open_store

TZ = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=TZ)


def make_checklist(version: int = 1, extra_item: bool = False) -> Checklist:
    """A mystery-shop checklist with one item of each kind (required: greet, smile, uniform, rating)."""
    text = lambda en: {"en": en, "zh": en + "(中文)"}  # noqa: E731
    items = [
        {"key": "greet_within_3s", "text": text("Greeted within 3 s"), "kind": "timed",
         "dimension": "responsiveness", "threshold_s": 3, "source": "000 ch.2 §2"},
        {"key": "smile", "text": text("Smiled"), "kind": "check", "dimension": "customer_orientation",
         "critical": True, "source": "001 §1.3"},
        {"key": "uniform_clean", "text": text("Uniform clean"), "kind": "check", "dimension": "tangibles",
         "attribution": "site", "photo": "optional", "source": "001 §1.2"},
        {"key": "staff_on_floor", "text": text("Staff on the floor"), "kind": "count",
         "dimension": "reliability", "min": 1, "max": 5, "required": False, "source": "000"},
        {"key": "satisfaction", "text": text("Satisfaction"), "kind": "rating", "dimension": "empathy",
         "pass_min": 4, "source": "000 ch.1 §2"},
        {"key": "remarks", "text": text("Remarks"), "kind": "text", "source": "ours"},
        {"key": "storefront", "text": text("Storefront photo"), "kind": "photo", "photo": "optional",
         "source": "003"},
    ]
    if extra_item:
        items.append({"key": "farewell", "text": text("Said goodbye"), "kind": "check",
                      "dimension": "empathy", "source": "001"})
    return Checklist.model_validate({
        "id": "shop-visit", "version": version, "title": text("Shop visit"), "mode": "mystery_shop",
        "sections": [{"key": "visit", "title": text("Visit"), "items": items}],
    })


def write_checklist_yaml(folder: Path, checklist: Checklist) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    data = checklist.model_dump(mode="json", exclude_defaults=True)
    (folder / f"{checklist.id}-v{checklist.version}.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def bundled_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "bundled"
    write_checklist_yaml(folder, make_checklist())
    return folder


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path, bundled_dir: Path) -> LocalStore:
    opened = open_store(data_dir, bundled_dir=bundled_dir)
    yield opened
    opened.close()


def start(store: LocalStore, now: datetime = NOW, **overrides) -> str:
    fields = dict(checklist_id="shop-visit", checklist_version=1, site_id="site-001",
                  staff_ids=["staff-017"], peak=False, now=now)
    fields.update(overrides)
    return store.visits.start_visit(**fields).id


def answer_required(store: LocalStore, visit_id: str, now: datetime = NOW) -> None:
    """Answer every required item so the visit can be finalised."""
    store.visits.record_observation(visit_id, "greet_within_3s", value=2.4, now=now)
    store.visits.record_observation(visit_id, "smile", value=True, now=now)
    store.visits.record_observation(visit_id, "uniform_clean", value=False, now=now)
    store.visits.record_observation(visit_id, "satisfaction", value=4, now=now)


def finalised_visit(store: LocalStore, now: datetime = NOW) -> str:
    visit_id = start(store, now)
    answer_required(store, visit_id, now)
    store.visits.finalise(visit_id, now + timedelta(minutes=20))
    return visit_id


def reopen(data_dir: Path, bundled_dir: Path) -> LocalStore:
    """A fresh store on the same folder: what the app sees after a restart."""
    return open_store(data_dir, bundled_dir=bundled_dir)
