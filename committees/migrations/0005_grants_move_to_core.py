# The grant tables move to portal.core (issue 11): the chokepoint no longer imports a feature app.
# State only: the tables and their rows stay where they are; core.0003_grants takes them over by name.

from django.db import migrations

GRANT_MODELS = [
    "DistrictUserObjectPermission",
    "DistrictGroupObjectPermission",
    "StreetUserObjectPermission",
    "StreetGroupObjectPermission",
    "CommitteeUserObjectPermission",
    "CommitteeGroupObjectPermission",
]


class Migration(migrations.Migration):

    dependencies = [
        ("committees", "0004_org_import"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name=name) for name in GRANT_MODELS],
            database_operations=[],
        ),
    ]
