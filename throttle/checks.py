"""``check --deploy``: production without a shared cache (REDIS_URL)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.utils.translation import gettext as _

NO_SHARED_CACHE = "throttle.W001"


@register(Tags.caches, deploy=True)
def shared_cache_check(app_configs, **kwargs):
    if getattr(settings, "REDIS_URL", ""):
        return []
    return [
        Warning(
            _("未设置 REDIS_URL：每个服务进程各用自己的缓存。"),
            hint=_(
                "按地址的频率限制（异议、验证码）因此记在数据库中，跨进程仍然准确，但每次请求多一次写入；"
                "一个进程缓存的公开页面可能比另一个进程的旧 60 秒。多台应用服务器或多个工作进程时请设置 "
                "REDIS_URL；确认只用一个进程、不用 Redis 的部署可以设置 "
                "DJANGO_SILENCED_SYSTEM_CHECKS=%(id)s 关闭这条提示。"
            )
            % {"id": NO_SHARED_CACHE},
            id=NO_SHARED_CACHE,
        )
    ]
