"""Manager reports on the phone (issue 9): the HTTP client, filters, the offline cache and the
view-models the report screens draw. No flet here."""
