"""restrict() beyond the matrix of tests/core/test_action_matrix.py (issue 2, issue 11): the whole table of seeded
districts, explicit grants, and what restrict() costs."""

import pytest
from django.contrib.auth.models import AnonymousUser

from committees.models import (
    Committee,
    CommitteeYear,
    CommunityWorker,
    District,
    SpaceStandard,
)
from committees.services import committee_access_grant, committee_access_revoke
from tests.support.factories import (
    CommitteeYearFactory,
    CommunityFundFactory,
    CommunityWorkerFactory,
    QualificationFactory,
)

# Who reaches which of the world's rows, model by model and action by action, is the matrix of
# tests/core/test_action_matrix.py (the committee, street and department tables of this module moved there).
WAITAN = {"310101013018", "310101013001"}
# Over every seeded district, not only the world's two.
VISIBLE_DISTRICTS = {
    "district_staff": {"310101"},
    "department_staff": {"310101"},
    "street_officer": {"310101"},
    "outsider": {"310101"},
    "committee_staff": {"310101"},
    "other_district_staff": {"310104"},
    "anonymous": set(),
}


@pytest.fixture
def populated(world, personas):  # noqa: ANN001, ANN201
    for committee in (world.baoxing, world.hankou, world.yunnan, world.xuhui_committee):
        CommitteeYearFactory(committee=committee)
        QualificationFactory(worker=CommunityWorkerFactory(committee=committee))
    for street in (world.waitan, world.nanjing, world.xuhui_street):
        CommunityFundFactory(street=street)
    personas = dict(personas)
    personas["anonymous"] = AnonymousUser()
    return personas


def _codes(queryset, path: str) -> set[str]:  # noqa: ANN001
    return set(queryset.values_list(path, flat=True))


@pytest.mark.parametrize("persona", sorted(VISIBLE_DISTRICTS))
def test_districts_and_their_settings_follow_the_hierarchy(populated, persona) -> None:  # noqa: ANN001
    user = populated[persona]
    assert _codes(District.objects.restrict(user), "pk") == VISIBLE_DISTRICTS[persona]
    assert _codes(SpaceStandard.objects.restrict(user), "district_id") == VISIBLE_DISTRICTS[persona]


def test_city_staff_see_every_district(populated) -> None:  # noqa: ANN001
    assert District.objects.restrict(populated["city_staff"]).count() == 16


def test_a_grant_widens_access_for_the_named_person_only(populated, world) -> None:  # noqa: ANN001
    outsider, street_officer = populated["outsider"], populated["street_officer"]
    committee_access_grant(actor=populated["district_staff"], grantee=outsider, committee=world.baoxing, access="view")
    outsider = type(outsider).objects.get(pk=outsider.pk)  # a new request: grants are cached per user object
    assert _codes(CommitteeYear.objects.restrict(outsider), "committee_id") == {"310101002001", "310101013018"}
    # Read-only: no write through a view grant.
    assert _codes(CommitteeYear.objects.restrict(outsider, "change"), "committee_id") == {"310101002001"}
    # Nobody else gained anything.
    assert _codes(CommitteeYear.objects.restrict(populated["committee_staff"]), "committee_id") == {"310101013018"}
    assert _codes(CommitteeYear.objects.restrict(street_officer), "committee_id") == WAITAN


def test_a_change_grant_allows_edits_and_revoking_removes_it(populated, world) -> None:  # noqa: ANN001
    outsider, district_staff = populated["outsider"], populated["district_staff"]
    committee_access_grant(actor=district_staff, grantee=outsider, committee=world.hankou, access="change")
    outsider = type(outsider).objects.get(pk=outsider.pk)
    assert "310101013001" in _codes(CommunityWorker.objects.restrict(outsider, "change"), "committee_id")
    committee_access_revoke(actor=district_staff, grantee=outsider, committee=world.hankou)
    outsider = type(outsider).objects.get(pk=outsider.pk)
    assert _codes(CommunityWorker.objects.restrict(outsider), "committee_id") == {"310101002001"}


def test_a_grant_does_not_give_a_role_its_missing_permissions(populated, world) -> None:  # noqa: ANN001
    committee_staff = populated["committee_staff"]
    committee_access_grant(actor=populated["district_staff"], grantee=committee_staff, committee=world.hankou, access="change")
    committee_staff = type(committee_staff).objects.get(pk=committee_staff.pk)
    assert "310101013001" in _codes(CommitteeYear.objects.restrict(committee_staff), "committee_id")
    assert not CommitteeYear.objects.restrict(committee_staff, "change").exists()


def test_restrict_costs_at_most_two_queries_per_request(populated, django_assert_max_num_queries) -> None:  # noqa: ANN001
    user = type(populated["street_officer"]).objects.get(pk=populated["street_officer"].pk)
    with django_assert_max_num_queries(3):  # grants (once), then one query per list
        list(Committee.objects.restrict(user))
        list(CommitteeYear.objects.restrict(user))


def test_a_grant_of_another_kind_is_ignored(populated, world) -> None:  # noqa: ANN001
    from guardian.shortcuts import assign_perm

    outsider = populated["outsider"]
    assign_perm("committees.add_committee", outsider, world.baoxing)  # e.g. assigned by hand in a shell
    outsider = type(outsider).objects.get(pk=outsider.pk)
    assert _codes(Committee.objects.restrict(outsider), "pk") == {"310101002001"}
