"""Start again, or cancel, a computation run that waits for the queue or stopped (issue 12): the recompute
button's status, swapped in place (templates/dashboards/_run_status.html), and what it does when a run ends."""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from portal.core.exceptions import DomainError
from portal.core.views import get_scoped_or_404, require_perm
from portal.indicators import services
from portal.indicators.models import ComputationRun

# The event a finished run's status triggers; #dashboard-body (templates/dashboards/_indicators_body.html)
# listens for it.
COMPUTED_EVENT = "indicators-computed"


@login_required
@require_POST
def run_retry(request: HttpRequest, pk: int) -> HttpResponse:
    return _run_step(request, pk, "retry", services.run_retry)


@login_required
@require_POST
def run_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _run_step(request, pk, "cancel", services.run_cancel)


def _run_step(request: HttpRequest, pk: int, action: str, step: Callable[..., ComputationRun]) -> HttpResponse:
    """403 without the role, 404 for no such run; a refusal (it finished, a worker runs it) is said in place."""
    require_perm(request, ComputationRun, action)
    notice = None
    try:
        run = step(actor=request.user, pk=pk)
    except ComputationRun.DoesNotExist:
        raise Http404 from None
    except DomainError as exc:
        run, notice = get_scoped_or_404(request, ComputationRun.objects.all(), pk=pk), exc.message
    run.refresh_from_db()  # on the embedded default a retried run has already happened, in this request
    return status_response(request, run, year=run.year, can_recompute=True, notice=notice)


def status_response(request: HttpRequest, run: ComputationRun | None, *, year: int, can_recompute: bool,
                    notice: str | None = None) -> HttpResponse:
    """The recompute button's status for `run` (templates/dashboards/_run_status.html): in flight, it polls
    itself every second; just finished, it says how it ended. A run that ended well also triggers
    COMPUTED_EVENT (the HX-Trigger header), on which the dashboard fetches its figures again, so "done" is
    never shown beside the old numbers (issue 15), whether the run finished in a worker or, on the embedded
    default, inside the request that started it."""
    finished = run is not None and not run.in_flight
    response = render(request, "dashboards/_run_status.html", {
        "run": run, "year": year, "can_recompute": can_recompute, "finished_now": finished, "notice": notice})
    if finished and run.status == ComputationRun.Status.DONE:
        response["HX-Trigger"] = COMPUTED_EVENT
    return response
