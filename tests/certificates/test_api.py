"""The certificates API: lookup, register (refusal with the route), void, seal uses, statistics; scoped."""

import pytest

from certificates.models import CertificateType

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"


def test_lookup_register_void_and_statistics_through_the_api(api, world, committee_staff, street_officer) -> None:  # noqa: ANN001
    api.force_authenticate(committee_staff)
    found = api.get("/api/v1/certificate-lookup/", {"q": "hyzk"}).data
    assert found[0]["certificate"]["name"] == "婚姻状况证明" and found[0]["certificate"]["issuable"] is False
    refused = api.post("/api/v1/registrations/", {
        "certificate_type": CertificateType.objects.get(name="死亡证明").pk, "applicant_name": "王", "id_number": ID,
        "purpose": "p", "facts": "f", "verification": "v"}, format="json")
    assert refused.status_code == 400 and refused.data["code"] == "do_not_issue" and "居民死亡医学证明" in refused.data["message"]
    created = api.post("/api/v1/registrations/", {
        "certificate_type": CertificateType.objects.get(name="居住情况证明").pk, "applicant_name": "王芳", "id_number": ID,
        "purpose": "入学", "facts": "居住", "verification": "走访"}, format="json")
    assert created.status_code == 201 and created.data["id_masked"] == "110***********002X" and "id_number" not in created.data
    voided = api.post(f"/api/v1/registrations/{created.data['id']}/void/", {"reason": "填错"}, format="json")
    assert voided.data["void_reason"] == "填错"
    assert api.get("/api/v1/registrations/statistics/").data["totals"] == {"issued": 1, "voided": 1, "turned_away": 0}
    seal = api.get("/api/v1/seal-uses/").data["results"]
    assert seal[0]["item"] == "certificate"

    api.force_authenticate(street_officer)
    assert api.get("/api/v1/registrations/").data["count"] == 1
    assert api.post("/api/v1/registrations/", {}, format="json").status_code == 403


def test_another_committee_sees_nothing_of_this_register(api, world, committee_staff) -> None:  # noqa: ANN001
    from tests.support.factories import UserFactory

    api.force_authenticate(committee_staff)
    api.post("/api/v1/registrations/", {
        "certificate_type": CertificateType.objects.get(name="居住情况证明").pk, "applicant_name": "王芳", "id_number": ID,
        "purpose": "入学", "facts": "居住", "verification": "走访"}, format="json")
    other = UserFactory(username="hankou", role="committee", district=world.huangpu, street=world.waitan,
                        committee=world.hankou)
    api.force_authenticate(other)
    assert api.get("/api/v1/registrations/").data["count"] == 0
    assert api.get("/api/v1/seal-uses/").data["count"] == 0
