"""python manage.py import_org PATH: the organisation import from the command line (DOMAIN "Data interchange")."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from committees.interchange import import_org
from committees.interchange.services import org_import_record_command


class Command(BaseCommand):
    help = ("Import districts, streets, committees, annual records, workers, qualifications and community funds "
            "from a folder of CSV files or an .xlsx workbook. All or nothing: any invalid row and nothing is written.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="a folder of <sheet>.csv files, or an .xlsx workbook")
        parser.add_argument("--dry-run", action="store_true", help="check and count, then write nothing")
        parser.add_argument("--user", help="import as this user, within their scope (default: no scope limit)")

    def handle(self, *args: Any, path: Path, dry_run: bool, user: str | None, **options: Any) -> None:
        translation.activate("zh-hans")
        if not path.exists():
            raise CommandError(f"{path}: no such file or folder")
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"no active user {user!r}")

        def progress(done: int, total: int | None) -> None:
            if options["verbosity"] > 1:
                self.stderr.write(f"\r{done}/{total or '?'} rows", ending="")

        report = import_org(path, actor=actor, dry_run=dry_run, progress=progress)
        org_import_record_command(path=path, report=report, actor=actor, dry_run=dry_run)
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        if not report.ok:
            for error in report.errors:
                where = f"{error.sheet or path.name}" + (f" row {error.row}" if error.row else "")
                column = ""
                if error.column:
                    column = f" column {error.column}" + (f" ({error.header})" if error.header not in ("", error.column) else "")
                self.stderr.write(f"{where}{column} value {error.value!r}: {error.message}")
            hidden = report.error_count - len(report.errors)
            if hidden:
                self.stderr.write(f"... and {hidden} more errors")
            raise CommandError(f"{report.error_count} error(s): nothing was imported.")
        for sheet, counts in report.counts.items():
            self.stdout.write(f"{sheet}: {counts['created']} created, {counts['updated']} updated, "
                              f"{counts['unchanged']} unchanged")
        totals = report.totals()
        summary = (f"{report.rows} rows read: {totals['created']} created, {totals['updated']} updated, "
                   f"{totals['unchanged']} unchanged.")
        self.stdout.write(self.style.SUCCESS(f"Dry run, nothing written. {summary}" if dry_run else summary))
