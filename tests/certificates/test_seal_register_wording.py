"""Issue 15: the seal register's wording. Its person column is headed 经办人; an entry whose certificate was voided
says so; the item has no preselected default; the statistics page says whether 出具 counts voided registrations,
and the count matches."""

import re

import pytest
from django.urls import reverse

from certificates import services
from certificates.models import CertificateType, Registration, SealUse

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"


def _register(actor, committee) -> Registration:  # noqa: ANN001
    return services.registration_create(actor=actor, committee=committee,
                                        certificate_type=CertificateType.objects.get(name="居住情况证明"),
                                        applicant_name="张三", id_number=ID, purpose="p", facts="f", verification="v",
                                        approver="李主任")


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr>(.*?)</tr>", html.split('id="seals"', 1)[1].split("</table>", 1)[0], re.S)


def test_the_person_column_is_headed_handler(client, world, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    _register(committee_staff, world.baoxing)
    html = client.get(reverse("certificates:seals")).content.decode()
    headings = re.findall(r"<th[^>]*>(.*?)</th>", _rows(html)[0])
    assert "经办人" in headings
    assert not {"姓名", "名称", "办理机构"} & set(headings)


def test_an_entry_of_a_voided_certificate_says_so(client, world, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    voided = _register(committee_staff, world.baoxing)
    services.registration_void(actor=committee_staff, registration=voided, reason="用途写错")
    kept = _register(committee_staff, world.baoxing)
    response = client.get(reverse("certificates:seals"))
    entries = response.context["page"].object_list
    assert [e.registration for e in entries] == [kept, voided]
    rows = _rows(response.content.decode())[1:]  # after the headings
    assert "证明已作废" not in rows[0] and "证明已作废" in rows[1]


def test_the_voided_marks_cost_no_query_per_row(client, world, committee_staff,
                                                django_assert_max_num_queries) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    _register(committee_staff, world.baoxing)
    client.get(reverse("certificates:seals"))
    with django_assert_max_num_queries(100) as few:
        client.get(reverse("certificates:seals"))
    for _ in range(5):
        services.registration_void(actor=committee_staff, registration=_register(committee_staff, world.baoxing),
                                   reason="错")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("certificates:seals"))


def test_the_item_has_no_preselected_default(client, world, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    response = client.get(reverse("certificates:seals"))
    field = response.context["form"]["item"]
    assert field.field.required and field.value() in (None, "")
    assert list(field.field.choices)[0] == ("", "请选择")
    select = response.content.decode().split('name="item"', 1)[1].split("</select>", 1)[0]
    assert re.search(r'<option value="" selected>请选择</option>', select)
    assert select.count("selected") == 1
    refused = client.post(reverse("certificates:seals"), {"item": "", "content": "停水通知", "copies": 1,
                                                          "approver": "李主任"})
    assert refused.status_code == 200 and "item" in refused.context["form"].errors
    assert not SealUse.objects.exists()


def test_statistics_say_issued_includes_the_voided_and_count_so(client, world, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    services.registration_void(actor=committee_staff, registration=_register(committee_staff, world.baoxing),
                               reason="错")
    _register(committee_staff, world.baoxing)
    response = client.get(reverse("certificates:statistics"))
    note = str(response.context["issued_note"])
    assert "含已作废" in note
    assert note in response.content.decode()
    data = response.context["data"]
    assert data["totals"]["issued"] == 2 and data["totals"]["voided"] == 1  # the voided one counted, as it says
    assert sum(row["total"] for row in data["by_type"]) == data["totals"]["issued"]
