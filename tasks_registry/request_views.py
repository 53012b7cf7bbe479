"""Admission request pages: file (with the duplicate check as you type), the reviewers' queue, the timeline."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from committees.models import Committee, Street
from portal.core.exceptions import DomainError
from portal.core.views import get_scoped_or_404, paginate, require_perm, template_for
from tasks_registry import admission, similar
from tasks_registry.forms import AdmissionRequestForm, CommentForm, ReviewForm
from tasks_registry.models import AdmissionRequest

Status = AdmissionRequest.Status
# What a person's unit name needs (User.unit_name), fetched with the row instead of once per row.
APPLICANT = ("applicant__committee", "applicant__street", "applicant__district", "applicant__department__district")


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, AdmissionRequest, "view")
    tab = request.GET.get("tab") or ("queue" if request.user.role in ("street", "district") else "mine")
    requests = AdmissionRequest.objects.restrict(request.user).select_related(*APPLICANT, "street", "department")
    if tab == "queue":
        requests = requests.filter(admission.waiting_for(request.user)).order_by("review_due_on", "id")
    elif tab == "mine":
        requests = requests.filter(applicant=request.user)
    return render(request, "tasks_registry/request_list.html", {
        "page": paginate(request, requests), "tab": tab, "today": timezone.localdate(),
        "queue_count": AdmissionRequest.objects.restrict(request.user).filter(admission.waiting_for(request.user)).count()})


def _choices(user) -> dict:  # noqa: ANN001
    committees = Committee.objects.restrict(user).filter(street__district_id=user.district_id).active_on(
        timezone.localdate()).select_related("street").order_by("code")
    streets = Street.objects.restrict(user).filter(district_id=user.district_id)
    if user.role == "street":  # a street officer files for their own street
        committees, streets = committees.filter(street_id=user.street_id), streets.filter(pk=user.street_id)
    return {"committees": committees, "streets": streets}


@login_required
@require_http_methods(["GET", "POST"])
def request_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        require_perm(request, AdmissionRequest, "add")
        if not request.user.district_id:
            raise PermissionDenied
        instance = AdmissionRequest(applicant=request.user, district_id=request.user.district_id,
                                    department_id=request.user.department_id)
    else:
        instance = get_scoped_or_404(request, AdmissionRequest.objects.all(), "view", pk=pk)
        if instance.applicant_id != request.user.pk or instance.status not in (Status.DRAFT, Status.RETURNED):
            raise PermissionDenied
    form = AdmissionRequestForm(request.POST or None, instance=instance, **_choices(request.user))
    if request.method == "POST" and form.is_valid():
        created = instance.pk is None
        saved = form.save()
        if created:
            admission.RequestEvent.objects.create(request=saved, actor=request.user, kind=admission.Kind.CREATED)
        if "submit" in request.POST:
            try:
                admission.submit(actor=request.user, request=saved)
            except DomainError as error:
                messages.error(request, error.message)
                return redirect("tasks:request_edit", pk=saved.pk)
            messages.success(request, _("The request was submitted."))
        else:
            messages.success(request, _("The draft was saved."))
        return redirect("tasks:request_detail", pk=saved.pk)
    return render(request, "tasks_registry/request_form.html", {
        "form": form, "instance": instance, "file_days": settings.PORTAL_ADMISSION_FILE_WORKING_DAYS,
        "review_days": settings.PORTAL_ADMISSION_REVIEW_WORKING_DAYS,
        "similar": similar.similar(request.user, form["title"].value() or "", exclude_request=instance.pk)})


@login_required
def request_similar(request: HttpRequest) -> HttpResponse:
    """HTMX: the list items and open requests that look like the title being typed."""
    require_perm(request, AdmissionRequest, "add")
    found = similar.similar(request.user, request.GET.get("title", ""),
                            exclude_request=int(request.GET["exclude"]) if request.GET.get("exclude", "").isdigit() else None)
    return render(request, "tasks_registry/_similar.html", {"similar": found})


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    instance = get_scoped_or_404(request, AdmissionRequest.objects.select_related(
        *APPLICANT, "department", "street", "filed_item__task_list__district"), pk=pk)
    comment_form = CommentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not admission.may_comment(request.user, instance):
        raise PermissionDenied
    if request.method == "POST" and comment_form.is_valid():
        try:
            admission.comment(actor=request.user, request=instance, text=comment_form.cleaned_data["text"],
                              attachment=comment_form.cleaned_data["attachment"])
        except DomainError as error:
            comment_form.add_error(None, error.message)
        else:
            return redirect("tasks:request_detail", pk=pk)
    events = instance.events.select_related("actor__committee", "actor__street", "actor__district",
                                            "actor__department__district")
    return render(request, template_for(request, "tasks_registry/request_detail.html", "tasks_registry/_timeline.html"), {
        "req": instance, "events": events, "comment_form": comment_form, "review_form": ReviewForm(),
        "can_review": admission.may_review(request.user, instance),
        "can_comment": admission.may_comment(request.user, instance),
        "can_edit": instance.applicant_id == request.user.pk and instance.status in (Status.DRAFT, Status.RETURNED),
        "committees": instance.committees.select_related("street"), "streets": instance.streets.all()})


@login_required
@require_POST
def request_review(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    instance = get_scoped_or_404(request, AdmissionRequest.objects.all(), "view", pk=pk)
    # The state the reviewer saw: if it changed in between, the second reviewer is told.
    instance.status = request.POST.get("seen_status", instance.status)
    form = ReviewForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    try:
        if action == "approve":
            admission.approve(actor=request.user, request=instance, comment=reason)
        elif action == "reject":
            admission.reject(actor=request.user, request=instance, reason=reason)
        elif action == "return":
            admission.return_for_revision(actor=request.user, request=instance, reason=reason)
        else:
            raise PermissionDenied
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect("tasks:request_detail", pk=pk)


@login_required
def attachment(request: HttpRequest, pk: int, event_pk: int) -> HttpResponse:
    from django.http import FileResponse, Http404

    instance = get_scoped_or_404(request, AdmissionRequest.objects.all(), pk=pk)
    event = instance.events.filter(pk=event_pk).exclude(attachment="").first()
    if event is None:
        raise Http404
    return FileResponse(event.attachment.open("rb"), as_attachment=True, filename=event.attachment_name)
