"""ID numbers as people type them (issue 14): a full-width number or Ｘ typed in the Chinese input mode, a lower-case
x, a pasted zero-width space are the same number, so the same person is one repeat applicant; a birth date in the
future (Asia/Shanghai) or before 1900 is refused with what is wrong, on the page, in the API and in the service."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from certificates import services
from certificates.idnumbers import BIRTH_FLOOR, canonical_id_number, hash_id, id_number_problem, valid_id_number
from certificates.models import CertificateType, Registration
from portal.core.exceptions import DomainError

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"  # GB 11643's example, check character X
FULL_WIDTH = "１１０１０５１９４９１２３１００２Ｘ"


def with_check(first17: str) -> str:
    """The number with its check character, computed the way GB 11643 states it (independently of
    certificates.idnumbers' table): the weight of the digit at position i from the right (the check character
    being position 1) is 2^(i-1) mod 11, and the weighted sum of all 18 is 1 mod 11; a check value of 10 is X."""
    total = sum(int(digit) * pow(2, 17 - index, 11) for index, digit in enumerate(first17))
    check = (1 - total) % 11
    return first17 + ("X" if check == 10 else str(check))


def born(day: datetime.date) -> str:
    return with_check(f"110105{day:%Y%m%d}012")


def test_the_check_characters_of_this_file_are_real() -> None:
    assert with_check("11010519491231002") == ID
    assert [with_check(f) for f in ("11010519900101012", "31010119991231012", "11010518991231012")] == [
        "110105199001010125", "310101199912310120", "11010518991231012X"]
    assert all(valid_id_number(n) for n in (ID, "110105199001010125", "310101199912310120"))


@pytest.mark.parametrize("typed", [FULL_WIDTH, ID.lower(), "1101\u200b0519491231002x", f" {ID}\u3000", f"\ufeff{ID}"])
def test_a_number_typed_any_way_is_one_canonical_number(typed: str) -> None:
    assert canonical_id_number(typed) == ID
    assert hash_id(canonical_id_number(typed)) == hash_id(ID)


@pytest.mark.parametrize("number, message", [
    (born(datetime.date(2099, 1, 1)), "该身份证号码中的出生日期（2099-01-01）晚于今天，请核对号码。"),
    (with_check("11010118000101012"), "该身份证号码中的出生日期（1800-01-01）早于 1900-01-01，请核对号码。"),
    (born(datetime.date(1899, 12, 31)), "该身份证号码中的出生日期（1899-12-31）早于 1900-01-01，请核对号码。"),
    (with_check("31010420050230012"), "该身份证号码中的出生日期（2005-02-30）不是有效日期，请核对号码。"),
    (with_check("11010519850230012"), "该身份证号码中的出生日期（1985-02-30）不是有效日期，请核对号码。"),
    (with_check("11010519851301012"), "该身份证号码中的出生日期（1985-13-01）不是有效日期，请核对号码。"),
    ("11010519491231002", "身份证号码应为 18 位：前 17 位为数字，最后一位为数字或 X。"),
    ("1101051949123100XX", "身份证号码应为 18 位：前 17 位为数字，最后一位为数字或 X。"),
    ("110105194912310021", "不是有效的居民身份证号码。"),  # the check character does not match
])
def test_a_number_that_cannot_be_is_refused_with_what_is_wrong(number: str, message: str) -> None:
    with translation.override("zh-hans"):
        assert id_number_problem(number) == message


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("number", [with_check("11010519850230012"), born(datetime.date(2030, 1, 1)),
                                    with_check("11010518000101012")])
def test_every_birth_date_problem_writes_the_date_one_way_iso(number: str, language: str) -> None:
    """Not "19850230" in one message and "2030-01-01" in another: every message writes the date YYYY-MM-DD."""
    with translation.override(language):
        message = id_number_problem(number, today=datetime.date(2026, 11, 30))
    dates = re.findall(r"\d{4}-\d{2}-\d{2}", message)
    assert dates and dates[0] == f"{number[6:10]}-{number[10:12]}-{number[12:14]}", message
    assert not re.search(r"\d{8}", message), message


def test_the_birth_date_may_be_today_in_shanghai_not_tomorrow() -> None:
    today = datetime.date(2027, 3, 1)
    assert id_number_problem(born(today), today=today) is None
    with translation.override("en"):
        assert "in the future" in id_number_problem(born(today + datetime.timedelta(days=1)), today=today)
    assert id_number_problem(born(BIRTH_FLOOR), today=today) is None
    # By default "today" is the portal's (Asia/Shanghai), not the server's UTC date.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert id_number_problem(born(timezone.localdate())) is None and id_number_problem(born(tomorrow)) is not None


def _post(client, id_number: str):  # noqa: ANN001, ANN202
    living = CertificateType.objects.get(name="居住情况证明")
    return client.post(reverse("certificates:register_new"), {
        "certificate_type": living.pk, "applicant_name": "王芳", "id_number": id_number, "purpose": "办理入学",
        "facts": "自2019年起居住于本居民区", "verification": "入户走访", "seal_used": "on", "approver": "李主任"})


def test_the_page_registers_a_full_width_number_as_the_same_applicant(client, world, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    assert _post(client, FULL_WIDTH).status_code == 302
    assert _post(client, ID.lower()).status_code == 302
    first, second = Registration.objects.order_by("serial")
    assert first.id_masked == second.id_masked == "110***********002X"
    assert first.id_hash == second.id_hash == hash_id(ID)  # found as a repeat applicant


def test_the_page_refuses_a_birth_date_in_the_future_on_the_field(client, world, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    response = _post(client, born(datetime.date(2099, 1, 1)))
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == ["该身份证号码中的出生日期（2099-01-01）晚于今天，请核对号码。"]
    assert not Registration.objects.exists()


def test_the_page_names_a_control_character_in_the_number(client, world, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    response = _post(client, "110105\x1b19491231002X")
    assert response.status_code == 200 and "U+001B ESCAPE" in response.context["form"].errors["id_number"][0]
    assert not Registration.objects.exists()


def _payload(id_number: str) -> dict:
    return {"certificate_type": CertificateType.objects.get(name="居住情况证明").pk, "applicant_name": "王芳",
            "id_number": id_number, "purpose": "入学", "facts": "居住", "verification": "走访"}


def test_the_api_registers_a_full_width_number_and_refuses_an_impossible_one(api, world, committee_staff) -> None:  # noqa: ANN001
    api.force_authenticate(committee_staff)
    created = api.post("/api/v1/registrations/", _payload(FULL_WIDTH), format="json")
    assert created.status_code == 201 and created.data["id_masked"] == "110***********002X"
    assert Registration.objects.get().id_hash == hash_id(ID)
    old = api.post("/api/v1/registrations/", _payload(with_check("11010118000101012")), format="json")
    assert old.status_code == 400
    # The field's refusal, in the shape of every other field's.
    assert old.json()["id_number"] == ["该身份证号码中的出生日期（1800-01-01）早于 1900-01-01，请核对号码。"]
    nul = api.post("/api/v1/registrations/", _payload("110105\x0019491231002X"), format="json")
    assert nul.status_code == 400 and "U+0000 NULL" in nul.json()["id_number"][0]
    assert Registration.objects.count() == 1


def test_the_service_reads_the_number_canonically_whatever_the_caller(world, committee_staff) -> None:  # noqa: ANN001
    living = CertificateType.objects.get(name="居住情况证明")
    fields = {"applicant_name": "王芳", "purpose": "p", "facts": "f", "verification": "v"}
    registration = services.registration_create(actor=committee_staff, committee=world.baoxing, certificate_type=living,
                                                id_number=FULL_WIDTH, **fields)
    assert registration.id_hash == hash_id(ID) and registration.id_masked == "110***********002X"
    with pytest.raises(DomainError) as refused:
        services.registration_create(actor=committee_staff, committee=world.baoxing, certificate_type=living,
                                     id_number=born(datetime.date(2099, 1, 1)), **fields)
    assert refused.value.code == "id_number" and "2099-01-01" in refused.value.fields["id_number"][0]
