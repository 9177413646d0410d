from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = _("榜单发布文件")

    def ready(self):
        from django.core.signals import got_request_exception

        from . import checks  # noqa: F401 - registers the deployment check on PUBLISHED_ROOT
        from .middleware import note_database_error

        # A database error raised outside a view (the session middleware reading a session) reaches Django's 500
        # handler; noting it lets PublishedFilesMiddleware answer the site's 503 page instead.
        got_request_exception.connect(note_database_error, dispatch_uid="publishing.database_error")
