"""The app's routes (what the browser's address bar shows after the host)."""


class Route:
    FIRST_RUN = "/welcome"
    HOME = "/"
    NEW_VISIT = "/new"
    RUNNER = "/visit"
    REVIEW = "/review"
    SYNC = "/sync"
    SETTINGS = "/settings"
