"""The API contract on the calendar endpoint (issue 11: every viewset runs it; issue 14: the calendar)."""

import datetime

import pytest
from django.urls import reverse

from portal.core.models import AuditEntry
from portal.workdays.models import CalendarDay
from portal.workdays.schedule import add_working_days
from tests.support.contracts import ROW_NAMES, ScopedAPIContract
from tests.support.factories import CalendarDayFactory

pytestmark = pytest.mark.django_db


class TestCalendarDayApi(ScopedAPIContract):
    """The calendar is the city's: every role reads every day (no unit owns one), only the city's staff write."""

    basename = "workdays-api:calendarday"
    writer = "city_staff"
    reader_without_write = "district_staff"
    visible_to_lister = ROW_NAMES
    hidden_from_lister = None

    def make_row(self, committee):  # noqa: ANN001, ANN201
        return CalendarDayFactory()

    def create_payload(self, world) -> dict:  # noqa: ANN001
        return {"day": "2025-10-17", "is_working_day": False, "name": "测试", "source_document": "测试通知"}

    def update_payload(self, row) -> dict:  # noqa: ANN001
        return {"name": "国庆节"}

    def move_payload(self, world) -> dict:  # noqa: ANN001
        """No unit to move a day to: the nearest is moving it out of the years the calendar holds."""
        return {"day": "1999-12-31"}

    def test_update_outside_scope_is_404(self, api, rows, personas) -> None:  # noqa: ANN001
        """No day lies outside the city's scope; what stands for it: a day that is not there is 404, never 500."""
        api.force_authenticate(personas[self.writer])
        missing = reverse(f"{self.basename}-detail", args=[max(row.pk for row in rows.values()) + 1000])
        assert api.patch(missing, self.update_payload(rows["baoxing"]), format="json").status_code == 404


def test_a_day_written_through_the_api_counts_and_is_audited(api, city_staff) -> None:  # noqa: ANN001
    api.force_authenticate(city_staff)
    created = api.post(reverse("workdays-api:calendarday-list"),
                       {"day": "2025-10-17", "is_working_day": False, "name": "测试", "source_document": "测试通知"},
                       format="json")
    assert created.status_code == 201, created.json()
    assert add_working_days(datetime.date(2025, 9, 22), 15) == datetime.date(2025, 10, 20)
    assert AuditEntry.objects.get().source == "api" and CalendarDay.objects.get().pk == created.json()["id"]
    listed = api.get(reverse("workdays-api:calendarday-list"), {"year": 2025}).json()
    assert [row["day"] for row in listed["results"]] == ["2025-10-17"]
    assert api.get(reverse("workdays-api:calendarday-list"), {"year": "abc"}).status_code == 400


def test_a_day_that_changes_nothing_is_a_400_through_the_api(api, city_staff) -> None:  # noqa: ANN001
    api.force_authenticate(city_staff)
    refused = api.post(reverse("workdays-api:calendarday-list"),
                       {"day": "2090-10-03", "is_working_day": True, "name": "调休上班", "source_document": "测试通知"},
                       format="json")
    assert refused.status_code == 400
    assert "2090-10-03（星期二）本来就是工作日" in str(refused.json())
    assert not CalendarDay.objects.exists()
