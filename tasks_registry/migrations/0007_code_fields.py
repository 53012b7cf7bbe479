# Issue 14 review: item numbers are CodeFields (every form, admin form and serializer built from the model reads
# them in their canonical form), and those stored before the normaliser are normalised: `Ａ-０１` is `A-01`, unless
# another item of the same list already reads so (both are left and reported: `manage.py check_codes`).

from django.db import migrations

import portal.core.fields
from portal.core.codes import normalise_stored_codes


class Migration(migrations.Migration):

    dependencies = [
        ('tasks_registry', '0006_hours_not_negative'),
    ]

    operations = [
        migrations.AlterField(
            model_name='taskitem',
            name='code',
            field=portal.core.fields.CodeField(max_length=20, verbose_name='item number'),
        ),
        migrations.RunPython(normalise_stored_codes(('tasks_registry', 'TaskItem', 'code')),
                             migrations.RunPython.noop, elidable=True),
    ]
