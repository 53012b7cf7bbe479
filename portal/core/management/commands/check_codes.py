"""python manage.py check_codes: stored codes that are not in their canonical form and could not be normalised
(issue 14), for staff to merge or retype. Exits 1 when there are some."""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.core.codes import codes_check, stored_code_columns


class Command(BaseCommand):
    help = ("List stored codes (staff numbers, item numbers, every CodeField, the masked ID numbers) that normalising "
            "would make equal to another row's, or that cannot be normalised; exit 1 when there are some. "
            "Writes nothing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=2000, help="rows read per query (default %(default)s)")

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        problems = 0
        for column in stored_code_columns(apps):
            report = codes_check(column, batch_size=batch_size)
            for problem in report.problems:
                self.stdout.write(problem.describe())
            problems += len(report.problems)
            if report.normalised:
                # Written after the migration by a path that does not normalise (a shell, raw SQL): not a conflict.
                self.stdout.write(f"{column.label}: {report.normalised} stored code(s) not in canonical form, "
                                  f"with nothing in the way (save them again to normalise them)")
        if problems:
            raise CommandError(f"{problems} stored code(s) to merge or type again (listed above).")
        self.stdout.write(self.style.SUCCESS("No stored code to merge or type again."))
