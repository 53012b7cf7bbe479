"""Personas and shared fixtures (STYLE.md B10): one person per role, in a small two-district world.

    310101 黄浦区 (district_staff, department_staff)
      310101013 外滩街道 (street_officer)
        310101013018 宝兴居委会 (committee_staff)      310101013001 汉口路居委会
      310101002 南京东路街道 (outsider: a street officer of another street)
        310101002001 云南中路居委会
    310104 徐汇区 (other_district_staff)
      310104001 徐汇街道
        310104001001 徐汇一居委会
"""

import os
from dataclasses import dataclass

import pytest

from committees.models import Committee, Department, District, Street
from portal.accounts.roles import Role
from tests.support.factories import CommitteeFactory, StreetFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the test are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery"


@dataclass
class World:
    huangpu: District
    xuhui: District
    waitan: Street
    nanjing: Street
    xuhui_street: Street
    baoxing: Committee
    hankou: Committee
    yunnan: Committee
    xuhui_committee: Committee


@pytest.fixture
def world(db) -> World:  # noqa: ANN001
    # get_or_create: a transactional test (browser, Celery worker) flushes the reference rows of the migrations.
    huangpu, _ = District.objects.get_or_create(code="310101", defaults={"name": "黄浦区"})
    xuhui, _ = District.objects.get_or_create(code="310104", defaults={"name": "徐汇区"})
    waitan = StreetFactory(district=huangpu, code="310101013", name="外滩街道")
    nanjing = StreetFactory(district=huangpu, code="310101002", name="南京东路街道")
    xuhui_street = StreetFactory(district=xuhui, code="310104001", name="徐汇街道")
    return World(
        huangpu=huangpu, xuhui=xuhui, waitan=waitan, nanjing=nanjing, xuhui_street=xuhui_street,
        baoxing=CommitteeFactory(street=waitan, code="310101013018", name="宝兴居委会"),
        hankou=CommitteeFactory(street=waitan, code="310101013001", name="汉口路居委会"),
        yunnan=CommitteeFactory(street=nanjing, code="310101002001", name="云南中路居委会"),
        xuhui_committee=CommitteeFactory(street=xuhui_street, code="310104001001", name="徐汇一居委会"),
    )


@pytest.fixture
def city_staff(world):  # noqa: ANN001, ANN201
    return UserFactory(username="city", role=Role.CITY)


@pytest.fixture
def district_staff(world):  # noqa: ANN001, ANN201
    return UserFactory(username="huangpu", role=Role.DISTRICT, district=world.huangpu)


@pytest.fixture
def other_district_staff(world):  # noqa: ANN001, ANN201
    return UserFactory(username="xuhui", role=Role.DISTRICT, district=world.xuhui)


@pytest.fixture
def department_staff(world):  # noqa: ANN001, ANN201
    department = Department.objects.create(district=world.huangpu, name="区卫生健康委员会")
    return UserFactory(username="health", role=Role.DEPARTMENT, district=world.huangpu, department=department)


@pytest.fixture
def street_officer(world):  # noqa: ANN001, ANN201
    return UserFactory(username="waitan", role=Role.STREET, district=world.huangpu, street=world.waitan)


@pytest.fixture
def outsider(world):  # noqa: ANN001, ANN201
    """Same role as street_officer, another street of the same district."""
    return UserFactory(username="nanjing", role=Role.STREET, district=world.huangpu, street=world.nanjing)


@pytest.fixture
def committee_staff(world):  # noqa: ANN001, ANN201
    return UserFactory(
        username="baoxing", role=Role.COMMITTEE, district=world.huangpu, street=world.waitan, committee=world.baoxing
    )


@pytest.fixture
def personas(city_staff, district_staff, department_staff, street_officer, outsider, committee_staff, other_district_staff):  # noqa: ANN001, ANN201
    return {
        "city_staff": city_staff, "district_staff": district_staff, "department_staff": department_staff,
        "street_officer": street_officer, "outsider": outsider, "committee_staff": committee_staff,
        "other_district_staff": other_district_staff,
    }


@pytest.fixture
def api():  # noqa: ANN201
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def client():  # noqa: ANN201
    """Django's test client, logging in through ModelBackend as a real log-in does.

    force_login would otherwise record the first backend with get_user (axes' standalone backend),
    which answers no user on the next request.
    """
    from django.test import Client

    class PortalClient(Client):
        def force_login(self, user, backend: str | None = "django.contrib.auth.backends.ModelBackend") -> None:  # noqa: ANN001
            super().force_login(user, backend)

    return PortalClient()


@pytest.fixture
def national_catalogue(db):  # noqa: ANN001, ANN201
    """The seeded certificate catalogue, back after a transactional test has flushed the migrations' rows."""
    import importlib

    from django.apps import apps

    from certificates.models import CertificateType

    if not CertificateType.objects.exists():
        importlib.import_module("certificates.migrations.0002_national_catalogue").load(apps, None)
