"""The catalogue's and the registers' rules held by the database, each refused by the constraint that says so:
the seeded national list, routes, districts, one override each, serials, voids, the seal-use list."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from certificates.models import CertificateType, Registration, SealUse
from tests.committees.test_models import refused_by
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_national_list_of_20_is_seeded_with_routes_to_be_confirmed(db) -> None:  # noqa: ANN001
    refused = CertificateType.objects.filter(jurisdiction="national", rule="refuse")
    assert refused.count() == 20
    assert all(c.alternative_route and c.handled_by and c.to_be_confirmed for c in refused)
    assert CertificateType.objects.get(name="居民身份信息证明").sub_items == ["户籍证明"]
    assert CertificateType.objects.filter(rule__in=["facts", "deliberation"]).count() >= 2


def test_a_do_not_issue_type_needs_its_route(db) -> None:  # noqa: ANN001
    with refused_by("certificate_type_refusal_has_route"):
        CertificateType.objects.create(name="测试", rule="refuse", jurisdiction="national")


def test_a_district_type_names_its_district_and_a_national_one_none(world) -> None:  # noqa: ANN001
    with refused_by("certificate_type_district_matches"):
        CertificateType.objects.create(name="测试", rule="facts", jurisdiction="district")
    with refused_by("certificate_type_district_matches"):
        CertificateType.objects.create(name="测试", rule="facts", jurisdiction="national", district=world.huangpu)


def test_a_type_has_a_name(db) -> None:  # noqa: ANN001
    with refused_by("certificate_type_name_required"):
        CertificateType.objects.create(name="", rule="facts", jurisdiction="national")


def test_a_district_overrides_a_national_type_once(world) -> None:  # noqa: ANN001
    national = CertificateType.objects.get(name="居民养犬证明")
    CertificateType.objects.create(name="居民养犬证明", rule="refuse", jurisdiction="district", district=world.huangpu,
                                   overrides=national, alternative_route="到黄浦公安分局治安支队办理犬只登记")
    with refused_by("certificate_type_one_override"):
        CertificateType.objects.create(name="又一个", rule="facts", jurisdiction="district", district=world.huangpu,
                                       overrides=national)


def test_other_names_with_a_control_character_are_refused_by_full_clean(world) -> None:  # noqa: ANN001
    kind = CertificateType(name="测试", rule="facts", jurisdiction="district", district=world.huangpu,
                           aliases=["良民\x00证"], sub_items=["子项\t一"])
    with pytest.raises(ValidationError) as refused:
        kind.full_clean()
    assert set(refused.value.message_dict) == {"aliases", "sub_items"}


def _registration(world, user, **fields) -> Registration:  # noqa: ANN001, ANN003
    values = {"committee": world.baoxing, "year": 2026, "serial": 1, "certificate_type": CertificateType.objects.get(
        name="居住情况证明"), "applicant_name": "王", "id_masked": "110*", "id_hash": "h", "purpose": "p", "facts": "f",
        "verification": "v", "issuer": user, "issued_at": timezone.now(), **fields}
    return Registration.objects.create(**values)


def test_a_serial_is_used_once_per_committee_and_year(world) -> None:  # noqa: ANN001
    user = UserFactory()
    _registration(world, user)
    with refused_by("registration_unique_serial"):
        _registration(world, user)
    _registration(world, user, year=2027)  # the next year starts again


def test_a_void_has_a_reason(world) -> None:  # noqa: ANN001
    with refused_by("registration_void_has_reason"):
        _registration(world, UserFactory(), voided_at=timezone.now())


def test_the_seal_goes_only_on_listed_items_and_at_least_one_copy(world) -> None:  # noqa: ANN001
    user = UserFactory()
    fields = {"committee": world.baoxing, "used_at": timezone.now(), "content": "c", "approver": "a", "handler": user}
    with refused_by("seal_use_item_listed"):
        SealUse.objects.create(item="blank_letter", **fields)
    with refused_by("seal_use_copies_positive"):
        SealUse.objects.create(item="notice", copies=0, **fields)
