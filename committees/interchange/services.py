"""The import as people use it: upload, check (a dry run), confirm, import; each step recorded.

A small file is checked and imported inside the request; a big one by a Celery task, whose progress
the page polls from the cache (the import's own transaction would hide it from the database until the
end). Each step is a durable job (portal/core/jobs.py): a task delivered twice runs it once, a worker lost
half-way leaves it to be run again (its transaction wrote nothing), and a step nobody can run any more is
retried or set aside from the import's page.

A confirmation imports exactly what its check showed, or nothing: the import step compares, under the import
lock, the changes it would make with those of the check (their digest); when they differ (another import was
confirmed since, say), it writes nothing and the file is "checked" again, with the new changes to review.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, IntegerField, Q, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.interchange.importer import ImportReport, RowError, changes_digest, import_org
from committees.interchange.schema import SHEET_BY_NAME
from committees.models import OrgImport
from portal.core import jobs
from portal.core.audit import Source, audit, audit_source, snapshot
from portal.core.exceptions import DomainError
from portal.core.scoping import unit_of
from portal.core.signals import import_applied
from portal.core.spreadsheets import UnreadableFile, check_archive

if TYPE_CHECKING:
    from portal.accounts.models import User

logger = logging.getLogger(__name__)

CHECK, APPLY = "check", "apply"
_STEP_STATUS = {CHECK: OrgImport.Status.CHECKING, APPLY: OrgImport.Status.APPLYING}


def _progress_key(pk: int) -> str:
    return f"org-import:{pk}:progress"


def progress_of(org_import: OrgImport) -> tuple[int, int | None]:
    """Rows read so far and rows in the file (None when unknown) of a running step."""
    return cache.get(_progress_key(org_import.pk)) or (org_import.rows_done, org_import.rows_total)


# What the list of an import's changes is, by status: what confirming will change (a checked file), what the
# import changed (an imported one); nothing for a file being processed or that wrote nothing (OrgImport: "What
# `changes` keeps").
PLANNED, APPLIED = "planned", "applied"
LISTINGS = {OrgImport.Status.VALID: PLANNED, OrgImport.Status.DONE: APPLIED}


def with_changes_summary(queryset: QuerySet[OrgImport]) -> QuerySet[OrgImport]:
    """Imports without their `changes` (up to MAX_LISTED_CHANGES rows of JSON each: read, in one more query,
    only by what lists them), with what pages and lists say of them, read by the database: `changes_count`
    (rows created or updated, listed or not; None before a check) and `changes_rechecked` (see was_rechecked)."""
    return queryset.defer("changes").annotate(
        changes_count=Cast(KT("changes__count"), IntegerField()),
        changes_rechecked=ExpressionWrapper(Q(changes__rechecked=True), output_field=BooleanField()),
    )


def was_rechecked(org_import: OrgImport) -> bool:
    """A confirmation found other changes than the check showed, wrote nothing, and the file is checked again
    with the new ones (`_recheck`). `org_import` comes from with_changes_summary."""
    return org_import.status == OrgImport.Status.VALID and bool(org_import.changes_rechecked)


def listed_changes(org_import: OrgImport) -> tuple[str | None, dict[str, list[dict]], list[str]]:
    """The changes an import's page and API list: (PLANNED or APPLIED, rows by sheet as ImportReport.changes,
    the sheets whose names and values were withheld once imported), or (None, {}, []) for an import in any other
    status, whose `changes` are then not read (a deferred field stays unloaded while a step runs)."""
    listing = LISTINGS.get(org_import.status)
    if listing is None:
        return None, {}, []
    return listing, org_import.changes.get("rows") or {}, list(org_import.changes.get("withheld", ()))


def _units_of(actor: User) -> dict[str, str | int | None]:
    """The importer's unit, which the import's record belongs to (OrgImport.scope_paths)."""
    return {"district_id": unit_of(actor, "district"), "street_id": unit_of(actor, "street")}


# --- upload ---------------------------------------------------------------------------------------
def check_upload(files: Sequence[UploadedFile]) -> None:
    """Refuse what cannot be an organisation file before anything parses it. Raises ValidationError."""
    limits = settings.PORTAL_IMPORT_LIMITS
    if not files:
        raise ValidationError(_("Choose a file to import."))
    for upload in files:
        if upload.size > limits["upload_bytes"]:
            raise ValidationError(_("{name} is larger than {limit} MB.").format(
                name=upload.name, limit=limits["upload_bytes"] // 2**20))
    suffixes = {Path(upload.name).suffix.lower() for upload in files}
    if len(files) > 1 and suffixes != {".csv"}:
        raise ValidationError(_("Upload one .xlsx workbook, or one or more .csv files."))
    if not suffixes <= {".xlsx", ".csv", ".zip"}:
        raise ValidationError(_("Only .xlsx, .csv and .zip files can be imported."))
    if len(files) > len(SHEET_BY_NAME):
        raise ValidationError(_("At most {n} CSV files, one per sheet.").format(n=len(SHEET_BY_NAME)))
    for upload in files:
        if Path(upload.name).suffix.lower() in (".xlsx", ".zip"):
            try:
                check_archive(upload)
            except UnreadableFile as exc:
                raise ValidationError(str(exc)) from exc


@transaction.atomic
def org_import_start(*, actor: User, files: Sequence[UploadedFile], replaces: OrgImport | None = None) -> OrgImport:
    """Store an upload and start its check (a dry run). Several CSV files are kept together as one zip.

    `replaces`: the import this upload corrects; when it is the actor's own and still waiting, it is set aside.
    Side effects: an OrgImport row and its stored file; an audit entry; the check runs after commit (inline or a Celery task).
    Raises: ValidationError for what cannot be an organisation file.
    """
    check_upload(files)
    if replaces is not None and replaces.actor_id == actor.pk and replaces.status in (OrgImport.Status.VALID,
                                                                                      OrgImport.Status.INVALID):
        # Already imported or cancelled, or not the actor's to cancel: left as it is.
        with contextlib.suppress(DomainError, OrgImport.DoesNotExist):
            org_import_cancel(actor=actor, pk=replaces.pk)
    org_import = OrgImport(actor=actor, source=OrgImport.Source.WEB, file_size=sum(upload.size for upload in files),
                           **_units_of(actor))
    if len(files) == 1:
        org_import.file_name = files[0].name[:255]
        org_import.file.save(Path(files[0].name).name, File(files[0]), save=False)
    else:
        org_import.file_name = ("、".join(Path(upload.name).name for upload in files)[:200] + ".zip")
        with tempfile.SpooledTemporaryFile(max_size=8 * 2**20) as buffer:
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for upload in files:
                    with archive.open(Path(upload.name).name, "w") as member:
                        shutil.copyfileobj(upload, member)
            buffer.seek(0)
            org_import.file.save("upload.zip", File(buffer), save=False)
    org_import.save()
    audit(actor=actor, action="orgimport.create", instance=org_import, after=snapshot(org_import))
    _schedule(org_import, CHECK)
    return org_import


def _step_refused(actor: User, pk: int, action: str, message: str) -> DomainError:
    """Why `restrict(actor, action)` did not reach import `pk`: not found outside the actor's scope (raised),
    or a status that does not allow the step (returned, for the caller to raise)."""
    current = OrgImport.objects.restrict(actor, "view").get(pk=pk)  # DoesNotExist: 404, never revealed
    return DomainError(message.format(status=current.get_status_display()), code=f"not_{action}able")


@transaction.atomic
def org_import_confirm(*, actor: User, pk: int) -> OrgImport:
    """Start importing a checked file. Only one confirmation wins; the other gets a clear message.

    Side effects: the import's status becomes "applying"; the import runs after commit.
    Raises: OrgImport.DoesNotExist outside the actor's scope; DomainError when the file is not waiting for
    confirmation.
    """
    try:
        locked = OrgImport.objects.restrict(actor, "confirm").select_for_update().get(pk=pk)
    except OrgImport.DoesNotExist:
        raise _step_refused(actor, pk, "confirm", _(
            "This file is not waiting for confirmation (its status is “{status}”).")) from None
    locked.status = OrgImport.Status.APPLYING
    locked.save(update_fields=["status"])
    jobs.requeue(locked, send=False)  # a new step: the check's start, attempts and message are not the import's
    audit(actor=actor, action="orgimport.confirm", instance=locked, before={"status": OrgImport.Status.VALID},
          after={"status": locked.status})
    _schedule(locked, APPLY)
    return locked


@transaction.atomic
def org_import_cancel(*, actor: User, pk: int) -> OrgImport:
    """Set aside a file that was not imported: a checked one, or one whose step waits or stopped; its stored
    copy is deleted.

    Side effects: the import's status becomes "cancelled" (a message still in the queue then does nothing); the
    stored file is deleted after commit; an audit entry for a step set aside.
    Raises: OrgImport.DoesNotExist outside the actor's scope; DomainError when the file was imported, or a
    worker is running its step now.
    """
    try:
        locked = OrgImport.objects.restrict(actor, "cancel").select_for_update().get(pk=pk)
    except OrgImport.DoesNotExist:
        raise _step_refused(actor, pk, "cancel", _(
            "Only a file that was not imported can be cancelled (its status is “{status}”).")) from None
    if locked.running and not jobs.hold(locked):
        raise DomainError(_("The file is being processed right now and cannot be cancelled; wait for it to finish."),
                          code="running")
    before = locked.status
    locked.status = OrgImport.Status.CANCELLED
    _settle_changes(locked)
    locked.save(update_fields=["status", "changes"])
    _discard_file(locked)
    audit(actor=actor, action="orgimport.cancel", instance=locked, before={"status": before},
          after={"status": locked.status})
    return locked


@transaction.atomic
def org_import_retry(*, actor: User, pk: int) -> OrgImport:
    """Run again the step of an import that waits for the queue or stopped (a worker lost, a message gone),
    with its attempts counted afresh.

    Side effects: the step is queued again and run after commit (inline or a Celery task); an audit entry.
    Raises: OrgImport.DoesNotExist outside the actor's scope; DomainError when the import is not at a step, or
    a worker is running the step now.
    """
    try:
        locked = OrgImport.objects.restrict(actor, "retry").select_for_update().get(pk=pk)
    except OrgImport.DoesNotExist:
        raise _step_refused(actor, pk, "retry", _(
            "Only a check or an import that has not finished can be started again (its status is “{status}”)."
        )) from None
    if not jobs.hold(locked):
        raise DomainError(_("The file is being processed right now; wait for it to finish."), code="running")
    audit(actor=actor, action="orgimport.retry", instance=locked,
          before={"status": locked.status, "attempts": locked.attempts}, after={"status": locked.status})
    jobs.requeue(locked, send=False)
    _schedule(locked, CHECK if locked.status == OrgImport.Status.CHECKING else APPLY)
    return locked


def _schedule(org_import: OrgImport, step: str) -> None:
    """Run the step after commit: a small file here and now, a big one through the queue (a durable job)."""
    if org_import.file_size <= settings.PORTAL_IMPORT_LIMITS["inline_bytes"]:
        transaction.on_commit(lambda: _run_inline(org_import.pk, step))
    else:
        jobs.send_on_commit(org_import)


def _run_inline(pk: int, step: str) -> None:
    try:
        org_import_run(pk=pk, step=step)
    except jobs.JobBusy:
        logger.info("org import %s: step %s is already running elsewhere", pk, step)


# --- the steps ------------------------------------------------------------------------------------
def org_import_run(*, pk: int, step: str) -> None:
    """Check (dry run) or apply the import `pk`, as its importer: the durable job's step. Safe to run again
    after a crash or a second delivery.

    The step is claimed first (portal/core/jobs.py): one already finished, or not the import's current step,
    is skipped; one another live process runs raises JobBusy. An apply records its outcome inside the
    import's own transaction, so a crash between the two cannot leave data imported and the record saying
    otherwise. Anything unexpected marks the import failed with a message, never leaves it "running" for ever.
    An apply whose changes differ from those its check showed writes nothing and leaves the import checked
    again (`_recheck`). A step that already committed is finished, so it is never run (or rechecked) again.
    Side effects: the organisation rows (apply); the import's report and status; an audit entry and
    `import_applied` (apply), or an audit entry for an apply rechecked. Raises: jobs.JobBusy; a transient
    database error (the step is queued again). Every other failure is in the report.
    """
    with audit_source(Source.IMPORT), jobs.claim(OrgImport, pk, status=_STEP_STATUS[step]) as org_import:
        if org_import is None:
            logger.info("org import %s: step %s skipped (finished, or not the current step)", pk, step)
            return
        _run_step(OrgImport.objects.select_related("actor").get(pk=pk), step)


def _run_step(org_import: OrgImport, step: str) -> None:
    pk = org_import.pk

    def progress(done: int, total: int | None) -> None:
        cache.set(_progress_key(pk), (done, total), 3600)

    def applied(report: ImportReport) -> None:
        _finish(pk, step, report)

    try:
        with tempfile.TemporaryDirectory() as folder, org_import.file.open("rb") as stored:
            local = Path(folder) / _local_name(org_import)
            with local.open("wb") as copy:
                shutil.copyfileobj(stored, copy)
            report = import_org(local, actor=org_import.actor, dry_run=step == CHECK, progress=progress,
                                display_name=org_import.file_name, on_success=applied if step == APPLY else None,
                                expect_changes=_checked_digest(org_import) if step == APPLY else None)
    except jobs.TRANSIENT_ERRORS:
        raise
    except Exception:
        logger.exception("org import %s: step %s failed", pk, step)
        report = ImportReport()
        report.add(RowError("", 0, None, org_import.file_name, _(
            "The import stopped on an unexpected error and wrote nothing. The administrators have been told.")))
    if report.stale:
        _recheck(pk, report)
    elif step == CHECK or not report.ok:
        _finish(pk, step, report)
    cache.delete(_progress_key(pk))


def _checked_digest(org_import: OrgImport) -> str:
    """The digest of the changes the check showed (ImportReport.digest). A check recorded before digests were
    kept has it recomputed from its rows when it listed them all; otherwise "" (never equal: checked again)."""
    changes = org_import.changes
    if "digest" in changes:
        return changes["digest"]
    rows = changes.get("rows") or {}
    return changes_digest(rows) if changes.get("count", 0) == sum(map(len, rows.values())) else ""


def _recheck(pk: int, report: ImportReport) -> None:
    """An apply that found other changes to make than its check showed wrote nothing: the import becomes
    "checked" again with the changes found now, flagged `changes["rechecked"]` for its page, to be confirmed anew.
    Side effects: the import's report and status; an audit entry "orgimport.recheck" with the totals shown and
    found (the confirmation itself was audited when it was made). Nothing when the step is not current."""
    with transaction.atomic():
        org_import = OrgImport.objects.select_for_update().get(pk=pk)
        if org_import.status != OrgImport.Status.APPLYING:
            return  # another delivery of the same step finished first
        shown = org_import.totals()
        _store_report(org_import, report)
        org_import.changes["rechecked"] = True
        org_import.status = OrgImport.Status.VALID
        org_import.checked_at = timezone.now()
        org_import.started_at = None  # the step is over: nothing runs (jobs.state)
        org_import.save()
        audit(actor=org_import.actor, action="orgimport.recheck", instance=org_import,
              before={"status": OrgImport.Status.APPLYING, **shown},
              after={"status": org_import.status, **org_import.totals()})


def org_import_give_up(*, job: OrgImport, message: str) -> None:
    """Fail the current step of an import that could not be finished (portal/core/jobs.py gives up on it),
    with `message` in its report.

    Side effects: as a failed step (the status, the report with the counts kept, the rows of `changes` and the
    stored file deleted; for an apply, an audit entry). Raises: nothing; an import that is not at a step is left."""
    # What the file held stays counted (the page and the API still say how many rows it had to create or update).
    report = ImportReport(counts=job.counts, rows=job.rows_done)
    report.add(RowError("", 0, None, job.file_name, message))
    if job.status in OrgImport.RUNNING:
        step = CHECK if job.status == OrgImport.Status.CHECKING else APPLY
        _finish(job.pk, step, report)
        if step == CHECK:  # an apply given up is audited by _finish, as every apply
            audit(actor=job.actor, action="orgimport.give_up", instance=job, before={"status": job.status},
                  after={"status": OrgImport.Status.INVALID, "message": message})


def _finish(pk: int, step: str, report: ImportReport) -> None:
    with transaction.atomic():
        org_import = OrgImport.objects.select_for_update().get(pk=pk)
        if org_import.status != _STEP_STATUS[step]:
            if step == APPLY and report.ok:
                # Only possible if the step was taken away from its runner: write nothing rather than lie.
                raise RuntimeError(f"org import {pk}: status changed to {org_import.status} during the import")
            return  # another delivery of the same step finished first
        _store_report(org_import, report)
        now = timezone.now()
        if step == CHECK:
            org_import.status = OrgImport.Status.VALID if report.ok else OrgImport.Status.INVALID
            org_import.checked_at = now
        else:
            org_import.status = OrgImport.Status.DONE if report.ok else OrgImport.Status.FAILED
            org_import.finished_at = now
            _audit(org_import)
        org_import.started_at = None  # the step is over: nothing runs (jobs.state)
        _settle_changes(org_import)
        org_import.save()
        if org_import.status == OrgImport.Status.DONE:
            _announce(org_import)
        if org_import.status != OrgImport.Status.VALID:
            _discard_file(org_import)


def _local_name(org_import: OrgImport) -> str:
    """A single CSV file is named after its sheet, so its local copy keeps the uploaded name when it can."""
    suffix = Path(org_import.file.name).suffix.lower()
    name = Path(org_import.file_name).name
    if Path(name).suffix.lower() == suffix and len(name.encode()) <= 120:
        return name
    return "upload" + suffix


def _discard_file(org_import: OrgImport) -> None:
    """Uploaded files hold personal data: kept only while the import may still be confirmed."""
    if org_import.file:
        name = org_import.file.name
        transaction.on_commit(lambda: org_import.file.storage.delete(name))
        org_import.file = ""
        org_import.save(update_fields=["file"])


# The sheets whose rows are about people (DOMAIN: community workers and their qualifications).
PERSONAL_SHEETS = ("workers", "qualifications")


def _settle_changes(org_import: OrgImport, *, final: bool = False) -> None:
    """Reduce `changes` to what an import that can no longer be confirmed keeps (OrgImport: "What `changes`
    keeps"): nothing row by row when nothing was written (cancelled, failed, invalid), and, once imported (or `final`),
    the rows without the names and values of the PERSONAL_SHEETS (`withheld`). Kept always: the count of rows
    created or updated and the example rows skipped (`counts` is another field, left as it is).
    `final`: the import is "checked" (valid) but can never be confirmed, as a dry run of `manage.py import_org`,
    which keeps no file: its rows are kept as an imported one's, without people's names and values.
    Side effects: sets `org_import.changes` of an import whose status is not "checked" (valid) or running, or
    that is `final`; the caller saves it. Raises: nothing."""
    status = org_import.status
    if status in OrgImport.RUNNING or (status == OrgImport.Status.VALID and not final):
        return
    changes = org_import.changes
    kept = {"examples": changes.get("examples", {}), "count": changes.get("count", 0)}
    if status in (OrgImport.Status.DONE, OrgImport.Status.VALID) and changes.get("rows"):
        rows = changes["rows"]
        withheld = [sheet for sheet in PERSONAL_SHEETS if rows.get(sheet)]
        kept["rows"] = {sheet: [_without_values(row) for row in listed] if sheet in withheld else listed
                        for sheet, listed in rows.items()}
        kept["withheld"] = sorted({*withheld, *changes.get("withheld", ())})
    org_import.changes = kept


def _without_values(row: dict) -> dict:
    """A listed change about a person, as kept once imported: its row, action, key (the staff number, which the
    worker's record holds) and which fields changed; no name, no value."""
    return {"row": row["row"], "action": row["action"], "key": row["key"], "name": "",
            "fields": [[field[0], None, None] for field in row["fields"]]}


def _store_report(org_import: OrgImport, report: ImportReport) -> None:
    """Record a step's report on the import (not saved). An ok report's changes replace the import's; one with
    errors keeps what the check before it found counted (OrgImport: "the counts stay"): `changes["count"]` and
    the example rows skipped, and `counts` when the report counted nothing (an unexpected error, a step given up
    without them), since a step that stopped reports what it read, not what the file holds."""
    data = report.as_json()
    previous, previous_counts = org_import.changes or {}, org_import.counts
    org_import.counts, org_import.errors, org_import.error_count = data["counts"], data["errors"], data["error_count"]
    org_import.warnings = data["warnings"]
    org_import.rows_done = org_import.rows_total = report.rows
    if report.ok:
        # The digest of every change (listed or not) is what a confirmation compares (_checked_digest).
        org_import.changes = {"examples": data["examples"], "rows": data["changes"], "count": data["change_count"],
                              "digest": report.digest}
        return
    # A file with errors writes nothing: its rows to create or update are not kept (they hold personal data).
    org_import.changes = {"examples": previous.get("examples", data["examples"]),
                          **({"count": previous["count"]} if "count" in previous else {})}
    if not data["counts"]:
        org_import.counts = previous_counts


def _audit(org_import: OrgImport) -> None:
    audit(actor=org_import.actor, action="orgimport.apply" if org_import.status == OrgImport.Status.DONE else
          "orgimport.fail", instance=org_import, after={"status": org_import.status, **org_import.totals(),
                                                        "errors": org_import.error_count})


def org_import_record_command(*, path: Path, report: ImportReport, actor: User | None, dry_run: bool) -> OrgImport:
    """The record of an import made with `manage.py import_org`, written after its transaction. A dry run is
    recorded as checked (or with errors) but keeps no file, so it is settled at once, as an imported one
    (_settle_changes): people's names and values and the digest are not kept.

    Side effects: an OrgImport row; for an applied import, an audit entry and `import_applied`. Raises: nothing.
    """
    if dry_run:
        status = OrgImport.Status.VALID if report.ok else OrgImport.Status.INVALID
    else:
        status = OrgImport.Status.DONE if report.ok else OrgImport.Status.FAILED
    now = timezone.now()
    org_import = OrgImport(actor=actor, source=OrgImport.Source.COMMAND, file_name=str(path)[-255:], status=status,
                           file_size=_size(path), checked_at=now, finished_at=None if dry_run else now,
                           **(_units_of(actor) if actor else {}))
    _store_report(org_import, report)
    _settle_changes(org_import, final=dry_run)  # a dry run keeps no file: it can never be confirmed
    with audit_source(Source.IMPORT), transaction.atomic():
        org_import.save()
        if not dry_run:
            _audit(org_import)
            if report.ok:
                _announce(org_import)
    return org_import


def _announce(org_import: OrgImport) -> None:
    """Tell whoever follows the organisation data (the indicators) that an import is being committed."""
    import_applied.send(sender=OrgImport, actor=org_import.actor, record=org_import, counts=org_import.counts)


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(file.stat().st_size for file in path.glob("*.csv"))
    return path.stat().st_size if path.exists() else 0
