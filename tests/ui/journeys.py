"""Steps of a shopper's visit in the browser, found by accessible names in the phone's language
(the app's own catalogue: the English names are the ones the app promises)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import yaml
from PIL import Image
from playwright.sync_api import expect

from audit_app.checklist_files import BUNDLED_DIR
from tests.ui.phone import Phone

RETAIL = "retail-store-visit"
DEMO_SITE = "site-001"
DEMO_SITE_NAME = "Riverside Mall store"


def checklist_title(phone: Phone, checklist_id: str = RETAIL) -> str:
    title = yaml.safe_load((BUNDLED_DIR / f"{checklist_id}.yaml").read_text(encoding="utf-8"))["title"]
    return title["zh"] if phone.lang.startswith("zh") else title["en"]


def choose_language(phone: Phone, lang: str, *, then_shows: str) -> None:
    """Tap 中文 / English (named in their own language on every screen that has them); then
    wait until the catalogue text `then_shows` appears in the new language."""
    phone.tap_button("中文" if lang == "zh-CN" else "English")
    phone.lang = lang
    phone.text(phone.say(then_shows), exact=True).first.wait_for()


def enrol_by_link(phone: Phone, link: str, *, manager: bool = False) -> None:
    """Open the link `make run` printed (in a new tab, as from a message): the app enrols
    itself and lands on Home, or for a manager on Reports, whose Back is Home (taken here, so
    every caller goes on from Home)."""
    phone.open_in_new_tab(link)
    if manager:
        leave_reports_for_home(phone)
    phone.button(phone.say("home.new_visit")).wait_for()


def leave_reports_for_home(phone: Phone) -> None:
    """A manager's app opens on Reports (its Overview tab shown): Back to Home."""
    phone.button(phone.say("reports.nav.overview")).first.wait_for()
    go_home(phone)


def start_offline(phone: Phone, app_url: str) -> None:
    phone.open(app_url)
    phone.tap_button(phone.say("first_run.offline"))
    phone.button(phone.say("home.new_visit")).wait_for()


def start_retail_visit(phone: Phone, *, site_name: str | None = DEMO_SITE_NAME,
                       shot: str | None = None) -> None:
    """New visit -> retail checklist -> a site -> Start visit; the runner's first section shows."""
    phone.tap_button(phone.say("home.new_visit"))
    phone.button(phone.say("new_visit.start")).wait_for()
    phone.tap(phone.role("radio", checklist_title(phone)))
    if site_name is None:  # no roster on the phone: the site's code is typed
        phone.fill(phone.textbox(phone.say("new_visit.site_code")), DEMO_SITE)
        phone.page.keyboard.press("Enter")
    else:
        phone.tap(phone.role("radio", site_name, exact=False).first)   # a list: nothing preselected
    if shot:
        phone.screenshot(shot, phone.button(phone.say("new_visit.start")))
    phone.tap_button(phone.say("new_visit.start"))
    phone.button(phone.say("runner.pass")).first.wait_for()


def time_with_stopwatch(phone: Phone) -> None:
    """Start the section's first idle stopwatch, then Mark: the elapsed time is the answer and
    the big button shows Start again, disabled."""
    phone.tap(phone.button(phone.say("runner.start")).first)
    phone.tap(phone.button(phone.say("runner.mark")).first)
    expect(phone.button(phone.say("runner.mark"))).to_have_count(0)


def idle_stopwatches(phone: Phone) -> int:
    starts = phone.button(phone.say("runner.start"))
    return sum(1 for i in range(starts.count()) if starts.nth(i).is_enabled())


def answer_section(phone: Phone) -> None:
    """Time every stopwatch, Pass every check item, rate every rating 5."""
    while idle_stopwatches(phone):
        time_with_stopwatch(phone)
    passes = phone.button(phone.say("runner.pass"))
    for index in range(passes.count()):
        phone.tap(passes.nth(index))
    if phone.button("5").count():
        phone.tap(phone.button("5").first)


def section_count(phone: Phone) -> int:
    """From the runner's "Section 1 of 6" line."""
    pattern = re.escape(phone.say("runner.section_of", number=999, total=998))
    pattern = pattern.replace("999", r"(\d+)").replace("998", r"(\d+)")
    line = phone.text(re.compile(f"^{pattern}$")).first.inner_text()
    return int(re.match(pattern, line)[2])  # type: ignore[index]


def next_section(phone: Phone, number: int) -> None:
    """The big bottom button moves on to the next section."""
    phone.tap(phone.button(phone.say("runner.next_section")).first)
    total = section_count(phone)
    phone.text(phone.say("runner.section_of", number=number, total=total), exact=True).wait_for()


def answer_every_section(phone: Phone, *, shot: str | None = None) -> None:
    total = section_count(phone)
    for number in range(1, total + 1):
        answer_section(phone)
        if shot and number == 1:
            phone.screenshot(shot, phone.say("runner.section_of", number=1, total=total))
        if number < total:
            next_section(phone, number + 1)


def progress_text(phone: Phone, answered: int, required: int) -> str:
    return phone.say("runner.progress", answered=answered, required=required)


def photo_file(folder: Path) -> Path:
    """A real JPEG (the app decodes and re-encodes what it is given)."""
    path = folder / "shelf.jpg"
    image = Image.new("RGB", (640, 480), (40, 120, 200))
    for x in range(0, 640, 40):
        image.paste((230, 180, 30), (x, 200, x + 20, 280))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return path


def attach_photo(phone: Phone, path: Path) -> None:
    """Add photo on the first item of the section, pick the file, wait for its thumbnail."""
    with phone.page.expect_file_chooser() as chooser:
        phone.tap(phone.button(phone.say("runner.add_photo")).first)
    chooser.value.set_files(str(path))
    phone.page.get_by_label(phone.say("runner.delete_photo")).first.wait_for()


def review_and_finalise(phone: Phone, *, shot: str | None = None) -> None:
    phone.tap_button(phone.say("runner.review"))
    if shot:
        phone.screenshot(shot, phone.button(phone.say("review.finalise")))
    phone.tap_button(phone.say("review.finalise"))
    # Auto-send may have sent it by the time Home shows it.
    visit_row(phone, ("state.finalised", "state.synced")).wait_for()


def visit_row(phone: Phone, state_key: str | tuple[str, ...], checklist_id: str = RETAIL):
    """Home's row of a visit: one button named by its checklist, site, time and state (any of
    several states when `state_key` is a tuple)."""
    keys = (state_key,) if isinstance(state_key, str) else state_key
    title = re.escape(checklist_title(phone, checklist_id))
    state = "(?:" + "|".join(re.escape(phone.say(k)) for k in keys) + ")"
    return phone.role("button", re.compile(f"^{title}.*{state}", re.S)).first


def go_home(phone: Phone) -> None:
    phone.tap(phone.page.get_by_label(phone.say("common.back"), exact=True).first)
    phone.button(phone.say("home.new_visit")).wait_for()


def sync_from_home(phone: Phone, *, synced: int, pending: int = 0) -> None:
    """Home's Sync now opens the sync screen and starts; wait for its summary. Auto-send may
    have sent the visits already: then this run has nothing left to send (callers check the
    server for what arrived)."""
    phone.tap_button(phone.say("home.sync_now"))
    summaries = {phone.say("sync.summary", synced=n, conflict=0, rejected=0, pending=pending)
                 for n in {synced, 0}}
    pattern = "^(?:" + "|".join(re.escape(text) for text in summaries) + ")$"
    phone.text(re.compile(pattern)).first.wait_for()


def device_folder(app_data: Path) -> Path:
    (device,) = (app_data / "devices").iterdir()
    return device


def stored_visits(app_data: Path) -> list[dict]:
    """The visit records in the one device's store file under the app server's data folder."""
    tables = json.loads((device_folder(app_data) / "store.json").read_text(encoding="utf-8"))
    return list(tables.get("visits", {}).values())
