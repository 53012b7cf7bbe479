"""The API contract on the committees endpoints not covered in test_api.py (issue 11: every viewset runs it)."""

import itertools

import pytest
from django.urls import reverse

from tests.support.contracts import ScopedAPIContract, ScopedReadAPIContract
from tests.support.factories import DistrictFactory, OrgImportFactory, StreetFactory, UserFactory

pytestmark = pytest.mark.django_db
_district_codes = (f"3199{n:02d}" for n in itertools.count())


class TestDistrictApi(ScopedReadAPIContract):
    """Districts are reference data: read by the hierarchy, their settings changed by their own staff (PATCH)."""

    basename = "committees-api:district"
    key_field = "code"
    lister = "other_district_staff"
    visible_to_lister = ("xuhui_committee",)
    counter = "city_staff"

    @pytest.fixture
    def rows(self, world):  # noqa: ANN001, ANN201
        return {"baoxing": world.huangpu, "hankou": world.huangpu, "yunnan": world.huangpu, "xuhui_committee": world.xuhui}

    def make_row(self, committee):  # noqa: ANN001, ANN201
        return DistrictFactory(code=next(_district_codes))  # a district of its own, which only the city sees

    def row_key(self, row) -> str:  # noqa: ANN001
        return row.code

    def test_its_staff_change_their_own_district_only(self, api, rows, personas, world) -> None:  # noqa: ANN001
        url = reverse("committees-api:district-detail", args=[world.huangpu.code])
        api.force_authenticate(personas["district_staff"])
        assert api.patch(url, {"merge_threshold": 450}, format="json").status_code == 200
        world.huangpu.refresh_from_db()
        assert world.huangpu.merge_threshold == 450
        other = reverse("committees-api:district-detail", args=[world.xuhui.code])
        assert api.patch(other, {"merge_threshold": 450}, format="json").status_code == 404
        api.force_authenticate(personas["street_officer"])
        assert api.patch(url, {"merge_threshold": 400}, format="json").status_code == 403
        assert api.post(reverse("committees-api:district-list"), {"code": "319999", "name": "新区"},
                        format="json").status_code == 405


class TestStreetApi(ScopedAPIContract):
    basename = "committees-api:street"
    key_field = "code"
    writer = "district_staff"
    reader_without_write = "street_officer"
    outside = "xuhui_committee"

    @pytest.fixture
    def rows(self, world):  # noqa: ANN001, ANN201
        return {name: getattr(world, name).street for name in ("baoxing", "hankou", "yunnan", "xuhui_committee")}

    def make_row(self, committee):  # noqa: ANN001, ANN201
        return StreetFactory(district=committee.street.district)

    def row_key(self, row) -> str:  # noqa: ANN001
        return row.code

    def create_payload(self, world) -> dict:  # noqa: ANN001
        return {"code": "310101098", "district": world.huangpu.code, "name": "新设街道", "kind": "street"}

    def update_payload(self, row) -> dict:  # noqa: ANN001
        return {"name": f"{row.name}（更名）"}

    def move_payload(self, world) -> dict:  # noqa: ANN001
        return {"district": world.xuhui.code}


class TestOrgImportApi(ScopedReadAPIContract):
    """Read side only: uploading is a multipart domain action with tests of its own (test_import_api.py)."""

    basename = "committees-api:orgimport"

    def make_row(self, committee):  # noqa: ANN001, ANN201
        officer = UserFactory(role="street", street=committee.street)
        return OrgImportFactory(district=committee.street.district, street=committee.street, actor=officer)
