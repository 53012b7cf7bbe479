"""The audit trail's page and its export (issue 13): district staff read their district's entries, the city's staff
every entry (AuditEntry.objects.restrict), searched by unit, person, kind of record, action, source and days
(portal/core/audit_trail.py); each object's page links here for its history ("History")."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from portal.core.audit_trail import SEARCH_FIELDS, C, audit_entry_search, changes, model_label, unit_name
from portal.core.models import AuditEntry
from portal.core.spreadsheets import write_table, xlsx_response
from portal.core.views import paginate, require_perm

# At most this many rows in an export: a year of a district's trail; narrow the search for more.
EXPORT_LIMIT = 100_000


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, AuditEntry, "view")
    search = audit_entry_search(actor=request.user, filters=request.GET)
    page = paginate(request, search.qs)
    rows = [{"entry": entry, "changes": changes(entry), "model": model_label(entry.object_type),
             "unit": unit_name(entry)} for entry in page.object_list]
    # One record's history (from its page's "History" link): named above the list.
    record = None
    if search.form.is_valid() and search.form.cleaned_data.get("object") and search.form.cleaned_data.get("model"):
        record = {"model": model_label(search.form.cleaned_data["model"]),
                  "repr": rows[0]["entry"].object_repr if rows else search.form.cleaned_data["object"]}
    return render(request, "core/audit_list.html", {
        "page": page, "rows": rows, "search": [search.form[name] for name in SEARCH_FIELDS],
        "hidden": [search.form[name] for name in ("object",) if request.GET.get(name)],
        "searched": any(request.GET.get(name) for name in (*SEARCH_FIELDS, "object")), "record": record})


@login_required
def audit_export(request: HttpRequest) -> HttpResponse:
    """The entries of the search as .xlsx, newest first: the same rows as the page, one line each."""
    require_perm(request, AuditEntry, "view")
    search = audit_entry_search(actor=request.user, filters=request.GET)
    header = [_("Time"), pgettext(C, "Person"), _("Source"), pgettext(C, "Action"), pgettext(C, "Kind of record"),
              pgettext(C, "Record"), pgettext(C, "Record key"), pgettext(C, "Unit"), pgettext(C, "Changes"),
              _("Reason")]

    def body():  # noqa: ANN202
        for entry in search.qs[:EXPORT_LIMIT].iterator(chunk_size=2000):
            yield [timezone.localtime(entry.at).replace(tzinfo=None), _person(entry), entry.get_source_display(),
                   entry.action, model_label(entry.object_type), entry.object_repr, entry.object_id, unit_name(entry),
                   "\n".join(f"{field}: {before} → {after}" if before and after else f"{field}: {before or after}"
                             for field, before, after in changes(entry)), entry.reason]

    return xlsx_response(lambda target: write_table(target, _("Audit trail"), header, body()),
                         f"audit-{timezone.localdate():%Y%m%d}.xlsx")


def _person(entry: AuditEntry) -> str:
    if entry.actor is None:
        return str(_("the system"))
    return entry.actor.get_full_name() or entry.actor.username
