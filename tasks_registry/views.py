"""Task list pages, dispatch, what reached a committee with its burden meter, and the public lists."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from committees.models import Committee, District, Street
from portal.core.exceptions import DomainError
from portal.core.services import record_save
from portal.core.spreadsheets import write_table, xlsx_response
from portal.core.views import add_validation_errors, get_scoped_or_404, paginate, require_perm, save_form
from tasks_registry import services
from tasks_registry.forms import DispatchForm, ExitForm, TaskItemForm, TaskListForm, UnlistedForm
from tasks_registry.models import Dispatch, RefusedDispatch, TaskItem, TaskList


def _search(items, q: str):  # noqa: ANN001, ANN202
    if q:
        items = items.filter(Q(title__icontains=q) | Q(code__icontains=q) | Q(responsible_unit__icontains=q))
    return items


def reminder(user, lists: list[TaskList], today: datetime.date) -> str | None:  # noqa: ANN001
    """Q4: next year's district list is due on 31 December; from 1 October the district is reminded, after it overdue."""
    if not user.district_id or not user.has_perm("tasks_registry.change_tasklist"):
        return None
    year = today.year + 1 if today.month >= 10 else today.year
    if any(t.district_id == user.district_id and t.year == year and t.is_published for t in lists):
        return None
    if today.month >= 10:
        return _("Next year's district list ({year}) is due on 31 December and is not published yet.").format(year=year)
    return _("The district list for {year} was due on 31 December {previous} and is overdue.").format(
        year=year, previous=year - 1)


@login_required
@require_http_methods(["GET", "POST"])
def list_index(request: HttpRequest) -> HttpResponse:
    require_perm(request, TaskList, "view")
    lists = list(TaskList.objects.restrict(request.user).select_related("district").annotate(item_count=Count("items")))
    form = TaskListForm(request.POST or None, initial={"year": timezone.localdate().year + 1})
    can_create = request.user.has_perm("tasks_registry.add_tasklist") and (
        request.user.district_id or request.user.scope_level == "city")
    if request.method == "POST":
        if not can_create:
            raise PermissionDenied
        city = request.user.scope_level == "city"
        form.instance.level = TaskList.Level.CITY if city else TaskList.Level.DISTRICT
        form.instance.district_id = None if city else request.user.district_id
        if save_form(request, form, form.instance):
            return redirect("tasks:list_detail", pk=form.instance.pk)
    return render(request, "tasks_registry/list_index.html", {
        "lists": lists, "form": form, "can_create": can_create,
        "reminder": reminder(request.user, lists, timezone.localdate())})


@login_required
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task_list = get_scoped_or_404(request, TaskList.objects.select_related("district", "copied_from"), pk=pk)
    q = request.GET.get("q", "").strip()
    items = paginate(request, _search(task_list.items.order_by("code"), q), per_page=50)
    can_edit = services.may_edit(request.user, task_list)
    return render(request, "tasks_registry/list_detail.html", {
        "task_list": task_list, "page": items, "q": q, "can_edit": can_edit,
        "changes": services.changes_since(task_list) if task_list.copied_from_id else None,
        "can_dispatch": task_list.is_published and request.user.has_perm("tasks_registry.add_dispatch")})


def _editable_list(request: HttpRequest, pk: int) -> TaskList:
    task_list = get_scoped_or_404(request, TaskList.objects.all(), pk=pk)
    if not services.may_edit(request.user, task_list):
        raise PermissionDenied
    return task_list


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, list_pk: int, pk: int | None = None) -> HttpResponse:
    task_list = _editable_list(request, list_pk)
    item = get_object_or_404(task_list.items, pk=pk) if pk else TaskItem(task_list=task_list)
    if task_list.is_published:
        messages.error(request, _("A published list is not edited; items exit it with a reason instead."))
        return redirect("tasks:list_detail", pk=task_list.pk)
    form = TaskItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if TaskList.objects.select_for_update().get(pk=task_list.pk).is_published:  # published meanwhile
                    raise ValidationError(_("A published list is not edited; items exit it with a reason instead."))
                record_save(actor=request.user, instance=form.instance)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Item {code} was saved.").format(code=form.instance.code))
            return redirect("tasks:list_detail", pk=task_list.pk)
    return render(request, "tasks_registry/item_form.html", {"form": form, "task_list": task_list, "item": item})


@login_required
@require_http_methods(["GET", "POST"])
def item_exit(request: HttpRequest, list_pk: int, pk: int) -> HttpResponse:
    task_list = _editable_list(request, list_pk)
    item = get_object_or_404(task_list.items, pk=pk)
    form = ExitForm(request.POST or None, initial={"exited_at": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.exit_item(actor=request.user, item=item, on=form.cleaned_data["exited_at"],
                               reason=form.cleaned_data["exit_reason"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Item {code} exits the list.").format(code=item.code))
            return redirect("tasks:list_detail", pk=task_list.pk)
    return render(request, "tasks_registry/item_exit.html", {"form": form, "task_list": task_list, "item": item})


@login_required
@require_POST
def list_publish(request: HttpRequest, pk: int) -> HttpResponse:
    task_list = _editable_list(request, pk)
    try:
        services.publish_list(actor=request.user, task_list=task_list)
        messages.success(request, _("The list was published."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("tasks:list_detail", pk=pk)


@login_required
@require_POST
def list_next_year(request: HttpRequest, pk: int) -> HttpResponse:
    task_list = _editable_list(request, pk)
    try:
        draft = services.start_next_year(actor=request.user, task_list=task_list)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("tasks:list_detail", pk=pk)
    messages.success(request, _("Next year's list was started from this one; check what changed, then publish it."))
    return redirect("tasks:list_detail", pk=draft.pk)


@login_required
@require_POST
def list_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Items from .xlsx (the export's format) into a draft list; all or nothing, every error shown."""
    from tasks_registry.list_import import import_items

    task_list = _editable_list(request, pk)
    upload = request.FILES.get("file")
    if upload is None or getattr(request, "upload_too_large", False):
        messages.error(request, _("Choose an .xlsx file made from the export."))
        return redirect("tasks:list_detail", pk=pk)
    written, errors = import_items(task_list, upload)
    if errors:
        return render(request, "tasks_registry/list_import_errors.html", {"task_list": task_list, "errors": errors},
                      status=400)
    messages.success(request, _("{n} items were imported.").format(n=written))
    return redirect("tasks:list_detail", pk=pk)


@login_required
def list_export(request: HttpRequest, pk: int) -> HttpResponse:
    task_list = get_scoped_or_404(request, TaskList.objects.select_related("district"), pk=pk)
    fields = ["code", "title", "category", "responsible_unit", "legal_basis", "description", "frequency",
              "hours_per_month", "forms", "systems", "needs_seal", "exited_at", "exit_reason"]

    def rows():  # noqa: ANN202
        for item in task_list.items.order_by("code").iterator():
            values = [getattr(item, f) for f in fields]
            values[2] = item.get_category_display()
            values[10] = _("yes") if item.needs_seal else _("no")
            yield values

    header = [str(TaskItem._meta.get_field(f).verbose_name) for f in fields]
    return xlsx_response(lambda target: write_table(target, str(task_list.year), header, rows()),
                         f"task-list-{task_list.district_id or 'city'}-{task_list.year}.xlsx")


# --- dispatch ---------------------------------------------------------------------------------------
def _dispatch_choices(request: HttpRequest) -> dict:
    today = timezone.localdate()
    committees = (Committee.objects.restrict(request.user, "view", perm="tasks_registry.add_dispatch")
                  .active_on(today).select_related("street").order_by("code"))
    items = (TaskItem.objects.restrict(request.user).published().active_on(today)
             .filter(task_list__year__in=[today.year, today.year + 1]).select_related("task_list__district")
             .order_by("-task_list__year", "task_list__level", "code"))
    streets = Street.objects.restrict(request.user, "view", perm="tasks_registry.add_dispatch")
    return {"items": items, "committees": committees, "streets": streets}


@login_required
@require_http_methods(["GET", "POST"])
def dispatch(request: HttpRequest) -> HttpResponse:
    require_perm(request, Dispatch, "add")
    choices = _dispatch_choices(request)
    posted = request.method == "POST"
    unlisted = posted and "unlisted" in request.POST
    form = DispatchForm(request.POST if posted and not unlisted else None, initial={"item": request.GET.get("item")},
                        **choices)
    unlisted_form = UnlistedForm(request.POST if unlisted else None, committees=choices["committees"], prefix="unlisted",
                                 initial={"year": timezone.localdate().year})
    refused = None
    if posted and not unlisted and form.is_valid():
        data = form.cleaned_data
        try:
            sent = services.dispatch(actor=request.user, item=data["item"], committees=data["targets"],
                                     starts_on=data["starts_on"], due_on=data["due_on"], note=data["note"])
        except services.DispatchRefused as error:
            refused = error
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Sent to {n} committees.").format(n=len(sent)))
            return redirect("tasks:dispatch")
    if unlisted and unlisted_form.is_valid():
        data = unlisted_form.cleaned_data
        try:
            services.refuse_unlisted(actor=request.user, title=data["title"], committees=list(data["committees"]),
                                     year=data["year"])
        except services.DispatchRefused as error:
            refused = error
    return render(request, "tasks_registry/dispatch.html", {"form": form, "unlisted_form": unlisted_form,
                                                            "refused": refused})


@login_required
def received(request: HttpRequest) -> HttpResponse:
    """What was dispatched into the user's scope (a committee: to it), with the burden meter against last year."""
    require_perm(request, Dispatch, "view")
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 1949 <= int(year) <= 2100 else timezone.localdate().year
    dispatches = Dispatch.objects.restrict(request.user)
    page = paginate(request, dispatches.select_related("item__task_list__district", "committee", "sent_by")
                    .order_by("-starts_on", "-id"))
    refusals = paginate(request, RefusedDispatch.objects.restrict(request.user).select_related("committee"), per_page=10)
    meter = services.burden(dispatches, year)
    return render(request, "tasks_registry/received.html", {
        "page": page, "year": year, "meter": meter, "refusals": refusals,
        "meter_data": {"year": year, "current": [float(v) for v in meter["current"]],
                       "previous": [float(v) for v in meter["previous"]]}})


# --- public --------------------------------------------------------------------------------------------
def public_lists(request: HttpRequest) -> HttpResponse:
    """No login: every district's published lists (and the city's) for a year, searchable."""
    years = sorted(set(TaskList.objects.published().values_list("year", flat=True)), reverse=True)
    try:
        year = int(request.GET.get("year") or (years[0] if years else timezone.localdate().year))
    except ValueError:
        year = timezone.localdate().year
    district = request.GET.get("district", "")
    q = request.GET.get("q", "").strip()
    items = (TaskItem.objects.filter(task_list__status=TaskList.Status.PUBLISHED, task_list__year=year)
             .filter(Q(exited_at__isnull=True) | Q(exited_at__gt=timezone.localdate()))
             .select_related("task_list__district").order_by("task_list__level", "task_list__district", "code"))
    if district:
        items = items.filter(Q(task_list__district_id=district) | Q(task_list__level=TaskList.Level.CITY))
    return render(request, "tasks_registry/public_lists.html", {
        "page": paginate(request, _search(items, q), per_page=50), "years": years or [year], "year": year, "q": q,
        "district": district, "districts": District.objects.order_by("code")})
