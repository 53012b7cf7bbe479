"""The effective catalogue and the lookup: matching by name, other name, sub-item, pinyin and everyday words;
a district's overrides in place of the national types, in that district only. Who keeps a catalogue, which
committee a register is written for, what a committee may issue: one selector each."""

import pytest
from guardian.shortcuts import assign_perm

from certificates import selectors
from certificates.models import CertificateType, Registration, SealUse
from certificates.selectors import certificate_type_catalogue, certificate_type_list, certificate_type_match
from committees.models import Committee

pytestmark = pytest.mark.django_db


def names(query: str, district: str = "310101") -> list[str]:
    catalogue = certificate_type_catalogue(district=district, queryset=CertificateType.objects.all())
    return [m.certificate.name for m in certificate_type_match(catalogue=catalogue, query=query)]


@pytest.mark.parametrize("query, expected", [
    ("死亡证明", "死亡证明"),            # name
    ("单身证明", "婚姻状况证明"),        # other name
    ("户籍证明", "居民身份信息证明"),    # sub-item
    ("hyzk", "婚姻状况证明"),            # pinyin initials
    ("wufanzui", "无犯罪记录证明"),      # full pinyin
    ("开个死亡证明", "死亡证明"),        # colloquial
    ("我想开一张收入证明", "居民财产证明"),
    ("养狗", "居民养犬证明"),
    ("居住证明", "居住情况证明"),
])
def test_the_lookup_finds_the_type(db, query, expected) -> None:  # noqa: ANN001
    assert names(query)[0] == expected


def test_a_district_override_replaces_the_national_type_in_that_district_only(world) -> None:  # noqa: ANN001
    national = CertificateType.objects.get(name="居民养犬证明")
    CertificateType.objects.create(name="居民养犬证明", rule="refuse", jurisdiction="district", district=world.huangpu,
                                   overrides=national, alternative_route="到黄浦公安分局治安支队办理犬只登记",
                                   handled_by="黄浦公安分局")
    every = CertificateType.objects.all()
    huangpu = certificate_type_match(catalogue=certificate_type_catalogue(district="310101", queryset=every), query="养犬")
    assert [m.certificate.handled_by for m in huangpu] == ["黄浦公安分局"]
    xuhui = certificate_type_match(catalogue=certificate_type_catalogue(district="310104", queryset=every), query="养犬")
    assert [m.certificate.handled_by for m in xuhui] == ["公安机关"]


def test_an_override_set_aside_still_hides_the_national_type_in_its_district(world) -> None:  # noqa: ANN001
    national = CertificateType.objects.get(name="居民养犬证明")
    CertificateType.objects.create(name="居民养犬证明", rule="refuse", jurisdiction="district", district=world.huangpu,
                                   overrides=national, alternative_route="另行通知", is_active=False)
    assert names("养犬") == []
    assert names("养犬", district="310104") == ["居民养犬证明"]


def test_a_readers_catalogue_is_their_districts_even_with_a_grant_on_another(world, committee_staff) -> None:  # noqa: ANN001
    from guardian.shortcuts import assign_perm

    theirs = CertificateType.objects.create(name="徐汇区特有证明", rule="facts", jurisdiction="district", district=world.xuhui)
    ours = CertificateType.objects.create(name="黄浦区特有证明", rule="facts", jurisdiction="district", district=world.huangpu)
    assign_perm("committees.view_district", committee_staff, world.xuhui)
    catalogue = certificate_type_list(actor=committee_staff)
    assert ours in catalogue and theirs not in catalogue
    assert CertificateType.objects.get(name="死亡证明") in catalogue


def test_a_committee_issues_the_issuable_types_of_its_districts_catalogue(world, committee_staff) -> None:  # noqa: ANN001
    national = CertificateType.objects.get(name="居民养犬证明")
    override = CertificateType.objects.create(name="居民养犬证明", rule="facts", jurisdiction="district",
                                              district=world.huangpu, overrides=national)
    theirs = CertificateType.objects.create(name="徐汇区特有证明", rule="facts", jurisdiction="district", district=world.xuhui)
    issuable = selectors.certificate_type_issuable(actor=committee_staff, district="310101")
    assert override in issuable and national not in issuable and theirs not in issuable
    assert all(c.issuable for c in issuable) and [c.name for c in issuable] == sorted(c.name for c in issuable)
    assert CertificateType.objects.get(name="居住情况证明") in issuable
    assert CertificateType.objects.get(name="死亡证明") not in issuable


def test_registers_are_written_for_the_one_committee_the_reader_acts_for(world, personas, committee_staff, superuser,
                                                                          django_assert_num_queries) -> None:  # noqa: ANN001
    assign_perm("committees.change_committee", committee_staff, world.hankou)  # a grant never makes a writer
    for model in (Registration, SealUse):
        assert selectors.acting_committee(actor=committee_staff, model=model) == world.baoxing
        assert list(selectors.acting_committees(actor=committee_staff, model=model)) == [world.baoxing]
        with pytest.raises(Committee.DoesNotExist):
            selectors.acting_committee(actor=committee_staff, model=model, code=world.hankou.code)
        for name, person in personas.items():
            if name != "committee_staff":
                person.has_perm(f"certificates.add_{model._meta.model_name}")  # the request's permission cache
                with django_assert_num_queries(0):  # their role never registers: no query, no committee
                    assert selectors.acting_committee(actor=person, model=model) is None, name
    # A superuser may register for any committee (through the API, naming it), so the page, which registers for
    # one committee, offers them nothing.
    assert selectors.acting_committee(actor=superuser, model=Registration) is None
    assert selectors.acting_committee(actor=superuser, model=Registration, code=world.hankou.code) == world.hankou


def test_a_district_catalogue_is_kept_by_its_districts_staff(world, personas, superuser) -> None:  # noqa: ANN001
    keeps = {(name, action): selectors.certificate_type_district(actor=person, action=action)
             for name, person in personas.items() for action in ("add", "change")}
    assert {key for key, district in keeps.items() if district} == {
        (name, action) for name in ("district_staff", "other_district_staff") for action in ("add", "change")}
    assert selectors.certificate_type_district(actor=personas["district_staff"]) == "310101"
    assert selectors.certificate_type_district(actor=superuser) is None
