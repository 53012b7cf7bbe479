"""One submit, one record (issue 12): a form that creates something carries a one-time token, so two identical POSTs
at the same moment (a double click) or one sent again (a resent page) make one record and show it; a duplicate that a
unique constraint refuses is the form's own error, never a server error (portal.core.views.submit_once,
add_integrity_error)."""

import datetime
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from certificates.models import CertificateType, Registration, SealUse
from committees.models import CommitteeYear, CommunityWorker, OrgImport
from portal.accounts.models import User
from portal.core.models import SubmissionToken
from portal.core.views import submission_digest, unique_violation
from tasks_registry.models import AdmissionRequest, Dispatch, RequestEvent, ViolationReport
from tests.support.factories import CommitteeYearFactory, UserFactory
from tests.tasks_registry.test_lists_and_dispatch import make_list
from tests.tasks_registry.test_request_pages import _form as request_form

ALREADY = "已提交，未重复创建。"
TOKEN = re.compile(r'<input type="hidden" name="submission_token" value="([0-9a-f-]{36})">')


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _token(client: Client, url: str) -> str:
    """The token of the (first) form on the page, as the browser would send it."""
    page = client.get(url)
    assert page.status_code == 200
    return TOKEN.findall(page.content.decode())[0]


def _messages(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@dataclass
class Case:
    """A form that creates: who fills it in, where, with what, and the rows one sending makes (their counts)."""

    user: User
    form_url: str
    data: Callable[[], dict]  # called per POST: a file can be read once
    made: Callable[[], tuple[int, ...]]
    post_url: str = ""

    def __post_init__(self) -> None:
        self.post_url = self.post_url or self.form_url


def _registration(request: pytest.FixtureRequest) -> Case:
    request.getfixturevalue("national_catalogue")
    living = CertificateType.objects.get(name="居住情况证明")
    return Case(
        user=request.getfixturevalue("committee_staff"), form_url=reverse("certificates:register_new"),
        data=lambda: {"certificate_type": living.pk, "applicant_name": "王芳", "id_number": "11010519491231002X",
                      "purpose": "办理入学", "facts": "自2019年起居住于本居民区", "verification": "入户走访",
                      "seal_used": "on", "approver": "李主任"},
        made=lambda: (Registration.objects.count(), SealUse.objects.count()))


def _annual_record(request: pytest.FixtureRequest) -> Case:
    world = request.getfixturevalue("world")
    return Case(
        user=request.getfixturevalue("street_officer"),
        form_url=reverse("committees:committeeyear_add", args=[world.baoxing.code]),
        data=lambda: {"year": 2025, "households": 3100, "resident_households": 2900, "office_area_m2": "120",
                      "elder_area_m2": "", "work_fund_yuan": "90000"},
        made=lambda: (CommitteeYear.objects.filter(committee=world.baoxing).count(),))


def _worker(request: pytest.FixtureRequest) -> Case:
    world = request.getfixturevalue("world")
    return Case(
        user=request.getfixturevalue("street_officer"),
        form_url=reverse("committees:worker_add", args=[world.baoxing.code]),
        data=lambda: {"code": "WT-9", "name": "王五", "position": "社工", "hired_on": "2024-02-01"},
        made=lambda: (CommunityWorker.objects.filter(committee=world.baoxing).count(),))


def _admission_request(request: pytest.FixtureRequest) -> Case:
    world = request.getfixturevalue("world")
    UserFactory(username="waitan2", role="street", district=world.huangpu, street=world.waitan)  # its reviewer
    request.getfixturevalue("district_staff")  # the district's, after the street
    return Case(
        user=request.getfixturevalue("street_officer"), form_url=reverse("tasks:request_new"),
        data=lambda: {**request_form(world), "submit": "1"},
        made=lambda: (AdmissionRequest.objects.count(), RequestEvent.objects.count() // 2))  # created, submitted


def _violation_report(request: pytest.FixtureRequest) -> Case:
    return Case(
        user=request.getfixturevalue("committee_staff"), form_url=reverse("tasks:report_new"),
        data=lambda: {"sender": "区卫生健康委员会", "title": "居民健康档案入户核对", "sent_on": "2026-03-02",
                      "evidence_file": SimpleUploadedFile("通知.jpg", b"\xff\xd8\xff\xe0 jpeg", content_type="image/jpeg")},
        made=lambda: (ViolationReport.objects.count(),))


def _dispatch(request: pytest.FixtureRequest) -> Case:
    world = request.getfixturevalue("world")
    today = timezone.localdate()
    item = make_list(district=world.huangpu, year=today.year).items.get()
    return Case(
        user=request.getfixturevalue("district_staff"), form_url=reverse("tasks:dispatch"),
        data=lambda: {"item": item.pk, "committees": [world.baoxing.code], "starts_on": today,
                      "due_on": datetime.date(today.year, 12, 31), "note": "年底前完成"},
        made=lambda: (Dispatch.objects.count(),))


def _org_import(request: pytest.FixtureRequest) -> Case:
    """An upload is a record too (its check runs inside the request for a small file)."""
    return Case(
        user=request.getfixturevalue("street_officer"), form_url=reverse("committees:import_list"),
        data=lambda: {"files": SimpleUploadedFile("居委会.csv", "居委会代码,居委会名称\n".encode())},
        made=lambda: (OrgImport.objects.count(),))


CASES = {"organisation import": _org_import,
         "certificate registration": _registration, "annual record": _annual_record, "worker": _worker,
         "admission request": _admission_request, "violation report": _violation_report, "dispatch": _dispatch}


@pytest.fixture(params=list(CASES))
def case(request: pytest.FixtureRequest) -> Case:
    return CASES[request.param](request)


def _at_once(clients: list[Client], url: str, data: Callable[[], dict]) -> list[Any]:
    """Each client POSTs in a thread of its own, released together by a barrier (two requests in flight at once,
    each with its own database connection). A server error in a thread is raised here."""
    barrier = threading.Barrier(len(clients))
    responses: list[Any] = [None] * len(clients)
    errors: list[BaseException] = []

    def send(index: int) -> None:
        try:
            payload = data()
            barrier.wait(timeout=10)
            responses[index] = clients[index].post(url, payload)
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return responses


@pytest.mark.django_db(transaction=True)
def test_two_identical_posts_at_the_same_moment_make_one_record(case: Case) -> None:
    """A double click: the same form (one token), sent twice at once by the same person (one session)."""
    first, second = _client(case.user), _client(case.user)
    token = _token(first, case.form_url)
    responses = _at_once([first, second], case.post_url, lambda: {**case.data(), "submission_token": token})
    assert case.made() == (1,) * len(case.made())
    assert [response.status_code for response in responses] == [302, 302]
    assert responses[0].url == responses[1].url  # both show the one record
    assert sorted(ALREADY in _messages(response) for response in responses) == [False, True]


@pytest.mark.django_db
def test_a_resent_post_makes_one_record_and_shows_it(case: Case) -> None:
    client = _client(case.user)
    data = {**case.data(), "submission_token": _token(client, case.form_url)}
    created = client.post(case.post_url, data)
    assert created.status_code == 302
    resent = client.post(case.post_url, {**case.data(), "submission_token": data["submission_token"]}, follow=True)
    assert case.made() == (1,) * len(case.made())
    assert resent.redirect_chain == [(created.url, 302)] and resent.status_code == 200
    assert ALREADY in _messages(resent)


@pytest.mark.django_db
def test_the_same_form_sent_again_with_other_values_is_another_record(world: Any, street_officer: User) -> None:
    """Back, change the name, send: a second worker, not "already submitted" (review of issue 12)."""
    client = _client(street_officer)
    url = reverse("committees:worker_add", args=[world.baoxing.code])
    token = _token(client, url)
    first = {"code": "WT-1", "name": "王五", "position": "社工", "hired_on": "2024-02-01", "submission_token": token}
    assert client.post(url, first).status_code == 302
    second = client.post(url, {**first, "code": "WT-2", "name": "赵六"})
    assert second.status_code == 302 and ALREADY not in _messages(second)
    assert sorted(CommunityWorker.objects.filter(committee=world.baoxing).values_list("name", flat=True)) == ["王五", "赵六"]


@pytest.mark.django_db
def test_a_form_sent_with_errors_frees_its_token(world: Any, street_officer: User) -> None:
    """Nothing made, nothing remembered: the same form corrected and sent again is saved."""
    client = _client(street_officer)
    url = reverse("committees:committeeyear_add", args=[world.baoxing.code])
    token = _token(client, url)
    refused = client.post(url, {"year": 2025, "households": -1, "resident_households": 10, "submission_token": token})
    assert refused.status_code == 200 and refused.context["form"].errors["households"]
    saved = client.post(url, {"year": 2025, "households": 100, "resident_households": 90, "submission_token": token})
    assert saved.status_code == 302 and ALREADY not in _messages(saved)
    assert CommitteeYear.objects.filter(committee=world.baoxing, year=2025).count() == 1


@pytest.mark.django_db
def test_a_form_whose_first_sending_did_not_finish_is_not_sent_again(world: Any, street_officer: User) -> None:
    """A token claimed by a sending that never finished (the server stopped): the person is sent back to the form
    and told to check, rather than risking a second record."""
    client = _client(street_officer)
    url = reverse("committees:committeeyear_add", args=[world.baoxing.code])
    token = _token(client, url)
    values = {"year": 2025, "households": 100, "resident_households": 90, "submission_token": token}
    sent = RequestFactory().post(url, values)
    SubmissionToken.objects.create(user=street_officer, token=token, digest=submission_digest(sent), path=url)
    response = client.post(url, values)
    assert response.status_code == 302 and response.url == url
    assert "没有完成" in _messages(response)[0]
    assert not CommitteeYear.objects.filter(committee=world.baoxing).exists()


@pytest.mark.django_db
def test_tokens_are_per_person_and_old_ones_are_swept(world: Any, street_officer: User) -> None:
    colleague = UserFactory(username="waitan2", role="street", district=world.huangpu, street=world.waitan)
    url = reverse("committees:committeeyear_add", args=[world.baoxing.code])
    token = _token(_client(street_officer), url)
    old = SubmissionToken.objects.create(user=street_officer, token="00000000-0000-4000-8000-000000000000", path=url,
                                         result_url="/")
    SubmissionToken.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    data = {"year": 2025, "households": 100, "resident_households": 90, "submission_token": token}
    assert _client(street_officer).post(url, data).status_code == 302
    # Another person's form with the same token is theirs: it is not answered with the first person's record.
    data["year"] = 2024
    assert ALREADY not in _messages(_client(colleague).post(url, data))
    assert CommitteeYear.objects.filter(committee=world.baoxing).count() == 2
    assert not SubmissionToken.objects.filter(pk=old.pk).exists()


CREATE_FORMS = [
    ("committee_staff", "certificates:register_new", []),
    ("committee_staff", "certificates:seals", []),
    ("district_staff", "certificates:type_add", []),
    ("street_officer", "committees:committeeyear_add", ["310101013018"]),
    ("street_officer", "committees:worker_add", ["310101013018"]),
    ("district_staff", "committees:access_grants", []),
    ("district_staff", "tasks:list_index", []),
    ("district_staff", "tasks:dispatch", []),
    ("street_officer", "tasks:request_new", []),
    ("committee_staff", "tasks:report_new", []),
    ("street_officer", "committees:import_list", []),
    ("city_staff", "workdays:calendarday_add", []),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "name", "args"), CREATE_FORMS)
def test_every_form_that_creates_carries_a_token(personas: dict, national_catalogue: None, persona: str, name: str,
                                                  args: list) -> None:
    """Every POST form of a page that creates something carries its own token (the dispatch page has two)."""
    page = _client(personas[persona]).get(reverse(name, args=args)).content.decode()
    main = page[page.index("<main"):page.index("</main>")]  # not the menu's language and log-out forms
    ours = re.findall(r"<form\b[^>]*method=\"post\"[^>]*>.*?</form>", main, flags=re.S)
    assert ours
    tokens = [TOKEN.findall(form) for form in ours]
    assert all(len(found) == 1 for found in tokens), name
    assert len({found[0] for found in tokens}) == len(tokens)


# --- duplicates refused by a unique constraint: the form's error, never a 500 ---------------------------------


@pytest.mark.django_db
def test_the_same_year_added_twice_is_the_forms_error(world: Any, street_officer: User) -> None:
    client = _client(street_officer)
    url = reverse("committees:committeeyear_add", args=[world.baoxing.code])
    data = {"year": 2025, "households": 100, "resident_households": 90}
    assert client.post(url, {**data, "submission_token": _token(client, url)}).status_code == 302
    again = client.post(url, {**data, "submission_token": _token(client, url)})  # a second form, filled in alike
    assert again.status_code == 200
    assert "该居村委会已有该年度的数据。" in again.context["form"].non_field_errors()
    assert CommitteeYear.objects.filter(committee=world.baoxing).count() == 1


@pytest.mark.django_db
def test_the_same_worker_added_twice_is_the_forms_error(world: Any, street_officer: User) -> None:
    client = _client(street_officer)
    url = reverse("committees:worker_add", args=[world.baoxing.code])
    data = {"code": "WT-9", "name": "王五", "hired_on": "2024-02-01"}
    assert client.post(url, {**data, "submission_token": _token(client, url)}).status_code == 302
    again = client.post(url, {**data, "submission_token": _token(client, url)})
    assert again.status_code == 200 and again.context["form"].errors["code"] == ["已有相同工号的社区工作者。"]


def _wait_for_a_lock_wait(seconds: float = 10) -> None:
    """Until another connection waits for a lock (the page's INSERT, held by this test's open transaction)."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # inside a transaction the view is a snapshot
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted AND pid IN (SELECT pid FROM pg_stat_activity"
                           " WHERE datname = current_database())")  # this database's sessions only
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the page never waited for the row this test holds")


def _post_in_a_thread(client: Client, url: str, data: dict) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def send() -> None:
        try:
            outcome["response"] = client.post(url, data)
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=send)
    thread.start()
    return thread, outcome


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("page", "data", "field", "message"), [
    ("committees:committeeyear_add", {"year": 2025, "households": 100, "resident_households": 90}, "year",
     "该居村委会已有该年度的数据。"),
    ("committees:worker_add", {"code": "WT-9", "name": "王五", "hired_on": "2024-02-01"}, "code",
     "已有相同工号的社区工作者。"),
])
def test_a_duplicate_that_passed_validation_in_a_race_is_the_forms_error(world: Any, street_officer: User, page: str,
                                                                         data: dict, field: str, message: str) -> None:
    """Two people (two tabs) add the same year at the same moment: both pass validation, the database refuses the
    second INSERT. Made deterministic: this test holds the first row uncommitted until the page's INSERT waits."""
    client = _client(street_officer)
    url = reverse(page, args=[world.baoxing.code])
    with transaction.atomic():
        if field == "year":
            CommitteeYearFactory(committee=world.baoxing, year=2025)
        else:
            CommunityWorker.objects.create(committee=world.yunnan, code="WT-9", name="赵六", hired_on="2023-01-01")
        thread, outcome = _post_in_a_thread(client, url, data)
        _wait_for_a_lock_wait()
    thread.join(timeout=30)
    assert "error" not in outcome, outcome.get("error")
    response = outcome["response"]
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]


@pytest.mark.django_db
def test_only_unique_violations_are_read_as_duplicates(world: Any) -> None:
    CommitteeYearFactory(committee=world.baoxing, year=2025)
    with pytest.raises(IntegrityError) as duplicate, transaction.atomic():
        CommitteeYear.objects.bulk_create([CommitteeYear(committee=world.baoxing, year=2025, households=1,
                                                         resident_households=1)])
    with translation.override("zh-hans"):
        assert unique_violation(duplicate.value) == (["committee", "year"], "该居村委会已有该年度的数据。")
    with pytest.raises(IntegrityError) as out_of_range, transaction.atomic():
        CommitteeYear.objects.bulk_create([CommitteeYear(committee=world.baoxing, year=1800, households=1,
                                                         resident_households=1)])
    assert unique_violation(out_of_range.value) is None
