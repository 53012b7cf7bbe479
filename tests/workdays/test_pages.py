"""The calendar page (issue 14): everyone reads the year's holidays and make-up working days; the city's staff add,
correct and remove days and mark a new year loaded; everyone else is refused (403), a missing day is 404."""

import datetime

import pytest
from django.urls import reverse

from portal.core.models import AuditEntry
from portal.workdays.models import CalendarDay, CalendarYear
from tests.support.factories import CalendarDayFactory, CalendarYearFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def _day_form(**overrides) -> dict:  # noqa: ANN003
    return {"day": "2090-10-02", "name": "国庆节", "source_document": "国办发明电〔2089〕1号", **overrides}


def test_the_year_shows_the_published_holidays_and_make_up_days(client, city_staff) -> None:  # noqa: ANN001
    client.force_login(city_staff)
    response = client.get(reverse("workdays:calendar"), {"year": 2025})
    assert response.status_code == 200 and response.context["shipped"] and response.context["known"]
    days = {day.day: day for day in response.context["days"]}
    assert days[D(2025, 9, 28)].is_working_day and days[D(2025, 9, 28)].is_weekend  # the make-up Sunday
    assert not days[D(2025, 10, 1)].is_working_day
    page = response.content.decode()
    row = page[page.index("2025-09-28"):].split("</tr>")[0]
    assert "调休上班</span>" in row and "国庆节" in row  # the Sunday worked for the National Day week


def test_city_staff_enter_a_new_year_and_mark_it_loaded(client, city_staff) -> None:  # noqa: ANN001
    client.force_login(city_staff)
    page = client.get(reverse("workdays:calendar"), {"year": 2090})
    assert not page.context["known"] and "2090 年的节假日安排尚未载入" in page.content.decode()
    refused = client.post(reverse("workdays:calendaryear_add"), {"year": 2090, "source_document": "国办发明电〔2089〕1号"})
    assert refused.status_code == 400 and refused.context["year_form"].errors
    assert not CalendarYear.objects.exists()

    added = client.post(reverse("workdays:calendarday_add"), _day_form())
    assert added.url == f"{reverse('workdays:calendar')}?year=2090"
    entry = CalendarDay.objects.get()
    assert (entry.day, entry.is_working_day, entry.name) == (D(2090, 10, 2), False, "国庆节")
    edited = client.post(reverse("workdays:calendarday_edit", args=[entry.pk]),
                         _day_form(day="2090-10-07", is_working_day="on", name="国庆节调休上班"))  # a Saturday
    assert edited.status_code == 302
    entry.refresh_from_db()
    assert (entry.day, entry.is_working_day) == (D(2090, 10, 7), True)

    loaded = client.post(reverse("workdays:calendaryear_add"), {"year": 2090, "source_document": "国办发明电〔2089〕1号"},
                         follow=True)
    assert loaded.context["known"] and loaded.context["loaded"].loaded_by == city_staff
    assert "2090 年的节假日安排尚未载入" not in loaded.content.decode()

    client.post(reverse("workdays:calendaryear_delete", args=[loaded.context["loaded"].pk]))
    client.post(reverse("workdays:calendarday_delete", args=[entry.pk]))
    assert not CalendarDay.objects.exists() and not CalendarYear.objects.exists()
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "calendarday.create", "calendarday.update", "calendaryear.create", "calendaryear.delete", "calendarday.delete"]


def test_a_day_already_entered_is_the_forms_error(client, city_staff) -> None:  # noqa: ANN001
    CalendarDayFactory(day=D(2090, 10, 2))
    client.force_login(city_staff)
    response = client.post(reverse("workdays:calendarday_add"), _day_form())
    assert response.status_code == 400 and "这一天已在日历中。" in response.context["form"].errors["day"]
    outside = client.post(reverse("workdays:calendarday_add"), _day_form(day="2101-01-01"))
    assert outside.status_code == 400 and outside.context["form"].errors["day"]


@pytest.mark.parametrize("persona", ["district_staff", "department_staff", "street_officer", "committee_staff"])
def test_everyone_else_reads_the_calendar_and_may_change_nothing(client, personas, persona) -> None:  # noqa: ANN001
    entry, loaded = CalendarDayFactory(), CalendarYearFactory(year=2090)
    client.force_login(personas[persona])
    page = client.get(reverse("workdays:calendar"), {"year": entry.day.year})
    assert page.status_code == 200
    assert not page.context["can_add"] and not page.context["editable"] and not page.context["deletable"]
    assert reverse("workdays:calendarday_add") not in page.content.decode()
    for url, data in ((reverse("workdays:calendarday_add"), _day_form()),
                      (reverse("workdays:calendarday_edit", args=[entry.pk]), _day_form()),
                      (reverse("workdays:calendarday_delete", args=[entry.pk]), {}),
                      (reverse("workdays:calendaryear_add"), {"year": 2091, "source_document": "x"}),
                      (reverse("workdays:calendaryear_delete", args=[loaded.pk]), {})):
        assert client.post(url, data).status_code == 403, url
    assert client.get(reverse("workdays:calendarday_edit", args=[entry.pk])).status_code == 403
    assert list(CalendarDay.objects.values_list("pk", flat=True)) == [entry.pk]
    assert CalendarYear.objects.filter(pk=loaded.pk).exists() and not AuditEntry.objects.exists()


def test_the_menu_links_the_calendar_for_everyone_who_reads_it(client, personas) -> None:  # noqa: ANN001
    for user in personas.values():
        client.force_login(user)
        assert f'href="{reverse("workdays:calendar")}"' in client.get(reverse("dashboards:home")).content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client) -> None:  # noqa: ANN001
    response = client.get(reverse("workdays:calendar"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_a_missing_day_is_404_and_an_odd_year_shows_this_year(client, city_staff) -> None:  # noqa: ANN001
    client.force_login(city_staff)
    assert client.get(reverse("workdays:calendarday_edit", args=[999999])).status_code == 404
    assert client.post(reverse("workdays:calendarday_delete", args=[999999])).status_code == 404
    this_year = datetime.date.today().year
    for year in ("abc", "99999999999", "1999", "-5"):
        response = client.get(reverse("workdays:calendar"), {"year": year})
        assert response.status_code == 200 and response.context["year"] == this_year, year


def test_a_day_that_changes_nothing_is_refused_on_the_form(client, city_staff) -> None:  # noqa: ANN001
    client.force_login(city_staff)
    same = client.post(reverse("workdays:calendarday_add"), _day_form(day="2090-10-03", is_working_day="on", name=""))
    assert same.status_code == 400
    assert same.context["form"].non_field_errors()[0].startswith("2090-10-03（星期二）本来就是工作日")
    nameless = client.post(reverse("workdays:calendarday_add"), _day_form(name=""))
    assert nameless.status_code == 400 and nameless.context["form"].errors["name"] == ["放假日须填写名称，例如国庆节。"]
    weekend = client.post(reverse("workdays:calendarday_add"), _day_form(day="2090-10-07", name=""))
    assert weekend.context["form"].non_field_errors()[0].startswith("2090-10-07（星期六）本来就是休息日")
    assert not CalendarDay.objects.exists()


def test_the_admin_says_the_same_refusal_on_its_form(client) -> None:  # noqa: ANN001
    from tests.support.factories import UserFactory

    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    response = client.post(reverse("admin:workdays_calendarday_add"), {
        "day": "2090-10-03", "is_working_day": "on", "name": "", "source_document": "国办发明电〔2089〕1号"})
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()[0].startswith("2090-10-03（星期二）本来就是工作日")
    assert not CalendarDay.objects.exists()


def _badge(page: str, day: str) -> str:
    row = page[page.index(f"<td class=\"text-nowrap\">{day}</td>"):].split("</tr>")[0]
    return row[row.index("<span class=\"badge"):].split("</span>")[0] + "</span>"


def test_an_entered_day_reads_as_a_shipped_day_of_the_same_status(client, city_staff) -> None:  # noqa: ANN001
    CalendarDayFactory(day=D(2025, 10, 4), is_working_day=True, name="")  # a shipped holiday Saturday, worked
    CalendarDayFactory(day=D(2025, 10, 8), is_working_day=True, name="")  # a shipped holiday Wednesday, worked
    CalendarDayFactory(day=D(2025, 11, 8), is_working_day=False, name="")  # an ordinary Saturday (an old row)
    client.force_login(city_staff)
    page = client.get(reverse("workdays:calendar"), {"year": 2025}).content.decode()
    assert _badge(page, "2025-10-04") == _badge(page, "2025-09-28")  # entered and shipped make-up days
    assert "调休上班</span>" in _badge(page, "2025-10-04")
    assert "工作日</span>" in _badge(page, "2025-10-08") and "休息日</span>" in _badge(page, "2025-11-08")
    assert "放假</span>" in _badge(page, "2025-10-01")
