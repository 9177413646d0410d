"""`manage.py verify_list ID [ID …]` (or `--all`): check published lists against their hashes, inputs and scores.

For each list: (1) SHA-256 and SM3 match the canonical JSON, which matches the entries; (2) ranking the inputs
stored with the list again (``ranking_results_compute``) reproduces the entries exactly; (3) the live scores, criteria and
nominations still equal those inputs; (4) its published files match their latest manifest (sizes, SHA-256) and the
canonical JSON file is the stored text with the list's SHA-256 and SM3 (a missing or out-of-date file is a warning:
the next reader or ``compile_lists --missing`` compiles it). Every difference is listed; the exit status is
non-zero if there is any.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from publishing.verify import verify_files
from tracks.models import ListStatus, ParkList
from tracks.services.verification import list_verify


class Command(BaseCommand):
    help = _("校验已发布榜单：校验值与条目一致，按存储的计算输入可重新得出相同条目，当前评分与计算输入一致。")

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help=_("榜单编号"))
        parser.add_argument("--all", action="store_true", help=_("校验全部已发布（含已更正）的榜单。"))

    def handle(self, *args, ids, all=False, **options):  # noqa: A002 - the option is --all
        if all:
            lists = list(ParkList.objects.filter(status__in=ListStatus.FROZEN).order_by("pk"))
        elif ids:
            found = ParkList.objects.in_bulk(ids)
            missing = [pk for pk in ids if pk not in found]
            if missing:
                raise CommandError(_("没有编号为 %(ids)s 的榜单。") % {"ids": ", ".join(map(str, missing))})
            lists = [found[pk] for pk in ids]
        else:
            raise CommandError(_("请给出榜单编号，或使用 --all。"))

        failed = 0
        for park_list in lists:
            self.stdout.write(
                _("榜单 #%(id)s %(title)s（第%(version)s版，%(status)s）")
                % {
                    "id": park_list.pk,
                    "title": park_list.title,
                    "version": park_list.version,
                    "status": park_list.get_status_display(),
                }
            )
            result = list_verify(park_list)
            # (4) the published files against their manifest and the hashes (publishing/verify.py)
            published = verify_files(park_list) if park_list.status in ListStatus.FROZEN else None
            for label, problems in (
                (_("校验值（SHA-256、SM3）与榜单条目"), result.hashes),
                (_("按存储的计算输入重新计算"), result.reproduction),
                (_("当前评分与计算输入"), result.live),
                *([(_("发布文件与清单、校验值"), published.problems)] if published else []),
            ):
                if problems:
                    self.stdout.write(self.style.ERROR(f"  ✗ {label}"))
                    for problem in problems:
                        self.stdout.write(f"      - {problem}")
                else:
                    self.stdout.write(self.style.SUCCESS(f"  ✓ {label}"))
            for warning in [*result.warnings, *(published.warnings if published else [])]:
                self.stdout.write(self.style.WARNING(f"  ! {warning}"))
            if result.ok and not (published and published.problems):
                self.stdout.write(
                    self.style.SUCCESS(_("  校验通过。SHA-256 %(sha)s") % {"sha": park_list.sha256})
                )
            else:
                failed += 1
        if failed:
            raise CommandError(
                _("%(failed)s 个榜单未通过校验（共 %(total)s 个）。")
                % {"failed": failed, "total": len(lists)}
            )
