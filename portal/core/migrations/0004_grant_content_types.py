# The grant tables' content types follow them from committees to core (Django's recipe for moving a model
# between apps): renamed where the core's do not exist yet, removed where post_migrate already made them.
# Nothing points at these content types but their own unused add/change/delete/view permissions.

from django.db import migrations

GRANT_MODELS = [f"{level}{holder}objectpermission" for level in ("district", "street", "committee")
                for holder in ("user", "group")]


def move_content_types(apps, schema_editor) -> None:  # noqa: ANN001
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in GRANT_MODELS:
        old = content_type.objects.filter(app_label="committees", model=model).first()
        if old is None:
            continue
        if content_type.objects.filter(app_label="core", model=model).exists():
            old.delete()  # its permissions go with it
        else:
            old.app_label = "core"
            old.save(update_fields=["app_label"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_grants"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(move_content_types, migrations.RunPython.noop)]
