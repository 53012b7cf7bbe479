"""Task list pages: the lists, one list with its items, adding and editing items, exits, publishing,
next year's list, import and export. Buttons come from restrict() (`permitted`), writes from services/lists.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Count, Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from portal.core.exceptions import DomainError
from portal.core.scoping import may_ever
from portal.core.spreadsheets import write_table, xlsx_response
from portal.core.views import (
    add_integrity_error,
    add_validation_errors,
    get_scoped_or_404,
    paginate,
    require_perm,
    submission_refused,
    submit_once,
)
from tasks_registry.filtersets import TaskItemFilterSet
from tasks_registry.forms import ExitForm, TaskItemForm, TaskListForm
from tasks_registry.models import TaskItem, TaskList
from tasks_registry.selectors import list_changes, list_reminder
from tasks_registry.services.lists import (
    ITEM_FIELDS,
    carry_refusal,
    task_item_exit,
    task_item_save,
    task_list_carry,
    task_list_create,
    task_list_import_items,
    task_list_publish,
)


def _not_now(request: HttpRequest, pk: int) -> HttpResponse:
    """The list is no longer open to what was asked (published meanwhile…): say so if the person can still
    read it, else 404 (never revealed)."""
    task_list = get_object_or_404(TaskList.objects.restrict(request.user, "view"), pk=pk)
    submission_refused(request)
    messages.error(request, _("This cannot be done on the list now; it is “{status}”.").format(
        status=task_list.get_status_display()))
    return redirect("tasks:list_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def list_index(request: HttpRequest) -> HttpResponse:
    require_perm(request, TaskList, "view")
    lists = TaskList.objects.restrict(request.user).select_related("district").annotate(item_count=Count("items"))
    form = TaskListForm(request.POST or None, initial={"year": timezone.localdate().year + 1})
    if request.method == "POST":
        require_perm(request, TaskList, "add")
        if form.is_valid():
            try:
                created = task_list_create(actor=request.user, year=form.cleaned_data["year"])
            except ValidationError as error:
                add_validation_errors(form, error)
            except IntegrityError as error:  # the same list started at the same moment
                add_integrity_error(form, error)
            else:
                return redirect("tasks:list_detail", pk=created.pk)
    return render(request, "tasks_registry/list_index.html", {
        "lists": lists, "form": form, "may_add": may_ever(request.user, TaskList, "add"),
        "reminder": list_reminder(actor=request.user, today=timezone.localdate())})


@login_required
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task_list = get_scoped_or_404(request, TaskList.objects.select_related("district", "copied_from"), pk=pk)
    # Whether the person may take each item off the list, asked of restrict() within the items' query.
    items = task_list.items.annotate(may_exit=Exists(TaskItem.objects.restrict(request.user, "exit").filter(
        pk=OuterRef("pk")))).order_by("code")
    search = TaskItemFilterSet(request.GET, queryset=items)  # an unreadable search is no search
    actions = TaskList.objects.permitted(request.user, task_list, "change", "publish", "carry", "dispatch")
    return render(request, "tasks_registry/list_detail.html", {
        "task_list": task_list, "page": paginate(request, search.qs, per_page=50),
        "q": search.form.cleaned_data.get("q") or "", "actions": actions,
        "changes": list_changes(task_list) if task_list.copied_from_id else None,
        "carry_refusal": carry_refusal(task_list) if "carry" in actions else None})


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def item_edit(request: HttpRequest, list_pk: int, pk: int | None = None) -> HttpResponse:
    require_perm(request, TaskItem, "change")
    try:
        task_list = TaskList.objects.restrict(request.user, "change").get(pk=list_pk)
        item = TaskItem.objects.restrict(request.user, "change").get(pk=pk, task_list=task_list) if pk else \
            TaskItem(task_list=task_list)
    except (TaskList.DoesNotExist, TaskItem.DoesNotExist):
        return _not_now(request, list_pk)
    form = TaskItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            saved = task_item_save(actor=request.user, list_pk=list_pk, pk=pk,
                                   data={field: form.cleaned_data[field] for field in ITEM_FIELDS})
        except (TaskList.DoesNotExist, TaskItem.DoesNotExist):
            return _not_now(request, list_pk)  # published meanwhile
        except ValidationError as error:
            add_validation_errors(form, error)
        except IntegrityError as error:  # the same number added at the same moment
            add_integrity_error(form, error)
        else:
            messages.success(request, _("Item {code} was saved.").format(code=saved.code))
            return redirect("tasks:list_detail", pk=list_pk)
    return render(request, "tasks_registry/item_form.html", {"form": form, "task_list": task_list, "item": item})


@login_required
@require_http_methods(["GET", "POST"])
def item_exit(request: HttpRequest, list_pk: int, pk: int) -> HttpResponse:
    require_perm(request, TaskItem, "exit")
    try:
        item = TaskItem.objects.restrict(request.user, "exit").select_related("task_list").get(pk=pk, task_list=list_pk)
    except TaskItem.DoesNotExist:
        return _not_now(request, list_pk)
    form = ExitForm(request.POST or None, initial={"exited_at": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            task_item_exit(actor=request.user, pk=item.pk, on=form.cleaned_data["exited_at"],
                           reason=form.cleaned_data["exit_reason"])
        except TaskItem.DoesNotExist:
            return _not_now(request, list_pk)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Item {code} exits the list.").format(code=item.code))
            return redirect("tasks:list_detail", pk=list_pk)
    return render(request, "tasks_registry/item_exit.html", {"form": form, "task_list": item.task_list, "item": item})


@login_required
@require_POST
def list_publish(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request, TaskList, "publish")
    try:
        task_list_publish(actor=request.user, pk=pk)
    except TaskList.DoesNotExist:
        return _not_now(request, pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The list was published."))
    return redirect("tasks:list_detail", pk=pk)


@login_required
@require_POST
@submit_once
def list_next_year(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request, TaskList, "carry")
    try:
        done = task_list_carry(actor=request.user, pk=pk)
    except TaskList.DoesNotExist:
        return _not_now(request, pk)
    except DomainError as error:
        messages.error(request, error.message)
        submission_refused(request)
        return redirect("tasks:list_detail", pk=pk)
    year = done.draft.year
    if done.carried:
        messages.success(request, ngettext(
            "Carried {n} item into the {year} draft. Check what changed, then publish it.",
            "Carried {n} items into the {year} draft. Check what changed, then publish it.",
            done.carried).format(n=done.carried, year=year))
        if done.skipped:
            messages.info(request, ngettext("Skipped {n} item the draft holds already.",
                                            "Skipped {n} items the draft holds already.", done.skipped).format(
                n=done.skipped))
    elif done.skipped:
        messages.info(request, ngettext("Nothing was added to the {year} draft: it holds this list's {n} item already.",
                                        "Nothing was added to the {year} draft: it holds this list's {n} items already.",
                                        done.skipped).format(n=done.skipped, year=year))
    else:
        messages.info(request, _("Nothing was added to the {year} draft: this list has no item in force at the end of "
                                 "its year.").format(year=year))
    for moved in done.renumbered:
        messages.info(request, _("The approved request's item “{title}” now has the number {new} instead of {old}: the "
                                 "item carried from the {year} list keeps {old}.").format(
            title=moved.title, old=moved.old, new=moved.new, year=year - 1))
    return redirect("tasks:list_detail", pk=done.draft.pk)


@login_required
@require_POST
@submit_once
def list_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Items from .xlsx (the export's format) into a draft list; all or nothing, every error shown."""
    require_perm(request, TaskList, "change")
    upload = request.FILES.get("file")
    if upload is None or getattr(request, "upload_too_large", False):
        messages.error(request, _("Choose an .xlsx file made from the export."))
        submission_refused(request)
        return redirect("tasks:list_detail", pk=pk)
    try:
        written, errors, notices = task_list_import_items(actor=request.user, pk=pk, upload=upload)
    except TaskList.DoesNotExist:
        return _not_now(request, pk)
    if errors:
        task_list = get_object_or_404(TaskList.objects.restrict(request.user), pk=pk)
        return render(request, "tasks_registry/list_import_errors.html",
                      {"task_list": task_list, "errors": errors, "notices": notices}, status=400)
    messages.success(request, _("{n} items were imported.").format(n=written))
    for notice in notices:  # the hidden sheets that were not read
        messages.warning(request, notice)
    return redirect("tasks:list_detail", pk=pk)


_EXPORTED = ["code", "title", "category", "responsible_unit", "legal_basis", "description", "frequency",
             "hours_per_month", "forms", "systems", "needs_seal", "exited_at", "exit_reason"]


@login_required
def list_export(request: HttpRequest, pk: int) -> HttpResponse:
    task_list = get_scoped_or_404(request, TaskList.objects.select_related("district"), pk=pk)

    def rows():  # noqa: ANN202
        for item in task_list.items.order_by("code").iterator():
            values = [getattr(item, f) for f in _EXPORTED]
            values[2] = item.get_category_display()
            values[10] = _("yes") if item.needs_seal else _("no")
            yield values

    # Headers as labels are written (capitalised: "Item number"); the import reads them in any case.
    header = [capfirst(str(TaskItem._meta.get_field(f).verbose_name)) for f in _EXPORTED]
    return xlsx_response(lambda target: write_table(target, str(task_list.year), header, rows()),
                         f"task-list-{task_list.district_id or 'city'}-{task_list.year}.xlsx")
