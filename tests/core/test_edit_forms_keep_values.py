"""Forms keep what was saved (issue 15): every edit form with a date or number input shows the saved value in the
browser, in Chinese and in English, and saving it unchanged changes nothing and shows no error.

`<input type="date">` takes only ISO 8601 (2024-02-01): a value in the locale's format (2024/02/01 in zh-Hans) is
dropped by Chromium, which shows an empty field, and saving the form clears the date or fails with "该字段是必填项"
(portal.core.forms.DateInput). So the check is the browser's own `input.value`, not the HTML sent.

EDIT_PAGES lists the edit pages, one per form class; OTHER_FORMS the other forms with a date or number field
and why no saved value is shown in them. test_every_date_or_number_form_is_listed fails when a form with a date
or number field appears in neither (add its edit page, or say why it has none). The non-browser check of a worker
saved unchanged is tests/committees/test_views.py::test_a_worker_saved_again_unchanged_keeps_their_dates; the
browser's, walking EDIT_PAGES and SEARCHES, tests/browser/test_forms_keep_values.py.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.db.models import Model
from django.urls import get_resolver, reverse
from django.utils import timezone

from tests.conftest import World
from tests.support.factories import (
    AdmissionRequestFactory,
    CalendarDayFactory,
    CommitteeYearFactory,
    CommunityWorkerFactory,
    TargetFactory,
    TaskItemFactory,
    TaskListFactory,
)

PROJECT_PACKAGES = ("certificates", "committees", "tasks_registry", "portal")
DATE_OR_NUMBER = (forms.DateField, forms.DateTimeField, forms.IntegerField, forms.DecimalField, forms.FloatField)
TODAY = object()  # an expected value: the day the page is opened (a default, not a saved value)


@dataclass(frozen=True)
class EditPage:
    """An edit page: `record(world, persona)` saves a record with each date and number of `form` set (to values no
    default has); `url(record)` is its edit page; `shown(record)` what each date or number input shows, by name
    (default: the record's attribute of the input's name); `typed` what a person must type before sending (then
    `saved(record)` says what the send did: nothing typed means nothing may change)."""

    form: str
    persona: str
    record: Callable[[World, Any], Model]
    url: Callable[[Model], str]
    shown: Callable[[Model], dict[str, Any]] | None = None
    typed: dict[str, str] = field(default_factory=dict)
    saved: Callable[[Model], bool] | None = None


def _next_year() -> int:
    return timezone.localdate().year + 1


EDIT_PAGES = [
    EditPage(
        form="committees.forms.CommunityWorkerForm", persona="street_officer",
        record=lambda world, _: CommunityWorkerFactory(committee=world.baoxing, hired_on=datetime.date(2019, 5, 6),
                                                       left_on=datetime.date(2024, 2, 1)),
        url=lambda worker: reverse("committees:worker_edit", args=[worker.pk]),
    ),
    EditPage(
        form="committees.forms.CommitteeYearForm", persona="street_officer",
        record=lambda world, _: CommitteeYearFactory(
            committee=world.baoxing, year=2024, households=1834, resident_households=1777,
            office_area_m2=Decimal("162.50"), elder_area_m2=Decimal("110.25"), work_fund_yuan=Decimal("123456.78")),
        url=lambda record: reverse("committees:committeeyear_edit", args=[record.pk]),
    ),
    EditPage(
        form="tasks_registry.forms.AdmissionRequestForm", persona="street_officer",
        record=lambda world, officer: AdmissionRequestFactory(
            applicant=officer, hours_per_month=Decimal("3.5"), starts_on=datetime.date(_next_year(), 3, 9),
            ends_on=datetime.date(_next_year(), 11, 27)),
        url=lambda request: reverse("tasks:request_edit", args=[request.pk]),
    ),
    EditPage(
        form="tasks_registry.forms.TaskItemForm", persona="district_staff",
        record=lambda world, _: TaskItemFactory(task_list=TaskListFactory(district=world.huangpu),
                                                hours_per_month=Decimal("2.5")),
        url=lambda item: reverse("tasks:item_edit", args=[item.task_list_id, item.pk]),
    ),
    EditPage(
        # The exit's date is a default (today), not a saved value: it must show, and exiting with it keeps it.
        form="tasks_registry.forms.ExitForm", persona="district_staff",
        record=lambda world, _: TaskItemFactory(task_list=TaskListFactory(district=world.huangpu, status="published")),
        url=lambda item: reverse("tasks:item_exit", args=[item.task_list_id, item.pk]),
        shown=lambda item: {"exited_at": TODAY},
        typed={"exit_reason": "职能调整，不再下派"},
        saved=lambda item: item.exited_at == timezone.localdate() and item.exit_reason == "职能调整，不再下派",
    ),
    EditPage(
        # A rate's target is shown as a percentage (0.9 is 90) and kept as a fraction.
        form="portal.indicators.forms.TargetForm", persona="district_staff",
        record=lambda world, _: TargetFactory(district=world.huangpu, indicator="work_fund_coverage", year_from=2025,
                                              year_to=2027, value=Decimal("0.9")),
        url=lambda target: reverse("dashboards:target_edit", args=[target.pk]),
        shown=lambda target: {"year_from": 2025, "year_to": 2027, "value": Decimal("90")},
    ),
    EditPage(
        form="portal.workdays.forms.CalendarDayForm", persona="city_staff",
        record=lambda world, _: CalendarDayFactory(day=datetime.date(2090, 10, 3)),
        url=lambda day: reverse("workdays:calendarday_edit", args=[day.pk]),
    ),
]

# The other forms with a date or number field, and why no saved value is shown in a date or number input there.
OTHER_FORMS = {
    "committees.forms.YearForm": "the year of a page's query string (?year=)",
    "committees.forms.QualificationForm": "adds a qualification; a saved one is never edited",
    "tasks_registry.forms.TaskListForm": "creates next year's list",
    "tasks_registry.forms.DispatchForm": "sends a task; a dispatch is never edited",
    "tasks_registry.forms.UnlistedForm": "a refused attempt, recorded as evidence, never edited",
    "tasks_registry.forms.DispatchDoneForm": "reports a received task done, once",
    "tasks_registry.forms.SimilarForm": "the duplicate check's query string",
    "tasks_registry.forms.ViolationReportForm": "files a report; a report is never edited",
    "certificates.forms.SealUseForm": "records a use of the seal; the register is never edited",
    "certificates.forms.OverrideQueryForm": "the query string of 'adapt a type'",
    "portal.workdays.forms.CalendarYearForm": "the year is a hidden input of the page shown",
    "portal.workdays.forms.YearQueryForm": "the year of the calendar's query string",
    "portal.workdays.admin.CalendarDayAdminForm": "Django admin: its own date widget, a text input in the locale's "
                                                  "format, which it reads back",
}

# Searches with a date input: the page shows what was searched for (a GET form keeps its values too).
SEARCHES = {
    "certificates.filtersets.SealUseFilterSet": ("committee_staff", "certificates:seals",
                                                 {"used_from": "2026-03-02", "used_to": "2026-03-30"}),
    "portal.core.audit_trail.AuditEntryFilterSet": ("district_staff", "audit_trail",
                                                    {"at_from": "2026-03-02", "at_to": "2026-03-30"}),
}
SEARCHES_OF_THE_API_ONLY = {
    "committees.filtersets.CommunityWorkerFilterSet": "?employed_on= of the workers' API; no page has the field",
}


def dotted(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    return found.union(*(_subclasses(sub) for sub in found)) if found else found


def _project_classes(base: type) -> dict[str, type]:
    get_resolver().url_patterns  # noqa: B018 - importing the URLconf imports every view and so every form
    return {dotted(cls): cls for cls in _subclasses(base)
            if cls.__module__.split(".")[0] in PROJECT_PACKAGES and "<locals>" not in cls.__qualname__}


def date_and_number_fields(form_class: type[forms.BaseForm]) -> list[str]:
    return [name for name, f in form_class.base_fields.items()
            if isinstance(f, DATE_OR_NUMBER) or getattr(f.widget, "input_type", None) in ("date", "number")]


def test_every_date_or_number_form_is_listed() -> None:
    forms_with_values = {name for name, cls in _project_classes(forms.BaseForm).items() if date_and_number_fields(cls)}
    listed = {page.form for page in EDIT_PAGES} | set(OTHER_FORMS)
    assert forms_with_values - listed == set(), "a form with a date or number field: add its edit page to EDIT_PAGES, " \
                                                "or to OTHER_FORMS with the reason it has none"
    assert listed - forms_with_values == set(), "listed, but no such form with a date or number field"
    assert len(EDIT_PAGES) == len({page.form for page in EDIT_PAGES})

    date_searches = {name for name, cls in _project_classes(django_filters.FilterSet).items()
                     if any(getattr(f.extra.get("widget"), "input_type", None) == "date"
                            or isinstance(f, django_filters.DateFilter) for f in cls.base_filters.values())}
    assert date_searches == set(SEARCHES) | set(SEARCHES_OF_THE_API_ONLY), "a search with a date: add it to SEARCHES"
