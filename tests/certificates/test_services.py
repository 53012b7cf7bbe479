"""The register's services: refusals, serials without gaps under concurrency, voids that keep their serial, ID
numbers never in clear, the seal entry written with the certificate; only a committee's own staff write its
registers (an explicit grant lets others read them, never write); the lookup's tally."""

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from guardian.shortcuts import assign_perm

from certificates import services
from certificates.idnumbers import valid_id_number
from certificates.models import CertificateType, LookupTally, Registration, SealUse
from committees.models import Committee
from portal.core.exceptions import DomainError
from portal.core.models import AuditEntry
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"  # a valid check character (GB 11643 example)


def _register(actor, committee, name="居住情况证明", **fields):  # noqa: ANN001, ANN003, ANN202
    defaults = {"applicant_name": "王芳", "id_number": ID, "purpose": "办理入学", "facts": "本人自2019年起居住于本居民区",
                "verification": "入户走访，核对户口簿"}
    return services.registration_create(actor=actor, committee=committee, certificate_type=CertificateType.objects.get(
        name=name), **{**defaults, **fields})


@pytest.fixture
def hankou_staff(world):  # noqa: ANN001, ANN201
    return UserFactory(username="hankou", role="committee", district=world.huangpu, street=world.waitan,
                       committee=world.hankou)


class TestRegistrationCreate:
    def test_id_numbers_are_checked(self) -> None:
        assert valid_id_number(ID)
        assert not valid_id_number("110105194912310021")  # wrong check character
        assert not valid_id_number("110105194902300020")  # 30 February

    def test_a_registration_keeps_no_id_number_in_clear(self, world, committee_staff) -> None:  # noqa: ANN001
        registration = _register(committee_staff, world.baoxing, id_number=ID.lower())
        assert registration.id_masked == "110***********002X" and registration.number.endswith("-0001")
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM certificates_registration")
            assert not any(ID in str(cell) for row in cursor.fetchall() for cell in row)
        assert _register(committee_staff, world.baoxing).id_hash == registration.id_hash  # a repeat applicant is found
        assert AuditEntry.objects.filter(action="registration.create").count() == 2

    def test_a_do_not_issue_type_is_refused_with_its_route(self, world, committee_staff) -> None:  # noqa: ANN001
        with pytest.raises(DomainError) as refused:
            _register(committee_staff, world.baoxing, name="死亡证明")
        assert refused.value.code == "do_not_issue"
        assert "不予出具" in refused.value.message and "居民死亡医学证明" in refused.value.message
        assert not Registration.objects.exists()

    def test_a_type_of_another_district_is_refused(self, world, committee_staff) -> None:  # noqa: ANN001
        CertificateType.objects.create(name="徐汇区特有证明", rule="facts", jurisdiction="district", district=world.xuhui)
        with pytest.raises(DomainError) as refused:
            _register(committee_staff, world.baoxing, name="徐汇区特有证明")
        assert refused.value.code == "unknown_type"

    def test_the_seal_entry_is_written_with_the_certificate(self, world, committee_staff) -> None:  # noqa: ANN001
        registration = _register(committee_staff, world.baoxing)
        use = SealUse.objects.get()
        assert use.registration == registration and use.item == "certificate" and registration.number in use.content
        _register(committee_staff, world.baoxing, seal_used=False)
        assert SealUse.objects.count() == 1

    def test_only_the_committees_own_staff_register_for_it(self, world, committee_staff, street_officer) -> None:  # noqa: ANN001
        assign_perm("committees.change_committee", committee_staff, world.hankou)  # read-write grant
        with pytest.raises(Committee.DoesNotExist):
            _register(committee_staff, world.hankou)
        with pytest.raises(PermissionDenied):  # the street reads registers, never writes them
            _register(street_officer, world.baoxing)
        assert not Registration.objects.exists() and not SealUse.objects.exists()

    def test_a_superuser_registers_for_the_committee_named(self, world, superuser) -> None:  # noqa: ANN001
        registration = _register(superuser, world.hankou)
        assert registration.committee == world.hankou and registration.issuer == superuser
        assert Registration.objects.restrict(superuser, "add").filter(pk=registration.pk).exists()

    @pytest.mark.django_db(transaction=True)
    def test_twenty_registrations_at_once_get_serials_1_to_20(self, world, committee_staff) -> None:  # noqa: ANN001
        barrier = threading.Barrier(20)
        errors: list[BaseException] = []

        def one() -> None:
            try:
                barrier.wait()
                _register(committee_staff, world.baoxing)
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


class TestRegistrationVoid:
    def test_a_void_keeps_the_serial_and_needs_a_reason(self, world, committee_staff) -> None:  # noqa: ANN001
        first = _register(committee_staff, world.baoxing)
        with pytest.raises(DomainError):
            services.registration_void(actor=committee_staff, registration=first, reason=" ")
        voided = services.registration_void(actor=committee_staff, registration=first, reason="姓名写错")
        assert (voided.void_reason, voided.voided_by) == ("姓名写错", committee_staff) and voided.voided_at
        second = _register(committee_staff, world.baoxing)
        assert (first.serial, second.serial) == (1, 2) and Registration.objects.count() == 2
        assert AuditEntry.objects.filter(action="registration.void", object_id=str(first.pk)).exists()

    def test_a_second_void_is_refused_and_changes_nothing(self, world, committee_staff) -> None:  # noqa: ANN001
        registration = _register(committee_staff, world.baoxing)
        services.registration_void(actor=committee_staff, registration=registration, reason="姓名写错")
        with pytest.raises(Registration.DoesNotExist):
            services.registration_void(actor=committee_staff, registration=registration, reason="又错")
        registration.refresh_from_db()
        assert registration.void_reason == "姓名写错"

    def test_nobody_else_voids_a_committees_registration(self, world, committee_staff, hankou_staff,
                                                         street_officer) -> None:  # noqa: ANN001
        theirs = _register(hankou_staff, world.hankou)
        assign_perm("committees.change_committee", committee_staff, world.hankou)  # read-write grant: reads only
        assert Registration.objects.restrict(committee_staff).filter(pk=theirs.pk).exists()
        with pytest.raises(Registration.DoesNotExist):  # out of reach: 404
            services.registration_void(actor=committee_staff, registration=theirs, reason="不是我的")
        with pytest.raises(PermissionDenied):  # the street never voids: 403
            services.registration_void(actor=street_officer, registration=theirs, reason="不是我的")
        theirs.refresh_from_db()
        assert theirs.voided_at is None


class TestSealUseCreate:
    def test_other_seal_uses_only_for_listed_items(self, world, committee_staff) -> None:  # noqa: ANN001
        use = services.seal_use_create(actor=committee_staff, committee=world.baoxing, item="notice", content="停水通知",
                                       copies=3, approver="李主任", applicant_phone="13812345678")
        assert use.phone_masked == "138****5678" and use.committee == world.baoxing
        for item in ("blank_letter", "certificate"):
            with pytest.raises(DomainError):
                services.seal_use_create(actor=committee_staff, committee=world.baoxing, item=item, content="空白介绍信",
                                         copies=1, approver="李主任")
        assert SealUse.objects.count() == 1

    def test_only_the_committees_own_staff_use_its_seal(self, world, committee_staff, street_officer) -> None:  # noqa: ANN001
        assign_perm("committees.change_committee", committee_staff, world.hankou)
        fields = {"item": "notice", "content": "停水通知", "copies": 1, "approver": "李主任"}
        with pytest.raises(Committee.DoesNotExist):
            services.seal_use_create(actor=committee_staff, committee=world.hankou, **fields)
        with pytest.raises(PermissionDenied):
            services.seal_use_create(actor=street_officer, committee=world.baoxing, **fields)
        assert not SealUse.objects.exists()


class TestLookupTallyCount:
    def test_committee_staff_count_for_their_committee_and_others_count_nothing(
            self, world, committee_staff, district_staff) -> None:  # noqa: ANN001
        death = CertificateType.objects.get(name="死亡证明")
        assign_perm("committees.change_committee", committee_staff, world.hankou)
        assert services.lookup_tally_count(actor=committee_staff, certificate_type=death)
        assert services.lookup_tally_count(actor=committee_staff, certificate_type=death)
        assert not services.lookup_tally_count(actor=district_staff, certificate_type=death)
        tally = LookupTally.objects.get()
        assert (tally.committee, tally.count, tally.issuable) == (world.baoxing, 2, False)


class TestCatalogue:
    def test_a_district_adapts_a_national_type_once(self, world, district_staff) -> None:  # noqa: ANN001
        national = CertificateType.objects.get(name="无犯罪记录证明")
        draft = services.certificate_type_override(actor=district_staff, shared=national)
        assert draft.pk is None and draft.district == world.huangpu and draft.overrides == national
        draft.handled_by = "黄浦公安分局"
        saved = services.certificate_type_save(actor=district_staff, certificate_type=draft)
        assert services.certificate_type_override(actor=district_staff, shared=national) == saved
        assert AuditEntry.objects.filter(action="certificatetype.create", object_id=str(saved.pk)).exists()

    def test_only_a_districts_staff_keep_its_catalogue(self, world, committee_staff, other_district_staff) -> None:  # noqa: ANN001
        ours = CertificateType.objects.create(name="黄浦区特有证明", rule="facts", jurisdiction="district",
                                              district=world.huangpu)
        with pytest.raises(PermissionDenied):
            services.certificate_type_new(actor=committee_staff)
        ours.name = "徐汇改的"
        with pytest.raises(PermissionDenied):
            services.certificate_type_save(actor=other_district_staff, certificate_type=ours)
        ours.refresh_from_db()
        assert ours.name == "黄浦区特有证明"
