"""The calendar page under load and under races (issue 14 review): two people taking out the same day (or unmarking
the same year) at once get a 404, never a 500; the page and the API cost the same queries for 1 day as for 40."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.core.models import AuditEntry
from portal.workdays import services, views
from portal.workdays.models import CalendarDay, CalendarYear
from tests.support.factories import CalendarDayFactory, CalendarYearFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def _taken_out_just_before(monkeypatch, name: str, model: type) -> None:  # noqa: ANN001
    """Someone else's delete lands between the page's request and the service's read (the row is gone by then)."""
    real = getattr(services, name)

    def racing(*, actor, pk, **kwargs):  # noqa: ANN001, ANN003, ANN202
        model.objects.filter(pk=pk).delete()
        return real(actor=actor, pk=pk, **kwargs)

    monkeypatch.setattr(views, name, racing)


def test_a_day_taken_out_by_someone_else_at_the_same_moment_is_404(client, city_staff, monkeypatch) -> None:  # noqa: ANN001
    entry = CalendarDayFactory()
    client.force_login(city_staff)
    _taken_out_just_before(monkeypatch, "calendar_day_delete", CalendarDay)
    assert client.post(reverse("workdays:calendarday_delete", args=[entry.pk])).status_code == 404
    assert not CalendarDay.objects.exists() and not AuditEntry.objects.exists()


def test_a_year_unmarked_by_someone_else_at_the_same_moment_is_404(client, city_staff, monkeypatch) -> None:  # noqa: ANN001
    loaded = CalendarYearFactory()
    client.force_login(city_staff)
    _taken_out_just_before(monkeypatch, "calendar_year_delete", CalendarYear)
    assert client.post(reverse("workdays:calendaryear_delete", args=[loaded.pk])).status_code == 404
    assert not CalendarYear.objects.exists() and not AuditEntry.objects.exists()


def test_deleting_an_already_deleted_day_or_year_is_404(client, city_staff) -> None:  # noqa: ANN001
    entry, loaded = CalendarDayFactory(day=D(2090, 10, 2)), CalendarYearFactory(year=2090)
    client.force_login(city_staff)
    first = client.post(reverse("workdays:calendarday_delete", args=[entry.pk]), follow=True)
    assert first.context["year"] == 2090  # back on the day's year, with its day named in the message
    assert [str(m) for m in first.context["messages"]] == ["2090-10-02 已从日历中移除，该日重新按公布的节假日安排计算。"]
    assert client.post(reverse("workdays:calendarday_delete", args=[entry.pk])).status_code == 404
    unmarked = client.post(reverse("workdays:calendaryear_delete", args=[loaded.pk]), follow=True)
    assert unmarked.context["year"] == 2090 and not unmarked.context["known"]
    assert client.post(reverse("workdays:calendaryear_delete", args=[loaded.pk])).status_code == 404
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "calendarday.delete", "calendaryear.delete"]


@pytest.mark.parametrize("entries", [1, 40])
def test_the_calendar_page_costs_the_same_queries_for_1_day_and_40(client, city_staff, entries,
                                                                   django_assert_num_queries) -> None:  # noqa: ANN001
    CalendarYearFactory(year=2090)
    CalendarDayFactory.create_batch(entries)
    client.force_login(city_staff)
    client.get(reverse("workdays:calendar"), {"year": 2090})  # the bell's count is cached from here on
    # session, user, the year's days, the year's row (which says whether its schedule is known), the days the
    # reader may change and delete, the reader's own permissions (Django's ModelBackend: user's, groups')
    with django_assert_num_queries(8), CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("workdays:calendar"), {"year": 2090})
    assert page.context["entered"] == entries and page.context["known"]
    assert sum("workdays_calendaryear" in query["sql"] for query in queries.captured_queries) == 1


def test_an_unloaded_year_is_known_to_be_unknown_from_the_same_query(client, district_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("workdays:calendar"), {"year": 2090})
    assert page.context["loaded"] is None and not page.context["known"]
    assert sum("workdays_calendaryear" in query["sql"] for query in queries.captured_queries) == 1


@pytest.mark.parametrize("entries", [1, 40])
def test_the_api_list_costs_the_same_queries_for_1_day_and_40(api, district_staff, entries,
                                                              django_assert_num_queries) -> None:  # noqa: ANN001
    CalendarDayFactory.create_batch(entries)
    api.force_authenticate(district_staff)
    with django_assert_num_queries(2):  # the count, the page of rows
        response = api.get(reverse("workdays-api:calendarday-list"))
    assert response.status_code == 200 and response.data["count"] == entries
