"""The street stage of a request is the street's named on it (`street`, set on submit), never another street's (issue
13: the authorization walk found 南京东路街道 deciding a request at a street's review that it only read).

The rule is AdmissionRequest's "review" and "comment" actions (restrict(), tests/core/test_action_matrix.py); here
what each door answers: the pages and the API, for the street that reviews and for a street that does not.
"""

import pytest
from django.urls import reverse

from tasks_registry.models import AdmissionRequest
from tests.support.factories import AdmissionRequestFactory
from tests.tasks_registry.test_admission import new_request, submit

pytestmark = pytest.mark.django_db

STEPS = {"approve": "district_review", "reject": "rejected", "return": "returned"}


def _api(request: AdmissionRequest, step: str = "") -> str:
    return f"/api/v1/admission-requests/{request.pk}/{step + '/' if step else ''}"


def _page_review(request: AdmissionRequest, step: str) -> str:
    return reverse("tasks:request_review", args=[request.pk, step])


@pytest.mark.parametrize("step", STEPS)
def test_a_street_not_targeted_gets_404_on_every_door_and_the_targeted_street_reviews(
        client, api, world, district_staff, department_staff, street_officer, outsider, step) -> None:  # noqa: ANN001
    """A request for 宝兴居委会 goes to 外滩街道's review: 南京东路街道 cannot find it, the street of 外滩 decides it."""
    request = submit(new_request(department_staff, world, committees=[world.baoxing]))
    assert (request.status, request.street) == ("street_review", world.waitan)
    client.force_login(outsider)
    api.force_authenticate(outsider)
    assert client.get(reverse("tasks:request_detail", args=[request.pk])).status_code == 404
    assert api.get(_api(request)).status_code == 404
    assert client.post(_page_review(request, step), {"reason": "越权"}).status_code == 404
    assert api.post(_api(request, step), {"reason": "越权"}, format="json").status_code == 404
    request.refresh_from_db()
    assert request.status == "street_review" and request.events.filter(actor=outsider).count() == 0
    client.force_login(street_officer)
    assert "review" in client.get(reverse("tasks:request_detail", args=[request.pk])).context["actions"]
    response = client.post(_page_review(request, step), {"reason": "理由"})
    assert response.url == reverse("tasks:request_detail", args=[request.pk])
    request.refresh_from_db()
    assert request.status == STEPS[step]


@pytest.mark.parametrize("step", STEPS)
def test_a_street_that_only_reads_a_request_at_a_streets_stage_never_decides_it(
        client, api, world, department_staff, street_officer, outsider, step) -> None:  # noqa: ANN001
    """The walk's row: a request for the whole district at a street's review with no street named (submit never
    makes one). Every street of the district reads it; none reviews it, the district not before its own stage.
    Named for 外滩街道, it is that street's to review, still never 南京东路街道's."""
    request = AdmissionRequestFactory(applicant=department_staff, status="street_review")
    client.force_login(outsider)
    api.force_authenticate(outsider)
    page = client.get(reverse("tasks:request_detail", args=[request.pk]))
    assert page.status_code == 200 and "review" not in page.context["actions"]
    assert api.get(_api(request)).status_code == 200
    assert api.post(_api(request, step), {"reason": "越权"}, format="json").status_code == 404
    refused = client.post(_page_review(request, step), {"reason": "越权"}, follow=True)
    assert [str(m) for m in refused.context["messages"]] == ["该申请已由他人处理，当前状态为“街道审核中”。"]
    for person in (street_officer, outsider):
        api.force_authenticate(person)
        assert api.post(_api(request, step), {"reason": "越权"}, format="json").status_code == 404
    request.refresh_from_db()
    assert request.status == "street_review"

    AdmissionRequest.objects.filter(pk=request.pk).update(street=world.waitan)
    api.force_authenticate(outsider)
    assert api.post(_api(request, step), {"reason": "越权"}, format="json").status_code == 404
    api.force_authenticate(street_officer)
    assert api.post(_api(request, step), {"reason": "理由"}, format="json").status_code == 200
    request.refresh_from_db()
    assert request.status == STEPS[step]
