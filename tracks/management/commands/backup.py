from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from config.backup import backup_create


class Command(BaseCommand):
    help = _("备份数据库（JSON Lines 转储）和私有附件目录，附 SHA-256 校验清单。")

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help=_("备份目录（新目录或空目录）"))

    def handle(self, *args, **options):
        try:
            manifest = backup_create(Path(options["output"]))
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        rows = sum(manifest["counts"].values())
        files = len(manifest["files"]) - 1
        self.stdout.write(
            self.style.SUCCESS(
                _("已备份 %(rows)d 条记录和 %(files)d 个附件文件到 %(path)s。")
                % {"rows": rows, "files": files, "path": options["output"]}
            )
        )
