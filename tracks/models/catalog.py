"""Fields and tracks: the canonical catalogue provinces nominate into."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zones.pinyin import pinyin_full, pinyin_initials

from .choices import TrackStatus


class Field(models.Model):
    """领域: a group of tracks (人工智能, 生物制造, 新能源, 未来产业 …)."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=32, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    description = models.TextField(_("说明"), blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("领域")
        verbose_name_plural = _("领域")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class TrackQuerySet(models.QuerySet):
    def search(self, term: str):
        """The tracks matching what a person typed, by the site's one search rule (tracks.search: name, English
        name, aliases; pinyin and initials from any syllable)."""
        term = (term or "").strip()
        if not term:
            return self
        from ..search import track_keys  # the rule reads these models

        return self.filter(pk__in=track_keys(self, term))

    def usable(self):
        return self.filter(status=TrackStatus.ACTIVE)


class Track(models.Model):
    """新赛道: one canonical emerging-industry track in one field."""

    field = models.ForeignKey(Field, verbose_name=_("领域"), on_delete=models.PROTECT, related_name="tracks")
    name = models.CharField(_("名称"), max_length=64, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=128, blank=True)
    description = models.TextField(_("说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=TrackStatus.choices, default=TrackStatus.ACTIVE
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入赛道"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_tracks",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提议人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposed_tracks",
    )
    pinyin = models.CharField(_("拼音"), max_length=255, blank=True, editable=False)
    pinyin_initials = models.CharField(_("拼音首字母"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = TrackQuerySet.as_manager()

    class Meta:
        verbose_name = _("新赛道")
        verbose_name_plural = _("新赛道")
        ordering = ["field__order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(status=TrackStatus.MERGED) & models.Q(merged_into__isnull=False))
                | (~models.Q(status=TrackStatus.MERGED) & models.Q(merged_into__isnull=True)),
                name="track_merged_has_target",
                violation_error_message=_("只有已合并的赛道才有并入赛道，且必须填写。"),
            ),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("pk")),
                name="track_not_merged_into_itself",
                violation_error_message=_("赛道不能并入自身。"),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pinyin = pinyin_full(self.name)[:255]
        self.pinyin_initials = pinyin_initials(self.name)[:64]
        super().save(*args, **kwargs)


class TrackAlias(models.Model):
    """Another name for a track, so that provinces naming the same thing differently meet in one track."""

    track = models.ForeignKey(Track, verbose_name=_("赛道"), on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("别名"), max_length=64, unique=True)
    pinyin = models.CharField(_("拼音"), max_length=255, blank=True, editable=False)
    pinyin_initials = models.CharField(_("拼音首字母"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("赛道别名")
        verbose_name_plural = _("赛道别名")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pinyin = pinyin_full(self.name)[:255]
        self.pinyin_initials = pinyin_initials(self.name)[:64]
        super().save(*args, **kwargs)
