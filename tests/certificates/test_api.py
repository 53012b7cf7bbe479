"""The certificates API: lookup, register (refusal with the route), void, seal uses, statistics; scoped like the
pages, transitions through restrict()'s named actions."""

import pytest
from django.utils import timezone
from guardian.shortcuts import assign_perm

from certificates.models import CertificateType, LookupTally, Registration
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"


def _payload(**fields) -> dict:  # noqa: ANN003
    return {"certificate_type": CertificateType.objects.get(name="居住情况证明").pk, "applicant_name": "王芳",
            "id_number": ID, "purpose": "入学", "facts": "居住", "verification": "走访", **fields}


@pytest.fixture
def hankou_staff(world):  # noqa: ANN001, ANN201
    return UserFactory(username="hankou", role="committee", district=world.huangpu, street=world.waitan,
                       committee=world.hankou)


def test_lookup_register_void_and_statistics_through_the_api(api, world, committee_staff, street_officer) -> None:  # noqa: ANN001
    api.force_authenticate(committee_staff)
    found = api.get("/api/v1/certificate-lookup/", {"q": "hyzk"}).data
    assert found[0]["certificate"]["name"] == "婚姻状况证明" and found[0]["certificate"]["issuable"] is False
    refused = api.post("/api/v1/registrations/", _payload(
        certificate_type=CertificateType.objects.get(name="死亡证明").pk, applicant_name="王"), format="json")
    assert refused.status_code == 400 and refused.data["code"] == "do_not_issue" and "居民死亡医学证明" in refused.data["message"]
    created = api.post("/api/v1/registrations/", _payload(), format="json")
    assert created.status_code == 201 and created.data["id_masked"] == "110***********002X" and "id_number" not in created.data
    assert created.data["committee"] == world.baoxing.code
    assert api.post(f"/api/v1/registrations/{created.data['id']}/void/", {}, format="json").status_code == 400
    voided = api.post(f"/api/v1/registrations/{created.data['id']}/void/", {"reason": "填错"}, format="json")
    assert voided.data["void_reason"] == "填错"
    statistics = api.get("/api/v1/registrations/statistics/").data
    assert statistics["totals"] == {"issued": 1, "voided": 1, "turned_away": 0}
    assert statistics["year"] == timezone.localdate().year
    for odd in ("99999999", "²", "1948", "\x00"):
        assert api.get("/api/v1/registrations/statistics/", {"year": odd}).status_code == 400, odd
    seal = api.get("/api/v1/seal-uses/").data["results"]
    assert seal[0]["item"] == "certificate"

    api.force_authenticate(street_officer)
    assert api.get("/api/v1/registrations/").data["count"] == 1
    assert api.post("/api/v1/registrations/", {}, format="json").status_code == 403
    assert api.post(f"/api/v1/registrations/{created.data['id']}/void/", {"reason": "x"}, format="json").status_code == 403


def test_a_second_void_is_404(api, world, committee_staff) -> None:  # noqa: ANN001
    api.force_authenticate(committee_staff)
    created = api.post("/api/v1/registrations/", _payload(), format="json").data
    assert api.post(f"/api/v1/registrations/{created['id']}/void/", {"reason": "填错"}, format="json").status_code == 200
    assert api.post(f"/api/v1/registrations/{created['id']}/void/", {"reason": "又错"}, format="json").status_code == 404
    assert Registration.objects.get().void_reason == "填错"


def test_another_committee_sees_nothing_of_this_register(api, world, committee_staff, hankou_staff) -> None:  # noqa: ANN001
    api.force_authenticate(committee_staff)
    created = api.post("/api/v1/registrations/", _payload(), format="json").data
    api.force_authenticate(hankou_staff)
    assert api.get("/api/v1/registrations/").data["count"] == 0
    assert api.get("/api/v1/seal-uses/").data["count"] == 0
    assert api.get(f"/api/v1/registrations/{created['id']}/").status_code == 404
    assert api.post(f"/api/v1/registrations/{created['id']}/void/", {"reason": "x"}, format="json").status_code == 404
    assert Registration.objects.get().voided_at is None


def test_a_read_write_grant_reads_another_committees_register_but_never_writes_it(
        api, world, committee_staff, hankou_staff) -> None:  # noqa: ANN001
    api.force_authenticate(hankou_staff)
    theirs = api.post("/api/v1/registrations/", _payload(), format="json").data
    assign_perm("committees.change_committee", committee_staff, world.hankou)
    api.force_authenticate(committee_staff)
    assert api.get(f"/api/v1/registrations/{theirs['id']}/").status_code == 200
    assert [r["id"] for r in api.get("/api/v1/registrations/", {"committee": world.hankou.code}).data["results"]] == \
        [theirs["id"]]
    assert api.post(f"/api/v1/registrations/{theirs['id']}/void/", {"reason": "x"}, format="json").status_code == 404
    assert api.post("/api/v1/registrations/", _payload(committee=world.hankou.code), format="json").status_code == 404
    assert api.post("/api/v1/seal-uses/", {"committee": world.hankou.code, "item": "notice", "content": "停水通知",
                                           "copies": 1, "approver": "李主任"}, format="json").status_code == 404
    assert Registration.objects.filter(committee=world.hankou).count() == 1
    assert Registration.objects.get(pk=theirs["id"]).voided_at is None
    # Their own committee, named or not, is still theirs to register for.
    assert api.post("/api/v1/registrations/", _payload(committee=world.baoxing.code), format="json").status_code == 201


def test_seal_uses_through_the_api(api, world, committee_staff, street_officer) -> None:  # noqa: ANN001
    api.force_authenticate(committee_staff)
    created = api.post("/api/v1/seal-uses/", {"item": "notice", "content": "停水通知", "copies": 2, "approver": "李主任",
                                              "applicant_phone": "13812345678"}, format="json")
    assert created.status_code == 201 and created.data["applicant_phone"] == "138****5678"
    refused = api.post("/api/v1/seal-uses/", {"item": "certificate", "content": "c", "copies": 1, "approver": "a"},
                       format="json")
    assert refused.status_code == 400 and refused.data["code"] == "seal_item"
    assert api.get("/api/v1/seal-uses/", {"item": "notice"}).data["count"] == 1
    api.force_authenticate(street_officer)
    assert api.post("/api/v1/seal-uses/", {"item": "notice", "content": "c", "copies": 1, "approver": "a"},
                    format="json").status_code == 403


def test_committee_staff_count_an_answer_through_the_api(api, world, committee_staff, district_staff) -> None:  # noqa: ANN001
    death = CertificateType.objects.get(name="死亡证明")
    api.force_authenticate(committee_staff)
    assert api.post(f"/api/v1/certificate-types/{death.pk}/answered/").status_code == 204
    assert LookupTally.objects.get(certificate_type=death).count == 1
    theirs = CertificateType.objects.create(name="徐汇区特有证明", rule="facts", jurisdiction="district", district=world.xuhui)
    assert api.post(f"/api/v1/certificate-types/{theirs.pk}/answered/").status_code == 404
    assert api.post("/api/v1/certificate-types/abc/answered/").status_code == 404
    api.force_authenticate(district_staff)  # reading, not answering a resident: nothing counted
    assert api.post(f"/api/v1/certificate-types/{death.pk}/answered/").status_code == 204
    assert LookupTally.objects.get(certificate_type=death).count == 1


def test_odd_input_is_answered_never_a_500(api, world, committee_staff) -> None:  # noqa: ANN001
    api.force_authenticate(committee_staff)
    assert api.get("/api/v1/certificate-lookup/", {"q": "x" * 500}).status_code == 400
    assert api.get("/api/v1/registrations/", {"year": "99999999999"}).status_code in (200, 400)
    assert api.get("/api/v1/registrations/", {"certificate_type": "1e400"}).status_code in (200, 400)
    assert api.post("/api/v1/registrations/", _payload(certificate_type=10**30), format="json").status_code == 400
    assert api.post("/api/v1/registrations/", _payload(committee="x" * 40), format="json").status_code == 400


def test_department_staff_are_refused_the_certificates_api(api, world, department_staff, committee_staff) -> None:  # noqa: ANN001
    api.force_authenticate(committee_staff)
    created = api.post("/api/v1/registrations/", _payload(), format="json").data
    death = CertificateType.objects.get(name="死亡证明")
    api.force_authenticate(department_staff)
    for url in ("/api/v1/certificate-lookup/", "/api/v1/certificate-types/", f"/api/v1/certificate-types/{death.pk}/",
                "/api/v1/registrations/", f"/api/v1/registrations/{created['id']}/", "/api/v1/registrations/statistics/",
                "/api/v1/seal-uses/"):
        assert api.get(url).status_code == 403, url
    assert api.post("/api/v1/registrations/", _payload(), format="json").status_code == 403
    assert api.post(f"/api/v1/registrations/{created['id']}/void/", {"reason": "x"}, format="json").status_code == 403
    assert api.post("/api/v1/seal-uses/", {"item": "notice", "content": "c", "copies": 1, "approver": "a"},
                    format="json").status_code == 403
    assert api.post(f"/api/v1/certificate-types/{death.pk}/answered/").status_code == 403
    assert Registration.objects.get().voided_at is None and not LookupTally.objects.exists()


def test_a_superuser_names_the_committee_to_register_for(api, world, superuser) -> None:  # noqa: ANN001
    api.force_authenticate(superuser)
    unnamed = api.post("/api/v1/registrations/", _payload(), format="json")
    assert unnamed.status_code == 400 and "committee" in unnamed.data
    named = api.post("/api/v1/registrations/", _payload(committee=world.hankou.code), format="json")
    assert named.status_code == 201 and named.data["committee"] == world.hankou.code
