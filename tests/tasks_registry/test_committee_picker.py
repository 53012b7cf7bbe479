"""Issue 15: the dispatch page and the admission-request form choose committees from a tree (district → street →
committee; portal/core/widgets.py CommitteePicker). It offers exactly the form's restricted committees, keeps what
was chosen through a refused submission, reads them in one query however many streets, and stays small enough at
city scale (6,000 committees). The browser journey (search, a whole street, the count) is
tests/browser/test_committee_picker.py."""

import re

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from committees.choices import CommitteeKind, StreetKind
from committees.models import Committee, District, Street
from portal.core.widgets import CommitteePicker
from tasks_registry.choices import RequestScope
from tasks_registry.forms import AdmissionRequestForm, DispatchForm
from tasks_registry.selectors import dispatch_choices, filing_choices
from tests.support.factories import CommitteeFactory, StreetFactory, UserFactory

pytestmark = pytest.mark.django_db

CHECKBOX = re.compile(r'<input type="checkbox" name="(?P<name>[\w-]+)" value="(?P<value>\d+)"(?P<checked> checked)?>')


def _offered(html: str, name: str = "committees") -> dict[str, bool]:
    """The committees a picker offers in `html`: code -> checked."""
    return {m["value"]: bool(m["checked"]) for m in CHECKBOX.finditer(html) if m["name"] == name}


def _picker(html: str) -> str:
    return html.split("data-committee-picker", 1)[1].split("committee-picker.js", 1)[0]


class TestOnlyTheRestrictedCommittees:
    def test_a_street_officers_request_form_offers_their_street_only(self, client, world, street_officer) -> None:  # noqa: ANN001
        client.force_login(street_officer)
        response = client.get(reverse("tasks:request_new"))
        assert isinstance(response.context["form"].fields["committees"].widget, CommitteePicker)
        offered = _offered(_picker(response.content.decode()))
        assert offered == {world.baoxing.pk: False, world.hankou.pk: False}
        assert world.yunnan.name not in _picker(response.content.decode())  # another street's committee

    def test_a_street_officers_dispatch_form_offers_their_street_only(self, client, world, street_officer) -> None:  # noqa: ANN001
        client.force_login(street_officer)
        html = client.get(reverse("tasks:dispatch")).content.decode()
        assert set(_offered(html)) == {world.baoxing.pk, world.hankou.pk}
        assert set(_offered(html, "unlisted-committees")) == {world.baoxing.pk, world.hankou.pk}
        assert world.yunnan.name not in html and world.xuhui_committee.name not in html

    def test_a_district_sees_its_streets_as_a_tree(self, client, world, district_staff) -> None:  # noqa: ANN001
        client.force_login(district_staff)
        picker = _picker(client.get(reverse("tasks:request_new")).content.decode())
        assert set(_offered(picker)) == {world.baoxing.pk, world.hankou.pk, world.yunnan.pk}
        # A <fieldset> per street, inside a <details> collapsed when nothing in it is chosen (several streets).
        assert picker.count("<fieldset>") == 2
        assert picker.count('<details class="cp-street">') == 2
        assert picker.index(world.nanjing.name) < picker.index(world.yunnan.name) < picker.index(world.waitan.name)


class TestShownWhenTheScopeNeedsIt:
    def test_the_request_form_shows_the_picker_for_chosen_committees_only(self, client, world, street_officer) -> None:  # noqa: ANN001
        client.force_login(street_officer)
        picker = _picker(client.get(reverse("tasks:request_new")).content.decode())
        assert f'data-shown-when-name="scope" data-shown-when-value="{RequestScope.COMMITTEES}"' in picker

    def test_the_dispatch_form_always_shows_it(self, client, world, street_officer) -> None:  # noqa: ANN001
        client.force_login(street_officer)
        assert "data-shown-when-name" not in client.get(reverse("tasks:dispatch")).content.decode()


class TestTheChoiceIsKept:
    def test_a_refused_request_form_keeps_the_chosen_committees_and_opens_their_street(
            self, client, world, district_staff) -> None:  # noqa: ANN001
        client.force_login(district_staff)
        today = timezone.localdate()
        response = client.post(reverse("tasks:request_new"), {
            "title": "", "category": "assistance", "scope": RequestScope.COMMITTEES, "committees": [world.hankou.pk],
            "hours_per_month": "2", "starts_on": today.isoformat(), "ends_on": today.isoformat(), "save": "1"})
        assert response.status_code == 400 and "title" in response.context["form"].errors
        picker = _picker(response.content.decode())
        assert _offered(picker) == {world.baoxing.pk: False, world.hankou.pk: True, world.yunnan.pk: False}
        waitan, nanjing = (re.search(rf'<details class="cp-street"( open)?><summary>[^<]*<input[^>]*> {name} ', picker)
                           for name in (world.waitan.name, world.nanjing.name))
        assert waitan[1] == " open" and nanjing[1] is None
        assert "1/2" in picker  # the street's count: 1 of its 2 committees

    def test_a_refused_dispatch_keeps_the_chosen_committees(self, world, district_staff) -> None:  # noqa: ANN001
        form = DispatchForm({"committees": [world.yunnan.pk, world.baoxing.pk], "starts_on": "not a day"},
                            **dispatch_choices(actor=district_staff, today=timezone.localdate()))
        assert not form.is_valid()
        offered = _offered(str(form["committees"]))
        assert offered == {world.yunnan.pk: True, world.hankou.pk: False, world.baoxing.pk: True}

    def test_a_committee_outside_the_choices_is_refused(self, world, street_officer) -> None:  # noqa: ANN001
        form = DispatchForm({"committees": [world.yunnan.pk]},
                            **dispatch_choices(actor=street_officer, today=timezone.localdate()))
        assert not form.is_valid() and "committees" in form.errors


class TestQueries:
    def test_the_picker_reads_its_committees_in_one_query(self, world, district_staff,
                                                          django_assert_num_queries) -> None:  # noqa: ANN001
        form = AdmissionRequestForm(**filing_choices(actor=district_staff, today=timezone.localdate()))
        with django_assert_num_queries(1) as few:
            small = str(form["committees"])
        for n in range(20):  # twenty more streets of three committees each
            street = StreetFactory(district=world.huangpu, code=f"310101{100 + n}", kind=StreetKind.TOWN)
            for m in range(3):
                CommitteeFactory(street=street, code=f"{street.code}{m + 1:03d}")
        form = AdmissionRequestForm(**filing_choices(actor=district_staff, today=timezone.localdate()))
        with django_assert_num_queries(len(few.captured_queries)):
            large = str(form["committees"])
        assert len(_offered(small)) == 3 and len(_offered(large)) == 63

    def test_the_request_page_costs_the_same_with_more_streets(self, client, world, district_staff,
                                                               django_assert_max_num_queries) -> None:  # noqa: ANN001
        client.force_login(district_staff)
        client.get(reverse("tasks:request_new"))
        with django_assert_max_num_queries(100) as few:
            client.get(reverse("tasks:request_new"))
        for n in range(20):
            street = StreetFactory(district=world.huangpu, code=f"310101{100 + n}", kind=StreetKind.TOWN)
            CommitteeFactory(street=street, code=f"{street.code}001")
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(reverse("tasks:request_new"))
        assert len(_offered(_picker(response.content.decode()))) == 23


def _city(districts: int = 16, streets: int = 215, committees: int = 6000) -> None:
    """A city of `committees` committees in `streets` streets of `districts` districts, named as long as real ones
    (汉口路居委会: six characters)."""
    District.objects.bulk_create([District(code=f"31{n + 1:02d}00", name=f"第{n + 1}区")
                                  for n in range(districts)], ignore_conflicts=True)
    codes = sorted(District.objects.values_list("code", flat=True))[:districts]
    rows = [Street(code=f"{codes[n % districts]}{n // districts + 1:03d}", district_id=codes[n % districts],
                   name=f"第{n + 1}号街道", kind=StreetKind.STREET) for n in range(streets)]
    Street.objects.bulk_create(rows)
    Committee.objects.bulk_create([
        Committee(code=f"{rows[n % streets].code}{n // streets + 1:03d}", street=rows[n % streets],
                  name=f"{n + 1:04d}路居委会", kind=CommitteeKind.RESIDENTS) for n in range(committees)])


def test_six_thousand_committees_render_in_one_query_and_stay_small(django_assert_num_queries) -> None:  # noqa: ANN001
    """City scale (16 districts, 215 streets, 6,000 committees): one query, every street collapsed, and the HTML
    within 140 bytes a committee, streets and districts included (measured 2026-11 with six-character names: 641 KB
    in all, 107 bytes a committee, 32 KB gzipped; with each committee's code shown after its name, issue 15's
    tryout: 803 KB, 134 bytes a committee, 48 KB gzipped; rendered in ~0.3 s). The guard catches markup that grows
    per committee (a subtemplate or a class on each line), not the twelve digits of the code the search finds by."""
    _city()
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    form = DispatchForm(**dispatch_choices(actor=superuser, today=timezone.localdate()))
    with django_assert_num_queries(1):
        html = str(form["committees"])
    assert len(_offered(html)) == 6000
    assert html.count("<fieldset>") == 215 and " open>" not in html
    assert len(html.encode()) < 6000 * 140


def test_the_picker_needs_a_model_choice_field() -> None:
    class Plain(forms.Form):
        committees = forms.MultipleChoiceField(choices=[("1", "1")], widget=CommitteePicker())

    with pytest.raises(TypeError):
        str(Plain()["committees"])
