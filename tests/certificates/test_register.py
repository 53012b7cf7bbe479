"""The certificate register and the seal register: refusals, serials without gaps under concurrency,
voids that keep their serial, ID numbers never in clear, the seal entry written with the certificate."""

import threading

import pytest
from django.db import connection

from certificates import register
from certificates.models import CertificateType, Registration, SealUse
from portal.core.exceptions import DomainError

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"  # a valid check character (GB 11643 example)


def _register(actor, name="居住情况证明", **fields):  # noqa: ANN001, ANN003, ANN202
    defaults = {"applicant_name": "王芳", "id_number": ID, "purpose": "办理入学", "facts": "本人自2019年起居住于本居民区",
                "verification": "入户走访，核对户口簿"}
    return register.register(actor=actor, certificate_type=CertificateType.objects.get(name=name), **{**defaults, **fields})


def test_id_numbers_are_checked() -> None:
    assert register.valid_id_number(ID)
    assert not register.valid_id_number("110105194912310021")  # wrong check character
    assert not register.valid_id_number("110105194902300020")  # 30 February


def test_a_registration_keeps_no_id_number_in_clear(world, committee_staff) -> None:  # noqa: ANN001
    registration = _register(committee_staff, id_number=ID.lower())
    assert registration.id_masked == "110***********002X" and registration.number.endswith("-0001")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM certificates_registration")
        assert not any(ID in str(cell) for row in cursor.fetchall() for cell in row)
    assert _register(committee_staff).id_hash == registration.id_hash  # a repeat applicant is found


def test_a_do_not_issue_type_is_refused_with_its_route(world, committee_staff) -> None:  # noqa: ANN001
    with pytest.raises(DomainError) as refused:
        _register(committee_staff, name="死亡证明")
    assert "不予出具" in refused.value.message and "居民死亡医学证明" in refused.value.message
    assert not Registration.objects.exists()


def test_the_seal_entry_is_written_with_the_certificate(world, committee_staff) -> None:  # noqa: ANN001
    registration = _register(committee_staff)
    use = SealUse.objects.get()
    assert use.registration == registration and use.item == "certificate" and registration.number in use.content
    _register(committee_staff, seal_used=False)
    assert SealUse.objects.count() == 1


def test_a_void_keeps_the_serial_and_needs_a_reason(world, committee_staff) -> None:  # noqa: ANN001
    first = _register(committee_staff)
    with pytest.raises(DomainError):
        register.void(actor=committee_staff, registration=first, reason="")
    register.void(actor=committee_staff, registration=first, reason="姓名写错")
    second = _register(committee_staff)
    assert (first.serial, second.serial) == (1, 2) and Registration.objects.count() == 2


def test_other_seal_uses_only_for_listed_items(world, committee_staff) -> None:  # noqa: ANN001
    use = register.record_seal_use(actor=committee_staff, item="notice", content="停水通知", copies=3, approver="李主任",
                                   applicant_phone="13812345678")
    assert use.phone_masked == "138****5678"
    for item in ("blank_letter", "certificate"):
        with pytest.raises(DomainError):
            register.record_seal_use(actor=committee_staff, item=item, content="空白介绍信", copies=1, approver="李主任")


@pytest.mark.django_db(transaction=True)
def test_twenty_registrations_at_once_get_serials_1_to_20(world, committee_staff) -> None:  # noqa: ANN001
    barrier = threading.Barrier(20)
    errors: list[BaseException] = []

    def one() -> None:
        try:
            barrier.wait()
            _register(committee_staff)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(Registration.objects.values_list("serial", flat=True)) == list(range(1, 21))
    assert SealUse.objects.count() == 20
