"""The corrective-action loop in Chromium (issue 13): an inspector fails "projector works" in the
business-centre daily check, creates an action assigned to the demo manager from the runner and
syncs; the manager resolves it with a cause and a photo of the fix and syncs; the next day's
check shows it under "Re-check these", passes the item, and the action shows "verified" by that
visit. The app's calendar is pinned (day one, then the app server restarts on day two), so
nothing depends on the day the test runs. Phone-size screenshots of the new screens in both
languages land in test-artifacts/screens/."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from audit_app.domain.actions import default_title
from audit_app.i18n import t
from tests.ui.action_steps import (
    DAY_ONE, DAY_TWO, PROJECTOR, PROJECTOR_INDEX, PROJECTOR_ITEM, SITE_ID, answer_the_rest, back_home,
    choose_cause, enrolled, finalise_and_sync, next_day, open_action, start_daily_check, sync_now, wait_until,
)
from tests.ui.journeys import next_section, photo_file
from tests.ui.phone import Phone
from tests.ui.product import Product
from tests.ui.reports_steps import api_as


@pytest.fixture
def loop_product(tmp_path: Path) -> Iterator[Product]:
    """The product with no demo visits (so no demo action covers the projector) on day one."""
    running = Product(tmp_path, today=DAY_ONE)
    try:
        yield running.start(demo_visits=0)
    finally:
        running.stop()


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_a_failed_projector_gets_an_action_resolved_with_a_photo_and_verified_by_the_next_check(
        loop_product: Product, new_phone: Callable[[], Phone], tmp_path: Path, lang: str) -> None:
    product, prefix = loop_product, lang.split("-")[0]
    title = default_title(PROJECTOR_ITEM, lang)  # what the create form prefills

    # Day one: the inspector fails the projector and raises an action from the runner.
    inspector = enrolled(new_phone, product, lang, "demo-auditor")
    start_daily_check(inspector)
    passes, fails = inspector.button(inspector.say("runner.pass")), inspector.button(inspector.say("runner.fail"))
    for index in range(passes.count()):
        inspector.tap((fails if index == PROJECTOR_INDEX else passes).nth(index))
    create = inspector.button(inspector.say("actions.create"))
    inspector.screenshot(f"{prefix}-action-1-runner-create", create)
    inspector.tap(create.first)
    assignee = inspector.textbox(inspector.say("actions.field.assignee"))
    inspector.screenshot(f"{prefix}-action-2-create-form", assignee)
    inspector.fill(assignee, "demo-manager")
    inspector.tap_button(inspector.say("actions.create"))
    inspector.screenshot(f"{prefix}-action-3-runner-open-action", inspector.text(inspector.say("runner.open_action"),
                                                                                 exact=True))
    inspector.text(inspector.say("actions.created"), exact=True).wait_for()
    next_section(inspector, 2)
    answer_the_rest(inspector, from_section=2)
    finalise_and_sync(inspector)
    with api_as(product, "demo-admin") as admin:
        (action,) = wait_until(lambda: admin.get("/actions", params={"site_id": SITE_ID}).json(),
                               "the action on the server")
    assert (action["item_key"], action["assignee"], action["created_by"], action["status"]) == (
        PROJECTOR, "demo-manager", "demo-auditor", "open")
    assert action["title"] == title

    # Day one, later: the manager resolves it with a cause and a photo of the fix.
    manager = enrolled(new_phone, product, lang, "demo-manager")
    sync_now(manager)
    back_home(manager)
    open_action(manager, title)
    manager.fill(manager.textbox(manager.say("actions.note")), "Lamp replaced 已更换灯泡")
    choose_cause(manager, "actions.cause.facilities")
    manager.fill(manager.textbox(manager.say("actions.root_cause")),
                 "Lamp past its hours → nobody tracked them → hours now logged 灯泡超时未换")
    with manager.page.expect_file_chooser() as chooser:
        manager.tap_button(manager.say("actions.add_fix_photo"))
    chooser.value.set_files(str(photo_file(tmp_path)))
    manager.page.get_by_label(manager.say("runner.delete_photo")).first.wait_for()
    manager.screenshot(f"{prefix}-action-4-resolve-form", manager.button(manager.say("actions.do.resolve")))
    manager.tap_button(manager.say("actions.do.resolve"))
    manager.text(re.compile("^" + re.escape(manager.say("actions.event.resolve")) + " · demo-manager")).wait_for()
    manager.tap(manager.page.get_by_label(manager.say("common.back"), exact=True).first)  # to the list
    back_home(manager)
    sync_now(manager)
    with api_as(product, "demo-manager") as api:
        resolved = wait_until(lambda: (lambda d: d if d["status"] == "resolved" else None)(
            api.get(f"/actions/{action['id']}").json()), "the resolve on the server")
        (fix,) = resolved["history"][-1]["photos"]
        assert resolved["history"][-1]["cause"] == "facilities" and resolved["missing_photos"] == []
        assert api.get(f"/photos/{fix}").status_code == 200

    # Day two: the next check lists it to re-check, passes the projector, and verifies it.
    next_day(product)
    inspector.reload()
    sync_now(inspector)
    back_home(inspector)
    start_daily_check(inspector)
    inspector.screenshot(f"{prefix}-action-5-recheck-these", inspector.text(inspector.say("runner.recheck_title"),
                                                                            exact=True))
    inspector.text(inspector.say("runner.recheck_row", due=action["due_on"],
                                 status=inspector.say("actions.status.resolved")), exact=False).first.wait_for()
    inspector.text(inspector.say("runner.recheck_action"), exact=True).wait_for()
    answer_the_rest(inspector)
    finalise_and_sync(inspector)
    with api_as(product, "demo-admin") as admin:
        verified = wait_until(lambda: (lambda d: d if d["status"] == "verified" else None)(
            admin.get(f"/actions/{action['id']}").json()), "the automatic re-check")
        day_two = [v for v in admin.get("/visits", params={"site_id": SITE_ID}).json()
                   if v["started_local_date"] == DAY_TWO.isoformat()]
    last = verified["history"][-1]
    assert (last["type"], last["by"], last["visit_id"]) == ("verify", "system", day_two[0]["id"])
    sync_now(inspector)  # brings the verify down
    back_home(inspector)
    open_action(inspector, title, "actions.filter.all")
    inspector.screenshot(f"{prefix}-action-6-verified", inspector.text(inspector.say("actions.by_visit"), exact=False))
    inspector.text(re.compile("^" + re.escape(inspector.say("actions.event.verify")) + " · system")).wait_for()
    assert t(lang, "actions.status.verified") in inspector.text(
        re.compile(re.escape(inspector.say("actions.status.verified")))).first.inner_text()
