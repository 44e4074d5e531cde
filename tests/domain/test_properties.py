"""Properties of the group rows that must hold for any data (hypothesis)."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from audit_app.domain import Outcome, ScoredObservation, VisitScore, group_rows

SITES = ["site-a", "site-b", "site-c"]
STAFF = ["staff-1", "staff-2", None]


@st.composite
def visit_scores(draw, min_size=0):
    n = draw(st.integers(min_value=min_size, max_value=12))
    visits = []
    for index in range(n):
        site = draw(st.sampled_from(SITES))
        observations = tuple(
            ScoredObservation(f"v{index}", draw(st.sampled_from(["c1", "c2"])), f"i{k}", site,
                              draw(st.sampled_from(STAFF)), draw(st.sampled_from(["empathy", "tangibles"])),
                              draw(st.sampled_from([0.5, 1.0, 2.0])), draw(st.booleans()),
                              draw(st.sampled_from(list(Outcome))))
            for k in range(draw(st.integers(min_value=1, max_value=6))))
        applicable = sum(o.weight for o in observations if o.outcome is not Outcome.NA)
        passed = sum(o.weight for o in observations if o.outcome is Outcome.PASS)
        score = passed / applicable if applicable else None
        knocked = any(o.critical and o.outcome is Outcome.FAIL for o in observations)
        visits.append(VisitScore(f"v{index}", site, "c1", applicable, passed, score, knocked,
                                 None if score is None else (0.0 if knocked else score), observations))
    return visits


group_by = st.sampled_from(["site", "staff", "item", "dimension", "checklist"])


def comparable(rows):
    return [(r.key, round(r.applicable, 9), round(r.passed, 9), r.observations, r.visits,
             r.critical_failures, None if r.visit_score_mean is None else round(r.visit_score_mean, 9))
            for r in rows]


@given(visit_scores(), group_by)
def test_rate_is_a_proportion(visits, grouping):
    for row in group_rows(visits, grouping):
        assert row.rate is None or 0.0 <= row.rate <= 1.0
        if row.rate is not None:
            assert row.ci_low <= row.rate + 1e-12 and row.rate <= row.ci_high + 1e-12


@given(visit_scores(min_size=1), group_by, st.data())
def test_adding_an_na_observation_never_changes_a_rate(visits, grouping, data):
    target = data.draw(st.integers(min_value=0, max_value=len(visits) - 1))
    v = visits[target]
    extra = v.observations[0]._replace(item_key="extra", outcome=Outcome.NA)
    changed = list(visits)
    changed[target] = v._replace(observations=v.observations + (extra,))
    before = {r.key: r.rate for r in group_rows(visits, grouping)}
    after = {r.key: r.rate for r in group_rows(changed, grouping)}
    for key, rate in before.items():
        assert after[key] == rate


@given(visit_scores(), group_by, st.randoms())
def test_rows_do_not_depend_on_visit_order(visits, grouping, rnd):
    shuffled = list(visits)
    rnd.shuffle(shuffled)
    assert comparable(group_rows(shuffled, grouping)) == comparable(group_rows(visits, grouping))


def merge_site(visits, absorbed, into):
    """The same data with every observation of site `absorbed` counted for site `into`."""
    def move(o):
        return o._replace(site_id=into) if o.site_id == absorbed else o
    return [v._replace(observations=tuple(move(o) for o in v.observations)) for v in visits]


@settings(max_examples=200)
@given(visit_scores(min_size=1))
def test_pooled_rate_of_two_merged_groups_is_sum_passed_over_sum_applicable(visits):
    separate = {r.key: r for r in group_rows(visits, "site")}
    merged = {r.key: r for r in group_rows(merge_site(visits, "site-b", "site-a"), "site")}
    parts = [separate[k] for k in ("site-a", "site-b") if k in separate]
    applicable = sum(r.applicable for r in parts)
    passed = sum(r.passed for r in parts)
    if not parts:
        assert "site-a" not in merged
    elif applicable == 0:
        assert merged["site-a"].rate is None
    else:
        assert math.isclose(merged["site-a"].rate, passed / applicable, rel_tol=1e-12)
        assert merged["site-a"].observations == sum(r.observations for r in parts)
