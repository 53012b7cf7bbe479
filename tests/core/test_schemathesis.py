"""The API answers as its OpenAPI schema says (issue 13: schemathesis with a scoped token).

The schema is generated in-process (drf-spectacular, as /api/schema/ serves it) and every operation gets
EXAMPLES generated cases, sent through the WSGI application as a district staff member authenticated with
a token. Each response must pass schemathesis' not_a_server_error, status_code_conformance (every status
answered is documented, the 400/403/404 too) and response_schema_conformance. Every failure of every
operation is reported at once. 96 operations × 20 cases (1,920 requests): about 40 s, 55 s with the database set up.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.support.factories import (
    CommitteeYearFactory,
    RegistrationFactory,
    TaskItemFactory,
    ViolationReportFactory,
)

EXAMPLES = 20
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def _schema() -> schemathesis.schemas.BaseSchema:
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    schema.app = get_wsgi_application()
    return schema


def _run(operation, headers: dict[str, str], sent: list[str]) -> dict[str, str]:  # noqa: ANN001
    """The distinct failures of up to EXAMPLES generated cases of one operation: "operation: what" to one request
    that shows it (curl), none when every case passes. Each case sent is appended to `sent` (its operation)."""
    failures: dict[str, str] = {}

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def check(case) -> None:  # noqa: ANN001
        sent.append(operation.label)
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except (Failure, FailureGroup) as error:  # every failure is collected, the run goes on
            for failure in getattr(error, "exceptions", (error,)):
                message = " ".join(failure.message.split())[:300]
                failures.setdefault(f"{operation.label}: {failure.title}: {message}", case.as_curl_command())

    check()
    return failures


@pytest.mark.django_db
def test_every_operation_answers_as_its_schema_says(world, district_staff) -> None:  # noqa: ANN001
    # Rows in the district's scope, so lists and details answer with bodies and not only with 404.
    for committee in (world.baoxing, world.hankou):
        CommitteeYearFactory(committee=committee)
        RegistrationFactory(committee=committee)
        ViolationReportFactory(committee=committee)
    TaskItemFactory(task_list__district=world.huangpu)
    token = Token.objects.create(user=district_staff)
    headers = {"Authorization": f"Token {token.key}"}
    operations = [result.ok() for result in _schema().get_all_operations()]
    assert len(operations) > 50
    # As Django's test client does: the requests run inside the test's transaction, on its connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    sent: list[str] = []
    try:
        failures = {what: curl for operation in operations for what, curl in _run(operation, headers, sent).items()}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert set(sent) == {operation.label for operation in operations}, "an operation got no case"
    report = "\n".join(f"{what}\n    {curl}" for what, curl in failures.items())
    assert not failures, f"{len(failures)} distinct failures in {len(sent)} cases:\n{report}"
