from django.db import models
from django.utils.translation import gettext_lazy as _

from .pinyin import pinyin_full, pinyin_initials


class Region(models.Model):
    """东部 / 中部 / 西部 / 东北, the National Bureau of Statistics grouping."""

    class Code(models.TextChoices):
        EAST = "east", _("东部")
        CENTRAL = "central", _("中部")
        WEST = "west", _("西部")
        NORTHEAST = "northeast", _("东北")

    code = models.CharField(_("代码"), max_length=16, choices=Code.choices, unique=True)
    name = models.CharField(_("名称"), max_length=16, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["order"]

    def __str__(self):
        return self.name


class StrategicArea(models.Model):
    """京津冀, 长三角, 粤港澳大湾区, and any an operator adds."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=32, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("重点区域")
        verbose_name_plural = _("重点区域")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class Province(models.Model):
    """A recommending unit: a province, autonomous region or municipality, or 新疆生产建设兵团."""

    code = models.CharField(_("行政区划代码"), max_length=6, unique=True, help_text=_("GB/T 2260 六位代码"))
    name = models.CharField(_("名称"), max_length=32, unique=True)
    short_name = models.CharField(_("简称"), max_length=16, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="provinces"
    )
    strategic_area = models.ForeignKey(
        StrategicArea,
        verbose_name=_("重点区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="provinces",
        help_text=_("整省属于的重点区域（如京津冀、长三角）"),
    )
    department = models.CharField(
        _("省级主管部门"),
        max_length=64,
        blank=True,
        help_text=_("推荐函落款的单位全称，如“广东省科学技术厅”；留空时推荐函由省级主管部门填写。"),
    )

    class Meta:
        verbose_name = _("省级推荐单位")
        verbose_name_plural = _("省级推荐单位")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{6}$"),
                name="province_code_six_digits",
                violation_error_message=_("行政区划代码必须是6位数字。"),
            )
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class ZoneQuerySet(models.QuerySet):
    def search(self, term: str):
        """The zones that match ``term`` by the site's one search rule (zones.search: name, short name or city;
        whole pinyin syllables or initials from any syllable). Pages that rank the hits use zones.search itself."""
        from .search import ranked, zone_rows

        term = (term or "").strip()
        if not term:
            return self
        return self.filter(pk__in=ranked(term, zone_rows(self)))


class Zone(models.Model):
    """A national high-tech zone (国家高新区); `key` never changes, names may."""

    key = models.CharField(_("编号"), max_length=16, unique=True, help_text=_("省级代码-序号，如 440000-03"))
    name = models.CharField(_("名称"), max_length=64)
    short_name = models.CharField(_("简称"), max_length=32, blank=True)
    province = models.ForeignKey(
        Province, verbose_name=_("所在省份"), on_delete=models.PROTECT, related_name="zones"
    )
    city = models.CharField(_("所在城市"), max_length=32, blank=True)
    approved_year = models.PositiveSmallIntegerField(_("获批年份"), null=True, blank=True)
    strategic_area = models.ForeignKey(
        StrategicArea,
        verbose_name=_("重点区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="zones",
    )
    is_active = models.BooleanField(_("有效"), default=True)
    source = models.TextField(_("数据来源"), blank=True)
    operator_edited = models.BooleanField(
        _("已人工修订"), default=False, help_text=_("人工修订过的高新区在重新导入参考数据时不会被覆盖。")
    )
    pinyin = models.CharField(_("拼音"), max_length=255, blank=True, editable=False)
    pinyin_initials = models.CharField(_("拼音首字母"), max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ZoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("国家高新区")
        verbose_name_plural = _("国家高新区")
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(key__regex=r"^[0-9]{6}-[0-9]{2,3}$"),
                name="zone_key_format",
                violation_error_message=_("高新区编号格式应为“省级代码-序号”，如 440000-03。"),
            ),
            models.CheckConstraint(
                condition=models.Q(approved_year__isnull=True)
                | models.Q(approved_year__gte=1988, approved_year__lte=2100),
                name="zone_approved_year_range",
                violation_error_message=_("获批年份应在1988年之后。"),
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.key,)

    def save(self, *args, **kwargs):
        self.pinyin = pinyin_full(f"{self.name}{self.short_name}")[:255]
        self.pinyin_initials = pinyin_initials(self.short_name or self.name)[:64]
        super().save(*args, **kwargs)

    @property
    def display_name(self):
        return self.short_name or self.name
