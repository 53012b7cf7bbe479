"""The register pages: registering from the lookup, the print view, voids, the seal register, statistics, scope."""

import pytest
from django.urls import reverse

from certificates import register
from certificates.models import CertificateType, LookupTally, Registration
from certificates.services import count_answer

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"


def _post(client, **fields):  # noqa: ANN001, ANN003, ANN202
    living = CertificateType.objects.get(name="居住情况证明")
    data = {"certificate_type": living.pk, "applicant_name": "王芳", "id_number": ID, "purpose": "办理入学",
            "facts": "自2019年起居住于本居民区", "verification": "入户走访", "seal_used": "on", "approver": "李主任", **fields}
    return client.post(reverse("certificates:register_new"), data)


def test_committee_staff_register_print_and_void(client, world, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    response = _post(client)
    registration = Registration.objects.get()
    assert response.url == reverse("certificates:register_detail", args=[registration.pk])
    printed = client.get(reverse("certificates:register_print", args=[registration.pk])).content.decode()
    assert f"{world.baoxing.code}-{registration.number}" in printed and "110***********002X" in printed and ID not in printed
    client.post(reverse("certificates:register_detail", args=[registration.pk]), {"reason": "用途写错"})
    registration.refresh_from_db()
    assert registration.voided_at and registration.void_reason == "用途写错"
    listing = client.get(reverse("certificates:register")).content.decode()
    assert registration.number in listing and "已作废" in listing


def test_a_wrong_id_number_is_refused_on_the_form(client, world, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    response = _post(client, id_number="110105194912310021")
    assert response.status_code == 200 and "不是有效的居民身份证号码" in response.content.decode()
    assert not Registration.objects.exists()


def test_a_committee_sees_only_its_own_registers(client, world, committee_staff, street_officer) -> None:  # noqa: ANN001
    from tests.support.factories import UserFactory

    other = UserFactory(username="hankou", role="committee", district=world.huangpu, street=world.waitan,
                        committee=world.hankou)
    theirs = register.register(actor=other, certificate_type=CertificateType.objects.get(name="居住情况证明"),
                               applicant_name="张三", id_number=ID, purpose="p", facts="f", verification="v")
    client.force_login(committee_staff)
    assert client.get(reverse("certificates:register_detail", args=[theirs.pk])).status_code == 404
    assert theirs.number not in client.get(reverse("certificates:register")).content.decode()
    client.force_login(street_officer)
    assert client.get(reverse("certificates:register_detail", args=[theirs.pk])).status_code == 200


def test_the_seal_register_takes_listed_items_and_masks_phones(client, world, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    client.post(reverse("certificates:seals"), {"item": "notice", "content": "停水通知", "copies": 2, "approver": "李主任",
                                                "applicant_name": "赵六", "applicant_phone": "13812345678"})
    page = client.get(reverse("certificates:seals")).content.decode()
    assert "停水通知" in page and "138****5678" in page and "13812345678" not in page
    refused = client.post(reverse("certificates:seals"), {"item": "blank", "content": "空白介绍信", "copies": 1,
                                                          "approver": "李主任"})
    assert "空白介绍信" not in client.get(reverse("certificates:seals")).content.decode() and refused.status_code == 200


def test_statistics_count_registrations_turned_away_requests_and_voids(client, world, committee_staff,
                                                                        district_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    _post(client)
    _post(client)
    register.void(actor=committee_staff, registration=Registration.objects.first(), reason="错")
    death = CertificateType.objects.get(name="死亡证明")
    for _ in range(3):
        count_answer(committee_id=world.baoxing.code, certificate=death)
    client.force_login(district_staff)
    data = client.get(reverse("certificates:statistics")).context["data"]
    assert data["totals"] == {"issued": 2, "voided": 1, "turned_away": 3}
    assert data["by_type"][0]["name"] == "居住情况证明" and data["by_type"][0]["total"] == 2
    assert LookupTally.objects.get().count == 3


@pytest.mark.parametrize("size", [10, 1000])
def test_the_register_list_keeps_its_query_count(client, world, committee_staff, size, django_assert_max_num_queries) -> None:  # noqa: ANN001
    from django.utils import timezone

    living = CertificateType.objects.get(name="居住情况证明")
    Registration.objects.bulk_create([Registration(
        committee=world.baoxing, year=2026, serial=n + 1, certificate_type=living, applicant_name="王", id_masked="110*",
        id_hash=str(n), purpose="p", facts="f", verification="v", issuer=committee_staff, issued_at=timezone.now())
        for n in range(size)])
    client.force_login(committee_staff)
    with django_assert_max_num_queries(9):  # session, user, unit names, bell, page count and rows, the rest constant
        assert client.get(reverse("certificates:register")).status_code == 200


def test_a_voided_certificate_prints_only_with_its_void_mark(client, world, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    _post(client)
    registration = Registration.objects.get()
    register.void(actor=committee_staff, registration=registration, reason="姓名错")
    printed = client.get(reverse("certificates:register_print", args=[registration.pk])).content.decode()
    assert 'id="void-mark"' in printed and "window.print()" not in printed


@pytest.mark.parametrize("size", [12, 1200])
def test_statistics_count_by_type_and_month_in_a_constant_number_of_queries(
        client, world, committee_staff, district_staff, size, django_assert_max_num_queries) -> None:  # noqa: ANN001
    import datetime
    import zoneinfo

    from django.utils import timezone

    issuable = list(CertificateType.objects.exclude(rule=CertificateType.Rule.DO_NOT_ISSUE).order_by("name"))
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    # Registration n: type n % 2, issued on the 1st of month n % 12 + 1 at 00:30 Shanghai time (the day before
    # in UTC, so a month taken in UTC would be wrong), every tenth one voided.
    Registration.objects.bulk_create([Registration(
        committee=world.baoxing, year=2025, serial=n + 1, certificate_type=issuable[n % 2], applicant_name="王",
        id_masked="110*", id_hash=str(n), purpose="p", facts="f", verification="v", issuer=committee_staff,
        issued_at=datetime.datetime(2025, n % 12 + 1, 1, 0, 30, tzinfo=shanghai),
        voided_at=timezone.now() if n % 10 == 0 else None, void_reason="错" if n % 10 == 0 else "")
        for n in range(size)])
    client.force_login(district_staff)
    with django_assert_max_num_queries(10):
        data = client.get(reverse("certificates:statistics"), {"year": 2025}).context["data"]
    per_month = size // 12
    first, second = data["by_type"]
    assert first["name"] == issuable[0].name and second["name"] == issuable[1].name
    assert first["months"] == [per_month if month % 2 == 0 else 0 for month in range(12)]
    assert second["months"] == [per_month if month % 2 == 1 else 0 for month in range(12)]
    assert data["totals"] == {"issued": size, "voided": len(range(0, size, 10)), "turned_away": 0}
