"""Admission requests: every transition and refusal, deadlines in working days, filing, scope, concurrency."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection

from portal.core.exceptions import DomainError
from tasks_registry.models import AdmissionRequest, RequestEvent, TaskList
from tasks_registry.services.admission import (
    add_working_days,
    admission_request_approve,
    admission_request_comment,
    admission_request_create,
    admission_request_reject,
    admission_request_return,
    admission_request_submit,
    admission_request_update,
    working_days_between,
)
from tests.support.factories import UserFactory
from tests.tasks_registry.test_lists_and_dispatch import make_list

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)  # a Monday
START = datetime.date(2026, 6, 1)


def new_request(applicant, world, *, scope="committees", committees=None, streets=None, starts_on=START, **fields):  # noqa: ANN001, ANN003, ANN201
    request = AdmissionRequest.objects.create(
        applicant=applicant, district=world.huangpu, department=getattr(applicant, "department", None),
        title=fields.pop("title", "老年人助餐需求摸排"), category="assistance", legal_basis="《上海市养老服务条例》",
        scope=scope, hours_per_month=Decimal("3"), starts_on=starts_on,
        ends_on=fields.pop("ends_on", max(starts_on, datetime.date(2026, 12, 31))), **fields)
    if committees is not None:
        request.committees.set(committees)
    if streets is not None:
        request.streets.set(streets)
    return request


def submit(request: AdmissionRequest, today: datetime.date = TODAY) -> AdmissionRequest:
    return admission_request_submit(actor=request.applicant, pk=request.pk, today=today)


def test_working_days_skip_weekends() -> None:
    assert add_working_days(datetime.date(2026, 3, 6), 1) == datetime.date(2026, 3, 9)  # Friday → Monday
    assert working_days_between(datetime.date(2026, 3, 2), datetime.date(2026, 3, 16)) == 10


def test_a_request_for_one_streets_committees_goes_to_the_street_first(world, district_staff, department_staff,
                                                                      street_officer) -> None:  # noqa: ANN001
    request = submit(new_request(department_staff, world, committees=[world.baoxing, world.hankou]))
    assert (request.status, request.street) == ("street_review", world.waitan)
    assert request.review_due_on == datetime.date(2026, 3, 23)  # 15 working days


def test_a_request_for_the_whole_district_goes_to_the_district(world, district_staff, department_staff) -> None:  # noqa: ANN001
    request = submit(new_request(department_staff, world, scope="district"))
    assert request.status == "district_review" and request.street is None


def test_a_request_filed_less_than_30_working_days_before_the_start_is_refused(world, department_staff) -> None:  # noqa: ANN001
    request = new_request(department_staff, world, scope="district", starts_on=datetime.date(2026, 4, 10))
    with pytest.raises(DomainError) as refused:
        submit(request)
    assert "30" in refused.value.message and refused.value.fields["starts_on"]
    assert AdmissionRequest.objects.get().status == "draft"


def test_street_then_district_approval_files_the_item_on_the_district_list(world, department_staff, street_officer,
                                                                          district_staff) -> None:  # noqa: ANN001
    published = make_list(district=world.huangpu, year=2026)
    request = submit(new_request(department_staff, world, committees=[world.baoxing]))
    request = admission_request_approve(actor=street_officer, pk=request.pk, comment="街道同意")
    assert request.status == "district_review"
    request = admission_request_approve(actor=district_staff, pk=request.pk)
    item = request.filed_item
    assert request.status == "approved" and item.task_list == published and item.code == "ZR001"
    assert item.admitted_from == request.number and item.title == "老年人助餐需求摸排"
    assert [e.kind for e in request.events.all()] == ["submitted", "street_approved", "approved"]


def test_filing_creates_the_years_district_list_when_there_is_none(world, department_staff, district_staff) -> None:  # noqa: ANN001
    request = submit(new_request(department_staff, world, scope="district"))
    admission_request_approve(actor=district_staff, pk=request.pk)
    assert TaskList.objects.get(district=world.huangpu, year=2026).status == "draft"


@pytest.mark.parametrize("decide, status", [(admission_request_reject, "rejected"), (admission_request_return, "returned")])
def test_reject_and_return_need_a_reason(world, department_staff, district_staff, decide, status) -> None:  # noqa: ANN001
    request = submit(new_request(department_staff, world, scope="district"))
    with pytest.raises(DomainError):
        decide(actor=district_staff, pk=request.pk, reason=" ")
    done = decide(actor=district_staff, pk=request.pk, reason="缺少法律依据")
    assert done.status == status
    assert done.events.last().text == "缺少法律依据"


def test_a_returned_request_is_revised_and_resubmitted_by_the_applicant(world, department_staff, district_staff,
                                                                       street_officer) -> None:  # noqa: ANN001
    request = submit(new_request(department_staff, world, scope="district"))
    request = admission_request_return(actor=district_staff, pk=request.pk, reason="请补充表格样式")
    with pytest.raises(AdmissionRequest.DoesNotExist):  # only its applicant submits it
        admission_request_submit(actor=street_officer, pk=request.pk, today=TODAY)
    request.forms = "助餐需求登记表"
    request.save()
    assert submit(request).status == "district_review"


def test_nobody_reviews_their_own_request(world, district_staff, street_officer) -> None:  # noqa: ANN001
    colleague = UserFactory(username="waitan2", role="street", district=world.huangpu, street=world.waitan)
    request = submit(new_request(street_officer, world, committees=[world.baoxing]))
    assert request.status == "street_review"
    with pytest.raises(AdmissionRequest.DoesNotExist):
        admission_request_approve(actor=street_officer, pk=request.pk)
    assert admission_request_approve(actor=colleague, pk=request.pk).status == "district_review"


def test_a_request_may_not_target_another_districts_committees(world, department_staff) -> None:  # noqa: ANN001
    request = new_request(department_staff, world, committees=[world.xuhui_committee])
    with pytest.raises(DomainError) as refused:
        submit(request)
    assert refused.value.code == "other_district"


def test_only_the_reviewer_of_the_stage_may_act(world, department_staff, street_officer, outsider, district_staff,
                                                other_district_staff) -> None:  # noqa: ANN001
    request = submit(new_request(department_staff, world, committees=[world.baoxing]))
    for person in (outsider, district_staff, department_staff, other_district_staff):  # the street reviews first
        with pytest.raises(AdmissionRequest.DoesNotExist):
            admission_request_approve(actor=person, pk=request.pk)
    assert set(AdmissionRequest.objects.restrict(street_officer, "review")) == {request}


def test_a_decided_request_cannot_be_decided_again(world, department_staff, district_staff) -> None:  # noqa: ANN001
    request = submit(new_request(department_staff, world, scope="district"))
    admission_request_reject(actor=district_staff, pk=request.pk, reason="与现有清单第 3 项重复")
    with pytest.raises(AdmissionRequest.DoesNotExist):  # the page says what happened (test_request_pages.py)
        admission_request_approve(actor=district_staff, pk=request.pk)
    assert AdmissionRequest.objects.get(pk=request.pk).status == "rejected"


def test_requests_are_scoped(world, department_staff, street_officer, outsider, committee_staff, district_staff,
                             other_district_staff) -> None:  # noqa: ANN001
    mine = submit(new_request(department_staff, world, committees=[world.baoxing]))
    other = new_request(outsider, world, committees=[world.yunnan], title="南京东路的申请")
    def visible(user):  # noqa: ANN001, ANN202
        return set(AdmissionRequest.objects.restrict(user))
    assert visible(department_staff) == {mine}
    assert visible(street_officer) == {mine}
    assert visible(outsider) == {other}
    assert visible(committee_staff) == {mine}
    assert visible(district_staff) == {mine}  # 南京东路's request is still its applicant's draft
    assert visible(other_district_staff) == set()


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_exactly_one_wins(world, department_staff, district_staff) -> None:  # noqa: ANN001
    second = UserFactory(username="huangpu2", role="district", district=world.huangpu)
    request = submit(new_request(department_staff, world, scope="district"))
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def act(person, action) -> None:  # noqa: ANN001
        try:
            barrier.wait()
            action(person)
            outcomes.append("won")
        except AdmissionRequest.DoesNotExist:  # it waited for the lock, then was no longer to review
            outcomes.append("gone")
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(district_staff,
                                                  lambda p: admission_request_approve(actor=p, pk=request.pk))),
               threading.Thread(target=act, args=(second, lambda p: admission_request_reject(actor=p, pk=request.pk,
                                                                                             reason="重复")))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["gone", "won"]
    assert RequestEvent.objects.filter(kind__in=["approved", "rejected"]).count() == 1


def test_a_draft_is_its_applicants_alone_and_only_parties_comment(world, department_staff, committee_staff,
                                                                  district_staff, street_officer) -> None:  # noqa: ANN001
    draft = new_request(department_staff, world, committees=[world.baoxing])
    for person in (committee_staff, district_staff, street_officer):
        assert not AdmissionRequest.objects.restrict(person).filter(pk=draft.pk).exists()
    submitted = submit(draft)
    assert AdmissionRequest.objects.restrict(committee_staff).filter(pk=submitted.pk).exists()
    with pytest.raises(AdmissionRequest.DoesNotExist):
        admission_request_comment(actor=committee_staff, pk=submitted.pk, text="我们也有意见")
    admission_request_comment(actor=street_officer, pk=submitted.pk, text="请补充表格样式")


def test_only_the_scopes_targets_are_kept(world, department_staff) -> None:  # noqa: ANN001
    """A page that hid the committee picker (scope 全区) may still have sent the committees ticked before: the
    service keeps committees for scope "committees" only, streets for "streets" only."""
    data = {"title": "楼组长信息更新", "category": "assistance", "legal_basis": "《上海市居民委员会工作条例》",
            "hours_per_month": Decimal("2"), "starts_on": START, "ends_on": START,
            "committees": [world.baoxing], "streets": [world.waitan]}
    request = admission_request_create(actor=department_staff, data={**data, "scope": "district"})
    assert (list(request.committees.all()), list(request.streets.all())) == ([], [])
    request = admission_request_update(actor=department_staff, pk=request.pk, data={**data, "scope": "committees"})
    assert (list(request.committees.all()), list(request.streets.all())) == ([world.baoxing], [])
    request = admission_request_update(actor=department_staff, pk=request.pk, data={"scope": "streets",
                                                                                     "streets": [world.waitan]})
    assert (list(request.committees.all()), list(request.streets.all())) == ([], [world.waitan])
