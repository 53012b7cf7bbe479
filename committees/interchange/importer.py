"""The organisation import: every row checked, all or nothing, in batches whatever the file's size.

Sheets are read in the order of their dependencies (districts before streets before committees ...),
so a parent is always known before its children, from the file or from the database. Each batch of
rows costs a fixed number of queries: one to find the rows that exist, one to find the parents the
file does not hold, and one INSERT ... ON CONFLICT DO UPDATE for what is new or changed. After the
first error nothing more is written, but every row is still checked so the report is complete; the
transaction is then rolled back.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, connection, models, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from committees.interchange.cells import CellError, read_cell
from committees.interchange.readers import RawSheet, Source
from committees.interchange.schema import BOOL_WORD, EXAMPLE_MARK, SHEETS, WORD_FOR, Column, Sheet
from committees.models import Committee, CommitteeYear, CommunityFund, CommunityWorker, District, Qualification, Street
from portal.core.scoping import CITY, own_level, permission_name
from portal.core.spreadsheets import UnreadableFile, as_text, cell_text, header_text, is_blank

if TYPE_CHECKING:
    from portal.accounts.models import User

logger = logging.getLogger(__name__)
BATCH_SIZE = 2000
MAX_REPORTED_ERRORS = 10_000
MAX_LISTED_CHANGES = 10_000  # rows created or updated whose values the report keeps, for the check page
_LOCK_ID = 7_310_000_001  # pg_advisory_xact_lock key: one organisation import writes at a time


@dataclass
class RowError:
    sheet: str
    row: int
    column: str | None
    value: str
    message: str
    header: str = ""  # the column's header as written in the file


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    rows: int = 0
    examples: dict[str, int] = field(default_factory=dict)  # sheet -> the template's example rows skipped
    # sheet -> the rows to create or update, in file order, as the check page lists them (see OrgImporter._note):
    # {"row": 7, "action": "updated", "key": "310101013018", "name": "宝兴居委会",
    #  "fields": [["households", "1650", "1700"], ...]}: column key, old and new value as the file writes them;
    # a row to create has every value the file gives it besides key and name, old None: [["households", None, "1700"]].
    changes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    change_count: int = 0  # every row created or updated, listed or not (MAX_LISTED_CHANGES)
    # Set by a run given `expect_changes` that found other changes to make: it wrote nothing (see import_org).
    stale: bool = False
    # Every row created or updated, listed or not, in the order of the sheets and the file (see `digest`).
    _digest: Any = field(default_factory=hashlib.sha256, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def digest(self) -> str:
        """The SHA-256 (hex) of every change the run found, each row with its action, key, name and fields
        (old and new values): two runs of the same file find the same changes exactly when they are equal."""
        return self._digest.hexdigest()

    def note_change(self, sheet: str, change: dict[str, Any]) -> None:
        """Count a row to create or update and add it to the digest; list it while MAX_LISTED_CHANGES allows."""
        self.change_count += 1
        self._digest.update(_digest_line(sheet, change))
        if self.change_count <= MAX_LISTED_CHANGES:
            self.changes.setdefault(sheet, []).append(change)

    def add(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(error)

    def totals(self) -> dict[str, int]:
        return {kind: sum(c[kind] for c in self.counts.values()) for kind in ("created", "updated", "unchanged")}

    def as_json(self) -> dict[str, Any]:
        return {"errors": [asdict(e) for e in self.errors], "error_count": self.error_count,
                "warnings": self.warnings, "counts": self.counts, "rows": self.rows, "examples": self.examples,
                "changes": self.changes, "change_count": self.change_count}


@dataclass
class Row:
    """A row that passed the cell checks, on its way to the database."""

    number: int
    values: dict[str, Any]  # column key -> typed value, for the columns the file has


@dataclass
class Planned:
    number: int
    fields: dict[str, Any]  # model attname -> value (only the columns the file has, plus the key)
    existing: models.Model | None
    scope_code: str  # the organisation unit the row belongs to, for the scope check
    scope_column: str


# The organisation's levels by the length of their codes (DOMAIN "Data interchange": 6, 9 and 12 digits).
_LEVEL_MODELS: dict[str, type[models.Model]] = {"district": District, "street": Street, "committee": Committee}
_LEVEL_LENGTHS = (("district", 6), ("street", 9), ("committee", 12))
INSIDE, READ_ONLY, OUTSIDE = "inside", "read_only", "outside"


class Scope:
    """Where an actor may write, as restrict() answers it on the pages, explicit grants included.

    Read once per import: the districts, streets and committees the actor may see, and among them those they
    may change (their own unit and read-write grants), one query per level. A code then lies
    - inside: a unit the actor may change, or a new one under such a unit; their role's permissions decide;
    - read_only: a unit they may only see (a read-only grant, the district above a street officer's street),
      or a new one under such a unit: rows that change nothing are accepted, writes are refused;
    - outside: everything else, never revealed.
    None as the actor is the command line, trusted with everything.
    """

    def __init__(self, actor: User | None) -> None:
        self.actor = actor
        self.visible: dict[str, set[str]] = {}
        self.writable: dict[str, set[str]] = {}
        self.absent: dict[str, set[str]] = {level: set() for level in _LEVEL_MODELS}  # codes known not to exist
        self.hidden: dict[str, set[str]] = {level: set() for level in _LEVEL_MODELS}  # exist, outside the scope
        if actor is None:
            return
        # A new district is inside only for those whose scope is the whole city.
        level_of_actor = own_level(actor)
        self.city_wide = level_of_actor == CITY
        # The units above the actor's own are never theirs to write, whatever restrict() reads of them.
        names = list(_LEVEL_MODELS)
        own_and_below = names if self.city_wide else names[names.index(level_of_actor):] if level_of_actor in names else []
        for level, model in _LEVEL_MODELS.items():
            # "change" reads the unit's scope with read-write grants; the role permission to change the unit
            # itself is not what is asked here (a street officer changes records of committees, not committees).
            view_perm = permission_name(model, "view")
            writable = model.objects.restrict(actor, "change", perm=view_perm).filter(pk=OuterRef("pk"))
            rows = model.objects.restrict(actor, "view").annotate(may_change=Exists(writable))
            self.visible[level] = set()
            self.writable[level] = set()
            for code, may_change in rows.values_list("pk", "may_change"):
                self.visible[level].add(code)
                if may_change and level in own_and_below:
                    self.writable[level].add(code)

    def prepare(self, codes: Iterable[str]) -> None:
        """Learn which of the units of `codes` (and above them) exist beyond what the actor sees: one query
        per level at most, for what is not known yet. Call it for a batch before placing its rows."""
        if self.actor is None:
            return
        wanted: dict[str, set[str]] = {level: set() for level in _LEVEL_MODELS}
        for code in codes:
            for level, unit in _units(code):
                if unit not in self.visible[level] and unit not in self.absent[level] and unit not in self.hidden[level]:
                    wanted[level].add(unit)
        for level, units in wanted.items():
            if units:
                found = set(_LEVEL_MODELS[level].objects.filter(pk__in=units).values_list("pk", flat=True))
                self.hidden[level] |= found
                self.absent[level] |= units - found

    def place(self, code: str) -> str:
        """inside, read_only or outside (see the class): the unit's own place, or, for a unit that does not
        exist yet, its parent's."""
        if self.actor is None:
            return INSIDE
        self.prepare([code])  # nothing to query when the batch was prepared
        for level, unit in reversed(_units(code)):
            if unit in self.writable[level]:
                return INSIDE
            if unit in self.visible[level]:
                return READ_ONLY
            if unit not in self.absent[level]:
                return OUTSIDE  # it exists, and the actor may not see it
        return INSIDE if self.city_wide else OUTSIDE  # a new district

    def may(self, action: str, model: type[models.Model]) -> bool:
        return self.actor is None or self.actor.has_perm(permission_name(model, action))


def _units(code: str) -> list[tuple[str, str]]:
    """The units a code names, from its district down: [("district", "310101"), ("street", "310101013")]."""
    return [(level, code[:length]) for level, length in _LEVEL_LENGTHS if len(code) >= length]


def import_org(path: Path | str, *, actor: User | None = None, dry_run: bool = False,
               progress: Callable[[int, int | None], None] | None = None, display_name: str | None = None,
               on_success: Callable[[ImportReport], None] | None = None,
               expect_changes: str | None = None) -> ImportReport:
    """Import an organisation file (folder of CSV, .csv, .zip of CSV or .xlsx) in one transaction.

    With `dry_run` everything is checked and counted, then rolled back. Never raises for bad data:
    the report holds every error. `on_success` runs inside the import's transaction when it is about
    to commit, so that what records the import commits with it, or not at all.
    `expect_changes`: the digest (ImportReport.digest) of the changes the user saw at the check. When the
    changes found now, under the import lock, differ in any row, field, old or new value, the run writes
    nothing and `report.stale` is set (its report holds the new changes); `on_success` is not called.
    """
    importer = OrgImporter(actor=actor, progress=progress)
    try:
        with Source(Path(path), display_name=display_name) as source:
            importer.run(source, dry_run=dry_run, on_success=on_success, expect_changes=expect_changes)
    except UnreadableFile as exc:
        importer.report.add(RowError(sheet="", row=0, column=None, value=display_name or Path(path).name, message=str(exc)))
    return importer.report


class OrgImporter:
    def __init__(self, *, actor: User | None = None, progress: Callable[[int, int | None], None] | None = None) -> None:
        self.scope = Scope(actor)
        self.progress = progress
        self.report = ImportReport()
        self.total: int | None = 0
        # What the file holds, by sheet: key -> the row it was first seen on (for duplicates and parents).
        self.seen: dict[str, dict[tuple, int]] = {sheet.name: {} for sheet in SHEETS}
        self.worker_committee: dict[str, str] = {}  # worker code -> committee code, from the file

    # --- the run ------------------------------------------------------------------------------------
    def run(self, source: Source, *, dry_run: bool = False,
            on_success: Callable[[ImportReport], None] | None = None,
            expect_changes: str | None = None) -> ImportReport:
        self.report.warnings.extend(
            _("Sheet {name} is not part of the format and was not read.").format(name=name) for name in source.unknown
        )
        self.report.warnings.extend(
            _("Sheet {name} is hidden and was not read; unhide it in Excel to import it.").format(name=name)
            for name in source.hidden
        )
        present = [sheet for sheet in SHEETS if sheet.name in source.sheet_names]
        if not present:
            self._error(RowError("", 0, None, source.display_name, _(
                "The file holds none of the sheets districts, streets, committees, committee_years, workers, "
                "qualifications, community_funds."
            )))
            return self.report
        raws = [source.sheet(sheet.name) for sheet in present]
        totals = [raw.total for raw in raws]
        self.total = None if None in totals else sum(totals)
        with transaction.atomic():
            # The lock is what makes a confirmation's digest check (expect_changes, below) hold: two confirmations
            # running at once would otherwise both compare against the data as it was and both write. SQLite has
            # no advisory lock; the embedded default (no DATABASE_URL) is for one developer, and only PostgreSQL,
            # the deployed database, guarantees it.
            if connection.vendor == "postgresql" and not dry_run:  # a check writes nothing that lasts: no wait
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])
            for sheet, raw in zip(present, raws, strict=True):
                self._import_sheet(sheet, raw)
            self._note_examples()
            if self.report.ok and not self.report.rows:
                self._error(RowError("", 0, None, source.display_name, _(
                    "The file holds only the template's example rows, which are never imported: add your own rows."
                ) if self.report.examples else _("The file holds no data rows.")))
            if not dry_run and self.report.ok and expect_changes is not None:
                # Read after the lock: what would be written now, against what the user confirmed.
                self.report.stale = self.report.digest != expect_changes
            if dry_run or not self.report.ok or self.report.stale:
                transaction.set_rollback(True)
            elif on_success:
                on_success(self.report)
        return self.report

    def _error(self, error: RowError) -> None:
        self.report.add(error)

    def _cell_error(self, sheet: Sheet, number: int, column: Column | None, value: Any, message: str,
                    headers: dict[str, str] | None = None) -> None:
        key = column.key if column else None
        header = (headers or {}).get(key, column.label if column else "") if key else ""
        self._error(RowError(sheet.name, number, key, as_text(value), message, header))

    # --- one sheet ----------------------------------------------------------------------------------
    def _map_header(self, sheet: Sheet, raw: RawSheet) -> tuple[list[tuple[int, Column]], dict[str, str]] | None:
        columns: list[tuple[int, Column]] = []
        headers: dict[str, str] = {}
        for index, cell in enumerate(raw.header):
            text = header_text(cell, lower=False)  # a BOM, full-width letters or a no-break space do not count
            if not text:
                continue
            column = sheet.headers.get(text) or sheet.headers.get(text.lower())
            if column is None:  # a remarks column is common; a misspelt one is shown before confirming
                self.report.warnings.append(_(
                    "Sheet {sheet}: the column “{header}” is not part of the format and was not read."
                ).format(sheet=sheet.name, header=text))
                continue
            if column.key in headers:
                self._error(RowError(sheet.name, raw.header_row, column.key, text, _("This column appears twice."), text))
                continue
            headers[column.key] = text
            columns.append((index, column))
        missing = [c for c in sheet.columns if c.required and c.key not in headers]
        for column in missing:
            self._error(RowError(sheet.name, raw.header_row, column.key, "", _(
                "The required column {label} ({key}) is missing.").format(
                label=column.label, key=column.key), column.label))
        if missing:
            return None  # rows cannot be told apart, or checked against their parents: the header is to be fixed first
        return columns, headers

    def _import_sheet(self, sheet: Sheet, raw: RawSheet) -> None:
        if raw.problem:  # no header in the first rows: the message says where it should be
            self._error(RowError(sheet.name, raw.header_row, None, "", raw.problem))
            return
        if not raw.header:  # a sheet that was emptied but not deleted: as if absent
            self.report.warnings.append(_("Sheet {name} is empty and was skipped.").format(name=sheet.name))
            return
        self.report.counts[sheet.name] = {"created": 0, "updated": 0, "unchanged": 0}
        mapped = self._map_header(sheet, raw)
        if mapped is None:
            return
        columns, self.headers = mapped
        batch: list[Row] = []
        seen = self.seen[sheet.name]
        for number, cells in raw.rows:
            if all(is_blank(cell) for cell in cells):
                continue
            if _is_example(sheet, columns, cells):
                self.report.examples[sheet.name] = self.report.examples.get(sheet.name, 0) + 1
                continue
            self.report.rows += 1
            values: dict[str, Any] = {}
            bad = False
            for index, column in columns:
                value = cells[index] if index < len(cells) else None
                if is_blank(value):
                    if column.required:
                        self._cell_error(sheet, number, column, value, _("This value is required."), self.headers)
                        bad = True
                    values[column.key] = "" if column.kind == "text" else (False if column.kind == "bool" else None)
                    continue
                try:
                    values[column.key] = read_cell(column, value)
                except CellError as exc:
                    self._cell_error(sheet, number, column, value, str(exc), self.headers)
                    bad = True
            key = tuple(values.get(k) for k in sheet.key)
            if None not in key and "" not in key:
                if key in seen:
                    last = next(index for index, column in columns if column.key == sheet.key[-1])
                    self._cell_error(sheet, number, sheet.column(sheet.key[-1]), cells[last], _(
                        "Duplicate: row {row} has the same {key}."
                    ).format(row=seen[key], key=" + ".join(sheet.column(k).label for k in sheet.key)), self.headers)
                    continue
                seen[key] = number
                if sheet.name == "workers" and values.get("committee_code"):
                    self.worker_committee[values["code"]] = values["committee_code"]
            if not bad:
                batch.append(Row(number, values))
            if len(batch) >= BATCH_SIZE:
                self._flush(sheet, batch)
                batch = []
        if batch:
            self._flush(sheet, batch)
        self._tick()

    def _tick(self) -> None:
        if self.progress:
            self.progress(self.report.rows, self.total)

    # --- one batch ----------------------------------------------------------------------------------
    def _flush(self, sheet: Sheet, batch: list[Row]) -> None:
        plan = getattr(self, f"_plan_{sheet.name}")
        model, unique, updatable = _TARGETS[sheet.name]
        self.scope.prepare(code for row in batch for key in _UNIT_KEYS[sheet.name] if (code := row.values.get(key)))
        writes: list[models.Model] = []
        counts = self.report.counts[sheet.name]
        rows = {row.number: row for row in batch}
        for item in plan(sheet, batch):
            updated = [f for f in updatable if f in item.fields]
            outcome = self._decide(sheet, model, item, updated)
            if outcome is None:
                continue
            counts[outcome] += 1
            if outcome != "unchanged":
                writes.append(model(**item.fields) if item.existing is None else _merged(model, item, updatable))
                self._note(sheet, outcome, item, rows[item.number], updated)
        if writes and self.report.ok:
            self._write(sheet, model, writes, unique, updatable, batch)
        self._tick()

    def _decide(self, sheet: Sheet, model: type[models.Model], item: Planned, updated: list[str]) -> str | None:
        """created / updated / unchanged, or None after reporting why the row may not be written."""
        if item.existing is None:
            outcome, action = "created", "add"
        elif any(getattr(item.existing, f) != item.fields[f] for f in updated):
            outcome, action = "updated", "change"
        else:
            outcome, action = "unchanged", None
        place = self.scope.place(item.scope_code)
        column = sheet.column(item.scope_column)
        if place == OUTSIDE:
            message = _("Outside your area: you can import only your own unit's data.")
        elif action and (place == READ_ONLY or not self.scope.may(action, model)):
            message = (_("You may not add {what}.") if action == "add" else _("You may not change {what}.")).format(
                what=model._meta.verbose_name)
        else:
            return outcome
        self._cell_error(sheet, item.number, column, item.scope_code, message, self.headers)
        return None

    def _note(self, sheet: Sheet, outcome: str, item: Planned, row: Row, updated: list[str]) -> None:
        """Keep a row to create or update for the check page: its key and name, and each field with its stored
        and its new value: for an update the fields that change, for a row to create the values the file gives
        it besides its key and name, with None as the stored value (the page shows what confirming will change,
        issue 14). Bounded as the rows are: one entry per column of the sheet at most."""
        existing = item.existing
        fields = []
        if existing is None:
            columns = {column.key: column for column in sheet.columns}
            for attname, value in item.fields.items():
                key = _column_key(attname)
                if key in columns and key not in sheet.key and key != "name" and value is not None and value != "":
                    fields.append([key, None, shown(columns[key], value)])
        else:
            for attname in updated:
                if getattr(existing, attname) != item.fields[attname]:
                    column = sheet.column(_column_key(attname))
                    fields.append([column.key, shown(column, getattr(existing, attname)), shown(column, item.fields[attname])])
        name = item.fields.get("name", getattr(existing, "name", ""))
        self.report.note_change(sheet.name, {
            "row": item.number, "action": outcome, "name": name, "fields": fields,
            "key": " / ".join(shown(sheet.column(key), row.values[key]) for key in sheet.key),
        })

    def _note_examples(self) -> None:
        count = sum(self.report.examples.values())
        if count:
            self.report.warnings.append(ngettext(
                "{count} example row of the template was ignored: a row whose code or staff number starts with "
                "“{mark}” is never imported.",
                "{count} example rows of the template were ignored: a row whose code or staff number starts with "
                "“{mark}” is never imported.", count).format(count=count, mark=EXAMPLE_MARK))

    def _write(self, sheet: Sheet, model: type[models.Model], objs: list[models.Model], unique: list[str],
               updatable: list[str], batch: list[Row]) -> None:
        try:
            with transaction.atomic():  # a savepoint: a failure leaves the report, not a broken transaction
                model.objects.bulk_create(objs, update_conflicts=True, unique_fields=unique,
                                          update_fields=[_attname(model, f) for f in updatable])
        except DatabaseError:
            logger.exception("org import: writing %s rows %s-%s failed", sheet.name, batch[0].number, batch[-1].number)
            self._error(RowError(sheet.name, batch[0].number, None, "", _(
                "Rows {first}-{last} could not be written to the database; nothing was imported."
            ).format(first=batch[0].number, last=batch[-1].number)))

    # --- per sheet: from rows to planned writes, with the checks that need the database ---------------
    def _missing_parent(self, sheet: Sheet, row: Row, column_key: str, what: str) -> None:
        column = sheet.column(column_key)
        self._cell_error(sheet, row.number, column, row.values[column_key], _(
            "No {what} with this code, neither in the file nor in your area."
        ).format(what=what), self.headers)

    def _nested(self, sheet: Sheet, row: Row, parent_key: str) -> bool:
        code, parent = row.values["code"], row.values[parent_key]
        if code.startswith(parent):
            return True
        self._cell_error(sheet, row.number, sheet.column("code"), code, _(
            "The code must start with its parent's code {parent}."
        ).format(parent=parent), self.headers)
        return False

    def _place_ok(self, sheet: Sheet, row: Row, code: str, column: str) -> bool:
        """Rows outside the actor's area are reported before anything about them is looked up."""
        if self.scope.place(code) != OUTSIDE:
            return True
        self._cell_error(sheet, row.number, sheet.column(column), code,
                         _("Outside your area: you can import only your own unit's data."), self.headers)
        return False

    def _plan_districts(self, sheet: Sheet, batch: list[Row]) -> Iterable[Planned]:
        existing = District.objects.in_bulk([r.values["code"] for r in batch])
        for row in batch:
            code = row.values["code"]
            if not code.startswith("31"):
                self._cell_error(sheet, row.number, sheet.column("code"), code,
                                 _("A district code has 6 digits and starts with 31 (Shanghai)."), self.headers)
                continue
            if self._place_ok(sheet, row, code, "code"):
                yield Planned(row.number, _fields(row, {"code": "code", "name": "name"}), existing.get(code), code, "code")

    def _plan_streets(self, sheet: Sheet, batch: list[Row]) -> Iterable[Planned]:
        existing = Street.objects.in_bulk([r.values["code"] for r in batch])
        districts = self._parents_in_db(District, "districts", [r.values["district_code"] for r in batch])
        for row in batch:
            code = row.values["code"]
            if not self._place_ok(sheet, row, code, "code") or not self._nested(sheet, row, "district_code"):
                continue
            if (row.values["district_code"],) not in self.seen["districts"] and row.values["district_code"] not in districts:
                self._missing_parent(sheet, row, "district_code", _("district"))
                continue
            kind = row.values.get("kind")
            if kind and kind != {"0": "street", "1": "town", "2": "township"}.get(code[6]):
                self._cell_error(sheet, row.number, sheet.column("kind"), row.values["kind"], _(
                    "The 7th digit of a street code gives its kind: 0 street, 1 town, 2 township."), self.headers)
                continue
            yield Planned(row.number, _fields(row, {"code": "code", "district_code": "district_id", "name": "name",
                                                    "kind": "kind"}), existing.get(code), code, "code")

    def _plan_committees(self, sheet: Sheet, batch: list[Row]) -> Iterable[Planned]:
        existing = Committee.objects.in_bulk([r.values["code"] for r in batch])
        streets = self._parents_in_db(Street, "streets", [r.values["street_code"] for r in batch])
        for row in batch:
            code = row.values["code"]
            if not self._place_ok(sheet, row, code, "code") or not self._nested(sheet, row, "street_code"):
                continue
            if (row.values["street_code"],) not in self.seen["streets"] and row.values["street_code"] not in streets:
                self._missing_parent(sheet, row, "street_code", _("street"))
                continue
            suffix = int(code[9:])
            kind = row.values.get("kind")
            if kind and kind != ("residents" if 1 <= suffix <= 199 else "village" if 200 <= suffix <= 399 else None):
                self._cell_error(sheet, row.number, sheet.column("kind"), kind, _(
                    "The last 3 digits of a committee code give its kind: 001-199 residents', 200-399 village."
                ), self.headers)
                continue
            fields = _fields(row, {"code": "code", "street_code": "street_id", "name": "name", "kind": "kind",
                                   "established_on": "established_on", "dissolved_on": "dissolved_on",
                                   "transition": "transition"})
            if not self._dates_in_order(sheet, row, existing.get(code), fields, "established_on", "dissolved_on",
                                        _("A committee is dissolved after it was established."), strict=True):
                continue
            yield Planned(row.number, fields, existing.get(code), code, "code")

    def _plan_committee_years(self, sheet: Sheet, batch: list[Row]) -> Iterable[Planned]:
        codes = {r.values["committee_code"] for r in batch}
        existing = {(y.committee_id, y.year): y for y in CommitteeYear.objects.filter(
            committee_id__in=codes, year__in={r.values["year"] for r in batch})}
        committees = self._parents_in_db(Committee, "committees", codes)
        for row in batch:
            code = row.values["committee_code"]
            if not self._place_ok(sheet, row, code, "committee_code"):
                continue
            if (code,) not in self.seen["committees"] and code not in committees:
                self._missing_parent(sheet, row, "committee_code", _("committee"))
                continue
            fields = _fields(row, {"committee_code": "committee_id", "year": "year", "households": "households",
                                   "resident_households": "resident_households", "office_area_m2": "office_area_m2",
                                   "elder_area_m2": "elder_area_m2", "work_fund_yuan": "work_fund_yuan"})
            yield Planned(row.number, fields, existing.get((code, row.values["year"])), code, "committee_code")

    def _plan_workers(self, sheet: Sheet, batch: list[Row]) -> Iterable[Planned]:
        existing = {w.code: w for w in CommunityWorker.objects.filter(code__in=[r.values["code"] for r in batch])}
        committees = self._parents_in_db(Committee, "committees", [r.values["committee_code"] for r in batch])
        self.scope.prepare(worker.committee_id for worker in existing.values())
        for row in batch:
            code, committee = row.values["code"], row.values["committee_code"]
            if not self._place_ok(sheet, row, committee, "committee_code"):
                continue
            if (committee,) not in self.seen["committees"] and committee not in committees:
                self._missing_parent(sheet, row, "committee_code", _("committee"))
                continue
            worker = existing.get(code)
            if worker and worker.committee_id != committee and self.scope.place(worker.committee_id) != INSIDE:
                # Staff numbers are unique city-wide, so one in use outside the actor's scope cannot be taken; the
                # answer says only that, a conflict, never where it is used (issue 13).
                self._cell_error(sheet, row.number, sheet.column("code"), code, _(
                    "This staff number is already in use; check it."), self.headers)
                continue
            fields = _fields(row, {"code": "code", "committee_code": "committee_id", "name": "name",
                                   "position": "position", "hired_on": "hired_on", "left_on": "left_on"})
            if not self._dates_in_order(sheet, row, worker, fields, "hired_on", "left_on",
                                        _("A worker cannot leave before being hired.")):
                continue
            yield Planned(row.number, fields, worker, committee, "committee_code")

    def _plan_qualifications(self, sheet: Sheet, batch: list[Row]) -> Iterable[Planned]:
        codes = {r.values["worker_code"] for r in batch}
        workers = {code: (pk, committee) for code, pk, committee in
                   CommunityWorker.objects.filter(code__in=codes).values_list("code", "pk", "committee_id")}
        existing = {(q.worker_id, q.level): q for q in Qualification.objects.filter(
            worker_id__in=[pk for pk, _committee in workers.values()])}
        self.scope.prepare(committee for _pk, committee in workers.values())
        for row in batch:
            code = row.values["worker_code"]
            committee = self.worker_committee.get(code) or (workers[code][1] if code in workers else None)
            if committee is None and (code,) in self.seen["workers"]:
                continue  # the worker's own row has its error
            if committee is None or self.scope.place(committee) == OUTSIDE:
                # One answer for "no such worker" and "a worker of another unit": nothing is revealed.
                self._missing_parent(sheet, row, "worker_code", _("community worker"))
                continue
            if code not in workers:
                continue  # the worker is in the file but was not written (the file has errors): nothing to plan
            pk = workers[code][0]
            fields = {"worker_id": pk, "level": row.values["level"]}
            if "obtained_on" in row.values:
                fields["obtained_on"] = row.values["obtained_on"]
            yield Planned(row.number, fields, existing.get((pk, row.values["level"])), committee, "worker_code")

    def _plan_community_funds(self, sheet: Sheet, batch: list[Row]) -> Iterable[Planned]:
        codes = {r.values["street_code"] for r in batch}
        existing = {(f.street_id, f.name): f for f in CommunityFund.objects.filter(
            street_id__in=codes, name__in={r.values["name"] for r in batch})}
        streets = self._parents_in_db(Street, "streets", codes)
        for row in batch:
            code = row.values["street_code"]
            if not self._place_ok(sheet, row, code, "street_code"):
                continue
            if (code,) not in self.seen["streets"] and code not in streets:
                self._missing_parent(sheet, row, "street_code", _("street"))
                continue
            fields = _fields(row, {"street_code": "street_id", "name": "name", "kind": "kind",
                                   "established_on": "established_on"})
            yield Planned(row.number, fields, existing.get((code, row.values["name"])), code, "street_code")

    def _parents_in_db(self, model: type[models.Model], sheet: str, codes: Iterable[str]) -> set[str]:
        wanted = {code for code in codes if (code,) not in self.seen[sheet]}
        return set(model.objects.filter(pk__in=wanted).values_list("pk", flat=True)) if wanted else set()

    def _dates_in_order(self, sheet: Sheet, row: Row, existing: models.Model | None, fields: dict, start: str, end: str,
                        message: str, *, strict: bool = False) -> bool:
        first = fields.get(start, getattr(existing, start, None))
        last = fields.get(end, getattr(existing, end, None))
        if first is None or last is None or (last > first if strict else last >= first):
            return True
        self._cell_error(sheet, row.number, sheet.column(end), row.values.get(end, last), message, self.headers)
        return False


# sheet -> the columns that hold organisation codes, whose place in the actor's scope a batch looks up
_UNIT_KEYS: dict[str, tuple[str, ...]] = {
    "districts": ("code",), "streets": ("code", "district_code"), "committees": ("code", "street_code"),
    "committee_years": ("committee_code",), "workers": ("committee_code",), "qualifications": (),
    "community_funds": ("street_code",),
}

# sheet -> (model, unique fields for the upsert, the fields an upsert may change)
_TARGETS: dict[str, tuple[type[models.Model], list[str], list[str]]] = {
    "districts": (District, ["code"], ["name"]),
    "streets": (Street, ["code"], ["district_id", "name", "kind"]),
    "committees": (Committee, ["code"], ["street_id", "name", "kind", "established_on", "dissolved_on", "transition"]),
    "committee_years": (CommitteeYear, ["committee", "year"], ["households", "resident_households", "office_area_m2",
                                                                 "elder_area_m2", "work_fund_yuan", "updated_at"]),
    "workers": (CommunityWorker, ["code"], ["committee_id", "name", "position", "hired_on", "left_on"]),
    "qualifications": (Qualification, ["worker", "level"], ["obtained_on"]),
    "community_funds": (CommunityFund, ["street", "name"], ["kind", "established_on"]),
}


def _is_example(sheet: Sheet, columns: list[tuple[int, Column]], cells: tuple[Any, ...] | list[Any]) -> bool:
    """A template's example row: its first key cell (a code, or a staff number) starts with EXAMPLE_MARK, read
    as the cell is read (cell_text: a BOM, a zero-width or a no-break space before 示例 do not hide it). A cell
    that cannot be read is no example: the row reports it."""
    index = next((index for index, column in columns if column.key == sheet.key[0]), None)
    value = cells[index] if index is not None and index < len(cells) else None
    if not isinstance(value, str):
        return False
    try:
        return cell_text(value).startswith(EXAMPLE_MARK)
    except CellError:
        return False


def _digest_line(sheet: str, change: dict[str, Any]) -> bytes:
    return (json.dumps([sheet, change], ensure_ascii=False, sort_keys=True, default=str) + "\n").encode()


def changes_digest(rows: dict[str, list[dict[str, Any]]]) -> str:
    """ImportReport.digest of changes listed by sheet (`ImportReport.changes`, or as stored: any order of the
    sheets); equal to the run's digest when every change was listed."""
    digest = hashlib.sha256()
    for sheet in SHEETS:
        for change in rows.get(sheet.name, ()):
            digest.update(_digest_line(sheet.name, change))
    return digest.hexdigest()


def _column_key(attname: str) -> str:
    """The file's column for a model attname: street_id -> street_code, households -> households."""
    return attname.removesuffix("_id") + "_code" if attname.endswith("_id") else attname


def shown(column: Column, value: Any) -> str:
    """A value as the file writes it and the user reads it: choices in Chinese, 是/否, dates in ISO, blank as —."""
    if value is None or value == "":
        return "—"
    if column.kind == "choice":
        return WORD_FOR.get(value, str(value))
    if column.kind == "bool":
        return BOOL_WORD[bool(value)]
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def _fields(row: Row, names: dict[str, str]) -> dict[str, Any]:
    """Model attnames for the columns the file has (an absent column leaves the stored value alone)."""
    return {attname: row.values[key] for key, attname in names.items() if key in row.values}


def _attname(model: type[models.Model], name: str) -> str:
    return model._meta.get_field(name.removesuffix("_id")).name if name.endswith("_id") else name


def _merged(model: type[models.Model], item: Planned, updatable: list[str]) -> models.Model:
    """The stored row with the file's values over it: what the upsert writes for a changed row."""
    values = {f.attname: getattr(item.existing, f.attname) for f in model._meta.concrete_fields}
    values.update(item.fields)
    if model._meta.pk.name != "code":
        values.pop(model._meta.pk.attname)  # the upsert finds the row by its unique key, not by its id
    if "updated_at" in values:
        values["updated_at"] = datetime.datetime.now(tz=datetime.UTC)
    return model(**values)
