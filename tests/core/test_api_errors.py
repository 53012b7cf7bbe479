"""What the API answers to input it cannot take (issue 12: "no 500 on any input"): a value the database refuses is
a 400 naming the field, a year out of the portal's range is a 400 naming the parameter, and the routers offer no
`.json` twin of their routes (every @action failed on its `format` argument)."""

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse

from committees.models import CommitteeYear
from portal.core.api import exception_handler, refused_value
from tasks_registry.models import TaskItem
from tests.support.factories import CommitteeYearFactory, QualificationFactory, RegistrationFactory, TaskItemFactory

pytestmark = pytest.mark.django_db


def _refusal(write) -> DatabaseError:  # noqa: ANN001
    """The error PostgreSQL raises for `write`, in a savepoint (the test's transaction goes on)."""
    with pytest.raises(DatabaseError) as raised, transaction.atomic():
        write()
    return raised.value


def test_a_check_constraint_names_its_fields_with_its_message(world) -> None:  # noqa: ANN001
    item = TaskItemFactory()
    error = _refusal(lambda: TaskItem.objects.filter(pk=item.pk).update(hours_per_month=-5))
    assert isinstance(error, IntegrityError)
    assert refused_value(error) == {"hours_per_month": ["工作量不能为负数。"]}
    response = exception_handler(error, {})
    assert response.status_code == 400 and response.data == {"hours_per_month": ["工作量不能为负数。"]}


def test_a_unique_constraint_names_its_fields(world) -> None:  # noqa: ANN001
    CommitteeYearFactory(committee=world.baoxing, year=2025)
    error = _refusal(lambda: CommitteeYear.objects.create(committee=world.baoxing, year=2025, households=1,
                                                          resident_households=1))
    refused = refused_value(error)
    assert set(refused) == {"committee", "year"}
    assert refused["year"] == [str(CommitteeYear._meta.constraints[0].violation_error_message)]


def test_a_missing_value_and_a_number_beyond_its_column_are_refused_too(world) -> None:  # noqa: ANN001
    record = CommitteeYearFactory(committee=world.baoxing, year=2025)
    missing = _refusal(lambda: CommitteeYear.objects.filter(pk=record.pk).update(households=None))
    assert refused_value(missing) == {"households": ["该字段是必填项。"]}
    huge = _refusal(lambda: CommitteeYear.objects.filter(pk=record.pk).update(households=2**40))
    assert exception_handler(huge, {}).status_code == 400
    assert refused_value(huge) == {"non_field_errors": ["该数值超出允许范围。"]}


def test_any_other_database_error_stays_a_server_error(world) -> None:  # noqa: ANN001
    from django.db import connection

    def broken() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")

    error = _refusal(broken)
    assert refused_value(error) is None and exception_handler(error, {}) is None  # Django's 500, logged


@pytest.mark.parametrize("url", ["/api/v1/committee-years/", "/api/v1/registrations/", "/api/v1/task-lists/",
                                 "/api/v1/task-items/", "/api/v1/refused-dispatches/"])
def test_a_year_filter_out_of_range_is_a_400_naming_it(api, world, city_staff, url) -> None:  # noqa: ANN001
    api.force_authenticate(city_staff)
    for odd in ("-5", "99999999999", "abc", "1948", "2101"):
        response = api.get(url, {"year": odd})
        assert response.status_code == 400 and list(response.json()) == ["year"], (url, odd, response.json())
    assert api.get(url, {"year": 2025}).status_code == 200


def test_a_page_reading_the_same_filter_leaves_a_bad_year_out(client, world, committee_staff) -> None:  # noqa: ANN001
    RegistrationFactory(committee=world.baoxing, issuer=committee_staff)
    client.force_login(committee_staff)
    for odd in ("-5", "99999999999", "abc"):
        response = client.get(reverse("certificates:register"), {"year": odd})
        assert response.status_code == 200 and len(response.context["page"].object_list) == 1, odd


def test_the_routers_offer_no_format_suffix(api, world, city_staff) -> None:  # noqa: ANN001
    api.force_authenticate(city_staff)
    assert api.get("/api/v1/registrations/statistics.json").status_code == 404
    assert api.get("/api/v1/registrations/statistics/", {"format": "json"}).status_code == 200


def test_the_admin_add_page_leaves_out_an_initial_value_it_cannot_read(client, world) -> None:  # noqa: ANN001
    from tests.support.factories import UserFactory

    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    worker = QualificationFactory().worker
    for odd in ("abc", "1e3", "²"):
        response = client.get(reverse("admin:committees_qualification_add"), {"worker": odd})
        assert response.status_code == 200 and "worker" not in response.context["adminform"].form.initial, odd
    chosen = client.get(reverse("admin:committees_qualification_add"), {"worker": worker.pk})
    assert chosen.context["adminform"].form.initial["worker"] == str(worker.pk)
    assert client.get(reverse("admin:accounts_user_add"), {"department": "abc"}).status_code == 200
