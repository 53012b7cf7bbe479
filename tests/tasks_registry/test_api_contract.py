"""The API contract on the task admission endpoints, read side (issue 11: every viewset runs it).

Creating and the transitions (dispatch, file, review, handle) are domain actions with tests of their own
(test_api.py); here: who lists and reads which rows, 404 outside scope, and flat query counts.
"""

import pytest

from tests.support.contracts import ScopedReadAPIContract
from tests.support.factories import (
    AdmissionRequestFactory,
    DispatchFactory,
    RefusedDispatchFactory,
    TaskItemFactory,
    TaskListFactory,
    UserFactory,
    ViolationReportFactory,
)

pytestmark = pytest.mark.django_db


class TestTaskListApi(ScopedReadAPIContract):
    basename = "tasks-api:tasklist"
    lister = "other_district_staff"  # a district's lists are read in the whole district
    visible_to_lister = ("xuhui_committee",)

    def make_row(self, committee):  # noqa: ANN001, ANN201
        return TaskListFactory(district=committee.street.district, status="published")


class TestTaskItemApi(ScopedReadAPIContract):
    basename = "tasks-api:taskitem"
    lister = "other_district_staff"
    visible_to_lister = ("xuhui_committee",)

    def make_row(self, committee):  # noqa: ANN001, ANN201
        return TaskItemFactory(task_list=TaskListFactory(district=committee.street.district, status="published"))


class TestDispatchApi(ScopedReadAPIContract):
    basename = "tasks-api:dispatch"

    def make_row(self, committee):  # noqa: ANN001, ANN201
        return DispatchFactory(committee=committee)


class TestRefusedDispatchApi(ScopedReadAPIContract):
    basename = "tasks-api:refuseddispatch"

    def make_row(self, committee):  # noqa: ANN001, ANN201
        return RefusedDispatchFactory(committees=[committee])


class TestAdmissionRequestApi(ScopedReadAPIContract):
    """Requests at the street's review: each is read by the street it targets, not by the street beside it."""

    basename = "tasks-api:admissionrequest"

    def make_row(self, committee):  # noqa: ANN001, ANN201
        applicant = UserFactory(role="street", street=committee.street)
        return AdmissionRequestFactory(applicant=applicant, status="street_review", scope="committees",
                                       committees=[committee], street=committee.street)


class TestViolationReportApi(ScopedReadAPIContract):
    basename = "tasks-api:violationreport"

    def make_row(self, committee):  # noqa: ANN001, ANN201
        return ViolationReportFactory(committee=committee)
