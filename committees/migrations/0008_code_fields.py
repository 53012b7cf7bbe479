# Issue 14 review: codes are CodeFields (every form, admin form and serializer built from the model reads them in
# their canonical form), and staff numbers stored before the normaliser are normalised: `ＨＰ-0001` is `HP-0001`,
# unless another worker's number already reads so (both are left and reported: `manage.py check_codes`). The
# district, street and committee codes are keys held to ASCII digits by CHECK constraints: only their class changes.

from django.db import migrations

import portal.core.fields
from portal.core.codes import normalise_stored_codes


class Migration(migrations.Migration):

    dependencies = [
        ('committees', '0007_org_import_changes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='committee',
            name='code',
            field=portal.core.fields.CodeField(max_length=12, primary_key=True, serialize=False, verbose_name='code'),
        ),
        migrations.AlterField(
            model_name='communityworker',
            name='code',
            field=portal.core.fields.CodeField(max_length=40, unique=True, verbose_name='staff number'),
        ),
        migrations.AlterField(
            model_name='district',
            name='code',
            field=portal.core.fields.CodeField(max_length=6, primary_key=True, serialize=False, verbose_name='division code'),
        ),
        migrations.AlterField(
            model_name='street',
            name='code',
            field=portal.core.fields.CodeField(max_length=9, primary_key=True, serialize=False, verbose_name='code'),
        ),
        migrations.RunPython(normalise_stored_codes(('committees', 'CommunityWorker', 'code')),
                             migrations.RunPython.noop, elidable=True),
    ]
