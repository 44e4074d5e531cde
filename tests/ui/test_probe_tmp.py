from tests.ui.journeys import *
from tests.ui.test_resilience import progress_line

def tree(ph):
    return ph.page.locator("flt-semantics, input, textarea").evaluate_all("els => els.map(e => e.tagName[4]+(e.getAttribute('role')||'') + ':' + (e.getAttribute('aria-label')||e.textContent||'').slice(0,50)).filter(x=>!x.endsWith(':'))")

def test_probe(product, phone, tmp_path):
    phone.open(product.app_url)
    choose_language(phone, "en", then_shows="first_run.offline")
    phone.open(product.enrolment_link("demo-auditor"))
    phone.page.wait_for_timeout(5000)
    phone.page.screenshot(path="test-artifacts/screens/probe-a.png")
    print(tree(phone))

def test_probe2(product, phone, tmp_path):
    start_offline(phone, product.app_url)
    start_retail_visit(phone, site_name=None)
    time_with_stopwatch(phone)
    product.restart(product.app)
    phone.open(product.app_url)
    phone.page.wait_for_timeout(3000)
    print(tree(phone))
    phone.tap(visit_row(phone, "state.draft"))
    phone.page.wait_for_timeout(3000)
    phone.page.screenshot(path="test-artifacts/screens/probe-b.png")
    print(tree(phone))
