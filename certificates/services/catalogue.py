"""Writes on the catalogue: a district's types and overrides, its import from .xlsx, and the lookup's tally.

A district's catalogue is its staff's (`CertificateType.objects.restrict(actor, "add" / "change")`); the district a
new entry belongs to is the one the actor keeps (`selectors.certificate_type_district`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certificates.choices import CertificateRule, Jurisdiction
from certificates.models import CertificateType, LookupTally, Registration
from certificates.names import split_names
from certificates.selectors import acting_committee, certificate_type_district
from portal.core.audit import Source, audit_source
from portal.core.services import record_save
from portal.core.spreadsheets import (
    CellError,
    FirstSheet,
    UnreadableFile,
    as_text,
    cell_text,
    check_required,
    find_header,
    first_visible_sheet,
    header_text,
    is_blank,
    label_keys,
    read_choice,
)

if TYPE_CHECKING:
    from portal.accounts.models import User

__all__ = ["RowError", "catalogue_import", "certificate_type_new", "certificate_type_override", "certificate_type_save",
           "lookup_tally_count"]

# The fields a district's override copies from the national or city type it replaces.
COPIED = ["name", "aliases", "sub_items", "rule", "conditions", "alternative_route", "handled_by", "legal_basis",
          "source_document"]


def _own_district(actor: User, action: str) -> str:
    """The district whose catalogue the actor keeps (`action`: add or change its types); PermissionDenied for
    anyone who keeps none."""
    district = certificate_type_district(actor=actor, action=action)
    if district is None:
        raise PermissionDenied
    return district


def certificate_type_new(*, actor: User) -> CertificateType:
    """A new, unsaved type of the actor's district, for the form (certificate_type_save saves it).

    Raises: PermissionDenied when the actor keeps no district's catalogue.
    """
    return CertificateType(jurisdiction=Jurisdiction.DISTRICT, district_id=_own_district(actor, "add"))


def certificate_type_override(*, actor: User, shared: CertificateType) -> CertificateType:
    """The actor's district's version of a national or city type: the override it already has, or a new unsaved
    copy that replaces the shared type in the district once certificate_type_save saves it.

    Side effects: none. Raises: PermissionDenied when the actor keeps no district's catalogue;
    CertificateType.DoesNotExist when `shared` is not a national or city type.
    """
    district = _own_district(actor, "add")
    shared = CertificateType.objects.restrict(actor, "view").get(pk=shared.pk, district__isnull=True)
    existing = CertificateType.objects.restrict(actor, "change").filter(district_id=district, overrides=shared).first()
    if existing is not None:
        return existing
    return CertificateType(jurisdiction=Jurisdiction.DISTRICT, district_id=district, overrides=shared,
                           to_be_confirmed=False, **{f: getattr(shared, f) for f in COPIED})


def certificate_type_save(*, actor: User, certificate_type: CertificateType) -> CertificateType:
    """Validate and save a district's type (new, an override, or a change to one it has).

    Side effects: the row; an audit entry. Raises: ValidationError (the constraints: a do-not-issue type needs
    its route, one override per type and district…); PermissionDenied when the row is not one the actor may
    add or change (another district's, or a national one); nothing is then saved.
    """
    return record_save(actor=actor, instance=certificate_type)


# --- the import -----------------------------------------------------------------------------------------------
COLUMNS = {"name": "Certificate", "aliases": "Other names", "sub_items": "Sub-items", "rule": "Rule",
           "conditions": "Conditions", "alternative_route": "Alternative route", "handled_by": "Handled by",
           "legal_basis": "Legal basis", "source_document": "Source document"}
COMPARED = ["aliases", "sub_items", "rule", "conditions", "alternative_route", "handled_by", "legal_basis"]


@dataclass
class RowError:
    row: int
    column: str
    value: str
    message: str


def _required() -> set[str]:
    """The columns a row must fill: those the type's form requires (the name and the rule)."""
    return {key for key in COLUMNS if CertificateType._meta.get_field(key).formfield().required}


def _names(value: Any) -> list[str]:
    # Split as the form splits; a name with a control character is refused by the model's validator
    # (full_clean below): a row error, never a write.
    return split_names(cell_text(value, multiline=True, prose=True))


def _value(key: str, value: Any, rules: dict[str, str], required: set[str]) -> Any:
    """One cell of the row as the field takes it (portal.core.spreadsheets reads it: text as typed, its full-width
    punctuation kept, invisible characters removed; the rule by the choice reader the three imports share, its
    refusal listing the rules as the export writes them). A blank cell in a required column is refused.
    Raises CellError."""
    if key in required:
        check_required(value)
    if key == "rule":
        return read_choice(value, rules, [label for _value, label in CertificateRule.choices])
    if key in ("aliases", "sub_items"):
        return _names(value)
    return cell_text(value, prose=True, multiline=key != "name")


def _read_rows(actor: User, district: str, sheet: FirstSheet) -> tuple[list[CertificateType], list[RowError]]:
    """The sheet's rows as the district's types to write, or every problem in the order of the file (by row,
    then by column). A cell a row leaves out at its end is blank, as it looks."""
    labels = label_keys((key, gettext_lazy(label)) for key, label in COLUMNS.items())
    rules, required = label_keys(CertificateRule.choices), _required()
    table = find_header(sheet.rows, lambda text: text in labels, [_(label) for label in COLUMNS.values()])
    if table.problem:
        return [], [RowError(table.header_row, "", "", table.problem)]
    columns = {i: labels[header_text(cell)] for i, cell in enumerate(table.header) if header_text(cell) in labels}
    if "name" not in columns.values():
        message = (_("The column headers (row {row}) lack the column “{label}”.").format(
            row=table.header_row, label=_(COLUMNS["name"])) if table.header else
            _("The sheet “{sheet}” holds nothing to import.").format(sheet=sheet.title))
        return [], [RowError(table.header_row, "", "", message)]
    shared = {c.name: c for c in CertificateType.objects.restrict(actor, "view").filter(district__isnull=True)}
    own = {c.name: c for c in CertificateType.objects.restrict(actor, "change").filter(district_id=district)}
    errors: list[RowError] = []
    writes: list[CertificateType] = []
    seen: dict[str, int] = {}
    for number, cells in table.rows:
        if all(is_blank(cell) for cell in cells):
            continue
        values = {key: cells[i] if i < len(cells) else None for i, key in columns.items()}
        fields: dict[str, Any] = {}
        for key, value in values.items():
            try:
                fields[key] = _value(key, value, rules, required)
            except CellError as error:
                errors.append(RowError(number, _(COLUMNS[key]), as_text(value), str(error)))
        name = fields.get("name")  # None: the name could not be read (its cell says why)
        if name in seen:  # said also of a row with other problems
            errors.append(RowError(number, _("Certificate"), name, _("Duplicate: row {row} has the same name.").format(
                row=seen[name])))
            continue
        if name is not None:
            seen[name] = number
        if len(fields) < len(values):
            continue
        del fields["name"]
        base = shared.get(name)
        if name not in own and base is not None and all(getattr(base, k) == fields.get(k, getattr(base, k)) for k in COMPARED):
            continue  # the national or city type as it is: nothing for the district to keep
        item = own.get(name) or CertificateType(name=name, jurisdiction=Jurisdiction.DISTRICT, district_id=district,
                                                overrides=base, rule=base.rule if base else "")
        for key, value in fields.items():
            setattr(item, key, value)
        try:
            item.full_clean(validate_unique=False, validate_constraints=True)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                column = _(COLUMNS[field]) if field in COLUMNS else ""
                errors.extend(RowError(number, column, as_text(values.get(field)), m) for m in messages)
            continue
        writes.append(item)
    # In the order of the file, whatever order the rows came in (a program may write them in any order) and
    # the model's rules in the order of its fields: by row, then by column, a problem of the whole row last.
    place = {_(COLUMNS[key]): index for index, key in sorted(columns.items(), reverse=True)}
    errors.sort(key=lambda error: (error.row, place.get(error.column, len(table.header))))
    return writes, errors


def catalogue_import(*, actor: User, upload: IO[bytes]) -> tuple[int, list[RowError], list[str]]:
    """Load the actor's district's catalogue from .xlsx (the export's format): all or nothing, every problem listed.

    The first visible sheet is read (its header may sit under a title row; hidden sheets are skipped and named in
    the notices). A row named like a national or city type and different from it becomes the district's
    override; a row identical to it is left alone; any other row is the district's own type (updated when it
    exists). Returns (rows written, problems, notices for the person: the hidden sheets skipped); nothing is
    written when there is a problem.
    Side effects: the district's types; an audit entry each. Raises: PermissionDenied when the actor keeps no
    district's catalogue.
    """
    district = _own_district(actor, "change")
    try:
        with first_visible_sheet(upload) as sheet:
            writes, errors = _read_rows(actor, district, sheet)
            notices = sheet.notices
    except UnreadableFile as exc:
        return 0, [RowError(0, "", "", str(exc))], []
    if errors:
        return 0, errors, notices
    with audit_source(Source.IMPORT), transaction.atomic():
        for item in writes:
            record_save(actor=actor, instance=item)
    return len(writes), [], notices


# --- the lookup's tally ---------------------------------------------------------------------------------------
def lookup_tally_count(*, actor: User, certificate_type: CertificateType) -> bool:
    """One more resident answered by the actor's committee: a do-not-issue answer is a request turned away, a
    burden avoided. Only a committee's own staff answer residents (the committee they register for); anyone
    else reading the catalogue counts nothing (False).

    Side effects: the (committee, type, day) tally row, created or incremented without a lost count; no audit
    entry (a count of answers given, not a record anyone registered or may correct).
    """
    committee = acting_committee(actor=actor, model=Registration)
    if committee is None:
        return False
    keys = {"committee": committee, "certificate_type": certificate_type, "day": timezone.localdate()}
    if LookupTally.objects.filter(**keys).update(count=F("count") + 1):
        return True
    try:
        with transaction.atomic():
            LookupTally.objects.create(**keys, issuable=certificate_type.issuable, count=1)
    except IntegrityError:  # someone else counted the first one of the day at the same moment
        LookupTally.objects.filter(**keys).update(count=F("count") + 1)
    return True
