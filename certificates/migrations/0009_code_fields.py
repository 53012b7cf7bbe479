# Issue 14 review: the seal register's phone numbers are CodeFields (read in their canonical form wherever a form or
# serializer is built from the model), and those stored before the normaliser are normalised (`１３８…` is `138…`).
# So are the masked ID numbers: before issue 14 an ID number typed with full-width digits was accepted as typed,
# and its mask kept them (`１１０***…`). Neither column is unique: nothing can collide. (The hash of such a number
# cannot be recomputed: the number is not kept.)

from django.db import migrations

import portal.core.fields
from portal.core.codes import normalise_stored_codes


class Migration(migrations.Migration):

    dependencies = [
        ('certificates', '0008_labels_and_name_checks'),
    ]

    operations = [
        migrations.AlterField(
            model_name='sealuse',
            name='applicant_phone',
            field=portal.core.fields.CodeField(blank=True, max_length=20, verbose_name="applicant's phone"),
        ),
        migrations.RunPython(normalise_stored_codes(('certificates', 'SealUse', 'applicant_phone'),
                                                    ('certificates', 'Registration', 'id_masked')),
                             migrations.RunPython.noop, elidable=True),
    ]
