"""The national do-not-issue list (民发〔2020〕20号, 20 types) with the usual routes, marked to be confirmed
against each district's published list, and a few may-issue types (REFERENCE §1, S4, S5)."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "national.json"


def load(apps, schema_editor):  # noqa: ANN001, ANN201
    CertificateType = apps.get_model("certificates", "CertificateType")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    for row in data["refuse"]:
        CertificateType.objects.get_or_create(name=row["name"], jurisdiction="national", defaults={
            "aliases": row["aliases"], "sub_items": row["sub_items"], "rule": "refuse", "alternative_route": row["route"],
            "handled_by": row["by"], "source_document": data["source"], "to_be_confirmed": True})
    for row in data["issue"]:
        CertificateType.objects.get_or_create(name=row["name"], jurisdiction="national", defaults={
            "aliases": row["aliases"], "rule": row["rule"], "conditions": row["conditions"],
            "legal_basis": row["legal_basis"], "source_document": "民发〔2020〕20号"})


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_catalogue")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
