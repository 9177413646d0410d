"""manage.py programme_report 2025 [--xlsx FILE]: the programme's yearly report, as text and as an .xlsx."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cultivation import reports


class Command(BaseCommand):
    help = "年度培育工作报告：输出摘要，并可写出带图表的 Excel 文件（--xlsx）。"

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="报告年度，如 2025")
        parser.add_argument("--xlsx", metavar="FILE", help="写出 .xlsx 报告的路径")

    def handle(self, *args, year, xlsx=None, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(_("年度应在 2000 至 2100 之间：%(year)s") % {"year": year})
        path = None
        if xlsx:
            path = Path(xlsx)
            if path.suffix.lower() != ".xlsx":
                raise CommandError(_("文件名应以 .xlsx 结尾：%(path)s") % {"path": xlsx})
            if not path.parent.is_dir():
                raise CommandError(_("目录不存在：%(path)s") % {"path": path.parent})
        report = reports.programme_report(year)
        if report["cycle"] is None:
            self.stderr.write(
                self.style.WARNING(
                    _("%(year)s 年度没有年度批次：推荐、受理、榜单和培育库变动（按批次统计）部分为空。")
                    % {"year": year}
                )
            )
        self.stdout.write(reports.report_text(report))
        if path is not None:
            path.write_bytes(reports.report_workbook(report))
            self.stdout.write(self.style.SUCCESS(_("已写出 %(path)s") % {"path": path}))
