"""Which route changes the browser reports are echoes of the app's own navigation.

The app server sends a route to the browser (`page.navigate`), and the browser answers every one
with a route-change event, as it does for the user's Back button or an edited address. Echoes
can trail the app: a manager's phone shows Home when an enrolment is accepted and Reports once the
first sync is in, and the echo of Home arrives after Reports was chosen. Taken for the user's
Back, it sent them to Home; so an echo is recognised and left alone."""

from __future__ import annotations

from collections import deque


class RouteEchoes:
    def __init__(self) -> None:
        self._sent: deque[str] = deque()   # routes sent whose echo has not come back yet

    def sent(self, route: str) -> None:
        self._sent.append(route)

    def is_echo(self, route: str) -> bool:
        """True for the echo of a route sent (and of any sent before it, whose echoes the browser
        skipped); False for a change the user made."""
        if route not in self._sent:
            return False
        while self._sent.popleft() != route:
            pass
        return True
