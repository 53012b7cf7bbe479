"""python manage.py export_org PATH: the organisation data in the import format (round-trips with import_org)."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from committees.interchange import export_org


class Command(BaseCommand):
    help = "Export the organisation data to an .xlsx workbook (PATH ends in .xlsx) or a folder of CSV files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--user", help="export this user's scope (default: everything)")

    def handle(self, *args: Any, path: Path, user: str | None, **options: Any) -> None:
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"no active user {user!r}")
        export_org(path, actor=actor)
        self.stdout.write(self.style.SUCCESS(f"Exported to {path}"))
