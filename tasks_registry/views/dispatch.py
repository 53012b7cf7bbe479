"""Dispatch pages: send a listed item to committees (or see the guard refuse), and what reached a scope with
its burden meter."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from committees.forms import YearForm
from portal.core.exceptions import DomainError
from portal.core.views import paginate, require_perm, submission_result, submit_once
from tasks_registry.forms import DispatchForm, UnlistedForm
from tasks_registry.models import Dispatch, TaskItem
from tasks_registry.selectors import (
    burden,
    dispatch_choices,
    received_dispatches,
    received_heading,
    refused_dispatches,
)
from tasks_registry.services.dispatch import DispatchRefused, dispatch_refuse_unlisted, dispatch_send


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
            sent = dispatch_send(actor=request.user, item_pk=data["item"].pk, committees=data["targets"],
                                 starts_on=data["starts_on"], due_on=data["due_on"], note=data["note"])
            messages.success(request, _("Sent to {n} committees.").format(n=len(sent)))
            return redirect("tasks:dispatch")
        if unlisted and unlisted_form.is_valid():
            data = unlisted_form.cleaned_data
            dispatch_refuse_unlisted(actor=request.user, title=data["title"], committees=list(data["committees"]),
                                     year=data["year"])
    except DispatchRefused as error:
        refused = error
        # The refusals are recorded: the same form sent again shows them where they are listed, not twice.
        submission_result(request, reverse("tasks:received") + "#refusals")
    except DomainError as error:
        form.add_error(None, error.message)
    except TaskItem.DoesNotExist as error:  # the form offers only the items the sender may send
        raise Http404 from error
    return render(request, "tasks_registry/dispatch.html", {"form": form, "unlisted_form": unlisted_form,
                                                            "refused": refused})


@login_required
def received(request: HttpRequest) -> HttpResponse:
    """What was dispatched into the user's scope (a committee: to it), with the burden meter against last year.
    The dispatches and the refused attempts are paged apart (`page`, `refusals_page`)."""
    require_perm(request, Dispatch, "view")
    year = YearForm.year_or(request.GET, timezone.localdate().year)
    dispatches = received_dispatches(actor=request.user)
    page = paginate(request, dispatches.select_related("item__task_list__district", "committee", "sent_by")
                    .order_by("-starts_on", "-id"))
    refusals = Paginator(refused_dispatches(actor=request.user), 10).get_page(request.GET.get("refusals_page"))
    meter = burden(dispatches, year)
    return render(request, "tasks_registry/received.html", {
        "page": page, "year": year, "meter": meter, "refusals": refusals,
        "heading": received_heading(actor=request.user),
        "meter_data": {"year": year, "current": [float(v) for v in meter["current"]],
                       "previous": [float(v) for v in meter["previous"]]}})
