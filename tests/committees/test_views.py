"""The organisation pages: refusals, scope, forms, HTMX, grants, and query budgets."""

import pytest
from django.urls import reverse

from committees.models import CommitteeYear, CommunityWorker, Street
from portal.core.models import AuditEntry
from tests.support.factories import CommitteeFactory, CommitteeYearFactory, CommunityWorkerFactory, QualificationFactory

pytestmark = pytest.mark.django_db


def _pages(world, record, worker) -> list[str]:  # noqa: ANN001
    return [
        reverse("dashboards:home"),
        reverse("committees:district_list"),
        reverse("committees:district_detail", args=["310101"]),
        reverse("committees:street_detail", args=[world.waitan.code]),
        reverse("committees:committee_list"),
        reverse("committees:committee_detail", args=[world.baoxing.code]),
        reverse("committees:committeeyear_add", args=[world.baoxing.code]),
        reverse("committees:committeeyear_edit", args=[record.pk]),
        reverse("committees:committeeyear_row", args=[record.pk]),
        reverse("committees:worker_add", args=[world.baoxing.code]),
        reverse("committees:worker_edit", args=[worker.pk]),
        reverse("committees:access_grants"),
        reverse("accounts:password_change"),
    ]


def test_every_page_refuses_anonymous_users(client, world) -> None:  # noqa: ANN001
    record, worker = CommitteeYearFactory(committee=world.baoxing), CommunityWorkerFactory(committee=world.baoxing)
    for url in _pages(world, record, worker):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login")), url


def test_login_page_is_chinese_by_default(client, db) -> None:  # noqa: ANN001
    content = client.get(reverse("accounts:login")).content.decode()
    assert "登录" in content and "减负通" in content and 'lang="zh-hans"' in content


def test_language_switches_to_english(client, db) -> None:  # noqa: ANN001
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Log in" in client.get(reverse("accounts:login")).content.decode()


@pytest.mark.parametrize(
    "url_name, args",
    [
        ("committees:district_detail", ["310104"]),
        ("committees:street_detail", ["310101002"]),
        ("committees:committee_detail", ["310101002001"]),
        ("committees:committee_detail", ["999999999999"]),  # missing looks the same as forbidden
    ],
)
def test_objects_outside_scope_are_404(client, street_officer, url_name, args) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    assert client.get(reverse(url_name, args=args)).status_code == 404


def test_records_outside_scope_are_404(client, street_officer, world) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    record, worker = CommitteeYearFactory(committee=world.yunnan), CommunityWorkerFactory(committee=world.yunnan)
    assert client.get(reverse("committees:committeeyear_edit", args=[record.pk])).status_code == 404
    assert client.post(reverse("committees:committeeyear_edit", args=[record.pk]), {"year": 2025}).status_code == 404
    assert client.get(reverse("committees:worker_edit", args=[worker.pk])).status_code == 404
    assert client.get(reverse("committees:committeeyear_add", args=[world.yunnan.code])).status_code == 404


def test_edits_without_the_role_are_403(client, committee_staff, world) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    record = CommitteeYearFactory(committee=world.baoxing)
    assert client.get(reverse("committees:committee_detail", args=[world.baoxing.code])).status_code == 200
    assert client.get(reverse("committees:committeeyear_edit", args=[record.pk])).status_code == 403
    assert client.get(reverse("committees:committeeyear_add", args=[world.baoxing.code])).status_code == 403
    assert client.get(reverse("committees:worker_add", args=[world.baoxing.code])).status_code == 403
    assert client.get(reverse("committees:access_grants")).status_code == 403


def test_street_officer_adds_a_year_and_it_is_audited(client, street_officer, world) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    url = reverse("committees:committeeyear_add", args=[world.baoxing.code])
    data = {"year": 2025, "households": 3100, "resident_households": 2900, "office_area_m2": "120", "elder_area_m2": "",
            "work_fund_yuan": "90000"}
    response = client.post(url, data)
    assert response.status_code == 302
    record = CommitteeYear.objects.get(committee=world.baoxing, year=2025)
    assert record.households == 3100 and record.elder_area_m2 is None
    assert AuditEntry.objects.filter(object_id=str(record.pk), action="committeeyear.create", actor=street_officer).exists()
    page = client.get(reverse("committees:committee_detail", args=[world.baoxing.code])).content.decode()
    assert "超规模" in page and "用房未达标" in page


def test_invalid_values_are_explained_in_chinese_and_nothing_is_saved(client, street_officer, world) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    CommitteeYearFactory(committee=world.baoxing, year=2024)
    url = reverse("committees:committeeyear_add", args=[world.baoxing.code])
    response = client.post(url, {"year": 2025, "households": -1, "resident_households": 10})
    assert response.status_code == 200
    assert "确保该值大于或等于0" in response.content.decode()
    response = client.post(url, {"year": 2024, "households": 100, "resident_households": 90})
    assert "已有该年度" in response.content.decode()
    assert CommitteeYear.objects.filter(committee=world.baoxing).count() == 1


def test_htmx_edit_returns_the_row(client, street_officer, world) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    record = CommitteeYearFactory(committee=world.baoxing, households=1000)
    url = reverse("committees:committeeyear_edit", args=[record.pk])
    form = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert form.lstrip().startswith('<tr id="year-') and "<html" not in form
    data = {"year": 2025, "households": 1200, "resident_households": 1100}
    row = client.post(url, data, headers={"HX-Request": "true"}).content.decode()
    assert "1200" in row.replace(",", "") and "<form" not in row
    record.refresh_from_db()
    assert record.households == 1200


def test_committee_search_filters_and_paginates(client, district_staff, world) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    page = client.get(reverse("committees:committee_list"), {"q": "宝兴"}).content.decode()
    assert "宝兴居委会" in page and "汉口路居委会" not in page
    partial = client.get(reverse("committees:committee_list"), {"q": "zzz"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and "zzz" in partial  # the empty state names the search


def test_worker_page_shows_highest_qualification(client, street_officer, world) -> None:  # noqa: ANN001
    worker = CommunityWorkerFactory(committee=world.baoxing, name="张三")
    QualificationFactory(worker=worker, level="intermediate", obtained_on="2020-01-01")
    QualificationFactory(worker=worker, level="assistant", obtained_on="2024-01-01")  # obtained later, lower
    client.force_login(street_officer)
    page = client.get(reverse("committees:committee_detail", args=[world.baoxing.code])).content.decode()
    row = page[page.index("张三"):page.index("</tr>", page.index("张三"))]
    assert "社会工作师" in row and "助理社会工作师" not in row


def test_street_officer_adds_a_worker_and_a_qualification(client, street_officer, world) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    response = client.post(reverse("committees:worker_add", args=[world.baoxing.code]),
                           {"code": "WT-9", "name": "王五", "position": "社工", "hired_on": "2024-02-01"})
    assert response.status_code == 302
    worker = CommunityWorker.objects.get(code="WT-9")
    response = client.post(reverse("committees:qualification_add", args=[worker.pk]),
                           {"level": "assistant", "obtained_on": "2025-06-01"})
    assert response.status_code == 302
    assert worker.qualifications.get().level == "assistant"


def test_district_grants_a_committee_to_a_named_person(client, district_staff, outsider, street_officer, world) -> None:  # noqa: ANN001
    client.force_login(outsider)
    url = reverse("committees:committee_detail", args=[world.hankou.code])
    assert client.get(url).status_code == 404
    client.force_login(district_staff)
    response = client.post(reverse("committees:access_grants"),
                           {"username": outsider.username, "committee": world.hankou.code, "access": "view"})
    assert response.status_code == 302, response.context["form"].errors
    client.force_login(outsider)
    assert client.get(url).status_code == 200
    assert client.get(reverse("committees:committee_detail", args=[world.baoxing.code])).status_code == 404
    # Revoking asks for confirmation first, then takes the access back.
    client.force_login(district_staff)
    grants = client.get(reverse("committees:access_grants")).context["page"].object_list
    revoke = reverse("committees:access_revoke", args=[grants[0].pk])
    assert "撤销" in client.get(revoke).content.decode()
    assert client.post(revoke).status_code == 302
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_district_cannot_grant_other_districts_committees(client, district_staff, outsider, world) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    response = client.post(reverse("committees:access_grants"),
                           {"username": outsider.username, "committee": world.xuhui_committee.code, "access": "view"})
    assert response.status_code == 200 and response.context["form"].errors


def _many_committees(world, count: int) -> None:  # noqa: ANN001
    streets = [world.waitan] + [
        Street.objects.create(district=world.huangpu, code=f"310101{n:03d}", name=f"街道{n}", kind="street")
        for n in range(30, 30 + count // 150)
    ]
    made = 0
    for street in streets:
        for n in range(1, 151):
            if made >= count or (street == world.waitan and n in (1, 18)):
                continue
            committee = CommitteeFactory(street=street, code=f"{street.code}{n:03d}")
            CommitteeYearFactory(committee=committee)
            made += 1


@pytest.mark.parametrize("count", [1, 500])
def test_district_committee_list_query_count_is_bounded(
    client, district_staff, world, count, django_assert_max_num_queries  # noqa: ANN001
) -> None:
    _many_committees(world, count)
    client.force_login(district_staff)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("committees:committee_list"), {"district": "310101"})
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 500])
def test_committee_page_query_count_is_bounded(client, district_staff, world, count, django_assert_max_num_queries) -> None:  # noqa: ANN001
    _many_committees(world, count)
    for year in (2022, 2023, 2024):
        CommitteeYearFactory(committee=world.baoxing, year=year)
    for _ in range(count // 50 + 1):
        QualificationFactory(worker=CommunityWorkerFactory(committee=world.baoxing))
    client.force_login(district_staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("committees:committee_detail", args=[world.baoxing.code]))
    assert response.status_code == 200


def test_an_english_browser_still_gets_chinese_until_the_user_switches(client, db) -> None:  # noqa: ANN001
    page = client.get(reverse("accounts:login"), headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert "登录" in page


def test_home_counts_each_committee_once(client, street_officer, world) -> None:  # noqa: ANN001
    for year in (2023, 2024, 2025):
        CommitteeYearFactory(committee=world.baoxing, year=year)
        CommitteeYearFactory(committee=world.hankou, year=year)
    client.force_login(street_officer)
    counts = client.get(reverse("dashboards:home")).context["counts"]
    assert counts == {"committees": 2, "streets": 1, "with_record": 2}


def test_space_mark_applies_from_1500_resident_households(client, street_officer, world) -> None:  # noqa: ANN001
    CommitteeYearFactory(committee=world.baoxing, year=2025, resident_households=1499, office_area_m2=None)
    CommitteeYearFactory(committee=world.hankou, year=2025, resident_households=1500, office_area_m2=None)
    client.force_login(street_officer)
    committees = {c.code: c for c in client.get(reverse("committees:committee_list")).context["page"].object_list}
    assert not committees[world.baoxing.code].flags.below_space_standard
    assert committees[world.hankou.code].flags.below_space_standard


def test_dissolved_committees_and_former_workers_are_not_counted_at_home(client, street_officer, world) -> None:  # noqa: ANN001
    import datetime

    world.hankou.established_on, world.hankou.dissolved_on = datetime.date(2000, 1, 1), datetime.date(2020, 1, 1)
    world.hankou.save()
    CommunityWorkerFactory(committee=world.baoxing, hired_on=datetime.date(2020, 1, 1))
    CommunityWorkerFactory(committee=world.baoxing, hired_on=datetime.date(2020, 1, 1), left_on=datetime.date(2021, 1, 1))
    CommunityWorkerFactory(committee=world.baoxing, hired_on=datetime.date(2099, 1, 1))  # not yet hired
    client.force_login(street_officer)
    context = client.get(reverse("dashboards:home")).context
    assert context["counts"]["committees"] == 1 and context["workers"] == 1


def test_the_admin_is_for_platform_administrators_only(client, district_staff) -> None:  # noqa: ANN001
    district_staff.is_staff = True
    district_staff.save()
    client.force_login(district_staff)
    assert client.get("/admin/committees/committee/").status_code == 302  # to the admin login, not the rows


def test_district_counts_only_what_the_viewer_can_see(client, street_officer, district_staff, world) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    [huangpu] = client.get(reverse("committees:district_list")).context["districts"]
    assert (huangpu.street_count, huangpu.committee_count) == (1, 2)  # 外滩街道 and its two committees
    client.force_login(district_staff)
    [huangpu] = client.get(reverse("committees:district_list")).context["districts"]
    assert (huangpu.street_count, huangpu.committee_count) == (2, 3)


def test_home_explains_each_level_and_lists_what_it_keeps(client, personas) -> None:  # noqa: ANN001
    """The home page follows the user's level (own_level), not their role string: a street lists its
    committees (and a small world lists them everywhere), the district and the city their districts."""
    for persona, level, lists_committees, lists_districts in [
        ("city_staff", "city", True, True), ("district_staff", "district", True, True),
        ("department_staff", "department", True, True), ("street_officer", "street", True, False),
        ("committee_staff", "committee", True, False),
    ]:
        client.force_login(personas[persona])
        context = client.get(reverse("dashboards:home")).context
        assert context["level"] == level, persona
        assert ("committees" in context, "districts" in context) == (lists_committees, lists_districts), persona


def test_a_worker_saved_again_unchanged_keeps_their_dates(client, world, street_officer) -> None:  # noqa: ANN001
    """<input type="date"> takes ISO dates only: in the locale's 2024/02/01 the field showed empty and saving the
    form cleared the date a worker left on (found in the browser tryout of issue 11)."""
    import datetime

    from django.urls import reverse

    from tests.support.factories import CommunityWorkerFactory

    worker = CommunityWorkerFactory(committee=world.baoxing, hired_on=datetime.date(2020, 3, 1),
                                    left_on=datetime.date(2024, 2, 1))
    client.force_login(street_officer)
    url = reverse("committees:worker_edit", args=[worker.pk])
    form = client.get(url).context["form"]
    assert 'value="2024-02-01"' in str(form["left_on"]) and 'value="2020-03-01"' in str(form["hired_on"])
    data = {name: form[name].value() for name in form.fields}
    data = {name: ("" if value is None else value) for name, value in data.items()}
    data["left_on"] = form["left_on"].as_widget().split('value="')[1].split('"')[0]  # what the browser sends back
    data["hired_on"] = form["hired_on"].as_widget().split('value="')[1].split('"')[0]
    assert client.post(url, data).status_code == 302
    worker.refresh_from_db()
    assert (worker.hired_on, worker.left_on) == (datetime.date(2020, 3, 1), datetime.date(2024, 2, 1))


def test_home_leaves_out_the_workers_a_department_does_not_read(client, department_staff, street_officer, world
                                                               ) -> None:  # noqa: ANN001
    """A department's staff see no community worker (no personal data they do not need): their home page leaves
    the card out instead of saying "在职社区工作者 0" (issue 15 tryout); a street officer sees it with the figure."""
    import datetime

    CommunityWorkerFactory(committee=world.baoxing, hired_on=datetime.date(2020, 1, 1))
    client.force_login(department_staff)
    response = client.get(reverse("dashboards:home"))
    assert response.context["counts"]["committees"] == 3  # the organisation figures it does read
    assert "workers" not in response.context
    assert 'id="card-workers"' not in response.content.decode() and "在职社区工作者" not in response.content.decode()
    client.force_login(street_officer)
    response = client.get(reverse("dashboards:home"))
    assert response.context["workers"] == 1 and 'id="card-workers"' in response.content.decode()


def test_workers_are_listed_and_edited_by_their_name_as_people_write_it(client, street_officer, world) -> None:  # noqa: ANN001
    """A worker is a person: the column and the field say 姓名, not the 名称 of a unit."""
    worker = CommunityWorkerFactory(committee=world.baoxing)
    client.force_login(street_officer)
    page = client.get(reverse("committees:committee_detail", args=[world.baoxing.code])).content.decode()
    header = page.split("<th>工号</th>", 1)[1].split("</th>", 1)[0]
    assert header == "<th>姓名"
    form = client.get(reverse("committees:worker_edit", args=[worker.pk])).context["form"]
    assert form.fields["name"].label == "姓名"
