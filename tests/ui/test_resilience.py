"""What a shopper must never lose: answers across an app-server restart, visits while offline."""

import re
import time

from playwright.sync_api import WebSocketRoute, expect

from tests.ui.journeys import (answer_every_section, enrol_by_link, go_home, review_and_finalise,
                               start_offline, start_retail_visit, stored_visits, sync_from_home,
                               time_with_stopwatch, visit_row)
from tests.ui.phone import Phone
from tests.ui.product import Product


def progress_line(phone: Phone) -> str:
    pattern = re.escape(phone.say("runner.progress", answered=998, required=999))
    pattern = pattern.replace("998", r"\d+").replace("999", r"\d+")
    return phone.text(re.compile(f"^{pattern}$")).first.inner_text()


def test_a_half_done_visit_survives_a_restart_of_the_app_server(product: Product, phone: Phone):
    start_offline(phone, product.app_url)
    start_retail_visit(phone, site_name=None)
    time_with_stopwatch(phone)
    passes = phone.button(phone.say("runner.pass"))
    for index in range(3):
        phone.tap(passes.nth(index))
    expect(phone.text(phone.say("runner.progress", answered=4, required=23), exact=True)).to_be_visible()
    before = progress_line(phone)

    product.restart(product.app)
    phone.reload()  # the same tab: it keeps its Flet session id
    phone.tap(visit_row(phone, "state.draft"))
    phone.button(phone.say("runner.pass")).first.wait_for()
    assert progress_line(phone) == before
    phone.screenshot("en-runner-after-restart", phone.button(phone.say("runner.pass")))

    phone.open_in_new_tab(product.app_url)  # a new session on the same device
    phone.tap(visit_row(phone, "state.draft"))
    phone.button(phone.say("runner.pass")).first.wait_for()
    assert progress_line(phone) == before

    (record,) = stored_visits(product.app_data)
    answers = {o["item_key"]: o["value"] for o in record["visit"]["observations"]}
    assert 0 < answers["greet_within_3s"] <= 3
    assert sum(value is True for value in answers.values()) == 3


class SocketsAfterRestart:
    """The tab's Flet sockets, with the browser's answers on the first one lost: the old tab
    reconnects to the restarted app server, which asks it for the device id, and the tab is
    reloaded before the answer arrives (the race that left a reloaded tab blank)."""

    def __init__(self) -> None:
        self.sent_up: list[int] = []    # messages the page sent, per socket
        self.sent_down: list[int] = []  # messages the app server sent, per socket

    def route(self, socket: WebSocketRoute) -> None:
        server = socket.connect_to_server()
        number = len(self.sent_up)
        self.sent_up.append(0)
        self.sent_down.append(0)

        def up(message: str | bytes) -> None:
            self.sent_up[number] += 1
            if number > 0 or self.sent_up[number] == 1:  # the first socket: only its hello
                server.send(message)

        def down(message: str | bytes) -> None:
            self.sent_down[number] += 1
            socket.send(message)
        socket.on_message(up)
        server.on_message(down)

    def first_answer_lost(self) -> bool:
        """The app server greeted the reconnected tab and asked it something; the tab answered."""
        return bool(self.sent_up) and self.sent_up[0] >= 2 and self.sent_down[0] >= 2


def reload_after_restart_opens_the_draft(product: Product, phone: Phone, route_sockets, ready) -> None:
    """A draft on an offline phone; the tab's sockets go through `route_sockets` while the app
    server restarts; once `ready()`, the tab is reloaded and the draft opens in the runner."""
    start_offline(phone, product.app_url)
    start_retail_visit(phone, site_name=None)
    phone.page.route_web_socket(re.compile(r"/ws$"), route_sockets)

    product.restart(product.app)
    wait_until(ready, phone)
    phone.reload()
    phone.tap(visit_row(phone, "state.draft"))
    phone.button(phone.say("runner.pass")).first.wait_for()


def test_reloading_the_tab_while_the_restarted_app_server_waits_for_its_answer_shows_the_drafts(
        product: Product, phone: Phone):
    sockets = SocketsAfterRestart()
    reload_after_restart_opens_the_draft(product, phone, sockets.route, sockets.first_answer_lost)
    assert len(sockets.sent_up) == 2


class SocketClosedAfterHello:
    """The tab's first socket to the restarted app server closes right after its hello, as a
    reload does: the session that hello made runs `main` while the app still loads, so `main`
    goes on with no socket, and the reloaded tab reattaches to that session (CI saw `main` die
    on `page.url` there, and the reloaded tab stay blank)."""

    def __init__(self) -> None:
        self.sockets = 0
        self.first_closed = False

    def route(self, socket: WebSocketRoute) -> None:
        server = socket.connect_to_server()
        first = self.sockets == 0
        self.sockets += 1

        def up(message: str | bytes) -> None:
            server.send(message)
            if first and not self.first_closed:
                self.first_closed = True
                server.close()
                socket.close()
        socket.on_message(up)
        server.on_message(socket.send)

    def closed_after_hello(self) -> bool:
        return self.first_closed


def test_reloading_the_tab_after_its_socket_closed_while_the_app_loads_shows_the_drafts(
        product: Product, phone: Phone):
    sockets = SocketClosedAfterHello()
    reload_after_restart_opens_the_draft(product, phone, sockets.route, sockets.closed_after_hello)


def wait_until(condition, phone: Phone, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"{condition.__name__} not within {timeout_s:.0f} s"
        phone.page.wait_for_timeout(50)  # lets Playwright deliver socket events; a poll, not a wait


def test_offline_a_visit_is_started_finished_and_queued_then_syncs_when_the_server_is_back(
        product: Product, phone: Phone):
    enrol_by_link(phone, product.enrolment_link("demo-auditor"))  # caches sites and staff
    product.sync.stop()

    start_retail_visit(phone)
    answer_every_section(phone)
    review_and_finalise(phone)
    phone.tap_button(phone.say("home.sync_now"))
    phone.screenshot("en-sync-offline", phone.text(phone.say("sync.offline"), exact=True))
    go_home(phone)
    visit_row(phone, "state.finalised").wait_for()
    (record,) = stored_visits(product.app_data)
    assert record["state"] == "finalised"

    product.sync.start()
    product.sync.wait_ready()
    sync_from_home(phone, synced=1)
    go_home(phone)
    visit_row(phone, "state.synced").wait_for()
    with product.admin() as admin:
        answer = admin.get(f"/visits/{record['visit']['id']}")
    assert answer.status_code == 200, answer.text
    assert answer.json()["auditor_id"] == "demo-auditor"
