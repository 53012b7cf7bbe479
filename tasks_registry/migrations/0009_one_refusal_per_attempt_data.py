"""One refused attempt, one record (issue 15): the rows written one per committee become one attempt each.

The old rows of one attempt share who attempted it, the item, the task, the year and the reason, and were written
within the same moment (one bulk insert: their times differ by microseconds). Each group keeps its first row as
the attempt and names every row's committee in it; the other rows are removed. A reason stays the attempt's
(an old reason naming its committee only ever grouped rows of that one committee).
"""

import datetime

from django.db import migrations

SAME_MOMENT = datetime.timedelta(seconds=2)


def one_row_per_attempt(apps, schema_editor):  # noqa: ANN001, ANN201
    refused = apps.get_model("tasks_registry", "RefusedDispatch")
    entry = apps.get_model("tasks_registry", "RefusedDispatchCommittee")
    groups: dict[tuple, list] = {}
    attempts: list[list] = []
    rows = refused.objects.order_by("attempted_by_id", "item_id", "title", "year", "reason", "attempted_at", "id")
    for row in rows.iterator():
        key = (row.attempted_by_id, row.item_id, row.title, row.year, row.reason)
        current = groups.get(key)
        if current is None or row.attempted_at - current[0].attempted_at > SAME_MOMENT:
            current = groups[key] = [row]
            attempts.append(current)
        else:
            current.append(row)
    extra: list[int] = []
    for group in attempts:
        first = group[0]
        seen = set()
        for row in group:
            if row.committee_id is not None and row.committee_id not in seen:
                seen.add(row.committee_id)
                entry.objects.create(refusal_id=first.pk, committee_id=row.committee_id)
        extra += [row.pk for row in group[1:]]
    refused.objects.filter(pk__in=extra).delete()


def one_row_per_committee(apps, schema_editor):  # noqa: ANN001, ANN201
    """Backwards: each committee of an attempt its own row again, at the attempt's moment. An attempt naming no
    committee (none can be made, but a row could be written by hand) has no place in one-row-per-committee, whose
    committee is required again: it is removed, or rolling 0008 back would fail on it."""
    refused = apps.get_model("tasks_registry", "RefusedDispatch")
    entry = apps.get_model("tasks_registry", "RefusedDispatchCommittee")
    empty: list[int] = []
    for attempt in refused.objects.order_by("id").iterator():
        committees = list(entry.objects.filter(refusal_id=attempt.pk).order_by("committee_id")
                          .values_list("committee_id", "reason"))
        if not committees:
            empty.append(attempt.pk)
            continue
        (first, first_reason), rest = committees[0], committees[1:]
        for committee, reason in rest:
            made = refused.objects.create(committee_id=committee, item_id=attempt.item_id, title=attempt.title,
                                          year=attempt.year, starts_on=attempt.starts_on, due_on=attempt.due_on,
                                          reason=" ".join(filter(None, [attempt.reason, reason])),
                                          attempted_by_id=attempt.attempted_by_id)
            # attempted_at is auto_now_add, which create() overrides: the attempt's moment is set after.
            refused.objects.filter(pk=made.pk).update(attempted_at=attempt.attempted_at)
        attempt.committee_id = first
        attempt.reason = " ".join(filter(None, [attempt.reason, first_reason]))
        attempt.save(update_fields=["committee", "reason"])
    refused.objects.filter(pk__in=empty).delete()
    entry.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("tasks_registry", "0008_dispatch_receipt_and_one_refusal_per_attempt"),
    ]

    operations = [migrations.RunPython(one_row_per_attempt, one_row_per_committee)]
