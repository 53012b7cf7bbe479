"""factory_boy factories for the organisation: codes follow the national rules, so rows pass every constraint."""

import datetime
from decimal import Decimal

import factory

from committees.choices import CommitteeKind, QualificationLevel, StreetKind
from committees.models import Committee, CommitteeYear, CommunityFund, CommunityWorker, District, Qualification, Street
from portal.accounts.models import User


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    code = "310101"
    name = factory.LazyAttribute(lambda o: f"区{o.code}")


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street
        django_get_or_create = ("code",)

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"{n % 100:03d}")  # completed in _adjust_kwargs
    name = factory.LazyAttribute(lambda o: f"街道{o.code}")
    kind = StreetKind.STREET

    @classmethod
    def _adjust_kwargs(cls, **kwargs):  # noqa: ANN003, ANN206
        if len(kwargs["code"]) == 3:
            kwargs["code"] = kwargs["district"].code + kwargs["code"]
        return kwargs


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee
        django_get_or_create = ("code",)

    street = factory.SubFactory(StreetFactory)
    code = factory.Sequence(lambda n: f"{n % 199 + 1:03d}")
    name = factory.LazyAttribute(lambda o: f"居委会{o.code}")
    kind = CommitteeKind.RESIDENTS

    @classmethod
    def _adjust_kwargs(cls, **kwargs):  # noqa: ANN003, ANN206
        if len(kwargs["code"]) == 3:
            kwargs["code"] = kwargs["street"].code + kwargs["code"]
        return kwargs


class CommitteeYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeYear

    committee = factory.SubFactory(CommitteeFactory)
    year = 2025
    households = 1600
    resident_households = 1500
    office_area_m2 = Decimal("160")
    elder_area_m2 = Decimal("110")
    work_fund_yuan = Decimal("120000")


class CommunityWorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityWorker

    committee = factory.SubFactory(CommitteeFactory)
    code = factory.Sequence(lambda n: f"W{n:06d}")
    name = factory.Sequence(lambda n: f"社工{n}")
    position = "社区工作者"
    hired_on = datetime.date(2020, 3, 1)


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qualification

    worker = factory.SubFactory(CommunityWorkerFactory)
    level = QualificationLevel.ASSISTANT
    obtained_on = datetime.date(2022, 6, 1)


class CommunityFundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityFund

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"社区基金{n}")
    kind = "fund"
    established_on = datetime.date(2020, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs) -> None:  # noqa: ANN003
        self.set_password(extracted or "correct-horse-battery")
        if create:
            self.save(update_fields=["password"])
