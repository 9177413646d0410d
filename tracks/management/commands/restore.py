from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit.db_roles import owner_connection
from config.backup import backup_restore


class Command(BaseCommand):
    help = _("从 manage.py backup 生成的目录恢复到空数据库（先校验全部文件的 SHA-256，再恢复并核对记录数）。")

    def add_arguments(self, parser):
        parser.add_argument("directory", help=_("备份目录"))

    def handle(self, *args, **options):
        try:
            # As the owner role: the restore empties the tables and turns the guard triggers off while it loads.
            with owner_connection():
                counts = backup_restore(Path(options["directory"]))
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(_("已恢复 %(rows)d 条记录，校验一致。") % {"rows": sum(counts.values())})
        )
