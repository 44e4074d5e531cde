"""The report screens' controls in a real browser at phone size: every icon button and filter
dropdown reaches the accessibility tree with a name (issue 12 point 13); only the browser shows
what Flutter puts there."""

from __future__ import annotations

import pytest

from audit_app.i18n import t
from tests.ui.phone import Phone
from tests.ui.reports_steps import enrol, fresh_link, open_reports
from tests.ui.test_reports import demo_product  # noqa: F401  (module fixture: one product for all)

# Buttons with neither a name nor a named button around them (an icon_button is a named
# Semantics node holding Flutter's own unnamed IconButton: one control, read once).
UNNAMED_BUTTONS = """els => els.filter(e => !(e.getAttribute('aria-label') || e.textContent.trim())
    && !(e.parentElement && e.parentElement.closest('[role=button][aria-label]'))).length"""


def unnamed_buttons(phone: Phone) -> int:
    return phone.page.eval_on_selector_all("flt-semantics[role=button]", UNNAMED_BUTTONS)


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_report_icon_buttons_and_filter_dropdowns_have_names(demo_product, phone: Phone, lang: str) -> None:  # noqa: F811
    enrol(phone, fresh_link(demo_product, "demo-admin"), lang)
    open_reports(phone, lang)
    phone.button(t(lang, "reports.refresh")).wait_for()
    phone.button(t(lang, "reports.export")).wait_for()
    assert unnamed_buttons(phone) == 0
    phone.tap_button(t(lang, "reports.nav.filters"))
    for label, everything in (("region", "all_regions"), ("checklist", "all_checklists"),
                              ("site", "all_sites")):
        name = t(lang, "reports_ui.named_choice", label=t(lang, f"reports.filter.{label}"),
                 value=t(lang, f"reports.filter.{everything}"))
        phone.button(name).wait_for()
    assert unnamed_buttons(phone) == 0
