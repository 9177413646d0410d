from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0")


def money_field(label):
    return models.DecimalField(
        label, max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(ZERO)]
    )


def count_field(label):
    return models.PositiveIntegerField(label, null=True, blank=True)


# (field name, label) for counts and money; growth is the only signed indicator.
COUNT_INDICATORS = [
    ("enterprise_count", _("企业数")),
    ("high_tech_enterprise_count", _("高新技术企业数")),
    ("specialized_enterprise_count", _("专精特新企业数")),
    ("gazelle_count", _("瞪羚企业数")),
    ("unicorn_count", _("独角兽企业数")),
    ("invention_patents", _("授权发明专利")),
    ("research_platforms", _("省级及以上研发机构")),
    ("application_scenarios", _("应用场景")),
    ("incubators", _("孵化载体")),
    ("pilot_platforms", _("中试平台")),
]
MONEY_INDICATORS = [
    ("revenue", _("营业收入（亿元）")),
    ("rd_spending", _("R&D经费（亿元）")),
    ("financing", _("融资额（亿元）")),
]
SIGNED_INDICATORS = [("revenue_growth", _("营业收入同比增长（%）"))]
INDICATOR_FIELDS = [name for name, _label in COUNT_INDICATORS + MONEY_INDICATORS + SIGNED_INDICATORS]


class Indicators(models.Model):
    """The annual indicators of a zone on a track (domain.md: Indicators)."""

    enterprise_count = count_field(_("企业数"))
    high_tech_enterprise_count = count_field(_("高新技术企业数"))
    specialized_enterprise_count = count_field(_("专精特新企业数"))
    gazelle_count = count_field(_("瞪羚企业数"))
    unicorn_count = count_field(_("独角兽企业数"))
    revenue = money_field(_("营业收入（亿元）"))
    revenue_growth = models.DecimalField(
        _("营业收入同比增长（%）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    rd_spending = money_field(_("R&D经费（亿元）"))
    invention_patents = count_field(_("授权发明专利"))
    research_platforms = count_field(_("省级及以上研发机构"))
    financing = money_field(_("融资额（亿元）"))
    application_scenarios = count_field(_("应用场景"))
    incubators = count_field(_("孵化载体"))
    pilot_platforms = count_field(_("中试平台"))

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revenue__isnull=True) | models.Q(revenue__gte=0),
                name="%(app_label)s_%(class)s_revenue_nonneg",
                violation_error_message=_("「营业收入」必须为非负数。"),
            ),
            models.CheckConstraint(
                condition=models.Q(rd_spending__isnull=True) | models.Q(rd_spending__gte=0),
                name="%(app_label)s_%(class)s_rd_nonneg",
                violation_error_message=_("「R&D经费」必须为非负数。"),
            ),
            models.CheckConstraint(
                condition=models.Q(financing__isnull=True) | models.Q(financing__gte=0),
                name="%(app_label)s_%(class)s_financing_nonneg",
                violation_error_message=_("「融资额」必须为非负数。"),
            ),
            models.CheckConstraint(
                condition=models.Q(revenue_growth__isnull=True) | models.Q(revenue_growth__gte=-100),
                name="%(app_label)s_%(class)s_growth_floor",
                violation_error_message=_("「营业收入同比增长」不能低于 -100%。"),
            ),
        ]
