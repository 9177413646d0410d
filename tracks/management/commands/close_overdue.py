"""Hourly or daily (cron / systemd timer): returned nominations past their 补正 deadline become 逾期未补正."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from tracks.services.nominations import nominations_lapse_overdue


class Command(BaseCommand):
    help = (
        "Mark returned nominations whose resubmission deadline has passed as lapsed (逾期未补正); idempotent."
    )

    def handle(self, *args, **options):
        lapsed = nominations_lapse_overdue()
        self.stdout.write(_("%(n)s 份退回修改的推荐逾期未补正。") % {"n": len(lapsed)})
