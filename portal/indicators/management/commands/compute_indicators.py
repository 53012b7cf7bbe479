"""python manage.py compute_indicators --year Y [--format json] (DOMAIN "Data interchange")."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from portal.indicators.models import ComputationRun, Result
from portal.indicators.registry import BY_CODE
from portal.indicators.services import start_run


class Command(BaseCommand):
    help = "Compute and store every indicator for a year at every scope (committee, street, district, city)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["text", "json"], default="text",
                            help="json: also print one JSON object per result line")

    def handle(self, *args: Any, year: int, format: str, **options: Any) -> None:  # noqa: A002
        run = start_run(year=year, trigger=ComputationRun.Trigger.COMMAND, background=False)
        if format == "json":
            rows = Result.objects.filter(year=year).order_by("indicator", "scope", "code").values_list(
                "indicator", "scope", "code", "numerator", "denominator", "value", "missing")
            for indicator, scope, code, numerator, denominator, value, missing in rows.iterator(chunk_size=5000):
                if not BY_CODE[indicator].is_rate and value is not None:
                    value = int(value)
                self.stdout.write(json.dumps({
                    "indicator": indicator, "scope": scope, "code": code, "year": year, "numerator": numerator,
                    "denominator": denominator, "value": value, "missing": missing,
                }, ensure_ascii=False))
        else:
            self.stdout.write(self.style.SUCCESS(
                f"{year}: {run.result_count} results computed in {run.seconds or 0:.2f} s (run {run.pk})."))
