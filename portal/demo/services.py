"""Demo data: Huangpu's real streets and committees (NBS 2023), generated but plausible figures, and a year of
activity (portal/demo/activity.py). The other 15 districts (reference data of the migrations) hold no demo data.

Idempotent and non-destructive: rows that exist are left as they are, so re-running `make run`
keeps whatever was edited in the demo. Figures come from a seeded generator: the same every time.

The annual records are written by record_save (the annual-record form's service), as Huangpu's staff, with an audit
entry each. Streets and committees are bulk-created, as the migrations create the districts: no per-row service
creates them (the organisation import, file-based, is the only path, and would overwrite what was edited in the
demo). No service creates a user either (the admin does). Workers, qualifications and funds are still bulk-created
(about 2,600 rows): record_save could write them one by one, at roughly 4 ms of CPU a row on SQLite.
"""

import datetime
import json
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.choices import CommitteeKind, FundKind, QualificationLevel, StreetKind
from committees.models import (
    Committee,
    CommitteeYear,
    CommunityFund,
    CommunityWorker,
    Department,
    District,
    Qualification,
    Street,
)
from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.core.services import record_save
from portal.demo.activity import demo_activity
from portal.indicators.services import compute_year, years_with_data

DATA = Path(__file__).resolve().parent / "data" / "huangpu.json"
FIRST_YEAR = 2023  # annual records from this year up to the current one
DEMO_PASSWORD = "jianfu-demo-2026"
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
            "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红梅鑫波斌宇浩凯健俊帆帅旭宁晨婷雪琳晶颖佳怡文博海燕云飞亮建国志"
POSITIONS = ["书记", "主任", "副主任", "委员", "社区工作者", "社区工作者", "社区工作者", "社区工作者"]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role_name: str  # what the role is called, for the list of logins
    scope: str


@dataclass(frozen=True)
class DemoSummary:
    logins: list[DemoLogin]
    with_data: list[District]  # the districts that hold demo data
    without_data: list[District]  # the others: their names only


def demo_years() -> range:
    """The years with annual records: FIRST_YEAR up to the current one (so every dashboard has each year)."""
    return range(FIRST_YEAR, timezone.localdate().year + 1)


@transaction.atomic
def demo_load() -> DemoSummary:
    """Load the demo organisation, records, workers, funds, one user per role (two street officers in 外滩街道)
    and this year's activity; compute the indicators; return the logins and which districts hold demo data.

    Raises District.DoesNotExist when the migrations' reference districts are missing."""
    huangpu = District.objects.get(code="310101")  # reference data from the migrations
    data = json.loads(DATA.read_text(encoding="utf-8"))
    _load_hierarchy(data)
    logins, users = _load_users(huangpu)
    _load_years(users["huangpu"])
    _load_workers()
    _load_funds()
    demo_activity(users)
    _compute_indicators()
    return DemoSummary(logins=logins, with_data=[huangpu],
                       without_data=list(District.objects.exclude(pk=huangpu.pk).order_by("code")))


def _compute_indicators() -> None:
    """The dashboards open with figures: every year with data is computed, as the nightly job would."""
    for year in years_with_data():
        compute_year(year)


def _load_hierarchy(data: dict) -> None:
    Street.objects.bulk_create(
        [Street(code=s["code"], district_id=data["district_code"], name=s["name"], kind=StreetKind.STREET)
         for s in data["streets"]],
        ignore_conflicts=True,
    )
    committees = []
    for street in data["streets"]:
        for row in street["committees"]:
            rng = random.Random(row["code"])
            committees.append(Committee(
                code=row["code"], street_id=street["code"], name=row["name"], kind=CommitteeKind.RESIDENTS,
                established_on=datetime.date(rng.randint(1985, 2015), rng.randint(1, 12), 1),
                transition=rng.random() < 0.03,
            ))
    Committee.objects.bulk_create(committees, ignore_conflicts=True)
    Department.objects.get_or_create(district_id=data["district_code"], name="区卫生健康委员会")


def _demo_committees() -> list[Committee]:
    return list(Committee.objects.filter(street__district="310101").order_by("code"))


def _load_years(actor: User) -> None:
    """Every committee's record of every demo year, written as Huangpu's staff would (record_save); a record that
    exists is left as it is."""
    years = demo_years()
    existing = set(CommitteeYear.objects.filter(committee__street__district="310101", year__in=years)
                   .values_list("committee_id", "year"))
    for committee in _demo_committees():
        rng = random.Random(f"years-{committee.code}")
        # Households 800-2,600 with a median near 1,500 (REFERENCE S3); a few oversized, a few small.
        base = int(rng.triangular(800, 2600, 1500))
        if rng.random() < 0.04:
            base = rng.randint(3000, 3400)
        elif rng.random() < 0.04:
            base = rng.randint(300, 480)
        office, elder = rng.choice([None, 90, 120, 150, 160, 180, 220]), rng.choice([None, 60, 80, 100, 120, 150])
        fund = rng.choice([80_000, 100_000, 120_000, 150_000, 300_000])
        for year in years:
            households = max(100, base + rng.randint(-40, 60) * (year - FIRST_YEAR))
            if office is not None and rng.random() < 0.15:
                office += 20  # renovations during the year
            resident_households = int(households * rng.uniform(0.85, 0.98))  # drawn for every year: same figures
            if (committee.code, year) in existing:
                continue
            record_save(actor=actor, instance=CommitteeYear(
                committee=committee, year=year, households=households, resident_households=resident_households,
                office_area_m2=None if office is None else Decimal(office),
                elder_area_m2=None if elder is None else Decimal(elder),
                work_fund_yuan=Decimal(fund if year >= 2024 or fund >= 100_000 else fund - 10_000),
            ))


def _load_workers() -> None:
    today = timezone.localdate()
    workers, qualifications = [], []
    for committee in _demo_committees():
        rng = random.Random(f"workers-{committee.code}")
        for seq in range(1, rng.randint(7, 11) + 1):
            hired = datetime.date(rng.randint(2005, 2024), rng.randint(1, 12), rng.randint(1, 28))
            left = None
            if rng.random() < 0.08:
                left = hired + datetime.timedelta(days=rng.randint(200, 2500))
                left = left if left < datetime.date(today.year, 1, 1) else None
            code = f"HP{committee.code[6:]}{seq:02d}"
            workers.append(CommunityWorker(
                code=code, committee=committee, name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2))),
                position=POSITIONS[min(seq - 1, len(POSITIONS) - 1)], hired_on=hired, left_on=left,
            ))
            roll = rng.random()
            levels = []
            if roll < 0.52:
                levels.append(QualificationLevel.ASSISTANT)
            if roll < 0.20:
                levels.append(QualificationLevel.INTERMEDIATE)
            if roll < 0.004:
                levels.append(QualificationLevel.SENIOR)
            obtained = max(hired, datetime.date(2010, 1, 1))
            for level in levels:
                obtained = obtained + datetime.timedelta(days=rng.randint(300, 1400))
                qualifications.append((code, level, min(obtained, today)))
    CommunityWorker.objects.bulk_create(workers, ignore_conflicts=True, batch_size=1000)
    ids = dict(CommunityWorker.objects.filter(code__in=[w.code for w in workers]).values_list("code", "pk"))
    Qualification.objects.bulk_create(
        [Qualification(worker_id=ids[code], level=level, obtained_on=day) for code, level, day in qualifications],
        ignore_conflicts=True, batch_size=1000,
    )


def _load_funds() -> None:
    streets = list(Street.objects.filter(district="310101").order_by("code"))
    funds = []
    for index, street in enumerate(streets):
        if index % 3 == 2:  # two streets in three have one: coverage well short of the 2025 target
            continue
        kind = FundKind.FOUNDATION if index % 2 else FundKind.FUND
        name = street.name.removesuffix("街道") + ("社区基金会" if kind == FundKind.FOUNDATION else "社区发展基金")
        funds.append(CommunityFund(street=street, name=name, kind=kind, established_on=datetime.date(2018 + index % 7, 6, 1)))
    CommunityFund.objects.bulk_create(funds, ignore_conflicts=True)


# (username, family name, given name, role, unit codes, scope as the list of logins says it). The department is
# found by name in Huangpu (created with the organisation). Each user is a person (王芳), whose unit the pages add
# (User.name_with_unit: "王芳（外滩街道）"), so a name never repeats its unit.
USERS = [
    ("admin", "陈", "静", "", {}, "全市（管理员）"),
    ("city", "周", "敏", Role.CITY, {}, "上海市"),
    ("huangpu", "李", "强", Role.DISTRICT, {"district_id": "310101"}, "黄浦区民政局"),
    ("huangpu_health", "赵", "丽", Role.DEPARTMENT, {"district_id": "310101", "department": "区卫生健康委员会"},
     "黄浦区卫生健康委员会"),
    ("waitan", "王", "芳", Role.STREET, {"district_id": "310101", "street_id": "310101013"}, "外滩街道"),
    # A second officer: a request one of them files is reviewed by the other (no one reviews their own).
    ("waitan2", "刘", "洋", Role.STREET, {"district_id": "310101", "street_id": "310101013"}, "外滩街道"),
    ("baoxing", "张", "伟", Role.COMMITTEE,
     {"district_id": "310101", "street_id": "310101013", "committee_id": "310101013018"}, "外滩街道宝兴居委会"),
]


def demo_logins() -> list[DemoLogin]:
    """The demo logins (each role's username and password), without a query: what `make serve` prints."""
    return [DemoLogin(username, DEMO_PASSWORD, str(Role(role).label) if role else _("administrator"), scope)
            for username, _last, _first, role, _units, scope in USERS]


def _load_users(huangpu: District) -> tuple[list[DemoLogin], dict[str, User]]:
    """The demo users, created with the demo password when missing (no service creates users: the admin does);
    an existing user keeps its password, role and unit, and takes the demo name (a demo loaded before the users
    had person names was named after its unit: "外滩 街道")."""
    users = {}
    for username, last, first, role, units, _scope in USERS:
        fields: dict = {"last_name": last, "first_name": first, "role": role, **units}
        if "department" in fields:
            fields["department"] = Department.objects.get(district=huangpu, name=fields["department"])
        if not role:
            fields.update(is_staff=True, is_superuser=True)
        user, created = User.objects.get_or_create(username=username, defaults=fields)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        elif (user.last_name, user.first_name) != (last, first):
            user.last_name, user.first_name = last, first
            user.save(update_fields=["last_name", "first_name"])
        users[username] = user
    return demo_logins(), users
