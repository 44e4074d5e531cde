"""The report number formats live in the domain (`audit_app.domain.formats`) so the server's PDF
reports write numbers exactly as the report screens do; this name stays for the app's imports."""

from audit_app.domain.formats import (  # noqa: F401  (re-exported)
    against_limit, duration, percent, percent_range, threshold_text, value_text, weight,
)
