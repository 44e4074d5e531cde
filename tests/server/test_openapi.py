"""Schemathesis against the app's own OpenAPI schema, called as an admin (the role that may
call everything): no 5xx, and every answer matches the documented status codes and schemas.

Each operation is driven by Hypothesis directly (`operation.as_strategy()`) because
schemathesis' pytest fixture loader does not work with pytest 9 yet.

`positive_data_acceptance` is left out on purpose: a schema-valid visit or staff member can
still name a site, staff member or checklist that does not exist, and the contract answers
that with 422."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from schemathesis.specs.openapi.checks import positive_data_acceptance

from sync_server.app import create_app

from .conftest import Server

EXAMPLES_PER_OPERATION = 30
# The PDF routes take about a second per answer and have few parameters (tests/server/pdf
# covers them); 30 examples each would add about a minute per backend.
EXAMPLES_PER_PDF_OPERATION = 6


@pytest.mark.slow
def test_api_answers_match_the_schema_and_never_5xx(server: Server) -> None:
    app = create_app(server.settings)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = server.auth("admin")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 11
    try:
        for operation in operations:
            examples = (EXAMPLES_PER_PDF_OPERATION if operation.path.endswith(".pdf")
                        else EXAMPLES_PER_OPERATION)

            @given(case=operation.as_strategy())
            @settings(max_examples=examples, deadline=None, derandomize=True,
                      database=None, suppress_health_check=list(HealthCheck))
            def check(case: schemathesis.Case) -> None:
                case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

            check()
    finally:
        app.state.engine.dispose()
