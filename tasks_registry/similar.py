"""While an applicant types a title: list items and open requests that look alike, so a task already
admitted is reused, not applied for twice. PostgreSQL: pg_trgm similarity (it works on Chinese text in a
UTF-8 database); SQLite (the embedded default): any two consecutive characters of the title in common.
"""

from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Q, QuerySet

from tasks_registry.models import AdmissionRequest, TaskItem, TaskList

LIMIT = 5
THRESHOLD = 0.15


def _like(queryset: QuerySet, title: str) -> QuerySet:
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        return (queryset.annotate(similarity=TrigramSimilarity("title", title)).filter(similarity__gte=THRESHOLD)
                .order_by("-similarity"))
    pairs = {title[i:i + 2] for i in range(len(title) - 1)} or {title}
    return queryset.filter(reduce(or_, (Q(title__icontains=pair) for pair in pairs)))


def similar(user, title: str, *, exclude_request: int | None = None) -> dict[str, list]:  # noqa: ANN001
    title = title.strip()
    if len(title) < 2:
        return {"items": [], "requests": []}
    items = _like(TaskItem.objects.restrict(user).filter(task_list__status=TaskList.Status.PUBLISHED,
                                                          exited_at__isnull=True), title)
    requests = _like(AdmissionRequest.objects.restrict(user).filter(status__in=AdmissionRequest.OPEN), title)
    if exclude_request:
        requests = requests.exclude(pk=exclude_request)
    return {"items": list(items.select_related("task_list__district")[:LIMIT]), "requests": list(requests[:LIMIT])}
