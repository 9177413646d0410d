"""factory_boy factories for every model tests need, in any state: for tests that read rows (pages, exports, the
access matrix). A test of a transition starts from the state before it, reached through the services
(``tests/rounds.py``). Reference data (regions, provinces, zones) comes from the data migration, so factories look
those up by natural key rather than inventing them."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import roles
from accounts.models import Profile
from tracks import models as m
from tracks.models.status_door import late_states_allowed
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


def system_admin(**kwargs):
    """系统管理员 (三员): users and groups."""
    return _with_group(UserFactory(**kwargs), roles.SYSTEM_ADMIN)


def security_admin(**kwargs):
    """安全管理员 (三员): lockouts and second-factor devices."""
    return _with_group(UserFactory(**kwargs), roles.SECURITY_ADMIN)


def audit_admin(**kwargs):
    """审计管理员 (三员): reads the audit log."""
    return _with_group(UserFactory(**kwargs), roles.AUDIT_ADMIN)


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


class ReadingFactory(factory.django.DjangoModelFactory):
    """Creates rows in any status, for tests that read them (tracks.models.status_door.LATE_STATE_MODULES). A test
    of a transition starts from the state before it, reached through the services."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with late_states_allowed():
            return super()._create(model_class, *args, **kwargs)


class CycleFactory(ReadingFactory):
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
            cycle=cycle,
            code=code,
            defaults={"name": name, "weight": weight, "max_score": max_score, "order": i},
        )[0]
        for i, (code, name, weight, max_score) in enumerate(spec)
    ]


class NominationFactory(ReadingFactory):
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


# -- expert review -------------------------------------------------------------------------------------------------


def reviewer(province_code="110000", *, fields=(), zone_key=None, **kwargs):
    """A reviewer (account in the 评审专家 group + profile) affiliated with a province (and a zone), on panels."""
    profile = ReviewerProfileFactory(
        province=province(province_code) if province_code else None,
        zone=zone(zone_key) if zone_key else None,
        **kwargs,
    )
    if fields:
        profile.fields.set(fields)
    return profile


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Assignment

    reviewer = factory.SubFactory(ReviewerProfileFactory)
    nomination = factory.SubFactory(NominationFactory)
    status = m.AssignmentStatus.INVITED


# -- the provincial portal ----------------------------------------------------------------------------------------


class LibraryEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.LibraryEntry

    zone = factory.LazyFunction(lambda: zone("440000-03"))
    track = factory.SubFactory(TrackFactory)
    entered_cycle = factory.SubFactory(CycleFactory)
    status = m.LibraryStatus.CULTIVATING


class MonitoringReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.MonitoringReport

    entry = factory.SubFactory(LibraryEntryFactory)
    year = 2025
    enterprise_count = 100
    revenue = Decimal("120.50")
    revenue_growth = Decimal("8.00")
    rd_spending = Decimal("9.10")


def draft_nomination(**kwargs):
    """A complete draft (every field a submit needs), in an open cycle unless one is given."""
    return NominationFactory(status=m.NominationStatus.DRAFT, **kwargs)


# ---------------------------------------------------------------------------------------------------------------
# 精准性培育: support measures and typical cases of library entries.


class SupportMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cultivation.SupportMeasure"

    entry = factory.SubFactory(LibraryEntryFactory)
    kind = "technology"
    title = factory.Sequence(lambda n: f"培育举措{n}")
    date = datetime.date(2025, 3, 1)
    issuer = "某省科学技术厅"
    amount = None
    description = "举措内容。"


class TypicalCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cultivation.TypicalCase"

    entry = factory.SubFactory(LibraryEntryFactory)
    title = factory.Sequence(lambda n: f"典型案例{n}")
    summary = "以应用场景牵引新赛道成长。"
    body = "案例正文。"
    cultivation_model = m.CultivationModel.SCENARIO
    status = "draft"


def published_case(**kwargs):
    """A typical case published (stamped now) without going through the service."""
    kwargs.setdefault("published_at", timezone.now())
    return TypicalCaseFactory(status="published", **kwargs)
