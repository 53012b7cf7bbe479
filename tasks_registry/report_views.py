"""Violation report pages: committees report, the district handles, the department replies without knowing who reported."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from committees.models import Department
from portal.core.exceptions import DomainError
from portal.core.views import get_scoped_or_404, paginate, require_perm
from tasks_registry import reports
from tasks_registry.forms import HandleReportForm, ViolationReportForm
from tasks_registry.models import ViolationReport


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, ViolationReport, "view")
    rows = ViolationReport.objects.restrict(request.user).select_related("committee", "department")
    return render(request, "tasks_registry/report_list.html", {"page": paginate(request, rows)})


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    require_perm(request, ViolationReport, "add")
    form = ViolationReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        report = form.instance
        upload = form.cleaned_data.get("evidence_file")
        if upload is not None:
            report.evidence_name = upload.name[:200]
            report.evidence.save(upload.name, upload, save=False)
        try:
            reports.file_report(actor=request.user, report=report)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The report was sent to the district."))
            return redirect("tasks:report_detail", pk=report.pk)
    return render(request, "tasks_registry/report_form.html", {"form": form})


def _form(request: HttpRequest, report: ViolationReport, *, bound: bool = False) -> HandleReportForm:
    form = HandleReportForm(request.POST if bound else None)
    district = report.committee.street.district_id
    form.fields["department"].queryset = Department.objects.filter(district_id=district)
    return form


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_scoped_or_404(request, ViolationReport.objects.select_related(
        "committee__street", "department", "reporter"), pk=pk)
    return render(request, "tasks_registry/report_detail.html", {
        "report": report, "form": _form(request, report),
        "events": report.events.select_related("actor__committee", "actor__street", "actor__district",
                                               "actor__department__district"),
        # DOMAIN: the department never sees who reported.
        "show_reporter": request.user.role != "department",
        "can_handle": request.user.role == "district" and request.user.district_id == report.committee.street.district_id,
        "can_reply": request.user.role == "department" and report.status == ViolationReport.Status.TRANSFERRED})


@login_required
@require_POST
def report_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    report = get_scoped_or_404(request, ViolationReport.objects.select_related("committee__street"), pk=pk)
    form = _form(request, report, bound=True)
    form.is_valid()
    data = form.cleaned_data
    comment = data.get("comment", "")
    try:
        if action == "accept":
            reports.accept(actor=request.user, report=report, comment=comment)
        elif action == "dismiss":
            reports.dismiss(actor=request.user, report=report, reason=comment)
        elif action == "transfer":
            if not data.get("department"):
                raise DomainError(_("Choose the department."), code="department")
            reports.transfer(actor=request.user, report=report, department=data["department"], comment=comment)
        elif action == "close":
            reports.close(actor=request.user, report=report, outcome=data.get("outcome", ""), comment=comment)
        elif action == "reply":
            reports.reply(actor=request.user, report=report, text=comment)
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect("tasks:report_detail", pk=pk)


@login_required
def report_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_scoped_or_404(request, ViolationReport.objects.all(), pk=pk)
    if not report.evidence:
        raise Http404
    if request.user.role == "department":
        raise PermissionDenied  # the evidence may name the person who reported
    return FileResponse(report.evidence.open("rb"), as_attachment=True, filename=report.evidence_name)
