"""The visit wire format (CONTRACT.md §2)."""

import pytest
from pydantic import ValidationError

from audit_app.domain import Visit, canonical_hash, canonical_json, content_hash

from .builders import VISIT_ID, checklist, item, obs, visit


def raw(**fields):
    data = {"id": VISIT_ID, "revision": 1, "checklist_id": "retail-store-visit", "checklist_version": 1,
            "site_id": "site-001", "staff_ids": ["staff-017"], "context": {"peak": False},
            "started_at": "2026-11-20T10:00:00+08:00", "finished_at": "2026-11-20T10:24:31+08:00",
            "observations": [{"item_key": "greet_within_3s", "value": 2.4, "na": False, "staff_id": None,
                              "note": None, "photos": [], "recorded_at": "2026-11-20T10:00:05+08:00"}],
            "photos": []}
    data.update(fields)
    return data


def test_contract_example_parses_and_keeps_value_types():
    v = Visit.model_validate(raw())
    assert v.observations[0].value == 2.4 and isinstance(v.observations[0].value, float)
    v = Visit.model_validate_json('{"id": "%s", "checklist_id": "a", "checklist_version": 1, '
                                  '"site_id": "s", "started_at": "2026-11-20T10:00:00+08:00", '
                                  '"observations": [{"item_key": "k", "value": true, '
                                  '"recorded_at": "2026-11-20T10:00:00+08:00"}, {"item_key": "n", '
                                  '"value": 3, "recorded_at": "2026-11-20T10:00:00+08:00"}]}' % VISIT_ID)
    assert v.observations[0].value is True and type(v.observations[1].value) is int


@pytest.mark.parametrize("field", ["auditor", "received_at", "outcome", "score"])
def test_server_owned_fields_cannot_be_sent(field):
    with pytest.raises(ValidationError, match="Extra inputs"):
        Visit.model_validate(raw(**{field: "x"}))


def test_timestamps_must_carry_a_utc_offset():
    with pytest.raises(ValidationError, match="timezone"):
        Visit.model_validate(raw(started_at="2026-11-20T10:00:00"))


def test_id_must_be_a_canonical_uuid4():
    with pytest.raises(ValidationError):
        Visit.model_validate(raw(id="not-a-uuid"))
    with pytest.raises(ValidationError):
        Visit.model_validate(raw(id=VISIT_ID.upper()))


def test_finished_before_started_is_refused():
    with pytest.raises(ValidationError, match="finished_at"):
        Visit.model_validate(raw(finished_at="2026-11-20T09:00:00+08:00"))


def test_canonical_json_ignores_key_order_but_not_content():
    cl = checklist(item("a"))
    one = visit(cl, obs("a", True))
    same = Visit.model_validate_json(canonical_json(one))
    changed = visit(cl, obs("a", False))
    assert content_hash(one) == content_hash(same) != content_hash(changed)
    assert canonical_hash(canonical_json(one)) == content_hash(one)  # the server hashes the JSON it stores
    reordered = Visit.model_validate(dict(reversed(list(one.model_dump(mode="json").items()))))
    assert canonical_json(reordered) == canonical_json(one)
