"""The browser's route-change answers to the app's own navigation are told from the user's."""

from audit_app.route_echoes import RouteEchoes


def test_a_late_echo_of_home_after_reports_was_chosen_is_not_taken_for_back():
    echoes = RouteEchoes()
    echoes.sent("/")          # enrolment accepted: Home
    echoes.sent("/reports")   # the first sync said this is a manager: Reports
    assert echoes.is_echo("/") and echoes.is_echo("/reports")


def test_after_the_echoes_the_same_route_is_the_users_own_move():
    echoes = RouteEchoes()
    echoes.sent("/settings")
    assert echoes.is_echo("/settings")
    assert not echoes.is_echo("/settings")   # Forward to Settings again, by the user
    assert not echoes.is_echo("/")            # the user's Back


def test_an_echo_the_browser_skipped_is_dropped_with_the_next_one():
    echoes = RouteEchoes()
    for route in ("/", "/visit", "/review"):
        echoes.sent(route)
    assert echoes.is_echo("/review")
    assert not echoes.is_echo("/")   # nothing left waiting: this Back is the user's
