"""``check --deploy``: the published files' directory is public; the private media directory must never be in it,
nor it in the private media directory (nginx serves PUBLISHED_ROOT as it is)."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.utils.translation import gettext as _

INSIDE_PRIVATE_MEDIA = "publishing.E001"


@register(Tags.security, deploy=True)
def published_root_check(app_configs, **kwargs):
    published = Path(settings.PUBLISHED_ROOT).resolve()
    private = Path(settings.STORAGES["default"]["OPTIONS"]["location"]).resolve()
    if published == private or published.is_relative_to(private) or private.is_relative_to(published):
        return [
            Error(
                _("DJANGO_PUBLISHED_ROOT（%(published)s）与私有附件目录（%(private)s）重叠。")
                % {"published": published, "private": private},
                hint=_(
                    "发布文件目录由 nginx 直接对外提供，私有附件只能经权限校验的视图下载：请把两者设为互不包含的"
                    "两个目录。"
                ),
                id=INSIDE_PRIVATE_MEDIA,
            )
        ]
    return []
