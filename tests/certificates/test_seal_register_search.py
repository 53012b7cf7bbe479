"""Issue 15: the seal register is searched by a person's name (the 经办人 who handled it, the applicant it was used
for, who approved it), by a certificate's number and by date, read like any input (certificates.filtersets.
SealUseFilterSet); it pages, says when a search finds nothing, and every select of the certificates forms asks in
Chinese instead of showing "---------". The phone-width layout is tests/browser/test_seal_register_phone.py."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from certificates import services
from certificates.forms import CertificateTypeForm, RegistrationForm
from certificates.models import CertificateType, Registration, SealUse
from certificates.selectors import certificate_type_issuable, seal_use_list
from portal.core.views import PAGE_SIZE
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _register(actor, committee, applicant: str = "张三") -> Registration:  # noqa: ANN001
    return services.registration_create(actor=actor, committee=committee,
                                        certificate_type=CertificateType.objects.get(name="居住情况证明"),
                                        applicant_name=applicant, id_number=ID, purpose="p", facts="f",
                                        verification="v", approver="李主任")


def _use(actor, committee, *, applicant: str = "", approver: str = "李主任", day: datetime.date | None = None  # noqa: ANN001
         ) -> SealUse:
    use = services.seal_use_create(actor=actor, committee=committee, item="notice", content="停水通知", copies=1,
                                   approver=approver, applicant_name=applicant)
    if day is not None:  # what was registered on another day (the service stamps now)
        SealUse.objects.filter(pk=use.pk).update(used_at=datetime.datetime.combine(day, datetime.time(23, 30),
                                                                                   tzinfo=SHANGHAI))
    return use


@pytest.fixture
def wang(committee_staff):  # noqa: ANN001, ANN201
    committee_staff.last_name, committee_staff.first_name = "王", "芳"
    committee_staff.save()
    return committee_staff


@pytest.fixture
def colleague(world):  # noqa: ANN001, ANN201
    return UserFactory(username="baoxing2", role="committee", district=world.huangpu, street=world.waitan,
                       committee=world.baoxing, last_name="赵", first_name="强")


def _found(actor, **filters) -> set[int]:  # noqa: ANN001, ANN003
    return set(seal_use_list(actor=actor, filters=filters).values_list("pk", flat=True))


class TestSearch:
    def test_by_the_handlers_name_the_applicant_or_the_approver(self, world, wang, colleague) -> None:  # noqa: ANN001
        by_wang = _use(wang, world.baoxing, applicant="孙丽")
        by_zhao = _use(colleague, world.baoxing, approver="钱主任")
        assert _found(wang, name="王芳") == {by_wang.pk}  # 经办人, written 姓名
        assert _found(wang, name="赵") == {by_zhao.pk}
        assert _found(wang, name="孙丽") == {by_wang.pk}  # the person it was used for
        assert _found(wang, name="钱主任") == {by_zhao.pk}
        assert _found(wang, name=" 王芳\u200b ") == {by_wang.pk}  # read canonically, as pasted
        assert _found(wang, name="周") == set()

    def test_by_a_certificates_number(self, world, wang) -> None:  # noqa: ANN001
        first, second = _register(wang, world.baoxing), _register(wang, world.baoxing)
        other = _use(wang, world.baoxing)
        year = first.year
        assert _found(wang, serial=second.number) == {second.seal_use.pk}
        assert _found(wang, serial=f"{year}-1") == {first.seal_use.pk}
        assert _found(wang, serial="2") == {second.seal_use.pk}  # the serial alone, any year
        assert _found(wang, serial=f"{year}－０００２".translate(str.maketrans("０１２３４５６７８９", "0123456789"))
                      ) == {second.seal_use.pk}
        assert _found(wang, serial=f"{year - 1}-1") == set()
        assert other.pk not in _found(wang, serial="1")

    def test_by_days_in_shanghai_time(self, world, wang) -> None:  # noqa: ANN001
        march = _use(wang, world.baoxing, day=datetime.date(2026, 3, 10))  # 23:30 in Shanghai, 15:30 UTC
        april = _use(wang, world.baoxing, day=datetime.date(2026, 4, 2))
        assert _found(wang, used_from="2026-03-10", used_to="2026-03-10") == {march.pk}
        assert _found(wang, used_from="2026-03-11") >= {april.pk} and march.pk not in _found(wang, used_from="2026-03-11")
        assert _found(wang, used_to="2026-03-31") == {march.pk}

    def test_the_search_never_widens_what_the_reader_sees(self, world, wang, street_officer) -> None:  # noqa: ANN001
        hankou_staff = UserFactory(username="hankou", role="committee", district=world.huangpu, street=world.waitan,
                                   committee=world.hankou, last_name="王", first_name="芳")
        theirs = _use(hankou_staff, world.hankou)
        ours = _use(wang, world.baoxing)
        assert _found(wang, name="王芳") == {ours.pk}
        assert _found(street_officer, name="王芳") == {ours.pk, theirs.pk}


class TestPage:
    def test_the_page_searches_and_says_when_nothing_matches(self, client, world, wang) -> None:  # noqa: ANN001
        client.force_login(wang)
        found = _use(wang, world.baoxing, applicant="孙丽")
        _use(wang, world.baoxing, applicant="周明")
        response = client.get(reverse("certificates:seals"), {"name": "孙丽"})
        assert list(response.context["page"].object_list) == [found]
        assert [f.name for f in response.context["search"]] == ["name", "serial", "used_from", "used_to"]
        assert 'value="孙丽"' in response.content.decode()  # the search stays in its box
        nothing = client.get(reverse("certificates:seals"), {"name": "没有这个人"})
        assert list(nothing.context["page"].object_list) == []
        assert "没有符合搜索条件的用印记录。" in nothing.content.decode()
        assert "尚未登记" not in nothing.content.decode()

    def test_an_unreadable_search_is_said_on_its_field_and_filters_nothing(self, client, world, wang) -> None:  # noqa: ANN001
        client.force_login(wang)
        use = _use(wang, world.baoxing)
        # (A control character never reaches the page: the middleware answers 400, issue 12.)
        for query in ({"serial": "第二号"}, {"used_from": "2026-13-45"}, {"serial": "2026-12-01"}):
            response = client.get(reverse("certificates:seals"), query)
            assert response.status_code == 200
            field = next(f for f in response.context["search"] if f.name in query)
            assert field.errors, query
            assert list(response.context["page"].object_list) == [use]
        serial = client.get(reverse("certificates:seals"), {"serial": "第二号"}).content.decode()
        assert "请输入证明编号" in serial

    def test_the_pages_keep_the_search(self, client, world, wang) -> None:  # noqa: ANN001
        client.force_login(wang)
        for _ in range(PAGE_SIZE + 1):
            _use(wang, world.baoxing, applicant="孙丽")
        _use(wang, world.baoxing, applicant="周明")
        response = client.get(reverse("certificates:seals"), {"name": "孙丽"})
        page = response.context["page"]
        assert page.paginator.count == PAGE_SIZE + 1 and page.paginator.num_pages == 2
        links = re.findall(r'href="(\?[^"]*page=2[^"]*)"', response.content.decode())
        assert links and "name=%E5%AD%99%E4%B8%BD" in links[0]
        second = client.get(reverse("certificates:seals") + links[0].replace("&amp;", "&"))
        assert [u.applicant_name for u in second.context["page"].object_list] == ["孙丽"]

    def test_a_search_costs_no_query_per_row(self, client, world, wang, django_assert_max_num_queries) -> None:  # noqa: ANN001
        client.force_login(wang)
        _register(wang, world.baoxing, applicant="孙丽")
        query = {"name": "王芳", "used_from": "2000-01-01"}
        client.get(reverse("certificates:seals"), query)
        with django_assert_max_num_queries(100) as few:
            client.get(reverse("certificates:seals"), query)
        for _ in range(10):
            _register(wang, world.baoxing, applicant="孙丽")
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(reverse("certificates:seals"), query)
        assert len(response.context["page"].object_list) == 11

    def test_the_api_refuses_an_unreadable_number(self, api, world, wang) -> None:  # noqa: ANN001
        api.force_authenticate(wang)
        use = _use(wang, world.baoxing, applicant="孙丽")
        url = reverse("certificates-api:sealuse-list")
        assert api.get(url, {"serial": "abc"}).status_code == 400
        found = api.get(url, {"name": "孙丽"}).json()
        rows = found["results"] if isinstance(found, dict) else found
        assert [row["id"] for row in rows] == [use.pk]


class TestEmptyChoices:
    def test_the_certificate_type_asks_in_chinese(self, client, world, committee_staff) -> None:  # noqa: ANN001
        client.force_login(committee_staff)
        response = client.get(reverse("certificates:register_new"))
        choices = list(response.context["form"].fields["certificate_type"].choices)
        assert choices[0] == ("", "请选择证明类型")
        select = response.content.decode().split('name="certificate_type"', 1)[1].split("</select>", 1)[0]
        options = re.findall(r"<option[^>]*>([^<]*)</option>", select)
        assert options[0] == "请选择证明类型" and "---------" not in options

    def test_no_select_of_the_certificates_forms_shows_dashes(self, world, committee_staff) -> None:  # noqa: ANN001
        types = certificate_type_issuable(actor=committee_staff, district=world.huangpu.code)
        for form in (CertificateTypeForm(), RegistrationForm(types=types)):
            for field in form:
                assert "---------" not in str(field), (type(form).__name__, field.name)
        assert list(CertificateTypeForm().fields["rule"].choices)[0] == ("", "请选择")


class TestNamesWrittenOneWay:
    """A person's name is written one way where it is typed (portal.core.text.normalise_person_name): "张 三" is
    stored as 张三, so the register's search finds it; a Latin name keeps its one space (issue 15 tryout)."""

    def test_the_forms_store_a_chinese_name_without_spaces(self, client, world, wang) -> None:  # noqa: ANN001
        client.force_login(wang)
        living = CertificateType.objects.get(name="居住情况证明")
        client.post(reverse("certificates:register_new"), {
            "certificate_type": living.pk, "applicant_name": "张 三", "id_number": ID, "purpose": "办理入学",
            "facts": "居住", "verification": "入户走访", "seal_used": "on", "approver": "李\u3000主任"})
        registration = Registration.objects.get()
        assert (registration.applicant_name, registration.seal_use.approver) == ("张三", "李主任")
        client.post(reverse("certificates:seals"), {"item": "notice", "content": "停水通知", "copies": 1,
                                                    "approver": " Anna  Schmidt ", "applicant_name": "欧阳 娜娜"})
        use = SealUse.objects.get(item="notice")
        assert (use.approver, use.applicant_name) == ("Anna Schmidt", "欧阳娜娜")
        assert _found(wang, name="张三") == {registration.seal_use.pk}

    def test_the_api_stores_a_chinese_name_without_spaces(self, api, world, wang) -> None:  # noqa: ANN001
        api.force_authenticate(wang)
        created = api.post("/api/v1/registrations/", {
            "certificate_type": CertificateType.objects.get(name="居住情况证明").pk, "applicant_name": "张 三",
            "id_number": ID, "purpose": "入学", "facts": "居住", "verification": "走访", "approver": "李 主任"},
            format="json")
        assert created.status_code == 201, created.data
        assert Registration.objects.get().applicant_name == "张三"
        used = api.post(reverse("certificates-api:sealuse-list"), {
            "item": "notice", "content": "停水通知", "copies": 1, "approver": "Anna  Schmidt",
            "applicant_name": "王\u3000芳"}, format="json")
        assert used.status_code == 201, used.data
        assert SealUse.objects.filter(approver="Anna Schmidt", applicant_name="王芳").exists()

    def test_the_search_ignores_spaces_in_a_name_stored_before(self, world, wang) -> None:  # noqa: ANN001
        spaced = _use(wang, world.baoxing, applicant="孙丽")
        SealUse.objects.filter(pk=spaced.pk).update(applicant_name="张 三", approver="李 主任")  # typed before
        assert _found(wang, name="张三") == {spaced.pk}
        assert _found(wang, name="张 三") == {spaced.pk}
        assert _found(wang, name="李主任") == {spaced.pk}
        assert _found(wang, name="王 芳") >= {spaced.pk}  # the 经办人, 王芳, typed with a space


class TestSearchRefusals:
    """A search the register cannot read says why in plain Chinese on its field; the API answers 400."""

    def test_a_too_long_name_says_the_limit(self, client, api, world, wang) -> None:  # noqa: ANN001
        use = _use(wang, world.baoxing)
        client.force_login(wang)
        response = client.get(reverse("certificates:seals"), {"name": "张" * 5000})
        field = next(f for f in response.context["search"] if f.name == "name")
        assert field.errors == ["搜索内容最多 50 个字（现有 5000 个）。"]
        assert list(response.context["page"].object_list) == [use]  # the unreadable search filters nothing
        api.force_authenticate(wang)
        refused = api.get(reverse("certificates-api:sealuse-list"), {"name": "张" * 5000},
                          headers={"Accept-Language": "zh-hans"})
        assert refused.status_code == 400
        assert refused.json()["name"] == ["搜索内容最多 50 个字（现有 5000 个）。"]

    def test_a_start_after_the_end_is_a_field_error(self, client, api, world, wang) -> None:  # noqa: ANN001
        use = _use(wang, world.baoxing, day=datetime.date(2026, 3, 10))
        client.force_login(wang)
        response = client.get(reverse("certificates:seals"), {"used_from": "2026-04-01", "used_to": "2026-03-31"})
        field = next(f for f in response.context["search"] if f.name == "used_from")
        assert field.errors == ["开始日期不能晚于结束日期。"]
        assert "开始日期不能晚于结束日期。" in response.content.decode()
        assert list(response.context["page"].object_list) == [use]  # the end date still applies
        api.force_authenticate(wang)
        refused = api.get(reverse("certificates-api:sealuse-list"), {"used_from": "2026-04-01", "used_to": "2026-03-31"})
        assert refused.status_code == 400 and "used_from" in refused.json()
        assert api.get(reverse("certificates-api:sealuse-list"),
                       {"used_from": "2026-03-10", "used_to": "2026-03-10"}).status_code == 200
