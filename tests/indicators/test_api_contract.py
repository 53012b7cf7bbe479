"""The API contract on the indicators endpoints (issue 11: every viewset runs it)."""

import pytest
from django.urls import reverse

from tests.support.contracts import ROW_NAMES, ScopedAPIContract, ScopedReadAPIContract
from tests.support.factories import ComputationRunFactory, ResultFactory, TargetFactory

pytestmark = pytest.mark.django_db


class TestResultApi(ScopedReadAPIContract):
    """List only: a unit's results are read by code, never by a row's key."""

    basename = "indicators-api:result"
    key_field = "code"

    def make_row(self, committee):  # noqa: ANN001, ANN201
        return ResultFactory(committee=committee)

    def row_key(self, row) -> str:  # noqa: ANN001
        return row.code


class TestTargetApi(ScopedAPIContract):
    """District staff set their district's targets; everyone reading the dashboards reads them."""

    basename = "indicators-api:target"
    writer = "district_staff"
    reader_without_write = "street_officer"
    outside = "xuhui_committee"
    lister = "other_district_staff"
    visible_to_lister = ("xuhui_committee",)
    seeded_rows_listed = True  # the documents' targets (DOMAIN "Targets from the documents")

    def make_row(self, committee):  # noqa: ANN001, ANN201
        return TargetFactory(district=committee.street.district)

    def create_payload(self, world) -> dict:  # noqa: ANN001
        return {"district": world.huangpu.code, "indicator": "sw_senior_count", "year_from": 2031, "year_to": 2031,
                "comparison": "ge", "value": "2"}

    def update_payload(self, row) -> dict:  # noqa: ANN001
        return {"value": "0.6"}

    def move_payload(self, world) -> dict:  # noqa: ANN001
        return {"district": world.xuhui.code}


class TestComputationRunApi(ScopedReadAPIContract):
    """Runs compute every unit of the city at once: every reader of the dashboards sees every run."""

    basename = "indicators-api:computationrun"
    visible_to_lister = ROW_NAMES
    hidden_from_lister = None

    def make_row(self, committee):  # noqa: ANN001, ANN201
        return ComputationRunFactory()

    def test_a_role_without_the_dashboards_is_403(self, api, rows, personas) -> None:  # noqa: ANN001
        api.force_authenticate(personas["department_staff"])
        assert api.get(self.list_url()).status_code == 403
        assert api.get(reverse(f"{self.basename}-detail", args=[rows["baoxing"].pk])).status_code == 403
