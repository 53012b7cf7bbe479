"""people_who_may(): who a notification goes to is who restrict() lets act, at a cost that does not grow with
the number of people in the district."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.accounts.roles import Role
from portal.core.scoping import people_who_may
from tests.support.factories import AdmissionRequestFactory, StreetFactory, UserFactory


def _in_street_review(world, applicant):  # noqa: ANN001, ANN202
    return AdmissionRequestFactory(applicant=applicant, status="street_review", street=world.waitan,
                                   scope="streets", streets=[world.waitan])


def test_the_reviewers_are_restricts_answer_and_never_the_applicant(world, street_officer, outsider,
                                                                    district_staff) -> None:  # noqa: ANN001
    colleague = UserFactory(username="waitan2", role=Role.STREET, district=world.huangpu, street=world.waitan)
    request = _in_street_review(world, street_officer)
    assert people_who_may(request, "review") == [colleague]  # not the applicant, not another street, not the district
    request.status = "district_review"
    request.save()
    assert people_who_may(request, "review") == [district_staff]


def test_the_cost_is_the_same_for_one_street_officer_and_for_forty(world, street_officer, district_staff) -> None:  # noqa: ANN001
    request = _in_street_review(world, street_officer)
    UserFactory(username="waitan2", role=Role.STREET, district=world.huangpu, street=world.waitan)

    def cost() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            found = people_who_may(request, "review")
        return len(queries.captured_queries), len(found)

    few = cost()
    for n in range(40):  # other streets' officers and more colleagues: candidates that restrict() must sort out
        street = StreetFactory(district=world.huangpu, code=f"310101{20 + n:03d}")
        UserFactory(username=f"officer{n}", role=Role.STREET, district=world.huangpu, street=street)
        UserFactory(username=f"colleague{n}", role=Role.STREET, district=world.huangpu, street=world.waitan)
    many = cost()
    assert few == (few[0], 1) and many == (few[0], 41)
    assert few[0] <= 3
