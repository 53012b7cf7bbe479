"""The API contract on the certificates endpoints, read side (issue 11: every viewset runs it).

Registering, voiding and recording a seal use are domain actions with tests of their own (test_api.py).
"""

import pytest

from tests.support.contracts import ScopedReadAPIContract
from tests.support.factories import CertificateTypeFactory, RegistrationFactory, SealUseFactory

pytestmark = pytest.mark.django_db


class TestCertificateTypeApi(ScopedReadAPIContract):
    """A district's own types are its own; the national catalogue (seeded) is everyone's."""

    basename = "certificates-api:certificatetype"
    lister = "other_district_staff"
    visible_to_lister = ("xuhui_committee",)
    seeded_rows_listed = True

    def make_row(self, committee):  # noqa: ANN001, ANN201
        return CertificateTypeFactory(district=committee.street.district)


class TestRegistrationApi(ScopedReadAPIContract):
    basename = "certificates-api:registration"

    def make_row(self, committee):  # noqa: ANN001, ANN201
        return RegistrationFactory(committee=committee)


class TestSealUseApi(ScopedReadAPIContract):
    basename = "certificates-api:sealuse"

    def make_row(self, committee):  # noqa: ANN001, ANN201
        return SealUseFactory(committee=committee)
