"""Who is told what, for everything in task admission that waits for someone (the bell and e-mail)."""

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.core.notifications import notify
from tasks_registry.models import AdmissionRequest, TaskList, ViolationReport


def _people(**unit: Any) -> Any:
    return get_user_model().objects.filter(is_active=True, **unit)


def reviewers(request: AdmissionRequest) -> Any:
    if request.status == AdmissionRequest.Status.STREET_REVIEW:
        return _people(role="street", street_id=request.street_id)
    return _people(role="district", district_id=request.district_id)


def request_waits(request: AdmissionRequest) -> None:
    notify(reviewers(request), _("To review: {number} {title}").format(number=request.number, title=request.title),
           reverse("tasks:request_detail", args=[request.pk]))


def request_decided(request: AdmissionRequest) -> None:
    notify([request.applicant], _("Your request {number} {title}: {status}").format(
        number=request.number, title=request.title, status=request.get_status_display()),
        reverse("tasks:request_detail", args=[request.pk]))


def report_waits(report: ViolationReport, *, for_department: bool = False) -> None:
    url = reverse("tasks:report_detail", args=[report.pk])
    if for_department:
        notify(_people(role="department", department_id=report.department_id),
               _("A report was transferred to your department: {title}").format(title=report.title), url)
    else:
        notify(_people(role="district", district_id=report.committee.street.district_id),
               _("Violation report to handle: {title}").format(title=report.title), url)


def report_closed(report: ViolationReport) -> None:
    notify([report.reporter], _("Your report “{title}”: {status}").format(
        title=report.title, status=report.get_status_display()), reverse("tasks:report_detail", args=[report.pk]))


def remind_overdue_reviews(today: datetime.date) -> int:
    """Daily: every reviewer with a review past its due date is reminded of each one."""
    overdue = AdmissionRequest.objects.filter(status__in=[AdmissionRequest.Status.STREET_REVIEW,
                                                          AdmissionRequest.Status.DISTRICT_REVIEW],
                                              review_due_on__lt=today)
    count = 0
    for request in overdue.iterator():
        notify(reviewers(request), _("Overdue review (due {date}): {number} {title}").format(
            date=request.review_due_on, number=request.number, title=request.title),
            reverse("tasks:request_detail", args=[request.pk]))
        count += 1
    return count


def remind_district_lists(today: datetime.date) -> int:
    """Daily from 1 October: districts whose list for next year is not published (overdue after 31 December)."""
    from committees.models import District

    year = today.year + 1 if today.month >= 10 else today.year
    done = set(TaskList.objects.filter(level=TaskList.Level.DISTRICT, year=year, status=TaskList.Status.PUBLISHED)
               .values_list("district_id", flat=True))
    late = today.month < 10
    districts = [code for code in District.objects.values_list("code", flat=True) if code not in done]
    for code in districts:
        text = (_("The district task list for {year} is overdue: it was due on 31 December.") if late else
                _("The district task list for {year} is due on 31 December.")).format(year=year)
        notify(_people(role="district", district_id=code), text, reverse("tasks:list_index"))
    return len(districts)
