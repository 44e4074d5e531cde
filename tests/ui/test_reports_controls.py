"""The report screens in a real browser: every icon button and filter dropdown reaches the
accessibility tree with a name (issue 12 point 13), and at phone width the rows are cards whose
names stay on screen, the table coming back when the page is widened (point 14). Only the
browser shows what Flutter puts in the tree and how wide the page is."""

from __future__ import annotations

import pytest

from audit_app.i18n import t
from sync_server.demo import SITES
from tests.ui.phone import Phone
from tests.ui.reports_steps import enrol, fresh_link, open_reports
from tests.ui.test_reports import demo_product  # noqa: F401  (module fixture: one product for all)

# Buttons with neither a name nor a named button around them (an icon_button is a named
# Semantics node holding Flutter's own unnamed IconButton: one control, read once).
UNNAMED_BUTTONS = """els => els.filter(e => !(e.getAttribute('aria-label') || e.textContent.trim())
    && !(e.parentElement && e.parentElement.closest('[role=button][aria-label]'))).length"""


SITE_NAMES = [name for _, name, *_ in SITES]


def unnamed_buttons(phone: Phone) -> int:
    return phone.page.eval_on_selector_all("flt-semantics[role=button]", UNNAMED_BUTTONS)


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_report_controls_have_names_and_phone_rows_are_cards_that_keep_their_name(demo_product, phone: Phone, lang: str) -> None:  # noqa: F811
    enrol(phone, fresh_link(demo_product, "demo-admin"), lang)
    open_reports(phone, lang)
    phone.button(t(lang, "reports.refresh")).wait_for()
    phone.button(t(lang, "reports.export")).wait_for()
    assert unnamed_buttons(phone) == 0
    assert phone.role("columnheader").count() == 0  # cards, not a table, at 412 px
    phone.button(SITE_NAMES[0], exact=False).first.wait_for()
    shown = [name for name in SITE_NAMES if phone.button(name).count()]
    assert len(shown) >= 3  # the sites with visits in the period
    for name in shown:
        box = phone.button(name).first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 412, name
    phone.page.set_viewport_size({"width": 1280, "height": 800})
    phone.role("columnheader", t(lang, "reports.col.name")).wait_for()
    phone.page.set_viewport_size({"width": 412, "height": 915})
    phone.page.wait_for_function("() => !document.querySelector('flt-semantics[role=columnheader]')")
    phone.tap_button(t(lang, "reports.nav.filters"))
    for label, everything in (("region", "all_regions"), ("checklist", "all_checklists"),
                              ("site", "all_sites")):
        name = t(lang, "reports_ui.named_choice", label=t(lang, f"reports.filter.{label}"),
                 value=t(lang, f"reports.filter.{everything}"))
        phone.button(name).wait_for()
    assert unnamed_buttons(phone) == 0
