"""Demo data: Huangpu's real streets and committees (NBS 2023), generated but plausible figures.

Idempotent and non-destructive: rows that exist are left as they are, so re-running `make run`
keeps whatever was edited in the demo. Figures come from a seeded generator: the same every time.
"""

import datetime
import json
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
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
from portal.indicators.services import compute_year, years_with_data

DATA = Path(__file__).resolve().parent / "data" / "huangpu.json"
YEARS = (2023, 2024, 2025)
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


@transaction.atomic
def demo_load() -> list[DemoLogin]:
    """Load the demo organisation, records, workers, funds and one user per role; return the logins."""
    huangpu = District.objects.get(code="310101")  # reference data from the migrations
    data = json.loads(DATA.read_text(encoding="utf-8"))
    _load_hierarchy(data)
    _load_years()
    _load_workers()
    _load_funds()
    logins = _load_users(huangpu)
    _compute_indicators()
    return logins


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


def _load_years() -> None:
    rows = []
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
        for year in YEARS:
            households = max(100, base + rng.randint(-40, 60) * (year - 2023))
            if office is not None and rng.random() < 0.15:
                office += 20  # renovations during the year
            rows.append(CommitteeYear(
                committee=committee, year=year, households=households,
                resident_households=int(households * rng.uniform(0.85, 0.98)),
                office_area_m2=None if office is None else Decimal(office),
                elder_area_m2=None if elder is None else Decimal(elder),
                work_fund_yuan=Decimal(fund if year >= 2024 or fund >= 100_000 else fund - 10_000),
            ))
    CommitteeYear.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)


def _load_workers() -> None:
    workers, qualifications = [], []
    for committee in _demo_committees():
        rng = random.Random(f"workers-{committee.code}")
        for seq in range(1, rng.randint(7, 11) + 1):
            hired = datetime.date(rng.randint(2005, 2024), rng.randint(1, 12), rng.randint(1, 28))
            left = None
            if rng.random() < 0.08:
                left = hired + datetime.timedelta(days=rng.randint(200, 2500))
                left = left if left < datetime.date(2026, 1, 1) else None
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
                qualifications.append((code, level, min(obtained, datetime.date(2025, 11, 30))))
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


def _load_users(huangpu: District) -> list[DemoLogin]:
    waitan = Street.objects.get(code="310101013")
    baoxing = Committee.objects.get(code="310101013018")
    department = Department.objects.get(district=huangpu, name="区卫生健康委员会")
    specs = [
        ("admin", "系统", "管理员", {"role": "", "is_staff": True, "is_superuser": True}, "全市（管理员）"),
        ("city", "市", "民政", {"role": Role.CITY}, "上海市"),
        ("huangpu", "区", "民政", {"role": Role.DISTRICT, "district": huangpu}, "黄浦区民政局"),
        ("huangpu_health", "区", "卫健", {"role": Role.DEPARTMENT, "district": huangpu, "department": department},
         "黄浦区卫生健康委员会"),
        ("waitan", "外滩", "街道", {"role": Role.STREET, "district": huangpu, "street": waitan}, "外滩街道"),
        ("baoxing", "宝兴", "居委", {"role": Role.COMMITTEE, "district": huangpu, "street": waitan, "committee": baoxing},
         "外滩街道宝兴居委会"),
    ]
    logins = []
    for username, last, first, fields, scope in specs:
        user, created = User.objects.get_or_create(username=username, defaults={"last_name": last, "first_name": first, **fields})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        logins.append(DemoLogin(username, DEMO_PASSWORD, str(user.get_role_display() or _("administrator")), scope))
    return logins
