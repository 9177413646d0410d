"""factory_boy factories for every model tests need. Reference data (regions, provinces, zones) comes from the
data migration, so factories look those up by natural key rather than inventing them."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import roles
from accounts.models import Profile
from tracks import models as m
from zones.models import Province, Zone

PASSWORD = "Demo-Passw0rd!"


def province(code: str) -> Province:
    return Province.objects.get(code=code)


def zone(key: str) -> Zone:
    return Zone.objects.get(key=key)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def _with_group(user, group_name, **profile):
    user.groups.add(Group.objects.get(name=group_name))
    if group_name in roles.ADMIN_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    if profile:
        Profile.objects.update_or_create(user=user, defaults=profile)
    return user


def official(province_code="440000", **kwargs):
    return _with_group(UserFactory(**kwargs), roles.OFFICIAL, province=province(province_code))


def zone_preparer(zone_key="440000-03", **kwargs):
    return _with_group(UserFactory(**kwargs), roles.ZONE_PREPARER, zone=zone(zone_key))


def staff(**kwargs):
    return _with_group(UserFactory(**kwargs), roles.STAFF)


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Field
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"field-{n}")
    name = factory.Sequence(lambda n: f"领域{n}")
    order = factory.Sequence(lambda n: n)


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Track
        django_get_or_create = ("name",)

    field = factory.SubFactory(FieldFactory)
    name = factory.Sequence(lambda n: f"赛道{n}")
    status = m.TrackStatus.ACTIVE


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Cycle
        django_get_or_create = ("year",)

    year = factory.Sequence(lambda n: 2030 + n)
    status = m.CycleStatus.NOMINATION
    nomination_opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))
    nomination_closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=20))
    default_quota = 5


DEFAULT_CRITERIA = [
    ("strategic", "战略性", Decimal("30"), Decimal("100")),
    ("leading", "领先性", Decimal("25"), Decimal("100")),
    ("growth", "成长性", Decimal("25"), Decimal("100")),
    ("driving", "带动性", Decimal("20"), Decimal("100")),
]


def criteria_for(cycle, spec=DEFAULT_CRITERIA):
    return [
        m.Criterion.objects.get_or_create(
            cycle=cycle, code=code, defaults={"name": name, "weight": weight, "max_score": max_score, "order": i}
        )[0]
        for i, (code, name, weight, max_score) in enumerate(spec)
    ]


class NominationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Nomination

    cycle = factory.SubFactory(CycleFactory)
    zone = factory.LazyFunction(lambda: zone("440000-03"))
    province = factory.LazyAttribute(lambda o: o.zone.province)
    track = factory.SubFactory(TrackFactory)
    origin = m.Origin.EXTENSION
    cultivation_model = m.CultivationModel.SCENARIO
    public_summary = "依托龙头企业与应用场景，形成较完整的产业链条。"
    narrative = "申报材料正文。"
    enterprise_count = 120
    high_tech_enterprise_count = 60
    specialized_enterprise_count = 12
    gazelle_count = 5
    unicorn_count = 1
    revenue = Decimal("356.40")
    revenue_growth = Decimal("12.50")
    rd_spending = Decimal("21.30")
    invention_patents = 840
    research_platforms = 15
    financing = Decimal("42.00")
    application_scenarios = 18
    incubators = 6
    pilot_platforms = 3


class ReviewerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ReviewerProfile

    user = factory.LazyFunction(lambda: _with_group(UserFactory(), roles.REVIEWER))
    name = factory.Sequence(lambda n: f"专家{n}")
    organisation = "某研究院"
    province = factory.LazyFunction(lambda: province("110000"))
