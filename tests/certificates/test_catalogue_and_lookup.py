"""The catalogue and the lookup: every rule, matching by name, other name, sub-item, pinyin and everyday words."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from certificates import lookup
from certificates.models import CertificateType, LookupTally

pytestmark = pytest.mark.django_db


def names(query: str, district: str = "310101") -> list[str]:
    return [m.certificate.name for m in lookup.lookup(district, query)]


def test_the_national_list_of_20_is_seeded_with_routes_to_be_confirmed(db) -> None:  # noqa: ANN001
    refused = CertificateType.objects.filter(jurisdiction="national", rule="refuse")
    assert refused.count() == 20
    assert all(c.alternative_route and c.handled_by and c.to_be_confirmed for c in refused)
    assert CertificateType.objects.get(name="居民身份信息证明").sub_items == ["户籍证明"]
    assert CertificateType.objects.filter(rule__in=["facts", "deliberation"]).count() >= 2


@pytest.mark.parametrize("query, expected", [
    ("死亡证明", "死亡证明"),            # name
    ("单身证明", "婚姻状况证明"),        # other name
    ("户籍证明", "居民身份信息证明"),    # sub-item
    ("hyzk", "婚姻状况证明"),            # pinyin initials
    ("wufanzui", "无犯罪记录证明"),      # full pinyin
    ("开个死亡证明", "死亡证明"),        # colloquial
    ("我想开一张收入证明", "居民财产证明"),
    ("养狗", "居民养犬证明"),
    ("居住证明", "居住情况证明"),
])
def test_the_lookup_finds_the_type(db, query, expected) -> None:  # noqa: ANN001
    assert names(query)[0] == expected


def test_a_do_not_issue_type_needs_its_route(db) -> None:  # noqa: ANN001
    with pytest.raises(IntegrityError):
        CertificateType.objects.create(name="测试", rule="refuse", jurisdiction="national")


def test_a_district_type_names_its_district_and_a_national_one_none(world) -> None:  # noqa: ANN001
    with pytest.raises(IntegrityError):
        CertificateType.objects.create(name="测试", rule="facts", jurisdiction="district")


def test_a_district_override_replaces_the_national_type_in_that_district_only(world) -> None:  # noqa: ANN001
    national = CertificateType.objects.get(name="居民养犬证明")
    CertificateType.objects.create(name="居民养犬证明", rule="refuse", jurisdiction="district", district=world.huangpu,
                                   overrides=national, alternative_route="到黄浦公安分局治安支队办理犬只登记",
                                   handled_by="黄浦公安分局")
    huangpu = [m.certificate for m in lookup.lookup("310101", "养犬")]
    assert [c.handled_by for c in huangpu] == ["黄浦公安分局"]
    assert [m.certificate.handled_by for m in lookup.lookup("310104", "养犬")] == ["公安机关"]
    with pytest.raises(IntegrityError):
        CertificateType.objects.create(name="又一个", rule="facts", jurisdiction="district", district=world.huangpu,
                                       overrides=national)


def test_committee_staff_see_an_unmistakable_answer_and_it_is_counted(client, world, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    results = client.get(reverse("certificates:lookup"), {"q": "死亡证明"}, headers={"HX-Request": "true"}).content.decode()
    assert "不予出具" in results and "<html" not in results
    death = CertificateType.objects.get(name="死亡证明")
    answer = client.get(reverse("certificates:answer", args=[death.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "不予出具" in answer and death.alternative_route in answer
    client.get(reverse("certificates:answer", args=[death.pk]), headers={"HX-Request": "true"})
    tally = LookupTally.objects.get(committee=world.baoxing, certificate_type=death)
    assert (tally.count, tally.issuable) == (2, False)
    slip = client.get(reverse("certificates:slip", args=[death.pk])).content.decode()
    assert "请到" in slip and "宝兴居委会" in slip
    living = CertificateType.objects.get(name="居住情况证明")
    assert "可以据实出具" in client.get(reverse("certificates:answer", args=[living.pk])).content.decode()
    assert client.get(reverse("certificates:slip", args=[living.pk])).status_code == 403


def test_district_staff_adapt_a_national_type(client, world, district_staff, committee_staff) -> None:  # noqa: ANN001
    national = CertificateType.objects.get(name="无犯罪记录证明")
    client.force_login(district_staff)
    form = client.get(reverse("certificates:type_add"), {"override": national.pk})
    assert form.status_code == 200
    response = client.post(reverse("certificates:type_add") + f"?override={national.pk}", {
        "name": "无犯罪记录证明", "aliases": "良民证\n无犯罪证明", "rule": "refuse",
        "alternative_route": "到黄浦公安分局各派出所或“一网通办”申请", "handled_by": "黄浦公安分局", "is_active": "on"})
    assert response.status_code == 302
    override = CertificateType.objects.get(district=world.huangpu)
    assert override.overrides == national and override.aliases == ["良民证", "无犯罪证明"]
    client.force_login(committee_staff)
    assert "一网通办" in client.get(reverse("certificates:lookup"), {"q": "良民证"}).content.decode() or \
        names("良民证")[0] == "无犯罪记录证明"


def test_the_public_page_lists_what_is_not_issued_without_login(client, db) -> None:  # noqa: ANN001
    page = client.get(reverse("public_certificates"), {"district": "310101"}).content.decode()
    assert "死亡证明" in page and "居住情况证明" not in page
    assert "死亡证明" not in client.get(reverse("public_certificates"), {"q": "犬"}).content.decode()


def test_the_lookup_costs_the_same_queries_however_big_the_catalogue(client, world, committee_staff,
                                                                     django_assert_num_queries) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    client.get(reverse("certificates:lookup"))  # the bell's count is cached from here on
    with django_assert_num_queries(6):  # session, user, the unit names in the header, the catalogue
        assert client.get(reverse("certificates:lookup"), {"q": "死亡"}).status_code == 200
    CertificateType.objects.bulk_create([CertificateType(name=f"区证明{n}", rule="facts", jurisdiction="district",
                                                         district=world.huangpu) for n in range(300)])
    with django_assert_num_queries(6):
        assert client.get(reverse("certificates:lookup"), {"q": "死亡"}).status_code == 200


def test_the_catalogue_exports_and_a_changed_row_imports_as_a_district_override(client, world, district_staff) -> None:  # noqa: ANN001
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(district_staff)
    exported = client.get(reverse("certificates:catalogue_export")).getvalue()
    unchanged = client.post(reverse("certificates:catalogue_import"), {"file": SimpleUploadedFile("c.xlsx", exported)})
    assert unchanged.status_code == 302 and not CertificateType.objects.filter(district=world.huangpu).exists()
    workbook = openpyxl.load_workbook(io.BytesIO(exported))
    sheet = workbook.active
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "居民养犬证明":
            row[6].value = "黄浦公安分局"
    sheet.append(["黄浦区老年人优待证明", "优待证明", "", "可以据实出具", "核对本人身份证和户口簿", "", "", "", "", ""])
    changed = io.BytesIO()
    workbook.save(changed)
    response = client.post(reverse("certificates:catalogue_import"), {"file": SimpleUploadedFile("c.xlsx", changed.getvalue())})
    assert response.status_code == 302
    override = CertificateType.objects.get(district=world.huangpu, name="居民养犬证明")
    assert override.overrides.jurisdiction == "national" and override.handled_by == "黄浦公安分局"
    assert CertificateType.objects.get(district=world.huangpu, name="黄浦区老年人优待证明").rule == "facts"

    sheet.append(["没有途径的不予出具事项", "", "", "不予出具", "", "", "", "", "", ""])
    broken = io.BytesIO()
    workbook.save(broken)
    before = CertificateType.objects.count()
    refused = client.post(reverse("certificates:catalogue_import"), {"file": SimpleUploadedFile("c.xlsx", broken.getvalue())})
    assert refused.status_code == 400 and "替代方式" in refused.content.decode()
    assert CertificateType.objects.count() == before


def test_an_override_set_aside_still_hides_the_national_type_in_its_district(world) -> None:  # noqa: ANN001
    national = CertificateType.objects.get(name="居民养犬证明")
    CertificateType.objects.create(name="居民养犬证明", rule="refuse", jurisdiction="district", district=world.huangpu,
                                   overrides=national, alternative_route="另行通知", is_active=False)
    assert names("养犬") == []
    assert names("养犬", district="310104") == ["居民养犬证明"]


def test_a_type_of_another_district_is_not_found(client, world, committee_staff) -> None:  # noqa: ANN001
    theirs = CertificateType.objects.create(name="徐汇区特有证明", rule="facts", jurisdiction="district", district=world.xuhui)
    client.force_login(committee_staff)
    assert client.get(reverse("certificates:answer", args=[theirs.pk])).status_code == 404


def test_committee_staff_count_an_answer_through_the_api(api, world, committee_staff) -> None:  # noqa: ANN001
    death = CertificateType.objects.get(name="死亡证明")
    api.force_authenticate(committee_staff)
    assert api.post(f"/api/v1/certificate-types/{death.pk}/answered/").status_code == 204
    assert LookupTally.objects.get(certificate_type=death).count == 1
