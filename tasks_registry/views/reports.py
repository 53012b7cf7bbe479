"""Violation report pages: committees report, the district handles, the department replies without
knowing who reported ("identify" decides what a person sees of the reporter)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from committees.models import Department
from portal.core.exceptions import DomainError
from portal.core.scoping import may_ever
from portal.core.views import (
    add_domain_error,
    add_validation_errors,
    get_scoped_or_404,
    paginate,
    require_perm,
    submission_refused,
    submit_once,
)
from tasks_registry.forms import HandleReportForm, ReplyForm, ViolationReportForm
from tasks_registry.models import ViolationReport
from tasks_registry.selectors import ACTOR, violation_report_list
from tasks_registry.services.reports import (
    REPORT_FIELDS,
    violation_report_accept,
    violation_report_close,
    violation_report_dismiss,
    violation_report_file,
    violation_report_reply,
    violation_report_transfer,
)


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, ViolationReport, "view")
    return render(request, "tasks_registry/report_list.html", {
        "page": paginate(request, violation_report_list(actor=request.user)),
        "may_identify": may_ever(request.user, ViolationReport, "identify")})


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def report_new(request: HttpRequest) -> HttpResponse:
    require_perm(request, ViolationReport, "add")
    form = ViolationReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = violation_report_file(actor=request.user, data={f: form.cleaned_data[f] for f in REPORT_FIELDS},
                                           evidence=form.cleaned_data.get("evidence_file"))
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("The report was sent to the district."))
            return redirect("tasks:report_detail", pk=report.pk)
    return render(request, "tasks_registry/report_form.html", {"form": form})


def _handle_form(request: HttpRequest, report: ViolationReport, *, bound: bool = False) -> HandleReportForm:
    form = HandleReportForm(request.POST if bound else None)
    form.fields["department"].queryset = Department.objects.restrict(request.user, "view", include_grants=False).filter(
        district=report.committee.street.district_id)
    return form


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _shown(request, pk))


def _shown(request: HttpRequest, pk: int) -> ViolationReport:
    return get_scoped_or_404(request, ViolationReport.objects.select_related(
        "committee__street", "department", "reporter"), pk=pk)


def _detail_page(request: HttpRequest, report: ViolationReport, *, form: HandleReportForm | None = None,
                 reply_form: ReplyForm | None = None) -> HttpResponse:
    """The report's page, with a step's form as posted: 400 when it has errors."""
    actions = ViolationReport.objects.permitted(request.user, report, "handle", "reply", "identify")
    form = form or (_handle_form(request, report) if "handle" in actions else None)
    reply_form = reply_form or ReplyForm()
    return render(request, "tasks_registry/report_detail.html", {
        "report": report, "form": form, "reply_form": reply_form, "events": report.events.select_related(*ACTOR),
        "actions": actions}, status=400 if (form is not None and form.errors) or reply_form.errors else 200)


def _stale(request: HttpRequest, pk: int) -> HttpResponse:
    current = get_object_or_404(ViolationReport.objects.restrict(request.user), pk=pk)
    submission_refused(request)
    messages.error(request, _("This report has already been handled; it is now “{status}”.").format(
        status=current.get_status_display()))
    return redirect("tasks:report_detail", pk=pk)


_STEPS = {"accept": "handle", "dismiss": "handle", "transfer": "handle", "close": "handle", "reply": "reply"}


@login_required
@require_POST
@submit_once
def report_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """A step of the district's (accept, dismiss, transfer, close) or the department's reply. A form the
    step refuses (too long, no department to transfer to, no reason) is shown with its errors; nothing
    is done."""
    if action not in _STEPS:
        raise Http404
    require_perm(request, ViolationReport, _STEPS[action])
    report = _shown(request, pk)
    form = ReplyForm(request.POST) if action == "reply" else _handle_form(request, report, bound=True)
    if action == "transfer" and form.is_valid() and not form.cleaned_data["department"]:
        form.add_error("department", _("Choose the department."))
    if not form.is_valid():
        return _show_refused(request, report, form)
    data = form.cleaned_data
    try:
        if action == "accept":
            violation_report_accept(actor=request.user, pk=pk, comment=data["comment"])
        elif action == "dismiss":
            violation_report_dismiss(actor=request.user, pk=pk, reason=data["comment"])
        elif action == "transfer":
            violation_report_transfer(actor=request.user, pk=pk, department=data["department"],
                                      comment=data["comment"])
        elif action == "close":
            violation_report_close(actor=request.user, pk=pk, outcome=data["outcome"], comment=data["comment"])
        else:
            violation_report_reply(actor=request.user, pk=pk, text=data["comment"])
    except ViolationReport.DoesNotExist:
        return _stale(request, pk)
    except DomainError as error:
        if error.code == "stale":  # handled meanwhile: the page as it is now says so
            messages.error(request, error.message)
            submission_refused(request)
            return redirect("tasks:report_detail", pk=pk)
        add_domain_error(form, error)
        return _show_refused(request, report, form)
    messages.success(request, _("Done."))
    return redirect("tasks:report_detail", pk=pk)


def _show_refused(request: HttpRequest, report: ViolationReport, form: HandleReportForm | ReplyForm) -> HttpResponse:
    if isinstance(form, ReplyForm):
        return _detail_page(request, report, reply_form=form)
    return _detail_page(request, report, form=form)


@login_required
def report_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence may name the person who reported: only for those who may identify them (403 otherwise)."""
    report = get_scoped_or_404(request, ViolationReport.objects.all(), "identify", pk=pk)
    if not report.evidence:
        raise Http404
    return FileResponse(report.evidence.open("rb"), as_attachment=True, filename=report.evidence_name)
