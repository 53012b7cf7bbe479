"""The calendar page (issue 14): a year's holidays and make-up working days, as shipped and as the city entered
them; the city's staff add, correct and remove days, and mark a new year's schedule loaded."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.core.exceptions import DomainError
from portal.core.scoping import may_ever
from portal.core.views import (
    add_domain_error,
    add_integrity_error,
    add_validation_errors,
    get_scoped_or_404,
    require_perm,
    submission_refused,
    submit_once,
)
from portal.workdays.forms import CalendarDayForm, CalendarYearForm, YearQueryForm
from portal.workdays.models import YEAR_MAX, YEAR_MIN, CalendarDay, CalendarYear
from portal.workdays.schedule import shipped_years, year_schedule
from portal.workdays.services import calendar_day_delete, calendar_day_save, calendar_year_delete, calendar_year_save


def _year_url(year: int) -> str:
    return f"{reverse('workdays:calendar')}?year={year}"


def _calendar_page(request: HttpRequest, year: int, *, year_form: CalendarYearForm | None = None) -> HttpResponse:
    days = year_schedule(year, entries=CalendarDay.objects.restrict(request.user))
    loaded = CalendarYear.objects.restrict(request.user).filter(year=year).select_related("loaded_by").first()
    shipped = year in shipped_years()
    # The buttons ask restrict(), as the services will.
    of_year = CalendarDay.objects.filter(day__year=year)
    return render(request, "workdays/calendar.html", {
        "year": year, "days": days, "shipped": shipped, "loaded": loaded,
        # schedule_known(year), from the row just read (every reader of the calendar reads every year's row)
        "known": shipped or loaded is not None, "entered": sum(1 for day in days if day.entry),
        "previous": year - 1 if year > YEAR_MIN else None, "next": year + 1 if year < YEAR_MAX else None,
        "editable": set(of_year.restrict(request.user, "change").values_list("pk", flat=True)),
        "deletable": set(of_year.restrict(request.user, "delete").values_list("pk", flat=True)),
        "can_add": may_ever(request.user, CalendarDay, "add"),
        "can_load": may_ever(request.user, CalendarYear, "add"),
        "can_unload": loaded is not None and may_ever(request.user, CalendarYear, "delete"),
        "year_form": year_form or CalendarYearForm(initial={"year": year})},
        status=400 if year_form is not None and year_form.errors else 200)


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """`?year=` (default: this year; a year the calendar does not hold: this year too)."""
    require_perm(request, CalendarDay, "view")
    query = YearQueryForm(request.GET)
    year = (query.cleaned_data["year"] if query.is_valid() else None) or timezone.localdate().year
    return _calendar_page(request, year)


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def day_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a day (`?year=` gives the form's first day of that year) or correct one."""
    if pk is None:
        require_perm(request, CalendarDay, "add")
        instance = CalendarDay()
        query = YearQueryForm(request.GET)
        year = query.cleaned_data["year"] if query.is_valid() and query.cleaned_data["year"] else None
        initial = {"day": datetime.date(year, 1, 1)} if year else {}
    else:
        instance = get_scoped_or_404(request, CalendarDay.objects.all(), "change", pk=pk)
        initial = {}
    form = CalendarDayForm(request.POST or None, instance=instance, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = calendar_day_save(actor=request.user, instance=form.instance)
        except ValidationError as error:
            add_validation_errors(form, error)
        except IntegrityError as error:  # the same day entered at the same moment by someone else
            add_integrity_error(form, error)
        else:
            messages.success(request, _("{day} was saved in the calendar.").format(day=f"{saved.day:%Y-%m-%d}"))
            return redirect(_year_url(saved.day.year))
    return render(request, "workdays/day_form.html", {"form": form, "entry": instance},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def day_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """403 for whoever may not delete days; 404 for a day not in the calendar, or taken out by someone else just
    before (the service reads and locks it once: nothing is read before it that could be gone by then)."""
    require_perm(request, CalendarDay, "delete")
    try:
        entry = calendar_day_delete(actor=request.user, pk=pk)
    except CalendarDay.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("{day} was taken out of the calendar; the published schedule holds for it again.")
                     .format(day=f"{entry.day:%Y-%m-%d}"))
    return redirect(_year_url(entry.day.year))


@login_required
@require_POST
@submit_once
def year_load(request: HttpRequest) -> HttpResponse:
    """Mark the year of the form loaded (the page's button, with the notice it comes from)."""
    require_perm(request, CalendarYear, "add")
    form = CalendarYearForm(request.POST)
    if not form.is_valid():
        year = form.cleaned_data.get("year") or timezone.localdate().year
        return _calendar_page(request, year, year_form=form)
    year = form.cleaned_data["year"]
    try:
        calendar_year_save(actor=request.user, year=year, source_document=form.cleaned_data["source_document"])
    except DomainError as error:
        add_domain_error(form, error)
        return _calendar_page(request, year, year_form=form)
    except ValidationError as error:
        add_validation_errors(form, error)
        return _calendar_page(request, year, year_form=form)
    except IntegrityError:  # marked at the same moment by someone else: it is loaded, as asked
        submission_refused(request)
    messages.success(request, _("The schedule of {year} is marked loaded.").format(year=year))
    return redirect(_year_url(year))


@login_required
@require_POST
def year_unload(request: HttpRequest, pk: int) -> HttpResponse:
    """403 for whoever may not unmark years; 404 for a year not marked loaded, or unmarked by someone else just
    before (as day_delete)."""
    require_perm(request, CalendarYear, "delete")
    try:
        loaded = calendar_year_delete(actor=request.user, pk=pk)
    except CalendarYear.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("The schedule of {year} is marked not loaded; its deadlines are flagged again.")
                     .format(year=loaded.year))
    return redirect(_year_url(loaded.year))
