"""The targets of the source documents (DOMAIN "Targets from the documents"), loaded as data, editable after."""

import json
from decimal import Decimal
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "targets.json"


def load(apps, schema_editor):  # noqa: ANN001, ANN201
    Target = apps.get_model("indicators", "Target")
    District = apps.get_model("committees", "District")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    known = set(District.objects.values_list("code", flat=True))
    for row in data["targets"]:
        if row["district"] not in known:
            continue
        Target.objects.get_or_create(
            district_id=row["district"], indicator=row["indicator"], year_from=row["year_from"],
            defaults={"year_to": row["year_to"], "comparison": row["comparison"], "value": Decimal(row["value"]),
                      "source": data["sources"][row["source"]]},
        )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial"), ("committees", "0002_reference_districts")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
