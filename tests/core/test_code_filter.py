"""A filter generated from a model's CodeField reads its value canonically, like the declared code filters, and
every filterset of the portal derives from portal.core.filters.FilterSet, which makes it so."""

import django_filters
import pytest
from django.apps import apps
from django.conf import settings

from committees.models import CommunityWorker
from portal.core.filters import FilterSet, NormalisedCharFilter
from tests.support import factories as f


class _WorkerCodes(FilterSet):
    class Meta:
        model = CommunityWorker
        fields = ["code"]


def test_a_generated_filter_on_a_code_field_normalises() -> None:
    assert isinstance(_WorkerCodes.base_filters["code"], NormalisedCharFilter)


@pytest.mark.django_db
def test_a_full_width_code_finds_the_worker() -> None:
    worker = f.CommunityWorkerFactory(code="WT-02")
    f.CommunityWorkerFactory(code="WT-03")
    found = _WorkerCodes({"code": "ＷＴ－０２\u200b"}, queryset=CommunityWorker.objects.order_by("pk")).qs
    assert list(found) == [worker]


def test_every_filterset_of_the_portal_derives_from_ours() -> None:
    import certificates.filtersets, committees.filtersets, portal.indicators.filtersets  # noqa: E401, F401, I001
    import portal.workdays.filtersets, tasks_registry.filtersets  # noqa: E401, F401, I001

    ours = {config.name for config in apps.get_app_configs()
            if config.path.startswith(str(settings.BASE_DIR)) and "site-packages" not in config.path}
    found, stack = [], [django_filters.FilterSet]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            if any(sub.__module__.startswith(name + ".") for name in ours):
                found.append(sub)
    assert len(found) > 20
    assert [sub for sub in found if not issubclass(sub, FilterSet)] == []
