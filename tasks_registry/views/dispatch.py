"""Dispatch pages: send a listed item to committees (or see the guard refuse, each reason on its field), and
what reached a scope with its burden meter; a committee signs for what it received and reports it done."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from committees.forms import YearForm
from portal.core.exceptions import DomainError
from portal.core.views import paginate, require_perm, submission_result, submit_once
from tasks_registry.forms import DispatchDoneForm, DispatchForm, UnlistedForm
from tasks_registry.models import Dispatch, TaskItem
from tasks_registry.plausibility import dispatch_hours_warnings
from tasks_registry.selectors import (
    burden,
    dispatch_choices,
    received_dispatches,
    received_heading,
    received_list,
    received_one_committee,
    refused_dispatches,
)
from tasks_registry.services.dispatch import (
    DispatchRefused,
    dispatch_complete,
    dispatch_receive,
    dispatch_refuse_unlisted,
    dispatch_send,
)

_MAX_ID = 2**63 - 1


def _put_on_fields(form, error: DomainError) -> None:  # noqa: ANN001
    """Each reason on the field the person corrects (a field the form lacks: on the form)."""
    for field, reasons in error.fields.items():
        for reason in reasons:
            form.add_error(field if field in form.fields else None, reason)
    if not error.fields:
        form.add_error(None, error.message)


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def dispatch(request: HttpRequest) -> HttpResponse:
    require_perm(request, Dispatch, "add")
    today = timezone.localdate()
    choices = dispatch_choices(actor=request.user, today=today)
    posted = request.method == "POST"
    unlisted = posted and "unlisted" in request.POST
    form = DispatchForm(request.POST if posted and not unlisted else None, initial={"item": request.GET.get("item")},
                        **choices)
    unlisted_form = UnlistedForm(request.POST if unlisted else None, committees=choices["committees"], prefix="unlisted",
                                 initial={"year": today.year})
    refused = None
    try:
        if posted and not unlisted and form.is_valid():
            data = form.cleaned_data
            sent = dispatch_send(actor=request.user, item_pk=data["item"].pk, committees=list(data["committees"]),
                                 starts_on=data["starts_on"], due_on=data["due_on"], note=data["note"])
            messages.success(request, _("Sent to {n} committees.").format(n=len(sent)))
            return redirect("tasks:dispatch")
        if unlisted and unlisted_form.is_valid():
            data = unlisted_form.cleaned_data
            dispatch_refuse_unlisted(actor=request.user, title=data["title"], committees=list(data["committees"]),
                                     year=data["year"])
    except DispatchRefused as error:
        refused = error
        if not unlisted:  # the task on no list is refused whatever its fields say: said above both forms
            _put_on_fields(form, error)
        # The refusal is recorded: the same form sent again shows it where it is listed, not twice.
        submission_result(request, reverse("tasks:received") + "#refusals")
    except DomainError as error:
        _put_on_fields(form, error)
    except TaskItem.DoesNotExist as error:  # the form offers only the items the sender may send
        raise Http404 from error
    return render(request, "tasks_registry/dispatch.html", {"form": form, "unlisted_form": unlisted_form,
                                                            "refused": refused})


def _one(request: HttpRequest) -> int | None:
    """`?dispatch=<id>` (a notice's link): that one dispatch; anything else (a number beyond a database id, whose
    thousands of digits int() refuses, included): all."""
    value = request.GET.get("dispatch", "")
    if not (value.isascii() and value.isdigit() and len(value) <= len(str(_MAX_ID))):
        return None
    return int(value) if 0 < int(value) <= _MAX_ID else None


@login_required
def received(request: HttpRequest) -> HttpResponse:
    """What was dispatched into the user's scope (a committee: to it) with who sent it, and the committee's
    签收 / 办结 buttons where restrict() allows them; the burden meter against last year, with the hours the
    committees reported beside the declared ones. The dispatches and the refused attempts are paged apart
    (`page`, `refusals_page`); overdue dispatches come first, marked; the committee column is left out when
    everything the user sees went to one committee (`one_committee`)."""
    require_perm(request, Dispatch, "view")
    today = timezone.localdate()
    year = YearForm.year_or(request.GET, today.year)
    only = _one(request)
    page = paginate(request, received_list(actor=request.user, today=today, only=only))
    refusals = Paginator(refused_dispatches(actor=request.user), 10).get_page(request.GET.get("refusals_page"))
    meter = burden(received_dispatches(actor=request.user), year)
    return render(request, "tasks_registry/received.html", {
        "page": page, "year": year, "meter": meter, "refusals": refusals, "only": only,
        "one_committee": received_one_committee(actor=request.user),
        "done_form": DispatchDoneForm(), "heading": received_heading(actor=request.user),
        "meter_data": {"year": year, "current": [float(v) for v in meter["current"]],
                       "previous": [float(v) for v in meter["previous"]],
                       "reported": [float(v) for v in meter["reported"]]}})


def _back(request: HttpRequest) -> HttpResponse:
    return redirect(reverse("tasks:received") + (f"?dispatch={only}" if (only := _one(request)) else ""))


@login_required
@require_POST
def dispatch_receive_view(request: HttpRequest, pk: int) -> HttpResponse:
    """签收."""
    require_perm(request, Dispatch, "receive")
    try:
        done = dispatch_receive(actor=request.user, pk=pk)
    except Dispatch.DoesNotExist as error:
        if not received_dispatches(actor=request.user).filter(pk=pk).exists():
            raise Http404 from error
        messages.info(request, _("This task was signed for already."))
    else:
        messages.success(request, _("Signed for: {code} {title}.").format(code=done.item.code, title=done.item.title))
    return _back(request)


@login_required
@require_POST
def dispatch_complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """办结, with the hours it took."""
    require_perm(request, Dispatch, "complete")
    form = DispatchDoneForm(request.POST)
    if not form.is_valid():
        if not received_dispatches(actor=request.user).filter(pk=pk).exists():
            raise Http404
        for reasons in form.errors.values():
            for reason in reasons:
                messages.error(request, _("Not reported done: {reason}").format(reason=reason))
        return _back(request)
    try:
        done = dispatch_complete(actor=request.user, pk=pk, hours_spent=form.cleaned_data["hours_spent"])
    except Dispatch.DoesNotExist as error:
        if not received_dispatches(actor=request.user).filter(pk=pk).exists():
            raise Http404 from error
        messages.info(request, _("This task cannot be reported done now: sign for it first, or it is done already."))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Reported done: {code} {title}, {hours} hours.").format(
            code=done.item.code, title=done.item.title, hours=done.hours_spent))
        for warning in dispatch_hours_warnings(done):
            messages.warning(request, warning)
    return _back(request)
