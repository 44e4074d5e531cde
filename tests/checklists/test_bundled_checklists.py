"""The bundled checklists: valid, bilingual, sourced, and carrying every measurable standard of
shared/STANDARDS.md with the threshold exactly as the seeds state it."""

import re

import pytest

from audit_app.checklist_files import BUNDLED_DIR, load_checklist_dir, load_checklist_file
from audit_app.domain import Kind

CHECKLISTS = load_checklist_dir()
ALL_ITEMS = [(c, item) for c in CHECKLISTS for item in c.items]
CJK = re.compile(r"[\u4e00-\u9fff]")

HOUR, DAY = 3600, 86400
# Every row of STANDARDS.md's "Timed standards" table: (source cited, kind, rule), where the rule
# is a timed threshold in seconds, {"peak", "off_peak"} thresholds, or count bounds.
STANDARD_THRESHOLDS = [
    ("000 ch.2 §2 一", "timed", {"threshold_s": 3}),            # greeting within 3 s
    ("000 ch.2 §2 一", "count", {"max": 3, "unit": "rings"}),   # phone answered within 3 rings
    ("000 ch.2 §2 一", "count", {"max": 3, "unit": "prompts"}), # online message within 3 prompts
    ("000 ch.1 §2 一", "timed", {"threshold_s": 30}),           # restaurant first response
    ("000 ch.1 §2 一", "timed", {"threshold_s": 60}),           # retail first response
    ("000 ch.1 §2 三", "timed", {"threshold_s": 600}),          # bank wait ≤ 10 min
    ("000 ch.1 §3 一", "timed", {"thresholds_s": {"peak": 300, "off_peak": 180}}),
    ("000 ch.1 §2 三", "timed", {"threshold_s": 2 * HOUR}),     # complaint first feedback
    ("000 ch.1 §2 三", "timed", {"threshold_s": DAY}),          # complaint final resolution
    ("000 ch.2 §4 一", "timed", {"threshold_s": DAY}),          # callback within 24 h (Track)
    ("000 ch.2 §4 二", "count", {"min": 30, "unit": "min"}),    # delay told ≥ 30 min before
    ("004 ch.6 §1", "timed", {"threshold_s": 30 * 60}),         # check-in
    ("004 ch.6 §1", "timed", {"threshold_s": DAY}),             # meeting-room booking confirmed
    ("004 ch.6 §1", "timed", {"threshold_s": HOUR}),            # printing job
    ("004 ch.4 §2", "timed", {"threshold_s": DAY}),             # complaint responded
    ("004 ch.4 §2", "timed", {"threshold_s": 2 * DAY}),         # complaint result fed back
    ("004 ch.7 §2", "count", {"max": 3, "unit": "working_days"}),  # general complaint
    ("004 ch.7 §2", "count", {"max": 5, "unit": "working_days"}),  # important complaint
    ("004 ch.7 §2", "count", {"max": 2, "unit": "working_days"}),  # urgent complaint
    ("004 ch.7 §2", "timed", {"threshold_s": DAY}),             # complaint recorded
    ("004 ch.7 §4", "count", {"max": 30, "unit": "days"}),      # result follow-up
    ("001 \"优质客户服务的测定标准\"", "timed", {"threshold_s": DAY}),  # written questions
]


def matches(item, kind, rule):
    if item.kind.value != kind:
        return False
    for field, expected in rule.items():
        actual = getattr(item, field)
        if field == "thresholds_s":
            actual = actual and {"peak": actual.peak, "off_peak": actual.off_peak}
        if actual != expected:
            return False
    return True


def test_there_are_at_least_seven_valid_checklists():
    assert len(CHECKLISTS) >= 7
    assert {c.id for c in CHECKLISTS} >= {
        "retail-store-visit", "restaurant-visit", "bank-branch-visit", "phone-mystery-call",
        "complaint-handling-audit", "business-centre-daily", "grooming-inspection"}


@pytest.mark.parametrize("path", sorted(BUNDLED_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_file_name_is_the_checklist_id(path):
    assert load_checklist_file(path).id == path.stem


@pytest.mark.parametrize(("source", "kind", "rule"), STANDARD_THRESHOLDS,
                         ids=[f"{s} {r}" for s, _, r in STANDARD_THRESHOLDS])
def test_every_measurable_standard_is_in_some_checklist(source, kind, rule):
    found = [f"{c.id}/{i.key}" for c, i in ALL_ITEMS if i.source == source and matches(i, kind, rule)]
    assert found, f"no {kind} item citing {source} with {rule}"


def test_every_title_and_text_is_bilingual():
    for checklist in CHECKLISTS:
        texts = [checklist.title] + [s.title for s in checklist.sections] + [i.text for i in checklist.items]
        for text in texts:
            assert text.en.strip() and not CJK.fullmatch(text.en[0])
            assert CJK.search(text.zh), f"{checklist.id}: zh text without Chinese: {text.zh!r}"


def test_every_item_cites_a_seed_document():
    for checklist, item in ALL_ITEMS:
        assert re.match(r"^00[0-4] ", item.source), f"{checklist.id}/{item.key}: {item.source!r}"


def test_every_mystery_shop_has_a_knock_out_item():
    for checklist in CHECKLISTS:
        if checklist.mode == "mystery_shop":
            assert any(i.critical for i in checklist.items), checklist.id


def test_serious_failures_are_knock_outs():
    critical = {f"{c.id}/{i.key}" for c, i in ALL_ITEMS if i.critical}
    assert "retail-store-visit/not_ignored_on_entry" in critical
    assert "phone-mystery-call/no_curt_opening" in critical


def test_environment_items_are_attributed_to_the_site():
    for checklist, item in ALL_ITEMS:
        if item.source.startswith(("003 \"服务环境管理\"", "004 ch.1 §2")):
            assert item.attribution == "site", f"{checklist.id}/{item.key}"


def test_grooming_items_ask_for_photo_evidence():
    grooming = next(c for c in CHECKLISTS if c.id == "grooming-inspection")
    assert grooming.item_map["badge_left_chest"].photo == "required"
    assert any(i.kind is Kind.PHOTO for i in grooming.items)
