from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from zones.models import Province, Region, StrategicArea, Zone
from zones.reference import load_reference_data


class Command(BaseCommand):
    help = _("导入区域、重点区域、省份和国家高新区参考数据（按编号匹配，可重复执行，不覆盖人工修订）。")

    def handle(self, *args, **options):
        with transaction.atomic():
            report = load_reference_data(Region, StrategicArea, Province, Zone)
        self.stdout.write(
            _("新增：%(created)s；更新：%(updated)s；保留人工修订：%(kept)s")
            % {"created": report.created or 0, "updated": report.updated or 0, "kept": report.kept}
        )
        self.stdout.write(_("现有国家高新区 %(n)s 个。") % {"n": Zone.objects.count()})
