"""Daily: tell officials and zone committees that their nomination window closes within three days."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from tracks.services.nominations import window_closing_reminders


class Command(BaseCommand):
    help = "Notify provinces whose nomination window (with any extension) closes within three days."

    def handle(self, *args, **options):
        sent = window_closing_reminders()
        self.stdout.write(_("已发送 %(n)s 条推荐截止提醒。") % {"n": sent})
