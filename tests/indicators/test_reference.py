"""An independent reference for DOMAIN "Indicators", checked against `compute_indicators --format json`.

The reference below is written from the DOMAIN text alone, as naive loops over every row the ORM returns
(clarity over speed). The data sets are random but reproducible (one seed each) and deliberately full of
the edge cases the rules name: dates exactly on D = 31 December of Y, the day after, empty dates; records
of other years; residents' and village committees; transition; 1499/1500 resident households and
2999/3000 households; empty areas and work funds; 99,999.99 / 100,000 yuan; areas exactly at the
standard; per-district standards applying from before/after Y (and districts falling back to the
default of settings.PORTAL_SPACE_STANDARD_DEFAULT); workers hired/left on D; qualifications obtained on
and after D, several levels per worker; streets without committees, districts without streets; funds
established on and after D; streets of every kind.

The whole (indicator, scope, code) set must match, and every numerator, denominator and missing exactly,
every value within 1e-9.
"""

import datetime
import io
import json
import random
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command

from committees.models import (
    Committee,
    CommitteeYear,
    CommunityFund,
    CommunityWorker,
    District,
    Qualification,
    SpaceStandard,
    Street,
)

pytestmark = pytest.mark.django_db

CITY = "310000"
RATES = ("sw_certified_rate", "sw_intermediate_share", "office_space_compliance_rate", "work_fund_coverage",
         "community_fund_coverage")
COUNTS = ("sw_senior_count", "oversized_committees")
COMMITTEE_INDICATORS = ("sw_certified_rate", "sw_intermediate_share", "sw_senior_count",
                        "office_space_compliance_rate", "oversized_committees", "work_fund_coverage")
ALL_INDICATORS = COMMITTEE_INDICATORS + ("community_fund_coverage",)
RANK = {"assistant": 1, "intermediate": 2, "senior": 3}


# ---------------------------------------------------------------------------------------------------
# The reference computation, straight from DOMAIN "Indicators".
# ---------------------------------------------------------------------------------------------------

def is_active(committee, d):  # noqa: ANN001, ANN201
    # "A committee is active on D when established_on is empty or ≤ D, and dissolved_on is empty or > D."
    return (committee.established_on is None or committee.established_on <= d) and (
        committee.dissolved_on is None or committee.dissolved_on > d)


def is_employed(worker, d):  # noqa: ANN001, ANN201
    # "A worker is employed on D when hired_on ≤ D and left_on is empty or > D."
    return worker.hired_on <= d and (worker.left_on is None or worker.left_on > d)


def level_on(worker, qualifications, d):  # noqa: ANN001, ANN201
    # "Their level on D is the highest qualification obtained on or before D."
    best = None
    for q in qualifications:
        if q.worker_id == worker.pk and q.obtained_on <= d and (best is None or RANK[q.level] > RANK[best]):
            best = q.level
    return best


def standard_for(district_code, standards, year):  # noqa: ANN001, ANN201
    """The district's standard in force in `year`: its latest row applying from `year` or before, else the default."""
    best = None
    for s in standards:
        applies = s.district_id == district_code and s.from_year <= year
        if applies and (best is None or s.from_year > best.from_year):
            best = s
    if best is None:
        default = settings.PORTAL_SPACE_STANDARD_DEFAULT
        return Decimal(default["office_m2"]), Decimal(default["elder_m2"])
    return best.office_min_m2, best.elder_min_m2


def meets(area, minimum):  # noqa: ANN001, ANN201
    # "An empty area or work fund never meets a standard."
    return area is not None and area >= minimum


def committee_contributions(committee, record, workers, qualifications, standard, d):  # noqa: ANN001, ANN201
    """(numerator, denominator) of each committee-based indicator for one counted committee."""
    employed = [w for w in workers if w.committee_id == committee.pk and is_employed(w, d)]
    levels = [level_on(w, qualifications, d) for w in employed]
    certified = sum(1 for lv in levels if lv is not None)
    intermediate_or_senior = sum(1 for lv in levels if lv in ("intermediate", "senior"))
    senior = sum(1 for lv in levels if lv == "senior")

    residents = committee.kind == "residents"
    space_den = 1 if residents and record.resident_households >= 1500 else 0
    space_num = 1 if space_den and meets(record.office_area_m2, standard[0]) and meets(record.elder_area_m2, standard[1]) else 0
    oversized = 1 if residents and record.households >= 3000 and not committee.transition else 0
    fund_ok = 1 if meets(record.work_fund_yuan, Decimal("100000")) else 0
    return {
        "sw_certified_rate": (certified, len(employed)),
        "sw_intermediate_share": (intermediate_or_senior, len(employed)),
        "sw_senior_count": (senior, None),
        "office_space_compliance_rate": (space_num, space_den),
        "oversized_committees": (oversized, None),
        "work_fund_coverage": (fund_ok, 1),
    }


def make_row(indicator, numerator, denominator, missing):  # noqa: ANN001, ANN201
    if indicator in COUNTS:
        return {"numerator": numerator, "denominator": None, "value": numerator, "missing": missing}
    value = None if denominator == 0 else numerator / denominator
    return {"numerator": numerator, "denominator": denominator, "value": value, "missing": missing}


def reference(year):  # noqa: ANN001, ANN201
    d = datetime.date(year, 12, 31)
    districts = list(District.objects.all())
    streets = list(Street.objects.all())
    committees = list(Committee.objects.all())
    workers = list(CommunityWorker.objects.all())
    qualifications = list(Qualification.objects.all())
    funds = list(CommunityFund.objects.all())
    standards = list(SpaceStandard.objects.all())
    records = list(CommitteeYear.objects.all())

    street_district = {s.code: s.district_id for s in streets}

    # Per active committee: None when it has no record for Y (missing), else its contributions.
    per_committee = {}
    for c in committees:
        if not is_active(c, d):
            continue  # "Inactive committees count nowhere."
        record = None
        for r in records:
            if r.committee_id == c.pk and r.year == year:
                record = r
        if record is None:
            per_committee[c.pk] = None
        else:
            standard = standard_for(street_district[c.street_id], standards, year)
            per_committee[c.pk] = committee_contributions(c, record, workers, qualifications, standard, d)

    committee_street = {c.pk: c.street_id for c in committees}

    def aggregate(indicator, committee_codes):  # noqa: ANN001, ANN202
        numerator, denominator, missing = 0, 0, 0
        for code in committee_codes:
            contribution = per_committee[code]
            if contribution is None:
                missing += 1
                continue
            n, dd = contribution[indicator]
            numerator += n
            denominator += dd or 0
        return make_row(indicator, numerator, denominator, missing)

    def fund_coverage(street_codes):  # noqa: ANN001, ANN202
        numerator = 0
        for s in street_codes:
            if any(f.street_id == s and f.established_on <= d for f in funds):
                numerator += 1
        return make_row("community_fund_coverage", numerator, len(street_codes), 0)

    rows = {}
    for code in per_committee:
        for indicator in COMMITTEE_INDICATORS:
            rows[(indicator, "committee", code)] = aggregate(indicator, [code])
    for s in streets:
        in_street = [code for code in per_committee if committee_street[code] == s.code]
        for indicator in COMMITTEE_INDICATORS:
            rows[(indicator, "street", s.code)] = aggregate(indicator, in_street)
        rows[("community_fund_coverage", "street", s.code)] = fund_coverage([s.code])
    for dist in districts:
        in_district = [code for code in per_committee if street_district[committee_street[code]] == dist.code]
        for indicator in COMMITTEE_INDICATORS:
            rows[(indicator, "district", dist.code)] = aggregate(indicator, in_district)
        rows[("community_fund_coverage", "district", dist.code)] = fund_coverage(
            [s.code for s in streets if s.district_id == dist.code])
    for indicator in COMMITTEE_INDICATORS:
        rows[(indicator, "city", CITY)] = aggregate(indicator, list(per_committee))
    rows[("community_fund_coverage", "city", CITY)] = fund_coverage([s.code for s in streets])
    return rows


# ---------------------------------------------------------------------------------------------------
# Random but reproducible data sets, full of edge cases.
# ---------------------------------------------------------------------------------------------------

def day(y, m, dd):  # noqa: ANN001, ANN201
    return datetime.date(y, m, dd)


# Around both years under test: before, on and after 31 Dec 2024 and 31 Dec 2025.
EDGE_DAYS = [day(2019, 3, 1), day(2023, 12, 31), day(2024, 6, 30), day(2024, 12, 31), day(2025, 1, 1),
             day(2025, 12, 31), day(2026, 1, 1), day(2026, 7, 1)]
HOUSEHOLDS = [0, 120, 499, 500, 1499, 1500, 1501, 2999, 3000, 3001, 6200]
AREAS = [None, Decimal("0"), Decimal("79.99"), Decimal("80"), Decimal("99.99"), Decimal("100"), Decimal("100.01"),
         Decimal("119.99"), Decimal("120"), Decimal("149.99"), Decimal("150"), Decimal("150.01"), Decimal("200"),
         Decimal("249.99"), Decimal("250"), Decimal("300"), Decimal("1000")]
FUNDS = [None, Decimal("0"), Decimal("50000"), Decimal("99999.99"), Decimal("100000"), Decimal("100000.00"),
         Decimal("100000.01"), Decimal("250000")]
STANDARD_VALUES = [(Decimal("120"), Decimal("80")), (Decimal("150"), Decimal("100")),
                   (Decimal("200"), Decimal("250")), (Decimal("149.99"), Decimal("100.01")),
                   (Decimal("300"), Decimal("250"))]


def build_edge_block(year):  # noqa: ANN001, ANN201
    """Every edge case DOMAIN names, placed deterministically in test districts 319900-319902.

    Returns hand-worked expectations (DOMAIN read by hand) that the reference itself must reproduce.
    """
    d = datetime.date(year, 12, 31)
    after, before = d + datetime.timedelta(days=1), d - datetime.timedelta(days=1)
    long_ago = day(2018, 1, 1)
    edge = District.objects.create(code="319900", name="边界区")  # no standard row: the settings' default
    own = District.objects.create(code="319901", name="自定标准区")
    later_only = District.objects.create(code="319902", name="新标准区")
    SpaceStandard.objects.create(district=own, from_year=year - 5, office_min_m2=200, elder_min_m2=200)
    SpaceStandard.objects.create(district=own, from_year=year, office_min_m2=120, elder_min_m2=80)
    SpaceStandard.objects.create(district=own, from_year=year + 1, office_min_m2=300, elder_min_m2=300)
    SpaceStandard.objects.create(district=later_only, from_year=year + 1, office_min_m2=300, elder_min_m2=300)

    s1 = Street.objects.create(code="319900001", district=edge, name="边界街道", kind="street")
    s_town = Street.objects.create(code="319900101", district=edge, name="边界镇", kind="town")
    s_township = Street.objects.create(code="319900201", district=edge, name="边界乡", kind="township")
    Street.objects.create(code="319900002", district=edge, name="空街道", kind="street")  # no committees, no fund
    CommunityFund.objects.create(street=s1, name="基金D", kind="fund", established_on=d)
    CommunityFund.objects.create(street=s_town, name="基金D+1", kind="fund", established_on=after)
    CommunityFund.objects.create(street=s_township, name="基金会D-1", kind="foundation", established_on=before)
    CommunityFund.objects.create(street=s_township, name="基金D+1", kind="fund", established_on=after)

    def committee(street, number, kind="residents", **fields):  # noqa: ANN001, ANN003, ANN202
        code = f"{street.code}{number:03d}"
        return Committee.objects.create(code=code, street=street, name=f"委{code}", kind=kind, **fields)

    def record(c, year_, households, resident, office, elder, fund):  # noqa: ANN001, ANN202
        CommitteeYear.objects.create(committee=c, year=year_, households=households, resident_households=resident,
                                     office_area_m2=office, elder_area_m2=elder, work_fund_yuan=fund)

    workers = iter(range(1, 1000))

    def worker(c, hired, left=None, *levels):  # noqa: ANN001, ANN002, ANN202
        w = CommunityWorker.objects.create(code=f"EDGE-{next(workers)}", committee=c, name="社工",
                                           hired_on=hired, left_on=left)
        for level, obtained in levels:
            Qualification.objects.create(worker=w, level=level, obtained_on=obtained)

    c1 = committee(s1, 1, established_on=d)  # established on D: active
    record(c1, year, 3000, 1500, Decimal(150), Decimal(100), Decimal(100000))
    worker(c1, d)  # hired on D: employed, no level
    worker(c1, after, None, ("senior", long_ago))  # hired after D
    worker(c1, long_ago, d, ("senior", long_ago))  # left on D: not employed
    worker(c1, long_ago, after, ("assistant", d), ("intermediate", after))  # employed; assistant on D
    worker(c1, long_ago, None, ("intermediate", day(2019, 1, 1)), ("senior", d))  # senior on D
    worker(c1, long_ago, None, ("intermediate", after))  # obtained after D: no level
    worker(c1, long_ago, None, ("assistant", day(2018, 2, 1)), ("intermediate", day(2019, 2, 1)),
           ("senior", day(2020, 2, 1)))
    c2 = committee(s1, 2, established_on=after)  # established after D: inactive
    record(c2, year, 3000, 1500, Decimal(150), Decimal(100), Decimal(100000))
    worker(c2, long_ago, None, ("senior", long_ago))
    c3 = committee(s1, 3, established_on=long_ago, dissolved_on=d)  # dissolved on D: inactive
    record(c3, year, 3000, 1500, Decimal(150), Decimal(100), Decimal(100000))
    c4 = committee(s1, 4, dissolved_on=after)  # dissolved after D: active
    record(c4, year, 2999, 1499, None, Decimal(200), Decimal("99999.99"))
    c5 = committee(s1, 5)  # no record for Y, records of other years: missing
    record(c5, year - 1, 3000, 1500, Decimal(150), Decimal(100), Decimal(100000))
    record(c5, year + 1, 3000, 1500, Decimal(150), Decimal(100), Decimal(100000))
    worker(c5, long_ago, None, ("senior", long_ago))
    c6 = committee(s1, 6, transition=True)
    record(c6, year, 3000, 3000, Decimal("149.99"), Decimal(100), Decimal("100000.00"))
    c7 = committee(s1, 7)
    record(c7, year, 5000, 1500, Decimal(150), None, None)
    c8 = committee(s1, 8, established_on=long_ago, dissolved_on=before)  # dissolved before D
    record(c8, year, 3000, 1500, Decimal(150), Decimal(100), Decimal(100000))
    v1 = committee(s1, 201, kind="village")
    record(v1, year, 5000, 5000, Decimal(150), Decimal(100), Decimal("100000.01"))

    s_own = Street.objects.create(code="319901001", district=own, name="标准街道", kind="street")
    for number, office, elder in [(1, 120, 80), (2, "119.99", 80), (3, 120, "79.99"), (4, 300, 300)]:
        record(committee(s_own, number), year, 1600, 1500, Decimal(office), Decimal(elder), Decimal(100000))
    s_later = Street.objects.create(code="319902101", district=later_only, name="新标准镇", kind="town")
    for number, office, elder in [(1, 150, 100), (2, 150, "99.99")]:
        record(committee(s_later, number), year, 1600, 1500, Decimal(office), Decimal(elder), Decimal(100000))

    # (numerator, denominator, value, missing), worked out by hand from DOMAIN.
    return {
        ("sw_certified_rate", "committee", "319900001001"): (3, 5, 0.6, 0),
        ("sw_intermediate_share", "committee", "319900001001"): (2, 5, 0.4, 0),
        ("sw_senior_count", "committee", "319900001001"): (2, None, 2, 0),
        ("sw_certified_rate", "committee", "319900001005"): (0, 0, None, 1),
        ("sw_senior_count", "committee", "319900001005"): (0, None, 0, 1),
        ("office_space_compliance_rate", "committee", "319900001201"): (0, 0, None, 0),
        ("oversized_committees", "committee", "319900001201"): (0, None, 0, 0),
        ("sw_certified_rate", "street", "319900001"): (3, 5, 0.6, 1),
        ("sw_senior_count", "street", "319900001"): (2, None, 2, 1),
        ("office_space_compliance_rate", "street", "319900001"): (1, 3, 1 / 3, 1),
        ("oversized_committees", "street", "319900001"): (2, None, 2, 1),
        ("work_fund_coverage", "street", "319900001"): (3, 5, 0.6, 1),
        ("work_fund_coverage", "street", "319900002"): (0, 0, None, 0),
        ("community_fund_coverage", "street", "319900001"): (1, 1, 1.0, 0),
        ("community_fund_coverage", "street", "319900101"): (0, 1, 0.0, 0),
        ("community_fund_coverage", "street", "319900201"): (1, 1, 1.0, 0),
        ("community_fund_coverage", "district", "319900"): (2, 4, 0.5, 0),
        ("office_space_compliance_rate", "district", "319901"): (2, 4, 0.5, 0),
        ("office_space_compliance_rate", "district", "319902"): (1, 2, 0.5, 0),
    }


def build_world(seed, year):  # noqa: ANN001, ANN201
    hand_worked = build_edge_block(year)
    rng = random.Random(seed)
    reference_districts = list(District.objects.filter(code__lt="319900").order_by("code"))
    assert len(reference_districts) >= 16
    chosen = rng.sample(reference_districts, 6)

    # Space standards: every reference district has its migration row (from 2000); vary them.
    for district in chosen:
        pattern = rng.choice(["keep", "from_2024", "from_2025", "from_2026", "drop_base", "drop_base_from_2025"])
        if pattern.startswith("drop_base"):
            SpaceStandard.objects.filter(district=district).delete()
        if pattern in ("from_2024", "from_2025", "from_2026", "drop_base_from_2025"):
            from_year = int(pattern[-4:])
            office, elder = rng.choice(STANDARD_VALUES)
            SpaceStandard.objects.update_or_create(
                district=district, from_year=from_year, defaults={"office_min_m2": office, "elder_min_m2": elder})
        if rng.random() < 0.4:  # an older row, superseded by the base one or applying when the base is gone
            office, elder = rng.choice(STANDARD_VALUES)
            SpaceStandard.objects.update_or_create(
                district=district, from_year=1990, defaults={"office_min_m2": office, "elder_min_m2": elder})

    existing_streets = set(Street.objects.values_list("code", flat=True))
    streets, committees, records, workers, qualifications, funds = [], [], [], [], [], []
    worker_no = 0
    for district in chosen:
        used = set()
        for _ in range(rng.randint(0, 6)):
            kind = rng.choice(["street", "street", "town", "township"])
            first = {"street": "0", "town": "1", "township": "2"}[kind]
            code = f"{district.code}{first}{rng.randint(0, 99):02d}"
            if code in used or code in existing_streets:
                continue
            used.add(code)
            street = Street(code=code, district=district, name=f"街道{code}", kind=kind)
            streets.append(street)

            for n in range(rng.choice([0, 1, 2, 3])):
                funds.append(CommunityFund(street=street, name=f"基金{n}", kind=rng.choice(["fund", "foundation"]),
                                           established_on=rng.choice(EDGE_DAYS)))

            used_committees = set()
            for _ in range(rng.choice([0, 1, 3, 5, 7, 9])):
                ckind = rng.choice(["residents", "residents", "residents", "village"])
                number = rng.randint(1, 199) if ckind == "residents" else rng.randint(200, 399)
                ccode = f"{code}{number:03d}"
                if ccode in used_committees:
                    continue
                used_committees.add(ccode)
                established = rng.choice([None, None, *EDGE_DAYS])
                dissolved = rng.choice([None, None, None, *EDGE_DAYS])
                if dissolved is not None and established is not None and dissolved <= established:
                    dissolved = None
                committee = Committee(code=ccode, street=street, name=f"居委会{ccode}", kind=ckind,
                                      established_on=established, dissolved_on=dissolved,
                                      transition=rng.random() < 0.3)
                committees.append(committee)

                for year in (2023, 2024, 2025, 2026):
                    if rng.random() < (0.75 if year in (2024, 2025) else 0.4):
                        records.append(CommitteeYear(
                            committee=committee, year=year, households=rng.choice(HOUSEHOLDS),
                            resident_households=rng.choice(HOUSEHOLDS), office_area_m2=rng.choice(AREAS),
                            elder_area_m2=rng.choice(AREAS), work_fund_yuan=rng.choice(FUNDS)))

                for _ in range(rng.randint(0, 6)):
                    worker_no += 1
                    hired = rng.choice(EDGE_DAYS)
                    left = rng.choice([None, None, hired, *EDGE_DAYS])
                    if left is not None and left < hired:
                        left = None
                    worker = CommunityWorker(code=f"REF{seed}-{worker_no:05d}", committee=committee,
                                             name=f"社工{worker_no}", hired_on=hired, left_on=left)
                    workers.append(worker)
                    for level in ("assistant", "intermediate", "senior"):
                        if rng.random() < 0.45:
                            qualifications.append(Qualification(worker=worker, level=level,
                                                                obtained_on=rng.choice(EDGE_DAYS)))

    Street.objects.bulk_create(streets)
    CommunityFund.objects.bulk_create(funds)
    Committee.objects.bulk_create(committees)
    CommitteeYear.objects.bulk_create(records)
    CommunityWorker.objects.bulk_create(workers)
    for q in qualifications:
        q.worker_id = q.worker.pk
    Qualification.objects.bulk_create(qualifications)
    return hand_worked


# ---------------------------------------------------------------------------------------------------
# The comparison.
# ---------------------------------------------------------------------------------------------------

def command_rows(year):  # noqa: ANN001, ANN201
    out = io.StringIO()
    call_command("compute_indicators", "--year", str(year), "--format", "json", stdout=out)
    rows = {}
    for line in out.getvalue().splitlines():
        if not line.strip():
            continue
        obj = json.loads(line)
        key = (obj["indicator"], obj["scope"], obj["code"])
        assert key not in rows, f"duplicate row {key}"
        assert obj["year"] == year, obj
        rows[key] = obj
    return rows


def is_int(x):  # noqa: ANN001, ANN201
    return isinstance(x, int) and not isinstance(x, bool)


def compare(year):  # noqa: ANN001, ANN201
    """Run the command, compare with the reference; (rows compared, list of disagreements)."""
    expected = reference(year)
    actual = command_rows(year)

    # Sanity on the reference itself: the row set DOMAIN describes.
    active = [c for c in Committee.objects.all() if is_active(c, datetime.date(year, 12, 31))]
    n_streets, n_districts = Street.objects.count(), District.objects.count()
    assert len(expected) == 6 * len(active) + 7 * (n_streets + n_districts + 1)

    problems = []
    for key in sorted(set(expected) - set(actual)):
        problems.append(f"missing row {key}: expected {expected[key]}")
    for key in sorted(set(actual) - set(expected)):
        problems.append(f"unexpected row {key}: {actual[key]}")
    for key in sorted(set(expected) & set(actual)):
        want, got = expected[key], actual[key]
        bad = [field for field in ("numerator", "denominator", "missing") if got[field] != want[field]]
        if not is_int(got["numerator"]) or not is_int(got["missing"]) or not (
                got["denominator"] is None or is_int(got["denominator"])):
            bad.append("types")
        if want["value"] is None:
            if got["value"] is not None:
                bad.append("value")
        elif got["value"] is None or abs(got["value"] - want["value"]) > 1e-9:
            bad.append("value")
        if bad:
            problems.append(f"{key} {bad}: expected {want}, got "
                            f"{ {f: got[f] for f in ('numerator', 'denominator', 'value', 'missing')} }")
    return len(expected), problems


def change_world(seed, year):  # noqa: ANN001, ANN201
    """Edits between two runs, so the second run must update, delete and add stored results."""
    rng = random.Random(seed + 1000)
    d = datetime.date(year, 12, 31)
    active = [c for c in Committee.objects.order_by("code") if is_active(c, d)]
    for c in rng.sample(active, min(3, len(active))):  # dissolved on D: their committee rows must go
        c.dissolved_on = d
        if c.established_on is not None and c.established_on >= d:
            c.established_on = None
        c.save()
    records = list(CommitteeYear.objects.filter(year=year).order_by("id"))
    for r in rng.sample(records, min(3, len(records))):  # a record withdrawn: now missing
        r.delete()
    for r in rng.sample(list(CommitteeYear.objects.filter(year=year).order_by("id")), 3):
        r.work_fund_yuan = rng.choice(FUNDS)
        r.resident_households = rng.choice(HOUSEHOLDS)
        r.office_area_m2 = rng.choice(AREAS)
        r.save()
    for w in rng.sample(list(CommunityWorker.objects.order_by("id")), 5):  # left on D: no longer employed
        w.left_on = max(d, w.hired_on)
        w.save()
    for street in Street.objects.order_by("code")[:3]:
        CommunityFund.objects.create(street=street, name="后设基金", kind="fund", established_on=d)
    street = Street.objects.order_by("code").first()
    taken = set(Committee.objects.filter(street=street).values_list("code", flat=True))
    code = next(f"{street.code}{n:03d}" for n in range(199, 0, -1) if f"{street.code}{n:03d}" not in taken)
    new = Committee.objects.create(code=code, street=street, name="新居委会", kind="residents")
    CommitteeYear.objects.create(committee=new, year=year, households=3000, resident_households=1500,
                                 office_area_m2=Decimal(150), elder_area_m2=Decimal(100), work_fund_yuan=None)


@pytest.mark.parametrize("year", [2024, 2025])
@pytest.mark.parametrize("seed", range(8))
def test_compute_indicators_matches_the_reference(seed, year) -> None:  # noqa: ANN001
    hand_worked = build_world(seed, year)
    first = reference(year)
    for key, row in hand_worked.items():  # the reference agrees with DOMAIN worked by hand
        got = first[key]
        assert (got["numerator"], got["denominator"], got["value"], got["missing"]) == pytest.approx(row), key

    compared, problems = compare(year)
    print(f"seed {seed} year {year}: {compared} rows compared")  # noqa: T201
    assert not problems, f"{len(problems)} disagreement(s):\n" + "\n".join(problems[:40])

    # Again after edits: the stored results of the first run are brought up to date, not kept.
    change_world(seed, year)
    compared, problems = compare(year)
    print(f"seed {seed} year {year} after edits: {compared} rows compared")  # noqa: T201
    assert not problems, f"after edits, {len(problems)} disagreement(s):\n" + "\n".join(problems[:40])
