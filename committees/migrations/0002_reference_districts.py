"""Reference data: Shanghai's 16 districts (NBS 2023 codes) and the default space standard for each.

The data lives in committees/data/shanghai_districts.json (REFERENCE.md S1), not in code.
"""

import json
from decimal import Decimal
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "shanghai_districts.json"
# DOMAIN "Space standard": existing residential areas in Putuo's guideline under DGJ08-55-2006.
DEFAULT_STANDARD = {"office_min_m2": Decimal("150"), "elder_min_m2": Decimal("100"),
                    "source": "普陀区居委会办公用房和活动用房指导意见（已建住宅区，DGJ08-55-2006）"}
STANDARD_FROM_YEAR = 2000


def load(apps, schema_editor):
    District = apps.get_model("committees", "District")
    SpaceStandard = apps.get_model("committees", "SpaceStandard")
    for row in json.loads(DATA.read_text(encoding="utf-8"))["districts"]:
        district, _ = District.objects.update_or_create(code=row["code"], defaults={"name": row["name"]})
        SpaceStandard.objects.get_or_create(district=district, from_year=STANDARD_FROM_YEAR, defaults=DEFAULT_STANDARD)


class Migration(migrations.Migration):
    dependencies = [("committees", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
