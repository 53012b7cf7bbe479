"""Import and export pages: upload, the error report to fix from, confirm, the summary; template and export."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from committees.forms import ImportUploadForm
from committees.interchange import exporter, services
from committees.interchange.schema import SHEET_BY_NAME
from committees.models import Committee, OrgImport
from portal.core.exceptions import DomainError
from portal.core.scoping import may_ever, unit_of
from portal.core.spreadsheets import write_table, xlsx_response
from portal.core.views import get_scoped_or_404, paginate, require_perm, submit_once, template_for

ERRORS_PER_PAGE = 100
CHANGES_PER_PAGE = 50


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def import_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, OrgImport, "view")
    can_import = may_ever(request.user, OrgImport, "add")
    form = ImportUploadForm()
    if request.method == "POST":
        require_perm(request, OrgImport, "add")
        form = _upload_form(request)
        if form.is_valid():
            org_import = services.org_import_start(actor=request.user, files=form.cleaned_data["files"])
            return redirect("committees:import_detail", pk=org_import.pk)
    # The history needs no row-by-row changes (up to MAX_LISTED_CHANGES rows each).
    imports = paginate(request, OrgImport.objects.restrict(request.user).select_related("actor").defer("changes"))
    return render(request, "committees/import_list.html", {"form": form, "page": imports, "can_import": can_import})


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # The page polls itself every second while a step runs (HTMX), and then shows nothing of `changes` (up to
    # MAX_LISTED_CHANGES rows of JSON): it is read, in one more query, only once no step runs (_detail_context).
    org_import = get_scoped_or_404(request, services.with_changes_summary(OrgImport.objects.select_related("actor")),
                                   pk=pk)
    form = ImportUploadForm()
    if request.method == "POST":  # the corrected file, uploaded from the error report
        require_perm(request, OrgImport, "add")
        form = _upload_form(request)
        if form.is_valid():
            corrected = services.org_import_start(actor=request.user, files=form.cleaned_data["files"],
                                                  replaces=org_import)
            return redirect("committees:import_detail", pk=corrected.pk)
    return render(request, template_for(request, "committees/import_detail.html", "committees/_import_status.html"),
                  _detail_context(request, org_import, form))


def _upload_form(request: HttpRequest) -> ImportUploadForm:
    form = ImportUploadForm(request.POST, request.FILES)
    if getattr(request, "upload_too_large", False):  # set by portal.core.uploads while reading the body
        form.is_valid()
        form.errors.clear()
        form.add_error("files", _("The upload is larger than {limit} MB.").format(
            limit=settings.PORTAL_IMPORT_LIMITS["upload_bytes"] // 2**20))
    return form


def _detail_context(request: HttpRequest, org_import: OrgImport, form: ImportUploadForm) -> dict:
    done, total = services.progress_of(org_import) if org_import.running else (org_import.rows_done, org_import.rows_total)
    sheets = [(SHEET_BY_NAME[name].label if name in SHEET_BY_NAME else name, counts)
              for name, counts in org_import.counts.items()]
    errors = paginate(request, org_import.errors, per_page=ERRORS_PER_PAGE)
    for error in errors.object_list:
        error["sheet_label"] = SHEET_BY_NAME[error["sheet"]].label if error["sheet"] in SHEET_BY_NAME else ""
    return {
        "org_import": org_import,
        "errors": errors,
        "sheets": sheets,
        "totals": org_import.totals(),
        "done": done,
        "total": total,
        "percent": min(100, round(100 * done / total)) if total else None,
        "form": form,
        "actions": OrgImport.objects.permitted(request.user, org_import, "confirm", "cancel", "retry"),
        # A step waiting for the queue, or stopped ("waiting", "stalled"): the page says so and offers retry and cancel.
        "job_state": org_import.job_state,
        # The template's example rows the file held, skipped (a warning says so too). `changes` is deferred
        # (import_detail): read, in one query, only when the page shows it, never while a step runs.
        "examples": 0 if org_import.running else sum(org_import.changes.get("examples", {}).values()),
        # A confirmation found other changes than the check showed and wrote nothing: these are the new ones.
        "rechecked": services.was_rechecked(org_import),
        **_changes_context(request, org_import),
    }


def _changes_context(request: HttpRequest, org_import: OrgImport) -> dict:
    """The rows a checked file will create or update ("planned"), or an imported one did ("applied"), and no list
    for any other status (services.listed_changes); one sheet at a time (?sheet=), CHANGES_PER_PAGE a page
    (?page=; any value gives a page, never an error), each row's fields as (label, old, new): old None for a row
    to create, both None for a person's row once imported (`changes_withheld`)."""
    listing, rows, withheld = services.listed_changes(org_import)
    change_sheets = [(name, sheet.label, len(rows[name])) for name, sheet in SHEET_BY_NAME.items() if rows.get(name)]
    chosen = request.GET.get("sheet")
    if not rows.get(chosen):
        chosen = change_sheets[0][0] if change_sheets else None
    page = paginate(request, rows.get(chosen, []), per_page=CHANGES_PER_PAGE)
    if chosen:
        labels = {column.key: column.label for column in SHEET_BY_NAME[chosen].columns}
        page.object_list = [{**row, "fields": [(labels.get(key, key), old, new) for key, old, new in row["fields"]]}
                            for row in page.object_list]
    listed = sum(count for _name, _label, count in change_sheets)
    return {"change_listing": listing, "change_sheets": change_sheets, "change_sheet": chosen, "changes": page,
            "changes_withheld": chosen in withheld,
            "changes_cut": max(0, (org_import.changes_count or 0) - listed) if listing else 0}


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    _import_step(request, pk, "confirm", services.org_import_confirm)
    return redirect("committees:import_detail", pk=pk)


@login_required
@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    if _import_step(request, pk, "cancel", services.org_import_cancel):
        messages.info(request, _("The import was cancelled; nothing was written."))
    return redirect("committees:import_list")


@login_required
@require_POST
def import_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Start again a step that waits for the queue or stopped."""
    if _import_step(request, pk, "retry", services.org_import_retry):
        messages.info(request, _("The file is being processed again."))
    return redirect("committees:import_detail", pk=pk)


def _import_step(request: HttpRequest, pk: int, action: str, step: Callable[..., OrgImport]) -> bool:
    """Confirm, cancel or retry an import: 403 without the role, 404 outside the user's scope, and a refusal (already
    imported, say) becomes a message."""
    require_perm(request, OrgImport, action)
    try:
        step(actor=request.user, pk=pk)
    except OrgImport.DoesNotExist:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    return True


@login_required
def import_errors_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The error report as a workbook, to work through beside the file."""
    org_import = get_scoped_or_404(request, OrgImport.objects.all(), pk=pk)
    rows = ([e["sheet"], e["row"] or "", e.get("header") or e["column"] or "", e["value"], e["message"]]
            for e in org_import.errors)
    return xlsx_response(lambda target: write_table(target, _("Errors"), [_("Sheet"), _("Row"), _("Column"), _("Value"),
                                                                          _("Problem")], rows),
                         f"errors-{org_import.pk}.xlsx")


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    require_perm(request, OrgImport, "view")
    return xlsx_response(exporter.write_template, "organisation-template.xlsx")


@login_required
def export_scope(request: HttpRequest) -> HttpResponse:
    """The user's whole scope in the import format; an import of it changes nothing."""
    require_perm(request, Committee, "view")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    unit = unit_of(request.user, "street") or unit_of(request.user, "district") or "shanghai"
    return xlsx_response(lambda target: exporter.write_workbook(target, exporter.scope_sheets(request.user)),
                          f"organisation-{unit}-{stamp}.xlsx")

