"""The national do-not-issue list (民发〔2020〕20号, 20 types) with the usual routes, marked to be confirmed
against each district's published list, and a few may-issue types (REFERENCE §1, S4, S5)."""

import json
from pathlib import Path

from django.db import migrations
from pypinyin import Style, lazy_pinyin

DATA = Path(__file__).resolve().parent.parent / "data" / "national.json"


def _search_text(terms: list[str]) -> str:
    parts = []
    for term in terms:
        parts += [term, "".join(lazy_pinyin(term, style=Style.FIRST_LETTER)).lower(), "".join(lazy_pinyin(term)).lower()]
    return " ".join(parts)


def load(apps, schema_editor):  # noqa: ANN001, ANN201
    CertificateType = apps.get_model("certificates", "CertificateType")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    for row in data["refuse"]:
        CertificateType.objects.get_or_create(name=row["name"], jurisdiction="national", defaults={
            "aliases": row["aliases"], "sub_items": row["sub_items"], "rule": "refuse", "alternative_route": row["route"],
            "handled_by": row["by"], "source_document": data["source"], "to_be_confirmed": True,
            "search_text": _search_text([row["name"], *row["aliases"], *row["sub_items"]])})
    for row in data["issue"]:
        CertificateType.objects.get_or_create(name=row["name"], jurisdiction="national", defaults={
            "aliases": row["aliases"], "rule": row["rule"], "conditions": row["conditions"],
            "legal_basis": row["legal_basis"], "source_document": "民发〔2020〕20号",
            "search_text": _search_text([row["name"], *row["aliases"]])})


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_catalogue")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
