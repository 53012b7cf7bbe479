import datetime
import itertools

import pytest
from django.urls import reverse

from tests.support.contracts import ScopedAPIContract
from tests.support.factories import (
    CommitteeFactory,
    CommitteeYearFactory,
    CommunityFundFactory,
    CommunityWorkerFactory,
    QualificationFactory,
)

pytestmark = pytest.mark.django_db
_years = itertools.count(1990)


class TestCommitteeYearApi(ScopedAPIContract):
    basename = "committees-api:committeeyear"
    key_field = "committee"

    def make_row(self, committee):  # noqa: ANN001, ANN201
        return CommitteeYearFactory(committee=committee, year=next(_years))

    def row_key(self, row) -> str:  # noqa: ANN001
        return row.committee_id

    def create_payload(self, world) -> dict:  # noqa: ANN001
        return {"committee": world.baoxing.code, "year": 2026, "households": 1800, "resident_households": 1700,
                "office_area_m2": "150.50", "elder_area_m2": "100", "work_fund_yuan": "100000"}

    def update_payload(self, row) -> dict:  # noqa: ANN001
        return {"households": row.households + 1}

    def move_payload(self, world) -> dict:  # noqa: ANN001
        return {"committee": world.yunnan.code}

    def test_duplicate_year_is_refused_in_chinese(self, api, rows, personas, world) -> None:  # noqa: ANN001
        api.force_authenticate(personas["street_officer"])
        payload = {**self.create_payload(world), "year": rows["baoxing"].year}
        response = api.post(self.list_url(), payload, format="json")
        assert response.status_code == 400
        assert "已" in str(response.json())  # "该居委会已有该年度的数据" or similar, never English

    def test_negative_households_are_refused(self, api, rows, personas, world) -> None:  # noqa: ANN001
        api.force_authenticate(personas["street_officer"])
        response = api.post(self.list_url(), {**self.create_payload(world), "households": -5}, format="json")
        assert response.status_code == 400
        assert "households" in response.json()


class TestCommunityWorkerApi(ScopedAPIContract):
    basename = "committees-api:communityworker"
    key_field = "committee"

    def make_row(self, committee):  # noqa: ANN001, ANN201
        worker = CommunityWorkerFactory(committee=committee)
        QualificationFactory(worker=worker)
        return worker

    def row_key(self, row) -> str:  # noqa: ANN001
        return row.committee_id

    def create_payload(self, world) -> dict:  # noqa: ANN001
        return {"code": "NEW-001", "committee": world.baoxing.code, "name": "李四", "position": "社工", "hired_on": "2024-01-02"}

    def update_payload(self, row) -> dict:  # noqa: ANN001
        return {"position": "副主任"}

    def move_payload(self, world) -> dict:  # noqa: ANN001
        return {"committee": world.yunnan.code}

    def test_left_before_hired_is_refused(self, api, rows, personas) -> None:  # noqa: ANN001
        api.force_authenticate(personas["street_officer"])
        response = api.patch(self.detail_url(rows["baoxing"]), {"left_on": "2000-01-01"}, format="json")
        assert response.status_code == 400


class TestQualificationApi(ScopedAPIContract):
    basename = "committees-api:qualification"
    key_field = "worker"

    def make_row(self, committee):  # noqa: ANN001, ANN201
        return QualificationFactory(worker=CommunityWorkerFactory(committee=committee))

    def row_key(self, row) -> str:  # noqa: ANN001
        return str(row.worker_id)

    def create_payload(self, world) -> dict:  # noqa: ANN001
        worker = CommunityWorkerFactory(committee=world.baoxing)
        return {"worker": worker.pk, "level": "senior", "obtained_on": "2025-05-01"}

    def update_payload(self, row) -> dict:  # noqa: ANN001
        return {"obtained_on": "2023-01-01"}

    def move_payload(self, world) -> dict:  # noqa: ANN001
        return {"worker": CommunityWorkerFactory(committee=world.yunnan).pk}


class TestCommunityFundApi(ScopedAPIContract):
    basename = "committees-api:communityfund"
    key_field = "street"

    def make_row(self, committee):  # noqa: ANN001, ANN201
        return CommunityFundFactory(street=committee.street)

    def row_key(self, row) -> str:  # noqa: ANN001
        return row.street_id

    def create_payload(self, world) -> dict:  # noqa: ANN001
        return {"street": world.waitan.code, "name": "外滩社区基金会", "kind": "foundation", "established_on": "2021-01-01"}

    def update_payload(self, row) -> dict:  # noqa: ANN001
        return {"established_on": "2019-01-01"}

    def move_payload(self, world) -> dict:  # noqa: ANN001
        return {"street": world.nanjing.code}


class TestCommitteeApi(ScopedAPIContract):
    basename = "committees-api:committee"
    key_field = "code"
    writer = "district_staff"
    reader_without_write = "street_officer"
    outside = "xuhui_committee"

    @pytest.fixture
    def rows(self, world):  # noqa: ANN001, ANN201
        return {name: getattr(world, name) for name in ("baoxing", "hankou", "yunnan", "xuhui_committee")}

    def make_row(self, committee):  # noqa: ANN001, ANN201
        return CommitteeFactory(street=committee.street)

    def row_key(self, row) -> str:  # noqa: ANN001
        return row.code

    def test_list_shows_only_own_scope(self, api, rows, personas) -> None:  # noqa: ANN001
        api.force_authenticate(personas["outsider"])
        codes = {item["code"] for item in api.get(self.list_url()).json()["results"]}
        assert codes == {"310101002001"}

    def create_payload(self, world) -> dict:  # noqa: ANN001
        return {"code": "310101013099", "street": world.waitan.code, "name": "新建居委会", "kind": "residents"}

    def update_payload(self, row) -> dict:  # noqa: ANN001
        return {"transition": True}

    def move_payload(self, world) -> dict:  # noqa: ANN001
        return {"street": world.xuhui_street.code}

    def test_code_not_matching_street_is_refused(self, api, personas, world) -> None:  # noqa: ANN001
        api.force_authenticate(personas["district_staff"])
        payload = {**self.create_payload(world), "code": "310101002099"}
        assert api.post(self.list_url(), payload, format="json").status_code == 400


def test_street_officer_cannot_edit_committee_master_data(api, personas, world) -> None:  # noqa: ANN001
    api.force_authenticate(personas["street_officer"])
    url = reverse("committees-api:committee-detail", args=[world.baoxing.code])
    assert api.get(url).status_code == 200
    assert api.patch(url, {"name": "改名"}, format="json").status_code == 403


def test_districts_endpoint_is_scoped(api, personas) -> None:  # noqa: ANN001
    api.force_authenticate(personas["street_officer"])
    codes = [d["code"] for d in api.get(reverse("committees-api:district-list")).json()["results"]]
    assert codes == ["310101"]
    assert api.get(reverse("committees-api:district-detail", args=["310104"])).status_code == 404


def test_api_writes_are_audited(api, personas, world) -> None:  # noqa: ANN001
    from portal.core.models import AuditEntry

    api.force_authenticate(personas["street_officer"])
    record = CommitteeYearFactory(committee=world.baoxing, year=2020, households=1000)
    response = api.patch(reverse("committees-api:committeeyear-detail", args=[record.pk]), {"households": 1200}, format="json")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(object_type="committees.committeeyear", object_id=str(record.pk))
    assert entry.actor == personas["street_officer"] and entry.source == "api"
    assert entry.before["households"] == 1000 and entry.after["households"] == 1200


def test_workers_filter_by_employment_date(api, personas, world) -> None:  # noqa: ANN001
    CommunityWorkerFactory(committee=world.baoxing, code="IN", hired_on=datetime.date(2020, 1, 1))
    CommunityWorkerFactory(committee=world.baoxing, code="OUT", hired_on=datetime.date(2020, 1, 1),
                           left_on=datetime.date(2024, 1, 1))
    api.force_authenticate(personas["committee_staff"])
    response = api.get(reverse("committees-api:communityworker-list"), {"employed_on": "2025-12-31"})
    assert [w["code"] for w in response.json()["results"]] == ["IN"]


def test_schema_and_offline_swagger_are_served(client, personas) -> None:  # noqa: ANN001
    assert client.get(reverse("api-schema")).status_code in (401, 403)
    assert client.get(reverse("api-docs")).status_code in (302, 401, 403)
    client.force_login(personas["street_officer"])
    assert client.get(reverse("api-schema")).status_code == 200
    page = client.get(reverse("api-docs"))
    assert page.status_code == 200
    assert b"drf_spectacular_sidecar" in page.content  # served from our static files, no CDN


def test_a_code_cannot_be_changed_through_the_api(api, personas, world) -> None:  # noqa: ANN001
    from committees.models import Committee

    api.force_authenticate(personas["district_staff"])
    url = reverse("committees-api:committee-detail", args=[world.baoxing.code])
    response = api.patch(url, {"code": "310101013199", "name": "宝兴居委会"}, format="json")
    assert response.status_code == 200 and response.json()["code"] == world.baoxing.code
    assert not Committee.objects.filter(code="310101013199").exists()


def test_filters_do_not_reveal_what_lies_outside_the_scope(api, personas, world) -> None:  # noqa: ANN001
    CommitteeYearFactory(committee=world.yunnan, year=2025)
    api.force_authenticate(personas["committee_staff"])
    url = reverse("committees-api:committeeyear-list")
    outside = api.get(url, {"committee": world.yunnan.code})
    missing = api.get(url, {"committee": "310101099099"})
    assert outside.status_code == missing.status_code == 200
    assert outside.json()["results"] == missing.json()["results"] == []
    form = api.get(url, HTTP_ACCEPT="text/html").content.decode()
    assert "云南中路" not in form  # the browsable API's filter form lists no committees
