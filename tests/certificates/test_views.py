"""The pages: the lookup and its answer (counted), the route slip, the district's catalogue (adapting a national
type, export and import), the public list; the registers (registering from the lookup, print, voids, the seal
register, statistics) and who sees and does what on them."""

import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from certificates import services
from certificates.models import CertificateType, LookupTally, Registration
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"


@pytest.fixture
def hankou_staff(world):  # noqa: ANN001, ANN201
    return UserFactory(username="hankou", role="committee", district=world.huangpu, street=world.waitan,
                       committee=world.hankou)


def _post(client, **fields):  # noqa: ANN001, ANN003, ANN202
    living = CertificateType.objects.get(name="居住情况证明")
    data = {"certificate_type": living.pk, "applicant_name": "王芳", "id_number": ID, "purpose": "办理入学",
            "facts": "自2019年起居住于本居民区", "verification": "入户走访", "seal_used": "on", "approver": "李主任", **fields}
    return client.post(reverse("certificates:register_new"), data)


def _register(actor, committee):  # noqa: ANN001, ANN202
    return services.registration_create(actor=actor, committee=committee,
                                        certificate_type=CertificateType.objects.get(name="居住情况证明"),
                                        applicant_name="张三", id_number=ID, purpose="p", facts="f", verification="v")


# --- the lookup -------------------------------------------------------------------------------------------------
def test_committee_staff_see_an_unmistakable_answer_and_choosing_it_is_counted(client, world, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    results = client.get(reverse("certificates:lookup"), {"q": "死亡证明"}, headers={"HX-Request": "true"})
    assert "不予出具" in results.content.decode() and "<html" not in results.content.decode()
    death = CertificateType.objects.get(name="死亡证明")
    assert results.context["matches"][0].certificate == death
    url = reverse("certificates:answer", args=[death.pk])
    # Reading the answer (a reload, a prefetch, the link without JavaScript) counts nothing.
    for _ in range(2):
        shown = client.get(url).content.decode()
        assert "不予出具" in shown and death.alternative_route in shown
    assert not LookupTally.objects.exists()
    # Choosing it on the lookup page POSTs (hx-post): one resident answered each time.
    for _ in range(2):
        answer = client.post(url, headers={"HX-Request": "true"})
        assert answer.context["certificate"] == death and "<html" not in answer.content.decode()
    tally = LookupTally.objects.get(committee=world.baoxing, certificate_type=death)
    assert (tally.count, tally.issuable) == (2, False)
    slip = client.get(reverse("certificates:slip", args=[death.pk])).content.decode()
    assert "请到" in slip and "宝兴居委会" in slip
    living = CertificateType.objects.get(name="居住情况证明")
    may_issue = client.get(reverse("certificates:answer", args=[living.pk]))
    assert "可以据实出具" in may_issue.content.decode() and may_issue.context["may_register"]
    assert client.get(reverse("certificates:slip", args=[living.pk])).status_code == 404  # no such slip


def test_district_staff_read_answers_without_counting_or_registering(client, world, district_staff) -> None:  # noqa: ANN001
    living = CertificateType.objects.get(name="居住情况证明")
    client.force_login(district_staff)
    response = client.post(reverse("certificates:answer", args=[living.pk]))
    assert response.status_code == 200 and not response.context["may_register"]
    assert not LookupTally.objects.exists()


def test_a_type_of_another_district_is_not_found(client, world, committee_staff) -> None:  # noqa: ANN001
    theirs = CertificateType.objects.create(name="徐汇区特有证明", rule="facts", jurisdiction="district", district=world.xuhui)
    client.force_login(committee_staff)
    assert client.get(reverse("certificates:answer", args=[theirs.pk])).status_code == 404


def test_the_lookup_costs_the_same_queries_however_big_the_catalogue(client, world, committee_staff,
                                                                     django_assert_num_queries) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    client.get(reverse("certificates:lookup"))  # the bell's count is cached from here on
    with django_assert_num_queries(7):  # session, user, the unit names in the header, grants, the catalogue
        assert client.get(reverse("certificates:lookup"), {"q": "死亡"}).status_code == 200
    CertificateType.objects.bulk_create([CertificateType(name=f"区证明{n}", rule="facts", jurisdiction="district",
                                                         district=world.huangpu) for n in range(300)])
    with django_assert_num_queries(7):
        assert client.get(reverse("certificates:lookup"), {"q": "死亡"}).status_code == 200


# --- the catalogue ----------------------------------------------------------------------------------------------
def test_district_staff_adapt_a_national_type(client, world, district_staff, committee_staff) -> None:  # noqa: ANN001
    national = CertificateType.objects.get(name="无犯罪记录证明")
    client.force_login(district_staff)
    page = client.get(reverse("certificates:catalogue"))
    assert page.context["may_add"] and page.context["editable"] == set()
    form = client.get(reverse("certificates:type_add"), {"override": national.pk})
    assert form.status_code == 200
    response = client.post(reverse("certificates:type_add") + f"?override={national.pk}", {
        "name": "无犯罪记录证明", "aliases": "良民证\n无犯罪证明", "rule": "refuse",
        "alternative_route": "到黄浦公安分局各派出所或“一网通办”申请", "handled_by": "黄浦公安分局", "is_active": "on"})
    assert response.status_code == 302
    override = CertificateType.objects.get(district=world.huangpu)
    assert override.overrides == national and override.aliases == ["良民证", "无犯罪证明"]
    # Adapting it again edits the district's version; the catalogue offers to edit it.
    again = client.get(reverse("certificates:type_add"), {"override": national.pk})
    assert again.url == reverse("certificates:type_edit", args=[override.pk])
    assert override.pk in client.get(reverse("certificates:catalogue"), {"q": "良民证"}).context["editable"]
    client.force_login(committee_staff)
    found = client.get(reverse("certificates:lookup"), {"q": "良民证"}).context["matches"]
    assert found[0].certificate == override
    catalogue = client.get(reverse("certificates:catalogue"))
    assert not catalogue.context["may_add"] and catalogue.context["editable"] == set()


def test_only_the_districts_staff_edit_its_types(client, world, district_staff, other_district_staff,
                                                 committee_staff) -> None:  # noqa: ANN001
    ours = CertificateType.objects.create(name="黄浦区特有证明", rule="facts", jurisdiction="district", district=world.huangpu)
    client.force_login(other_district_staff)
    assert client.get(reverse("certificates:type_edit", args=[ours.pk])).status_code == 404
    client.force_login(committee_staff)
    assert client.get(reverse("certificates:type_edit", args=[ours.pk])).status_code == 403
    assert client.get(reverse("certificates:type_add")).status_code == 403
    client.force_login(district_staff)
    assert client.get(reverse("certificates:type_edit", args=[ours.pk])).status_code == 200


def test_the_catalogue_exports_and_a_changed_row_imports_as_a_district_override(client, world, district_staff) -> None:  # noqa: ANN001
    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(district_staff)
    exported = client.get(reverse("certificates:catalogue_export")).getvalue()
    unchanged = client.post(reverse("certificates:catalogue_import"), {"file": SimpleUploadedFile("c.xlsx", exported)})
    assert unchanged.status_code == 302 and not CertificateType.objects.filter(district=world.huangpu).exists()
    workbook = openpyxl.load_workbook(io.BytesIO(exported))
    sheet = workbook.active
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "居民养犬证明":
            row[6].value = "黄浦公安分局"
    sheet.append(["黄浦区老年人优待证明", "优待证明", "", "可以据实出具", "核对本人身份证和户口簿", "", "", "", "", ""])
    changed = io.BytesIO()
    workbook.save(changed)
    response = client.post(reverse("certificates:catalogue_import"), {"file": SimpleUploadedFile("c.xlsx", changed.getvalue())})
    assert response.status_code == 302
    override = CertificateType.objects.get(district=world.huangpu, name="居民养犬证明")
    assert override.overrides.jurisdiction == "national" and override.handled_by == "黄浦公安分局"
    assert CertificateType.objects.get(district=world.huangpu, name="黄浦区老年人优待证明").rule == "facts"

    sheet.append(["没有途径的不予出具事项", "", "", "不予出具", "", "", "", "", "", ""])
    broken = io.BytesIO()
    workbook.save(broken)
    before = CertificateType.objects.count()
    refused = client.post(reverse("certificates:catalogue_import"), {"file": SimpleUploadedFile("c.xlsx", broken.getvalue())})
    assert refused.status_code == 400 and "替代方式" in refused.content.decode()
    assert CertificateType.objects.count() == before


def test_an_imported_name_with_a_control_character_is_a_row_error(client, world, district_staff) -> None:  # noqa: ANN001
    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    workbook = openpyxl.Workbook()
    workbook.active.append(["Certificate", "Other names", "Rule"])
    workbook.active.append(["黄浦区测试证明", "良民\t证", "可以据实出具"])
    upload = io.BytesIO()
    workbook.save(upload)
    client.force_login(district_staff)
    refused = client.post(reverse("certificates:catalogue_import"), {"file": SimpleUploadedFile("c.xlsx", upload.getvalue())})
    assert refused.status_code == 400
    [error] = refused.context["errors"]
    assert error.row == 2 and "控制字符" in error.message
    assert not CertificateType.objects.filter(district=world.huangpu).exists()


def test_a_damaged_workbook_is_reported_not_a_500(client, world, district_staff, committee_staff) -> None:  # noqa: ANN001
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(district_staff)
    response = client.post(reverse("certificates:catalogue_import"), {"file": SimpleUploadedFile("c.xlsx", b"not a zip")})
    assert response.status_code == 400 and response.context["errors"][0].row == 0
    client.force_login(committee_staff)
    assert client.post(reverse("certificates:catalogue_import"),
                       {"file": SimpleUploadedFile("c.xlsx", b"x")}).status_code == 403


def test_the_public_page_lists_what_is_not_issued_without_login(client, db) -> None:  # noqa: ANN001
    page = client.get(reverse("public_certificates"), {"district": "310101"})
    names = {c.name for c in page.context["rows"]}
    assert "死亡证明" in names and "居住情况证明" not in names
    assert "死亡证明" not in {c.name for c in client.get(reverse("public_certificates"), {"q": "犬"}).context["rows"]}


def test_the_public_page_takes_only_a_listed_district(client, world) -> None:  # noqa: ANN001
    national = CertificateType.objects.get(name="居民养犬证明")
    CertificateType.objects.create(name="居民养犬证明", rule="refuse", jurisdiction="district", district=world.xuhui,
                                   overrides=national, alternative_route="到徐汇公安分局办理", handled_by="徐汇公安分局")
    xuhui = client.get(reverse("public_certificates"), {"district": "310104", "q": "养犬"})
    assert xuhui.context["district"] == "310104" and [c.handled_by for c in xuhui.context["rows"]] == ["徐汇公安分局"]
    for odd in ("999999", "310101' OR 1=1", "x" * 300):
        page = client.get(reverse("public_certificates"), {"district": odd, "q": "养犬"})
        assert page.status_code == 200 and page.context["district"] == "310101", odd
        assert [c.handled_by for c in page.context["rows"]] == ["公安机关"]
    # A NUL is refused before the page (portal.core.middleware.ControlCharacterMiddleware, issue 12).
    for query in ({"district": "\x00", "q": "养犬"}, {"q": "死亡\x00"}):
        assert client.get(reverse("public_certificates"), query).status_code == 400


def test_a_name_with_a_control_character_is_refused_on_the_form(client, world, district_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    for aliases in ("良民证\n无犯\x00罪证明", "良民\t证"):
        response = client.post(reverse("certificates:type_add"), {"name": "黄浦区测试证明", "aliases": aliases,
                                                                   "rule": "facts", "is_active": "on"})
        assert response.status_code == 200 and "控制字符" in response.context["form"].errors["aliases"][0]
    assert not CertificateType.objects.filter(district=world.huangpu).exists()
    saved = client.post(reverse("certificates:type_add"), {"name": "黄浦区测试证明", "aliases": "良民证、无犯罪证明",
                                                           "rule": "facts", "is_active": "on"})
    assert saved.status_code == 302
    assert CertificateType.objects.get(district=world.huangpu).aliases == ["良民证", "无犯罪证明"]


def test_a_bad_override_key_offers_a_new_type(client, world, district_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    for odd in ("²", "-1", "0", "99999999999999999999", "1e3"):
        response = client.get(reverse("certificates:type_add"), {"override": odd})
        assert response.status_code == 200, odd
        assert response.context["instance"].pk is None and response.context["instance"].overrides_id is None
    assert client.get(reverse("certificates:type_add"), {"override": "\x00"}).status_code == 400  # the middleware's
    assert client.get(reverse("certificates:type_add"), {"override": "2147483647"}).status_code == 404


# --- the registers ----------------------------------------------------------------------------------------------
def test_committee_staff_register_print_and_void(client, world, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    response = _post(client)
    registration = Registration.objects.get()
    assert response.url == reverse("certificates:register_detail", args=[registration.pk])
    assert registration.committee == world.baoxing and registration.issuer == committee_staff
    printed = client.get(reverse("certificates:register_print", args=[registration.pk])).content.decode()
    assert f"{world.baoxing.code}-{registration.number}" in printed and "110***********002X" in printed and ID not in printed
    assert client.get(reverse("certificates:register_detail", args=[registration.pk])).context["may_void"]
    client.post(reverse("certificates:register_detail", args=[registration.pk]), {"reason": "用途写错"})
    registration.refresh_from_db()
    assert registration.voided_at and registration.void_reason == "用途写错"
    listing = client.get(reverse("certificates:register"))
    assert listing.context["page"].object_list[0] == registration and "已作废" in listing.content.decode()
    assert listing.context["may_register"] and not listing.context["show_committee"]


def test_a_second_void_says_it_was_already_voided(client, world, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    registration = _register(committee_staff, world.baoxing)
    url = reverse("certificates:register_detail", args=[registration.pk])
    client.post(url, {"reason": "用途写错"}, follow=True)
    second = client.post(url, {"reason": "又写错"})
    assert second.status_code == 200 and not second.context["may_void"]
    assert [str(m) for m in get_messages(second.wsgi_request)] == ["该登记已作废，编号仍保留。"]
    registration.refresh_from_db()
    assert registration.void_reason == "用途写错"


def test_a_wrong_id_number_is_refused_on_the_form(client, world, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    response = _post(client, id_number="110105194912310021")
    assert response.status_code == 200 and response.context["form"].errors["id_number"] == ["不是有效的居民身份证号码。"]
    assert not Registration.objects.exists()


def test_a_committee_sees_only_its_own_registers(client, world, committee_staff, street_officer, hankou_staff) -> None:  # noqa: ANN001
    theirs = _register(hankou_staff, world.hankou)
    client.force_login(committee_staff)
    assert client.get(reverse("certificates:register_detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("certificates:register_detail", args=[theirs.pk]), {"reason": "x"}).status_code == 404
    assert theirs not in client.get(reverse("certificates:register")).context["page"].object_list
    client.force_login(street_officer)
    detail = client.get(reverse("certificates:register_detail", args=[theirs.pk]))
    assert detail.status_code == 200 and not detail.context["may_void"]
    assert client.post(reverse("certificates:register_detail", args=[theirs.pk]), {"reason": "x"}).status_code == 403
    listing = client.get(reverse("certificates:register"))
    assert listing.context["show_committee"] and not listing.context["may_register"]
    assert client.get(reverse("certificates:register_new")).status_code == 403


def test_a_read_write_grant_reads_another_committees_register_but_never_writes_it(
        client, world, committee_staff, hankou_staff) -> None:  # noqa: ANN001
    theirs = _register(hankou_staff, world.hankou)
    assign_perm("committees.change_committee", committee_staff, world.hankou)
    client.force_login(committee_staff)
    listing = client.get(reverse("certificates:register"))
    assert theirs in listing.context["page"].object_list
    detail = client.get(reverse("certificates:register_detail", args=[theirs.pk]))
    assert detail.status_code == 200 and not detail.context["may_void"]
    assert client.post(reverse("certificates:register_detail", args=[theirs.pk]), {"reason": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.voided_at is None
    # Registering from the page is for the reader's own committee, whatever they were granted.
    _post(client)
    assert Registration.objects.filter(committee=world.hankou).count() == 1
    assert Registration.objects.get(issuer=committee_staff).committee == world.baoxing


def test_the_seal_register_takes_listed_items_and_masks_phones(client, world, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    client.post(reverse("certificates:seals"), {"item": "notice", "content": "停水通知", "copies": 2, "approver": "李主任",
                                                "applicant_name": "赵六", "applicant_phone": "13812345678"})
    page = client.get(reverse("certificates:seals"))
    assert page.context["may_add"] and [s.content for s in page.context["page"].object_list] == ["停水通知"]
    assert "138****5678" in page.content.decode() and "13812345678" not in page.content.decode()
    refused = client.post(reverse("certificates:seals"), {"item": "blank", "content": "空白介绍信", "copies": 1,
                                                          "approver": "李主任"})
    assert refused.status_code == 200 and refused.context["form"].errors
    assert len(client.get(reverse("certificates:seals")).context["page"].object_list) == 1


def test_the_seal_register_is_read_only_for_the_street(client, world, street_officer) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    assert not client.get(reverse("certificates:seals")).context["may_add"]
    assert client.post(reverse("certificates:seals"), {"item": "notice", "content": "c", "copies": 1,
                                                       "approver": "a"}).status_code == 403


def test_statistics_count_registrations_turned_away_requests_and_voids(client, world, committee_staff,
                                                                        district_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    _post(client)
    _post(client)
    services.registration_void(actor=committee_staff, registration=Registration.objects.first(), reason="错")
    death = CertificateType.objects.get(name="死亡证明")
    for _ in range(3):
        services.lookup_tally_count(actor=committee_staff, certificate_type=death)
    client.force_login(district_staff)
    data = client.get(reverse("certificates:statistics")).context["data"]
    assert data["totals"] == {"issued": 2, "voided": 1, "turned_away": 3}
    assert data["by_type"][0]["name"] == "居住情况证明" and data["by_type"][0]["total"] == 2
    assert LookupTally.objects.get().count == 3
    this_year = timezone.localdate().year
    for odd in ("99999999999", "²", "١٢", "1948", "-2025", "2025.5", "-5", "abc"):
        response = client.get(reverse("certificates:statistics"), {"year": odd})
        assert response.status_code == 200 and response.context["year"] == this_year, odd
    assert client.get(reverse("certificates:statistics"), {"year": "\x00"}).status_code == 400  # the middleware's
    assert client.get(reverse("certificates:statistics"), {"year": "2025"}).context["data"]["totals"]["issued"] == 0


@pytest.mark.parametrize("size", [10, 1000])
def test_the_register_list_keeps_its_query_count(client, world, committee_staff, street_officer, size,
                                                 django_assert_max_num_queries) -> None:  # noqa: ANN001
    living = CertificateType.objects.get(name="居住情况证明")
    Registration.objects.bulk_create([Registration(
        committee=world.baoxing, year=2026, serial=n + 1, certificate_type=living, applicant_name="王", id_masked="110*",
        id_hash=str(n), purpose="p", facts="f", verification="v", issuer=committee_staff, issued_at=timezone.now())
        for n in range(size)])
    client.force_login(street_officer)  # the street's register: with the committee column
    with django_assert_max_num_queries(9):  # session, user, unit names, bell, grants, page count and rows
        response = client.get(reverse("certificates:register"))
    assert response.context["show_committee"] and len(response.context["page"].object_list) == min(size, 25)
    assert world.baoxing.name in response.content.decode()


def test_a_voided_certificate_prints_only_with_its_void_mark(client, world, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    _post(client)
    registration = Registration.objects.get()
    services.registration_void(actor=committee_staff, registration=registration, reason="姓名错")
    printed = client.get(reverse("certificates:register_print", args=[registration.pk])).content.decode()
    assert 'id="void-mark"' in printed and "window.print()" not in printed


@pytest.mark.parametrize("size", [12, 1200])
def test_statistics_count_by_type_and_month_in_a_constant_number_of_queries(
        client, world, committee_staff, district_staff, size, django_assert_max_num_queries) -> None:  # noqa: ANN001
    import datetime
    import zoneinfo

    issuable = list(CertificateType.objects.exclude(rule=CertificateType.Rule.DO_NOT_ISSUE).order_by("name"))
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    # Registration n: type n % 2, issued on the 1st of month n % 12 + 1 at 00:30 Shanghai time (the day before
    # in UTC, so a month taken in UTC would be wrong), every tenth one voided.
    Registration.objects.bulk_create([Registration(
        committee=world.baoxing, year=2025, serial=n + 1, certificate_type=issuable[n % 2], applicant_name="王",
        id_masked="110*", id_hash=str(n), purpose="p", facts="f", verification="v", issuer=committee_staff,
        issued_at=datetime.datetime(2025, n % 12 + 1, 1, 0, 30, tzinfo=shanghai),
        voided_at=timezone.now() if n % 10 == 0 else None, void_reason="错" if n % 10 == 0 else "")
        for n in range(size)])
    client.force_login(district_staff)
    with django_assert_max_num_queries(10):
        data = client.get(reverse("certificates:statistics"), {"year": 2025}).context["data"]
    per_month = size // 12
    first, second = data["by_type"]
    assert first["name"] == issuable[0].name and second["name"] == issuable[1].name
    assert first["months"] == [per_month if month % 2 == 0 else 0 for month in range(12)]
    assert second["months"] == [per_month if month % 2 == 1 else 0 for month in range(12)]
    assert data["totals"] == {"issued": size, "voided": len(range(0, size, 10)), "turned_away": 0}


# --- who is offered what ----------------------------------------------------------------------------------------
def test_department_staff_have_no_business_with_certificates(client, world, department_staff, committee_staff) -> None:  # noqa: ANN001
    registration = _register(committee_staff, world.baoxing)
    client.force_login(department_staff)
    for name, args in (("register", []), ("register_new", []), ("register_detail", [registration.pk]),
                       ("register_print", [registration.pk]), ("seals", []), ("statistics", []), ("lookup", []),
                       ("catalogue", [])):
        assert client.get(reverse(f"certificates:{name}", args=args)).status_code == 403, name


def test_nobody_is_offered_a_register_they_cannot_write(client, world, personas, superuser) -> None:  # noqa: ANN001
    """The buttons ask the selector the pages and services ask: a button shown is a page that answers 200."""
    living = CertificateType.objects.get(name="居住情况证明")
    offered = {}
    for person in [*personas.values(), superuser]:
        if not person.has_perm("certificates.view_registration"):
            continue
        client.force_login(person)
        may_register = offered[person.username] = client.get(reverse("certificates:register")).context["may_register"]
        assert client.get(reverse("certificates:answer", args=[living.pk])).context["may_register"] == may_register
        assert (client.get(reverse("certificates:register_new")).status_code == 200) == may_register, person.username
        may_seal = client.get(reverse("certificates:seals")).context["may_add"]
        sealed = client.post(reverse("certificates:seals"), {"item": "notice", "content": "c", "copies": 1,
                                                             "approver": "a"})
        assert (sealed.status_code == 302) == may_seal, person.username
        may_add = client.get(reverse("certificates:catalogue")).context["may_add"]
        assert (client.get(reverse("certificates:type_add")).status_code == 200) == may_add, person.username
    assert {name for name, shown in offered.items() if shown} == {"baoxing"} and "admin" in offered
