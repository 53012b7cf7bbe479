"""A filter generated from a model's CodeField reads its value canonically, like the declared code filters."""

import django_filters
import pytest

from committees.models import CommunityWorker
from portal.core.filters import NormalisedCharFilter
from tests.support import factories as f


class _WorkerCodes(django_filters.FilterSet):
    class Meta:
        model = CommunityWorker
        fields = ["code"]


def test_a_generated_filter_on_a_code_field_normalises() -> None:
    assert isinstance(_WorkerCodes.base_filters["code"], NormalisedCharFilter)


@pytest.mark.django_db
def test_a_full_width_code_finds_the_worker() -> None:
    worker = f.CommunityWorkerFactory(code="WT-02")
    found = _WorkerCodes({"code": "ＷＴ－０２\u200b"}, queryset=CommunityWorker.objects.all()).qs
    assert list(found) == [worker]
