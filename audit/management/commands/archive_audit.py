from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit.archive import audit_archive, retention_days
from audit.db_roles import owner_connection


class Command(BaseCommand):
    help = _(
        "将早于保存期限（至少180天）的审计记录写入 JSON Lines 文件（文件名以 .gz 结尾时压缩），然后从数据库删除。"
        "这是删除审计记录的唯一途径。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-days",
            type=int,
            default=None,
            help=_("归档多少天以前的记录（不少于保存期限，默认即保存期限）"),
        )
        parser.add_argument("--output", required=True, help=_("归档文件路径，如 /backup/audit-2026.jsonl.gz"))

    def handle(self, *args, **options):
        days = options["older_than_days"] if options["older_than_days"] is not None else retention_days()
        try:
            # Only the owner role may delete audit rows (audit.db_roles, migration 0003).
            with owner_connection():
                result = audit_archive(older_than_days=days, output=Path(options["output"]))
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        if result.count == 0:
            self.stdout.write(
                _("没有早于 %(cutoff)s 的审计记录，未生成文件。")
                % {"cutoff": result.cutoff.strftime("%Y-%m-%d")}
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                _("已归档 %(count)d 条审计记录到 %(path)s（SHA-256 %(sha)s），并从数据库删除。")
                % {"count": result.count, "path": result.path, "sha": result.sha256}
            )
        )
