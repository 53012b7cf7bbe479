"""Admission request pages: file (with the duplicate check as you type), the reviewers' queue, the
timeline, review and comments. Buttons come from `permitted()`, the same restrict() the services ask."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.core.exceptions import DomainError
from portal.core.views import (
    add_domain_error,
    add_validation_errors,
    get_scoped_or_404,
    paginate,
    require_perm,
    submission_refused,
    submission_result,
    submit_once,
    template_for,
)
from portal.workdays.schedule import deadline, schedule_warning, unknown_years_of, years_warning
from tasks_registry.choices import RequestEventKind, RequestStatus
from tasks_registry.forms import AdmissionRequestForm, CommentForm, ReviewForm, SimilarForm
from tasks_registry.models import AdmissionRequest
from tasks_registry.plausibility import admission_request_warnings, plausibility_message
from tasks_registry.selectors import (
    ACTOR,
    APPLICANT,
    admission_request_list,
    admission_request_queue,
    admission_request_tabs,
    filing_choices,
    similar_titles,
)
from tasks_registry.services.admission import (
    admission_request_approve,
    admission_request_comment,
    admission_request_create,
    admission_request_reject,
    admission_request_return,
    admission_request_submit,
    admission_request_update,
)


def _stale(request: HttpRequest, pk: int) -> HttpResponse:
    """Two reviewers at once: exactly one wins, and the other, who can still read the request, is told what
    happened instead of a 404 (someone who cannot read it gets the 404: never revealed)."""
    current = get_object_or_404(AdmissionRequest.objects.restrict(request.user), pk=pk)
    submission_refused(request)
    messages.error(request, _("This request has already been handled by someone else; it is now “{status}”.").format(
        status=current.get_status_display()))
    return redirect("tasks:request_detail", pk=pk)


def _cannot_revise(request: HttpRequest, pk: int) -> HttpResponse:
    current = get_object_or_404(AdmissionRequest.objects.restrict(request.user), pk=pk)
    submission_refused(request)
    messages.error(request, _("This request cannot be revised now; it is “{status}”.").format(
        status=current.get_status_display()))
    return redirect("tasks:request_detail", pk=pk)


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    """The tabs. Each row under review shows its review due date (`row.review_due`: None for a row not under review,
    whose stored due date is not shown, as on its page: AdmissionRequest.review_span) and says when it was counted
    over a year whose schedule is not loaded (`row.review_warning`, its page's review_deadline warning); the page says
    it once above the table (`schedule_warning`): one query for the page."""
    require_perm(request, AdmissionRequest, "view")
    tabs = admission_request_tabs(actor=request.user)
    tab = request.GET.get("tab") if request.GET.get("tab") in tabs else tabs[0]
    today = timezone.localdate()
    page = paginate(request, admission_request_list(actor=request.user, tab=tab))
    page.object_list = rows = list(page.object_list)
    spans = [row.review_span(today=today) for row in rows]
    unknown = unknown_years_of([span or (None, None) for span in spans])
    for row, span, years in zip(rows, spans, unknown, strict=True):
        row.review_due = span[1] if span else None
        row.review_warning = years_warning(years)
    return render(request, "tasks_registry/request_list.html", {
        "page": page, "tab": tab, "tabs": tabs,
        "schedule_warning": years_warning(year for years in unknown for year in years),
        "queue_count": admission_request_queue(actor=request.user).count() if "queue" in tabs else 0})


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def request_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        require_perm(request, AdmissionRequest, "add")
        instance = AdmissionRequest()
    else:
        require_perm(request, AdmissionRequest, "change")
        try:
            instance = AdmissionRequest.objects.restrict(request.user, "change").get(pk=pk)
        except AdmissionRequest.DoesNotExist:
            return _cannot_revise(request, pk)
    form = AdmissionRequestForm(request.POST or None, instance=instance,
                                **filing_choices(actor=request.user, today=timezone.localdate()))
    if request.method == "POST" and form.is_valid():
        try:
            if pk is None:
                saved = admission_request_create(actor=request.user, data=form.cleaned_data)
            else:
                saved = admission_request_update(actor=request.user, pk=pk, data=form.cleaned_data)
        except AdmissionRequest.DoesNotExist:
            return _cannot_revise(request, pk)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            warnings = admission_request_warnings(saved)
            if warnings:  # saved all the same (issue 15): said once, with what to check
                messages.warning(request, plausibility_message(warnings))
            if "submit" not in request.POST:
                if not warnings:
                    messages.success(request, _("The draft was saved."))
                return redirect("tasks:request_detail", pk=saved.pk)
            submitted = _submit(request, form, saved, new=pk is None)
            if submitted is not None:
                return submitted
            form.instance = instance = saved
    # What was typed only once the form could read it (a title it refused is not searched for).
    title = form.cleaned_data.get("title") if form.is_bound else form["title"].value()
    return render(request, "tasks_registry/request_form.html", {
        "form": form, "instance": instance, "file_days": settings.PORTAL_ADMISSION_FILE_WORKING_DAYS,
        "review_days": settings.PORTAL_ADMISSION_REVIEW_WORKING_DAYS, **_filing_hints(instance),
        "similar": similar_titles(actor=request.user, title=title or "", exclude_request=instance.pk)},
        status=400 if form.errors else 200)


def _filing_hints(instance: AdmissionRequest) -> dict[str, Any]:
    """The dates the form states, filed today: the earliest start (`earliest`) and the review's due date
    (`review_due`), both Deadlines; `schedule_warning`: the page's one warning, over them and the draft's own
    start (its 30 working days), when a year they span is not loaded."""
    today = timezone.localdate()
    earliest = deadline(today, settings.PORTAL_ADMISSION_FILE_WORKING_DAYS)
    review_due = deadline(today, settings.PORTAL_ADMISSION_REVIEW_WORKING_DAYS)
    warning = earliest.warning  # it spans the review's days too (fewer of them, from the same day)
    if instance.pk and instance.status in (RequestStatus.DRAFT, RequestStatus.RETURNED):
        warning = schedule_warning(today, max(earliest.day, instance.starts_on))
    return {"earliest": earliest, "review_due": review_due, "schedule_warning": warning}


def _submit(request: HttpRequest, form: AdmissionRequestForm, saved: AdmissionRequest, *,
            new: bool) -> HttpResponse | None:
    """Submit the draft just saved. Refused, the draft stays and the page says so: a `new` one is then revised at
    its own address (the redirect, with the refusal in a message: sending the form again updates it, never files
    another); an existing one is shown again with the refusal on the form (None)."""
    try:
        submitted = admission_request_submit(actor=request.user, pk=saved.pk)
    except AdmissionRequest.DoesNotExist:
        return _cannot_revise(request, saved.pk)
    except DomainError as error:
        if new:
            messages.error(request, _("Saved as draft {number}; the submission was refused: {reason}").format(
                number=saved.number, reason=error.message))
            return redirect("tasks:request_edit", pk=saved.pk)
        messages.warning(request, _("Draft {number} was saved, but not submitted.").format(number=saved.number))
        add_domain_error(form, error)
        # The changes were saved all the same: the same form sent again shows the draft rather than saving twice.
        submission_result(request, reverse("tasks:request_edit", kwargs={"pk": saved.pk}))
        return None
    messages.success(request, _("The request was submitted."))
    # Where it went, when that is not where the applicant would expect it (the submitted event's text).
    note = submitted.events.filter(kind=RequestEventKind.SUBMITTED).order_by("-id").values_list("text", flat=True).first()
    if note:
        messages.info(request, note)
    return redirect("tasks:request_detail", pk=saved.pk)


@login_required
def request_similar(request: HttpRequest) -> HttpResponse:
    """HTMX: the list items and open requests that look like the title being typed (titles and states).
    An unreadable query finds nothing."""
    require_perm(request, AdmissionRequest, "add")
    query = SimilarForm(request.GET)
    data = query.cleaned_data if query.is_valid() else {}
    found = similar_titles(actor=request.user, title=data.get("title") or "", exclude_request=data.get("exclude"))
    return render(request, "tasks_registry/_similar.html", {"similar": found})


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    instance = _shown(request, pk)
    comment_form = CommentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        require_perm(request, AdmissionRequest, "comment")
        if comment_form.is_valid():
            try:
                admission_request_comment(actor=request.user, pk=pk, text=comment_form.cleaned_data["text"],
                                          attachment=comment_form.cleaned_data["attachment"])
            except AdmissionRequest.DoesNotExist:
                return _stale(request, pk)
            except DomainError as error:
                comment_form.add_error(None, error.message)
            else:
                return redirect("tasks:request_detail", pk=pk)
    return _detail_page(request, instance, comment_form=comment_form)


def _detail_page(request: HttpRequest, instance: AdmissionRequest, *, comment_form: CommentForm | None = None,
                 review_form: ReviewForm | None = None) -> HttpResponse:
    """The request's page (or its timeline, for HTMX), with the forms as posted: 400 when one has errors."""
    comment_form = comment_form or CommentForm()
    review_form = review_form or ReviewForm()
    return render(request, template_for(request, "tasks_registry/request_detail.html", "tasks_registry/_timeline.html"), {
        "req": instance, "events": instance.events.select_related(*ACTOR), "comment_form": comment_form,
        "review_form": review_form, "review_deadline": instance.review_deadline(),
        "actions": AdmissionRequest.objects.permitted(request.user, instance, "review", "comment", "change", "submit"),
        "committees": instance.committees.select_related("street"), "streets": instance.streets.all()},
        status=400 if comment_form.errors or review_form.errors else 200)


@login_required
@require_POST
def request_review(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """approve, reject or return: the reviewer of the request's current stage. An opinion the form refuses
    (too long) is shown with its error, and nothing is decided."""
    if action not in ("approve", "reject", "return"):
        raise Http404
    require_perm(request, AdmissionRequest, "review")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, _shown(request, pk), review_form=form)
    reason = form.cleaned_data["reason"]
    try:
        if action == "approve":
            admission_request_approve(actor=request.user, pk=pk, comment=reason)
        elif action == "reject":
            admission_request_reject(actor=request.user, pk=pk, reason=reason)
        else:
            admission_request_return(actor=request.user, pk=pk, reason=reason)
    except AdmissionRequest.DoesNotExist:
        return _stale(request, pk)
    except DomainError as error:  # no reason given: said on the form, as the form's own errors
        add_domain_error(form, error)
        return _detail_page(request, _shown(request, pk), review_form=form)
    messages.success(request, _("Done."))
    return redirect("tasks:request_detail", pk=pk)


def _shown(request: HttpRequest, pk: int) -> AdmissionRequest:
    return get_scoped_or_404(request, AdmissionRequest.objects.select_related(
        *APPLICANT, "department", "street", "filed_item__task_list__district"), pk=pk)


@login_required
def attachment(request: HttpRequest, pk: int, event_pk: int) -> HttpResponse:
    instance = get_scoped_or_404(request, AdmissionRequest.objects.all(), pk=pk)
    event = instance.events.filter(pk=event_pk).exclude(attachment="").first()
    if event is None:
        raise Http404
    return FileResponse(event.attachment.open("rb"), as_attachment=True, filename=event.attachment_name)
