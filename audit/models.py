import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: 等保: audit records are kept at least this long; archive_audit refuses anything shorter.
MINIMUM_RETENTION_DAYS = 180


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove a row that may only ever be added."""


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses every bulk path that would change or remove existing rows."""

    def update(self, **kwargs):
        raise AppendOnlyError(_("该记录只能追加，不能修改。"))

    def delete(self):
        raise AppendOnlyError(_("该记录只能追加，不能删除。"))

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(_("该记录只能追加，不能修改。"))

    def update_or_create(self, *args, **kwargs):
        raise AppendOnlyError(_("该记录只能追加，不能修改。"))

    def _archive_delete(self, *, cutoff, max_id: int) -> int:
        """The only way rows leave the audit log: audit.archive.audit_archive, after writing them to a file, in
        its transaction. Never rows younger than the minimum retention, whatever ``cutoff`` says."""
        minimum = timezone.now() - datetime.timedelta(days=MINIMUM_RETENTION_DAYS)
        if cutoff > minimum:
            raise AppendOnlyError(_("审计记录至少保存 %(days)d 天。") % {"days": MINIMUM_RETENTION_DAYS})
        doomed = self.filter(at__lt=cutoff, pk__lte=max_id)
        deleted, _per_model = models.QuerySet.delete(doomed)
        return deleted


class AuditEvent(models.Model):
    """One thing that happened: who did what to which object, what it was before and after, and why."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    actor_repr = models.CharField(_("操作人（记录时）"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"], name="audit_object_idx")]
        default_permissions = ("add", "view")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(_("审计事件只能追加，不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(_("审计事件只能追加，不能删除。"))
