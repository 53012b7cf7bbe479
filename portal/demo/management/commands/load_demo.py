import unicodedata

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from portal.demo.services import DemoLogin, demo_load, demo_logins


class Command(BaseCommand):
    help = ("Load the demo data (Huangpu's streets and committees, annual records, workers, this year's lists, "
            "requests, dispatches, reports and registers, one user per role) and print the logins. Idempotent.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--logins", action="store_true", help="Only print the demo logins; load nothing.")

    def handle(self, *, logins: bool, **options) -> None:  # noqa: ANN003
        with translation.override("zh-hans"):
            if logins:
                self._logins(demo_logins())
                return
            summary = demo_load()
            self.stdout.write(self.style.SUCCESS(_("Demo data ready.")))
            self.stdout.write(_("Districts with demo data: {names}.").format(
                names="、".join(district.name for district in summary.with_data)))
            self.stdout.write(_("The other {count} districts hold no demo data (their names only; the dashboards show "
                                "“—” for them): {names}.").format(
                count=len(summary.without_data), names="、".join(district.name for district in summary.without_data)))
            self._logins(summary.logins)

    def _logins(self, logins: list[DemoLogin]) -> None:
        self.stdout.write(_("Demo logins:"))
        rows = [(_("Username"), _("Password"), _("Role"), _("Scope"))]
        rows += [(login.username, login.password, login.role_name, login.scope) for login in logins]
        widths = [max(_width(row[column]) for row in rows) + 2 for column in range(3)]
        for row in rows:
            self.stdout.write("  " + "".join(_pad(text, width) for text, width in zip(row, widths, strict=False)) + row[3])


def _width(text: str) -> int:
    """Columns `text` takes in a terminal: two for a wide (Chinese) character."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
