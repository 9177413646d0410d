"""Manifests of the files compiled for a published list: append-only, beside (never on) the frozen list row."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.models import AppendOnlyError, AppendOnlyQuerySet


class ArtefactManifest(models.Model):
    """The files one version of a list was compiled into at one moment: each path with its size and SHA-256, the
    state the renderings depend on, and the issuing body (发布单位) as at publication.

    A new row is added whenever the files or that state change (publication, a correction going on notice or
    withdrawn, supersession, a release with new templates); the latest row of a list is what its files must match
    (``manage.py verify_list``). Rows are never changed or removed: the ORM refuses it and, on PostgreSQL, a
    trigger (migration 0001)."""

    park_list = models.ForeignKey(
        "tracks.ParkList",
        verbose_name=_("榜单"),
        on_delete=models.PROTECT,
        related_name="artefact_manifests",
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    reason = models.CharField(_("生成原因"), max_length=32)
    state = models.JSONField(_("渲染依据"))
    state_digest = models.CharField(_("渲染依据摘要"), max_length=64)
    issuer = models.CharField(_("发布单位"), max_length=200)
    files = models.JSONField(_("文件"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("榜单发布文件清单")
        verbose_name_plural = _("榜单发布文件清单")
        ordering = ["park_list", "-pk"]
        default_permissions = ("add", "view")

    def __str__(self):
        return f"#{self.park_list_id} {self.created_at:%Y-%m-%d %H:%M} {self.reason}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(_("发布文件清单只能追加，不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(_("发布文件清单只能追加，不能删除。"))
