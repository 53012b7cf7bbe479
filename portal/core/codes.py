"""Stored codes in their canonical form (issue 14): what the data migrations and `manage.py check_codes` share.

Before the normaliser (portal.core.text), a staff number or an item number was stored as typed: `ＨＰ-0001`
typed in the Chinese input mode, or `HP-0001` with a zero-width space pasted from a chat. Every boundary now
reads `HP-0001`, so such a row is never found again, and an import of `HP-0001` creates a second worker beside
it. `codes_normalise` rewrites each stored code to its canonical form, except where that would make it equal to
another row's code within what must be unique (two workers `ＨＰ-0001` and `HP-0001`): those rows are left as
they are and reported, for staff to merge (`codes_check` lists them). A code that cannot be normalised (a
control character, nothing left, longer than its column once normalised) is left and reported too.
`manage.py check_codes` checks every column of `stored_code_columns`: each CodeField, and the columns a migration
normalised that are not CodeFields (NORMALISED_COLUMNS).

Both read the table in batches of `batch_size` rows by primary key and write in batches, on PostgreSQL and
SQLite alike, through the model they are given: a historical model in a migration (`apps.get_model`), the
current one in the command. Nothing here imports a feature app.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps.registry import Apps
from django.db import models

from portal.core.fields import CodeField
from portal.core.text import InvalidText, character_name, normalise

__all__ = ["NORMALISED_COLUMNS", "CodeColumn", "CodeProblem", "CodeReport", "code_column", "code_columns", "codes_check",
           "codes_normalise", "normalise_stored_codes", "stored_code_columns"]

BATCH_SIZE = 2000


@dataclass(frozen=True)
class CodeColumn:
    """A model's code field and what its code is unique within (code_column): `unique_with` the other fields of its
    unique constraints (("task_list",) for an item number, unique per list), () when unique on its own; `unique`
    False when codes may repeat (a phone number: nothing can collide)."""

    model: type[models.Model]
    field: str
    unique: bool = True
    unique_with: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """`committees.CommunityWorker.code`"""
        return f"{self.model._meta.label}.{self.field}"


def _referenced(expression: Any) -> Iterator[str]:
    """The names of the fields an expression of a UniqueConstraint names (F("code"), Lower("code"), ...)."""
    if isinstance(expression, models.F):
        yield expression.name
    for source in getattr(expression, "get_source_expressions", list)():
        if source is not None:
            yield from _referenced(source)


def _unique_sets(model: type[models.Model]) -> Iterator[list[str]]:
    """The field names of each unique constraint and unique_together of `model`, whatever its condition (a
    conditional constraint still refuses two equal codes among the rows it covers), in their declared order."""
    meta = model._meta
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            names = list(constraint.fields) or [name for expression in constraint.expressions
                                                for name in _referenced(expression)]
            yield [meta.get_field(name).name for name in names]  # an attname (task_list_id) read as its field
    for together in meta.unique_together:
        yield list(together)


def code_column(model: type[models.Model], field_name: str) -> CodeColumn:
    """The column `field_name` of `model` with what its codes may collide within, read from the model: unique on its
    own when the field is `unique` (or the primary key); else within the other fields of every UniqueConstraint
    (conditional or not, of fields or of expressions) and unique_together that names it; not unique when none does.
    Conservatively: a conditional constraint counts as if it covered every row, and with several constraints the
    codes are compared within the fields they all share (("task_list", "code") and ("task_list", "year", "code"):
    within a task_list), so normalising never makes two rows equal under any of them (an IntegrityError halfway
    through a migration): at worst a few rows are left and reported that could have been rewritten. Works on
    historical models."""
    if model._meta.get_field(field_name).unique:
        return CodeColumn(model, field_name)
    scopes = [[name for name in names if name != field_name] for names in _unique_sets(model) if field_name in names]
    if not scopes:
        return CodeColumn(model, field_name, unique=False)
    shared = set.intersection(*(set(scope) for scope in scopes))
    return CodeColumn(model, field_name, unique_with=tuple(name for name in scopes[0] if name in shared))


def code_columns(models_: Iterable[type[models.Model]]) -> list[CodeColumn]:
    """Every CodeField of `models_` (concrete, non-proxy models), as a CodeColumn."""
    return [code_column(model, f.name) for model in models_
            if not (model._meta.proxy or model._meta.abstract)
            for f in model._meta.local_fields if isinstance(f, CodeField)]


# Columns a data migration normalised that are not CodeFields (no form or serializer reads them: the portal writes
# them from a value it normalised itself), which `check_codes` covers too: (app label, model name, field name).
NORMALISED_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("certificates", "Registration", "id_masked"),  # certificates 0009: the mask of a full-width ID number
)


def stored_code_columns(registry: Apps) -> list[CodeColumn]:
    """What `check_codes` covers: every CodeField of `registry`'s models (django.apps.apps, or a migration's
    historical apps) and NORMALISED_COLUMNS, those of an app not installed left out."""
    columns = code_columns(registry.get_models())
    for app_label, model_name, field_name in NORMALISED_COLUMNS:
        try:
            model = registry.get_model(app_label, model_name)
        except LookupError:
            continue
        columns.append(code_column(model, field_name))
    return columns


@dataclass(frozen=True)
class CodeProblem:
    """Rows whose stored code was left as it is. `reason`: "collision" (normalised, the codes of `rows` are equal
    within what must be unique: `canonical`), "invalid" (a control character: `detail` names it), "empty"
    (nothing is left), "too_long" (longer than the column once normalised), "primary_key" (a key, never
    rewritten here). `rows`: (primary key, stored code) pairs, by primary key; `scope`: the values of
    `unique_with` ({"task_list": 4}), where the code must be unique."""

    column: CodeColumn
    reason: str
    rows: tuple[tuple[Any, str], ...]
    canonical: str = ""
    scope: tuple[tuple[str, Any], ...] = ()
    detail: str = ""

    def describe(self) -> str:
        """One line for staff, in English (a command's output): the column, the rows and what to do."""
        rows = ", ".join(f"#{pk} {stored!r}" for pk, stored in self.rows)
        where = "".join(f" {name}={value}" for name, value in self.scope)
        what = {
            "collision": f"read as {self.canonical!r} they are the same code: merge them, keep one and save it again",
            "invalid": f"holds {self.detail}: type the code again",
            "empty": "nothing is left once invisible characters are removed: type the code again",
            "too_long": f"{self.canonical!r} is longer than the column: type the code again",
            "primary_key": f"a key, read as {self.canonical!r}: change it by hand",
        }[self.reason]
        return f"{self.column.label}{where}: {rows}: {what}"


@dataclass
class CodeReport:
    """What a pass over a column found: `normalised` the rows rewritten (or, for a check, that would be), and the
    `problems` left as they are."""

    column: CodeColumn
    normalised: int = 0
    problems: list[CodeProblem] = field(default_factory=list)


def _rows(column: CodeColumn, batch_size: int) -> Iterator[tuple[Any, str, tuple[Any, ...]]]:
    """(pk, stored code, values of unique_with) of every row, read `batch_size` rows at a time by primary key."""
    meta = column.model._meta
    scope = [meta.get_field(name).attname for name in column.unique_with]
    manager = column.model._base_manager
    last = None
    while True:
        batch = manager.order_by("pk")
        if last is not None:
            batch = batch.filter(pk__gt=last)
        rows = list(batch.values_list("pk", column.field, *scope)[:batch_size])
        for pk, stored, *within in rows:
            yield pk, stored, tuple(within)
        if len(rows) < batch_size:
            return
        last = rows[-1][0]


def _survey(column: CodeColumn, batch_size: int) -> tuple[CodeReport, list[tuple[Any, str]]]:
    """What a column holds: the report of its problems, and the (pk, canonical code) of each row that may be
    rewritten (not canonical, and nothing in the way)."""
    model_field = column.model._meta.get_field(column.field)
    report = CodeReport(column)
    changes: list[tuple[Any, str]] = []

    def classify(pk: Any, stored: str, canonical: str, scope: tuple[tuple[str, Any], ...]) -> None:
        reason = ("empty" if not canonical else
                  "too_long" if model_field.max_length and len(canonical) > model_field.max_length else
                  "primary_key" if model_field.primary_key else "")
        if reason:
            report.problems.append(CodeProblem(column, reason, ((pk, stored),), canonical=canonical, scope=scope))
        else:
            changes.append((pk, canonical))

    # Within what must be unique, every row by its canonical code: the rows already canonical too, since a row
    # normalised into one of their codes would collide with it.
    groups: dict[tuple[Any, ...], list[tuple[Any, str]]] = {}
    for pk, stored, within in _rows(column, batch_size):
        if not stored:
            continue  # a blank optional code stays blank
        scope = tuple(zip(column.unique_with, within, strict=True))
        try:
            canonical = normalise(stored)
        except InvalidText as error:
            report.problems.append(CodeProblem(column, "invalid", ((pk, stored),), scope=scope,
                                               detail=character_name(error.character)))
            continue
        if column.unique:
            groups.setdefault((*within, canonical), []).append((pk, stored))
        elif canonical != stored:
            classify(pk, stored, canonical, scope)
    for key, rows in groups.items():
        canonical, scope = key[-1], tuple(zip(column.unique_with, key[:-1], strict=True))
        if all(stored == canonical for _pk, stored in rows):
            continue
        if len(rows) > 1:
            report.problems.append(CodeProblem(column, "collision", tuple(rows), canonical=canonical, scope=scope))
        else:
            classify(*rows[0], canonical, scope)
    report.problems.sort(key=lambda problem: problem.rows[0][0])
    return report, changes


def codes_check(column: CodeColumn, *, batch_size: int = BATCH_SIZE) -> CodeReport:
    """What `codes_normalise` would do to `column`, without writing: `normalised` the rows it would rewrite, and
    the problems it would leave (collisions among them)."""
    report, changes = _survey(column, batch_size)
    report.normalised = len(changes)
    return report


def codes_normalise(column: CodeColumn, *, batch_size: int = BATCH_SIZE) -> CodeReport:
    """Rewrite every stored code of `column` to its canonical form, `batch_size` rows per UPDATE, except the
    problems reported (a collision leaves every row of it as it is: nothing is merged).

    Side effects: updates the column of the rows rewritten (no audit entry: the value is the same code, as every
    boundary reads it). Call it inside a transaction (a migration is one) for all or nothing.
    """
    report, changes = _survey(column, batch_size)
    model = column.model
    attname = model._meta.get_field(column.field).attname
    for start in range(0, len(changes), batch_size):
        model._base_manager.bulk_update([model(pk=pk, **{attname: canonical}) for pk, canonical
                                         in changes[start:start + batch_size]], [column.field])
    report.normalised = len(changes)
    return report


def normalise_stored_codes(*fields: tuple[str, str, str]) -> Callable[[Any, Any], None]:
    """For a data migration: the RunPython function that runs `codes_normalise` on each of `fields`
    ((app_label, model_name, field_name), read through the migration's historical models) and prints, to the
    migrate command's output, how many codes it rewrote and each problem it left (`manage.py check_codes` lists
    them again later)."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        for app_label, model_name, field_name in fields:
            report = codes_normalise(code_column(apps.get_model(app_label, model_name), field_name))
            if report.normalised:
                sys.stdout.write(f"\n  {report.column.label}: {report.normalised} stored code(s) normalised")
            for problem in report.problems:
                sys.stdout.write(f"\n  left as it is: {problem.describe()}")
            if report.problems:
                sys.stdout.write("\n  (python manage.py check_codes lists them)")

    return forwards
