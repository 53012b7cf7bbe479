import django.core.serializers.json
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("committees", "0006_org_import_durable_job"),
    ]

    operations = [
        migrations.AddField(
            model_name="orgimport",
            name="changes",
            field=models.JSONField(blank=True, default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder,
                                   verbose_name="changes"),
        ),
    ]
