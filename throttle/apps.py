from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThrottleConfig(AppConfig):
    name = "throttle"
    verbose_name = _("访问频率限制")

    def ready(self):
        from . import checks  # noqa: F401 - registers the deployment check on the shared cache
