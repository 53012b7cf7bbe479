# The grant tables move here from committees (issue 11). State only: the tables committees.0001 created,
# with every grant in them, are taken over under their old names (db_table), on an existing database and
# a fresh one alike. After committees.0005, which removes them from the committees app's state.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _grant_model(name: str, target: str, holder: str) -> migrations.CreateModel:
    holder_field = (
        models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)
        if holder == "user"
        else models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="auth.group")
    )
    return migrations.CreateModel(
        name=name,
        fields=[
            ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ("content_object", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=target)),
            ("permission", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="auth.permission")),
            (holder, holder_field),
        ],
        options={
            "db_table": f"committees_{name.lower()}",
            "abstract": False,
            "unique_together": {(holder, "permission", "content_object")},
        },
    )


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("committees", "0005_grants_move_to_core"),
        ("core", "0002_notifications"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                _grant_model("DistrictUserObjectPermission", "committees.district", "user"),
                _grant_model("DistrictGroupObjectPermission", "committees.district", "group"),
                _grant_model("StreetUserObjectPermission", "committees.street", "user"),
                _grant_model("StreetGroupObjectPermission", "committees.street", "group"),
                _grant_model("CommitteeUserObjectPermission", "committees.committee", "user"),
                _grant_model("CommitteeGroupObjectPermission", "committees.committee", "group"),
            ],
            database_operations=[],
        ),
    ]
