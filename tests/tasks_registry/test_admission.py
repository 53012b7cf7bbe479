"""Admission requests: every transition and refusal, deadlines in working days, filing, scope, concurrency."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from portal.core.exceptions import DomainError
from tasks_registry import admission
from tasks_registry.models import AdmissionRequest, RequestEvent, TaskList
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


def test_working_days_skip_weekends() -> None:
    assert admission.add_working_days(datetime.date(2026, 3, 6), 1) == datetime.date(2026, 3, 9)  # Friday → Monday
    assert admission.working_days_between(datetime.date(2026, 3, 2), datetime.date(2026, 3, 16)) == 10


def test_a_request_for_one_streets_committees_goes_to_the_street_first(world, department_staff) -> None:  # noqa: ANN001
    request = new_request(department_staff, world, committees=[world.baoxing, world.hankou])
    request = admission.submit(actor=department_staff, request=request, today=TODAY)
    assert (request.status, request.street) == ("street_review", world.waitan)
    assert request.review_due_on == datetime.date(2026, 3, 23)  # 15 working days


def test_a_request_for_the_whole_district_goes_to_the_district(world, department_staff) -> None:  # noqa: ANN001
    request = admission.submit(actor=department_staff, request=new_request(department_staff, world, scope="district"),
                               today=TODAY)
    assert request.status == "district_review" and request.street is None


def test_a_request_filed_less_than_30_working_days_before_the_start_is_refused(world, department_staff) -> None:  # noqa: ANN001
    request = new_request(department_staff, world, scope="district", starts_on=datetime.date(2026, 4, 10))
    with pytest.raises(DomainError) as refused:
        admission.submit(actor=department_staff, request=request, today=TODAY)
    assert "30" in refused.value.message and refused.value.fields["starts_on"]
    assert AdmissionRequest.objects.get().status == "draft"


def test_street_then_district_approval_files_the_item_on_the_district_list(world, department_staff, street_officer,
                                                                          district_staff) -> None:  # noqa: ANN001
    published = make_list(district=world.huangpu, year=2026)
    request = admission.submit(actor=department_staff, today=TODAY,
                               request=new_request(department_staff, world, committees=[world.baoxing]))
    request = admission.approve(actor=street_officer, request=request, comment="街道同意")
    assert request.status == "district_review"
    request = admission.approve(actor=district_staff, request=request)
    item = request.filed_item
    assert request.status == "approved" and item.task_list == published and item.code == "ZR001"
    assert item.admitted_from == request.number and item.title == "老年人助餐需求摸排"
    assert [e.kind for e in request.events.all()] == ["submitted", "street_approved", "approved"]


def test_filing_creates_the_years_district_list_when_there_is_none(world, department_staff, district_staff) -> None:  # noqa: ANN001
    request = admission.submit(actor=department_staff, today=TODAY,
                               request=new_request(department_staff, world, scope="district"))
    admission.approve(actor=district_staff, request=request)
    assert TaskList.objects.get(district=world.huangpu, year=2026).status == "draft"


@pytest.mark.parametrize("action", ["reject", "return_for_revision"])
def test_reject_and_return_need_a_reason(world, department_staff, district_staff, action) -> None:  # noqa: ANN001
    request = admission.submit(actor=department_staff, today=TODAY, request=new_request(department_staff, world,
                                                                                        scope="district"))
    with pytest.raises(DomainError):
        getattr(admission, action)(actor=district_staff, request=request, reason=" ")
    done = getattr(admission, action)(actor=district_staff, request=request, reason="缺少法律依据")
    assert done.status == {"reject": "rejected", "return_for_revision": "returned"}[action]
    assert done.events.last().text == "缺少法律依据"


def test_a_returned_request_is_revised_and_resubmitted_by_the_applicant(world, department_staff, district_staff,
                                                                       street_officer) -> None:  # noqa: ANN001
    request = admission.submit(actor=department_staff, today=TODAY, request=new_request(department_staff, world,
                                                                                        scope="district"))
    request = admission.return_for_revision(actor=district_staff, request=request, reason="请补充表格样式")
    with pytest.raises(PermissionDenied):
        admission.submit(actor=street_officer, request=request, today=TODAY)
    request.forms = "助餐需求登记表"
    request.save()
    assert admission.submit(actor=department_staff, request=request, today=TODAY).status == "district_review"


def test_nobody_reviews_their_own_request(world, street_officer) -> None:  # noqa: ANN001
    from tests.support.factories import UserFactory

    colleague = UserFactory(username="waitan2", role="street", district=world.huangpu, street=world.waitan)
    request = admission.submit(actor=street_officer, today=TODAY,
                               request=new_request(street_officer, world, committees=[world.baoxing]))
    assert request.status == "street_review"
    with pytest.raises(PermissionDenied):
        admission.approve(actor=street_officer, request=request)
    assert admission.approve(actor=colleague, request=request).status == "district_review"


def test_a_request_may_not_target_another_districts_committees(world, department_staff) -> None:  # noqa: ANN001
    request = new_request(department_staff, world, committees=[world.xuhui_committee])
    with pytest.raises(DomainError) as refused:
        admission.submit(actor=department_staff, request=request, today=TODAY)
    assert refused.value.code == "other_district"


def test_only_the_reviewer_of_the_stage_may_act(world, department_staff, outsider, district_staff,
                                                other_district_staff) -> None:  # noqa: ANN001
    request = admission.submit(actor=department_staff, today=TODAY,
                               request=new_request(department_staff, world, committees=[world.baoxing]))
    for person in (outsider, district_staff, department_staff):  # the street reviews first
        with pytest.raises(PermissionDenied):
            admission.approve(actor=person, request=request)
    assert not admission.may_review(other_district_staff, request)


def test_a_decided_request_cannot_be_decided_again(world, department_staff, district_staff) -> None:  # noqa: ANN001
    request = admission.submit(actor=department_staff, today=TODAY, request=new_request(department_staff, world,
                                                                                        scope="district"))
    stale = AdmissionRequest.objects.get(pk=request.pk)
    admission.reject(actor=district_staff, request=request, reason="与现有清单第 3 项重复")
    with pytest.raises(DomainError) as refused:
        admission.approve(actor=district_staff, request=stale)
    assert "已由他人处理" in refused.value.message and "不予准入" in refused.value.message


def test_requests_are_scoped(world, department_staff, street_officer, outsider, committee_staff, district_staff,
                             other_district_staff) -> None:  # noqa: ANN001
    mine = admission.submit(actor=department_staff, today=TODAY,
                            request=new_request(department_staff, world, committees=[world.baoxing]))
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
    from tests.support.factories import UserFactory

    second = UserFactory(username="huangpu2", role="district", district=world.huangpu)
    request = admission.submit(actor=department_staff, today=TODAY,
                               request=new_request(department_staff, world, scope="district"))
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def act(person, action) -> None:  # noqa: ANN001
        try:
            barrier.wait()
            action(person)
            outcomes.append("won")
        except DomainError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(district_staff, lambda p: admission.approve(actor=p, request=request))),
               threading.Thread(target=act, args=(second, lambda p: admission.reject(actor=p, request=request,
                                                                                     reason="重复")))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["stale", "won"]
    assert RequestEvent.objects.filter(kind__in=["approved", "rejected"]).count() == 1


def test_a_draft_is_its_applicants_alone_and_only_parties_comment(world, department_staff, committee_staff,
                                                                  district_staff, street_officer) -> None:  # noqa: ANN001
    draft = new_request(department_staff, world, committees=[world.baoxing])
    for person in (committee_staff, district_staff, street_officer):
        assert not AdmissionRequest.objects.restrict(person).filter(pk=draft.pk).exists()
    submitted = admission.submit(actor=department_staff, request=draft, today=TODAY)
    assert AdmissionRequest.objects.restrict(committee_staff).filter(pk=submitted.pk).exists()
    with pytest.raises(PermissionDenied):
        admission.comment(actor=committee_staff, request=submitted, text="我们也有意见")
    admission.comment(actor=street_officer, request=submitted, text="请补充表格样式")
