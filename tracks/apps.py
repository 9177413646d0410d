from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracksConfig(AppConfig):
    name = "tracks"
    verbose_name = _("新赛道培育")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .services.public_cache import on_model_change

        # Every model, filtered inside: a saved zone, track or list changes what public pages show.
        post_save.connect(on_model_change, dispatch_uid="tracks.public_cache.saved")
        post_delete.connect(on_model_change, dispatch_uid="tracks.public_cache.deleted")
