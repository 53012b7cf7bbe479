"""Codes, staff numbers and searches are read once, at the boundary, in their canonical form (issue 14): a code typed
in the Chinese input mode (`３１０１０１`) or pasted with a zero-width space finds and updates the same unit as
`310101`, in forms, the API's bodies and its filters; a control character is the field's error naming it (400 in
the API, a form error on pages), never a 500; names and descriptions keep their full-width punctuation."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.exceptions import ValidationError as ApiValidationError

from committees.filtersets import CommitteeFilterSet
from committees.forms import AccessGrantForm, CommunityWorkerForm
from committees.models import Committee, CommitteeYear, CommunityWorker
from portal.core.api import NormalisedCharField as ApiNormalisedCharField
from portal.core.forms import NormalisedCharField
from tasks_registry.api.serializers import DispatchInput
from tasks_registry.filtersets import TaskItemFilterSet, TaskListFilterSet
from tasks_registry.forms import SimilarForm, TaskItemForm
from tasks_registry.models import TaskItem, TaskList
from tests.conftest import PASSWORD
from tests.support.factories import CommunityWorkerFactory, TaskItemFactory, TaskListFactory

pytestmark = pytest.mark.django_db

BAOXING_FULL_WIDTH = "３１０１０１０１３０１８"
WAITAN_PASTED = "310101\u200b013"  # a zero-width space from a chat


# --- the pieces -------------------------------------------------------------------------------------------------
def test_the_form_field_reads_a_code_canonically_and_names_a_control_character() -> None:
    field = NormalisedCharField(max_length=6)
    assert field.clean("３１０１０１\u200b") == "310101"  # 7 characters typed, 6 once read: within max_length
    assert "maxlength" not in field.widget_attrs(field.widget)  # the browser must not cut a pasted code short
    with pytest.raises(ValidationError) as refused:
        field.clean("3101\x1b01")
    assert refused.value.code == "invalid_text" and "U+001B ESCAPE" in refused.value.messages[0]
    with pytest.raises(ValidationError) as empty:
        NormalisedCharField().clean("\u200b")  # only invisible: nothing was typed
    assert empty.value.code == "required"
    assert NormalisedCharField(search=True).clean("助餐\t服务\r\n") == "助餐 服务"


def test_the_api_field_reads_a_code_canonically_and_names_a_control_character() -> None:
    field = ApiNormalisedCharField(max_length=6)
    assert field.run_validation("３１０１０１\u200b") == "310101"
    with pytest.raises(ApiValidationError) as refused:
        field.run_validation("3101\x0001")
    assert "U+0000 NULL" in str(refused.value.detail[0]) and refused.value.detail[0].code == "invalid_text"
    with pytest.raises(ApiValidationError) as blank:
        field.run_validation("\ufeff")
    assert blank.value.detail[0].code == "blank"


def test_codes_are_normalised_and_names_are_not() -> None:
    worker = CommunityWorkerForm().fields
    assert worker["code"].clean("ＷＴ－０１") == "WT-01"
    assert worker["name"].clean("张（三）") == "张（三）"  # Chinese punctuation stays as typed
    assert TaskItemForm().fields["code"].clean("Ａ０１\u200b") == "A01"
    assert TaskItemForm().fields["title"].clean("社区（居委）事务") == "社区（居委）事务"
    similar = SimilarForm({"title": "助餐\t服务"})
    assert similar.is_valid() and similar.cleaned_data["title"] == "助餐 服务"


# --- filters: the API and the pages ---------------------------------------------------------------------------------
@pytest.mark.parametrize("street", ["３１０１０１０１３", WAITAN_PASTED, "\u3000310101013 "])
def test_a_code_filter_finds_the_same_unit_however_typed(api, world, district_staff, street: str) -> None:  # noqa: ANN001
    api.force_authenticate(district_staff)
    response = api.get("/api/v1/committees/", {"street": street})
    assert response.status_code == 200
    assert sorted(row["code"] for row in response.json()["results"]) == [world.hankou.code, world.baoxing.code]


def test_a_search_finds_a_full_width_code(api, client, world, district_staff) -> None:  # noqa: ANN001
    api.force_authenticate(district_staff)
    found = api.get("/api/v1/committees/", {"q": BAOXING_FULL_WIDTH}).json()["results"]
    assert [row["code"] for row in found] == [world.baoxing.code]
    client.force_login(district_staff)
    page = client.get(reverse("committees:committee_list"), {"q": BAOXING_FULL_WIDTH})
    assert [c.code for c in page.context["page"].object_list] == [world.baoxing.code]


def test_a_filter_with_a_control_character_is_its_error_and_a_page_leaves_it_out(world) -> None:  # noqa: ANN001
    """The query string never gets here with one (ControlCharacterMiddleware answers 400 first); a page's own
    filters dict (`request.GET.dict()` plus a code) or a POSTed search could."""
    filters = CommitteeFilterSet({"street": "310101013\x1b"}, queryset=Committee.objects.all())
    assert not filters.is_valid() and "U+001B ESCAPE" in filters.errors["street"][0]
    assert filters.qs.count() == Committee.objects.count()  # left out, as a page does with any invalid filter


def test_the_task_filters_read_codes_canonically(world) -> None:  # noqa: ANN001
    ours = TaskListFactory(district=world.huangpu)
    TaskListFactory(district=world.xuhui)
    assert list(TaskListFilterSet({"district": "３１０１０１"}, queryset=TaskList.objects.all()).qs) == [ours]
    item = TaskItemFactory(task_list=ours, code="A-01")
    TaskItemFactory(task_list=ours, code="A-02")
    assert list(TaskItemFilterSet({"code": "Ａ－０１"}, queryset=TaskItem.objects.all()).qs) == [item]
    assert list(TaskItemFilterSet({"q": "ａ－０１\u200b"}, queryset=TaskItem.objects.all()).qs) == [item]


# --- bodies: the API ------------------------------------------------------------------------------------------------
def _worker(world, **fields) -> dict:  # noqa: ANN001, ANN003
    return {"code": "WT-01", "committee": world.baoxing.code, "name": "张（三）", "position": "社工",
            "hired_on": "2024-01-02", **fields}


def test_the_api_writes_a_full_width_staff_number_and_committee_as_the_same_ones(api, world, street_officer) -> None:  # noqa: ANN001
    api.force_authenticate(street_officer)
    created = api.post("/api/v1/workers/", _worker(world, code="ＷＴ－０１\u200b", committee=BAOXING_FULL_WIDTH),
                       format="json")
    assert created.status_code == 201, created.json()
    worker = CommunityWorker.objects.get()
    assert (worker.code, worker.committee_id, worker.name) == ("WT-01", world.baoxing.code, "张（三）")
    again = api.post("/api/v1/workers/", _worker(world), format="json")  # the same staff number, typed plainly
    assert again.status_code == 400 and "code" in again.json()
    assert CommunityWorker.objects.count() == 1


def test_the_api_updates_the_unit_named_with_a_pasted_code(api, world, street_officer) -> None:  # noqa: ANN001
    api.force_authenticate(street_officer)
    created = api.post("/api/v1/committee-years/", {
        "committee": f"\ufeff{world.baoxing.code}\u200b", "year": 2026, "households": 1800, "resident_households": 1700,
        "office_area_m2": "150.50", "elder_area_m2": "100", "work_fund_yuan": "100000"}, format="json")
    assert created.status_code == 201, created.json()
    assert CommitteeYear.objects.get().committee == world.baoxing


@pytest.mark.parametrize("field, value, named", [
    ("code", "WT\x1b01", "U+001B ESCAPE"),
    ("committee", "310101013018\x00", "U+0000 NULL"),
    ("code", "WT\ud80001", "U+D800"),
])
def test_a_control_character_in_a_body_is_a_400_naming_it_on_its_field(api, world, street_officer, field: str,  # noqa: ANN001
                                                                       value: str, named: str) -> None:
    api.force_authenticate(street_officer)
    # JSON escapes what UTF-8 cannot carry ("\ud800"): the parser hands the field a lone surrogate.
    body = json.dumps(_worker(world, **{field: value}))
    response = api.post("/api/v1/workers/", body, content_type="application/json")
    assert response.status_code == 400 and named in response.json()[field][0]
    assert not CommunityWorker.objects.exists()


def test_a_dispatch_names_its_committees_however_typed(world, district_staff) -> None:  # noqa: ANN001
    item = TaskItemFactory(task_list=TaskListFactory(district=world.huangpu, status="published"))
    request = type("Request", (), {"user": district_staff})()
    data = DispatchInput(data={"item": item.pk, "committees": [BAOXING_FULL_WIDTH, f"{world.hankou.code}\u200b"],
                               "starts_on": "2030-01-01", "due_on": "2030-02-01"}, context={"request": request})
    assert data.is_valid(), data.errors
    assert data.validated_data["committees"] == [world.baoxing, world.hankou]


# --- forms: the pages -----------------------------------------------------------------------------------------------
def test_the_page_saves_a_full_width_staff_number_and_names_a_control_character(client, world, street_officer) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    url = reverse("committees:worker_add", args=[world.baoxing.code])
    refused = client.post(url, {"code": "WT\x1b9", "name": "王五", "position": "社工", "hired_on": "2024-02-01"})
    assert refused.status_code == 200 and "U+001B ESCAPE" in refused.context["form"].errors["code"][0]
    saved = client.post(url, {"code": "ＷＴ－９", "name": "王（五）", "position": "社工", "hired_on": "2024-02-01"})
    assert saved.status_code == 302
    assert CommunityWorker.objects.get().code == "WT-9" and CommunityWorker.objects.get().name == "王（五）"


def test_editing_a_worker_with_the_same_number_typed_full_width_keeps_one_worker(client, world, street_officer) -> None:  # noqa: ANN001
    worker = CommunityWorkerFactory(committee=world.baoxing, code="WT-7")
    client.force_login(street_officer)
    response = client.post(reverse("committees:worker_edit", args=[worker.pk]), {
        "code": "ＷＴ－７", "name": worker.name, "position": "主任", "hired_on": "2024-02-01"})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert (worker.code, worker.position) == ("WT-7", "主任") and CommunityWorker.objects.count() == 1


def test_a_username_typed_full_width_or_pasted_is_the_same_user(client, world, committee_staff, outsider) -> None:  # noqa: ANN001
    response = client.post(reverse("accounts:login"), {"username": "ｂａｏｘｉｎｇ\u200b", "password": PASSWORD})
    assert response.status_code == 302 and int(client.session["_auth_user_id"]) == committee_staff.pk
    form = AccessGrantForm({"username": "ｎａｎｊｉｎｇ", "committee": world.hankou.code, "access": "view"},
                           committees=Committee.objects.all())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["username"] == outsider


def test_the_public_list_reads_a_full_width_district(client, world) -> None:  # noqa: ANN001
    response = client.get(reverse("public_certificates"), {"district": "３１０１０４"})
    assert response.status_code == 200 and response.context["district"] == "310104"
