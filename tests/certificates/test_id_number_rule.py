"""The ID number's rule is the registration service's alone (issue 14 review): the page's form and the API's
serializer only read the number in its canonical form, and show the service's refusal on their `id_number`
field; the lookup reads its query once."""

import pytest
from django.urls import reverse

from certificates import selectors
from certificates.api.serializers import RegistrationCreateSerializer
from certificates.forms import RegistrationForm
from certificates.models import CertificateType, Registration

pytestmark = pytest.mark.django_db

WRONG = "110105194912310021"  # the check character does not match
FULL_WIDTH_WRONG = "１１０１０５１９４９１２３１００２１"


def _fields(id_number: str) -> dict:
    return {"certificate_type": CertificateType.objects.get(name="居住情况证明").pk, "applicant_name": "王芳",
            "id_number": id_number, "purpose": "入学", "facts": "居住", "verification": "走访"}


def test_the_form_and_the_serializer_only_normalise_the_number(world) -> None:  # noqa: ANN001
    living = CertificateType.objects.get(name="居住情况证明")
    form = RegistrationForm(_fields(FULL_WIDTH_WRONG), types=[living])
    assert form.is_valid(), form.errors  # the rule is not theirs
    assert form.cleaned_data["id_number"] == WRONG
    data = RegistrationCreateSerializer(data=_fields(FULL_WIDTH_WRONG))
    data.fields["certificate_type"].queryset = CertificateType.objects.all()
    assert data.is_valid(), data.errors
    assert data.validated_data["id_number"] == WRONG
    assert not RegistrationForm(_fields("110105\x1b19491231002X"), types=[living]).is_valid()  # still read, or named


def test_the_page_shows_the_services_refusal_on_the_field_once(client, world, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    response = client.post(reverse("certificates:register_new"), {**_fields(FULL_WIDTH_WRONG), "seal_used": "on"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["id_number"] == ["不是有效的居民身份证号码。"] and not form.non_field_errors()
    assert not Registration.objects.exists()


def test_the_api_answers_the_services_refusal_with_the_field(api, world, committee_staff) -> None:  # noqa: ANN001
    api.force_authenticate(committee_staff)
    response = api.post("/api/v1/registrations/", _fields("1101051949"), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "id_number" and body["fields"]["id_number"] == [body["message"]]
    assert "18" in body["message"]  # what is wrong: the length
    assert not Registration.objects.exists()


def test_the_lookup_reads_its_query_once(monkeypatch) -> None:  # noqa: ANN001
    calls = []
    original = selectors.normalise_search
    monkeypatch.setattr(selectors, "normalise_search", lambda text: calls.append(text) or original(text))
    assert selectors.lookup_terms("我想开个ＳＷＺＭ。") == ("我想开个swzm", "swzm")
    selectors.certificate_type_match(catalogue=[], query="我想开个死亡证明")
    assert calls == ["我想开个ＳＷＺＭ。", "我想开个死亡证明"]
