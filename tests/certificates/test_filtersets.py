"""The register's filters: by committee, type, year and void, within what restrict() already allows."""

import pytest

from certificates.models import CertificateType
from certificates.selectors import registration_list
from certificates.services import registration_create, registration_void
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"


def test_filters_narrow_the_readers_rows_and_never_widen_them(world, committee_staff, street_officer) -> None:  # noqa: ANN001
    hankou_staff = UserFactory(username="hankou", role="committee", district=world.huangpu, street=world.waitan,
                               committee=world.hankou)
    living = CertificateType.objects.get(name="居住情况证明")
    fields = {"certificate_type": living, "applicant_name": "王", "id_number": ID, "purpose": "p", "facts": "f",
              "verification": "v"}
    ours = registration_create(actor=committee_staff, committee=world.baoxing, **fields)
    theirs = registration_create(actor=hankou_staff, committee=world.hankou, **fields)
    registration_void(actor=hankou_staff, registration=theirs, reason="错")
    assert list(registration_list(actor=street_officer, filters={"committee": world.hankou.code})) == [theirs]
    assert list(registration_list(actor=street_officer, filters={"voided": "true"})) == [theirs]
    assert list(registration_list(actor=street_officer, filters={"voided": "false"})) == [ours]
    both = registration_list(actor=street_officer, filters={"certificate_type": str(living.pk), "year": str(ours.year)})
    assert set(both) == {ours, theirs}
    assert list(registration_list(actor=street_officer, filters={"year": str(ours.year - 1)})) == []
    assert list(registration_list(actor=committee_staff, filters={"committee": world.hankou.code})) == []
