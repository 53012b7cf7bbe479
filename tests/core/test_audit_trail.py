"""Reading the audit trail (issue 13): district staff browse and search their district's entries, the city's staff
all of them, nobody else; each object's page opens its history; the search exports to .xlsx; the API reads the same."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.models import CertificateType
from certificates.services.register import registration_create
from portal.core.models import AuditEntry
from tasks_registry.services.reports import violation_report_file
from tests.support.contracts import ScopedReadAPIContract
from tests.support.factories import AuditEntryFactory, UserFactory
from tests.tasks_registry.test_admission import new_request
from tests.tasks_registry.test_lists_and_dispatch import make_list

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"


def _units(committee) -> dict:  # noqa: ANN001
    return {"district": committee.street.district, "street": committee.street, "committee": committee}


class TestAuditEntryApi(ScopedReadAPIContract):
    """Read by the district's and the city's staff, each their own units' entries."""

    basename = "core-api:auditentry"
    lister = "other_district_staff"
    visible_to_lister = ("xuhui_committee",)
    hidden_from_lister = "baoxing"

    def make_row(self, committee):  # noqa: ANN001, ANN201
        return AuditEntryFactory(**_units(committee))


def _registered(world, committee_staff):  # noqa: ANN001, ANN202
    return registration_create(actor=committee_staff, committee=world.baoxing,
                               certificate_type=CertificateType.objects.get(name="居住情况证明"), applicant_name="王芳",
                               id_number=ID, purpose="入学", facts="居住", verification="走访")


def test_district_staff_read_their_districts_trail_and_nobody_else_does(client, world, personas) -> None:  # noqa: ANN001
    ours = AuditEntryFactory(**_units(world.baoxing), action="registration.create")
    theirs = AuditEntryFactory(**_units(world.xuhui_committee), action="registration.create")
    citys = AuditEntryFactory(action="calendarday.create")  # no unit: the city's alone
    expected = {"district_staff": {ours.pk}, "other_district_staff": {theirs.pk},
                "city_staff": {ours.pk, theirs.pk, citys.pk}}
    for name, person in personas.items():
        client.force_login(person)
        response = client.get(reverse("audit_trail"))
        if name in expected:
            assert response.status_code == 200, name
            assert {row["entry"].pk for row in response.context["rows"]} == expected[name], name
        else:  # street officers, committees and departments hold no core.view_auditentry
            assert response.status_code == 403, name
            assert client.get(reverse("audit_export")).status_code == 403, name


def test_the_search_narrows_by_unit_person_model_action_source_and_days(client, world, district_staff) -> None:  # noqa: ANN001
    wang = UserFactory(username="wangfang", first_name="芳", last_name="王", district=world.huangpu)
    now = timezone.now()
    at_baoxing = AuditEntryFactory(**_units(world.baoxing), actor=wang, action="registration.void",
                                   object_type="certificates.registration", source="api")
    at_yunnan = AuditEntryFactory(**_units(world.yunnan), action="admissionrequest.submitted",
                                  object_type="tasks_registry.admissionrequest")
    old = AuditEntryFactory(district=world.huangpu, action="tasklist.publish", object_type="tasks_registry.tasklist")
    AuditEntry.objects.filter(pk=old.pk).update(at=now - datetime.timedelta(days=40))
    client.force_login(district_staff)

    def found(**query) -> set[int]:  # noqa: ANN003
        response = client.get(reverse("audit_trail"), query)
        assert response.status_code == 200
        return {row["entry"].pk for row in response.context["rows"]}

    assert found(unit=world.waitan.code) == {at_baoxing.pk}  # a street: its committees' entries too
    assert found(unit="３１０１０１００２００１") == {at_yunnan.pk}  # full-width digits read as the code
    assert found(unit=world.xuhui_committee.code) == set()  # outside the scope: as a code that exists nowhere
    assert found(person="王 芳") == found(person="wangfang") == {at_baoxing.pk}
    assert found(model="tasks_registry.admissionrequest") == {at_yunnan.pk}
    assert found(action="void") == {at_baoxing.pk}
    assert found(source="api") == {at_baoxing.pk}
    week_ago = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    assert found(at_from=week_ago) == {at_baoxing.pk, at_yunnan.pk}
    assert found(at_to=week_ago) == {old.pk}
    # A search it cannot read is said on its field and filters nothing; never a 500.
    response = client.get(reverse("audit_trail"), {"at_from": week_ago, "at_to": "2000-01-01", "model": "nope.nope"})
    assert response.status_code == 200
    errors = {field.name: field.errors for field in response.context["search"]}
    assert errors["at_from"] and errors["model"]


def test_the_list_is_paginated_in_a_fixed_number_of_queries(client, world, district_staff,  # noqa: ANN001
                                                            django_assert_max_num_queries) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    AuditEntryFactory(**_units(world.baoxing))
    client.get(reverse("audit_trail"))  # the bell's count is cached by the first page
    with django_assert_max_num_queries(12) as few:
        assert client.get(reverse("audit_trail")).status_code == 200
    for _ in range(60):
        AuditEntryFactory(**_units(world.hankou), actor=UserFactory())
    with django_assert_max_num_queries(12) as many:
        response = client.get(reverse("audit_trail"))
    assert len(few.captured_queries) == len(many.captured_queries)
    assert response.context["page"].paginator.count == 61 and len(response.context["rows"]) < 61
    assert client.get(reverse("audit_trail"), {"page": 2}).context["page"].number == 2


def test_an_objects_page_opens_its_history_for_who_may_read_the_trail(client, world, district_staff,  # noqa: ANN001
                                                                     committee_staff, department_staff) -> None:  # noqa: ANN001
    registration = _registered(world, committee_staff)
    report = violation_report_file(actor=committee_staff, data={"sender": "某街道办", "title": "创文入户调查",
                                                                "sent_on": datetime.date(2026, 3, 2)})
    request = new_request(district_staff, world, scope="district")
    task_list = make_list(district=world.huangpu)
    item = task_list.items.get()
    pages = {registration: reverse("certificates:register_detail", args=[registration.pk]),
             report: reverse("tasks:report_detail", args=[report.pk]),
             request: reverse("tasks:request_detail", args=[request.pk]),
             task_list: reverse("tasks:list_detail", args=[task_list.pk]),
             item: reverse("tasks:item_exit", args=[task_list.pk, item.pk])}
    client.force_login(district_staff)
    for obj, url in pages.items():
        page = client.get(url)
        assert page.status_code == 200, url
        history = f'{reverse("audit_trail")}?model={obj._meta.label_lower}&amp;object={obj.pk}'
        assert history in page.content.decode(), url
    history = client.get(reverse("audit_trail"), {"model": "certificates.registration", "object": registration.pk})
    assert [row["entry"].action for row in history.context["rows"]] == ["registration.create"]
    assert history.context["record"]["repr"] == str(registration)
    client.force_login(committee_staff)  # may read the registration, not the trail: no link
    assert 'id="history-link"' not in client.get(pages[registration]).content.decode()


def test_the_menu_offers_the_trail_to_who_may_read_it(client, personas) -> None:  # noqa: ANN001
    for name, person in personas.items():
        client.force_login(person)
        page = client.get(reverse("dashboards:home")).content.decode()
        assert ('id="audit-menu"' in page) == (name in ("district_staff", "other_district_staff", "city_staff")), name


def test_the_search_exports_to_xlsx_with_personal_data_masked(client, world, district_staff, committee_staff) -> None:  # noqa: ANN001
    registration = _registered(world, committee_staff)
    AuditEntryFactory(**_units(world.xuhui_committee), action="registration.create")  # another district's
    client.force_login(district_staff)
    page = client.get(reverse("audit_trail"), {"model": "certificates.registration"})
    assert f'{reverse("audit_export")}?model=certificates.registration' in page.content.decode()
    response = client.get(reverse("audit_export"), {"model": "certificates.registration"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "操作人", "来源", "操作")
    assert [row[3] for row in rows[1:]] == ["registration.create"]
    assert rows[1][5] == str(registration) and rows[1][2] == "系统"  # registered outside a request
    text = " ".join(str(cell) for row in rows for cell in row)
    assert ID not in text and "110***********002X" in text


def test_the_api_reads_the_same_search(api, world, district_staff, street_officer) -> None:  # noqa: ANN001
    voided = AuditEntryFactory(**_units(world.baoxing), action="registration.void")
    AuditEntryFactory(**_units(world.yunnan), action="registration.create")
    AuditEntryFactory(**_units(world.xuhui_committee), action="registration.void")
    api.force_authenticate(district_staff)
    listed = api.get(reverse("core-api:auditentry-list"), {"action": "void"})
    assert listed.status_code == 200 and [row["id"] for row in listed.json()["results"]] == [voided.pk]
    assert listed.json()["results"][0]["committee"] == world.baoxing.code
    assert api.get(reverse("core-api:auditentry-list"), {"at_from": "2026-13-01"}).status_code == 400
    assert api.post(reverse("core-api:auditentry-list"), {}, format="json").status_code in (403, 405)
    api.force_authenticate(street_officer)
    assert api.get(reverse("core-api:auditentry-list")).status_code == 403
