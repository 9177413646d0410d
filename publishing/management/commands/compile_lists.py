"""`manage.py compile_lists [ID …] [--all | --missing]`: compile published lists into files under
DJANGO_PUBLISHED_ROOT (publishing/compiler.py).

* ``--all``: every published and superseded version, and the static index; files that would not change are left
  alone, files of ids that are no published version are removed. A step of every release (templates and
  translations are part of the renderings).
* ``--missing``: only the versions whose files are missing, out of date (a change whose compile did not happen) or
  differ from their manifest; for cron (e.g. every 10 minutes).
* ``ID …``: the lists with these ids and every version of the same list.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from publishing import compiler, files, paths
from tracks.models import ParkList


class Command(BaseCommand):
    help = _("把已发布（含已更正）的榜单生成为发布文件（页面、下载、接口、规范化 JSON 和已发布榜单索引）。")

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help=_("榜单编号（连同同一榜单的其他版本）"))
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--all", action="store_true", help=_("重新生成全部已发布的榜单，并清除多余的文件。")
        )
        group.add_argument(
            "--missing", action="store_true", help=_("只生成缺失、过期或与清单不符的榜单文件。")
        )

    def handle(self, *args, ids, all=False, missing=False, **options):  # noqa: A002 - the option is --all
        if (all or missing) and ids:
            raise CommandError(_("给出榜单编号时不能同时使用 --all 或 --missing。"))
        root = paths.root()
        try:
            with files.locked(root):
                if all:
                    removed = compiler.prune_orphans()
                    summary = compiler.compile_lists(reason="release", lock=False)
                    summary.removed += removed
                elif missing:
                    stale = compiler.missing_versions()
                    summary = compiler.compile_lists(stale, reason="missing", only=stale, lock=False)
                elif ids:
                    found = set(ParkList.objects.filter(pk__in=ids).values_list("pk", flat=True))
                    unknown = [pk for pk in ids if pk not in found]
                    if unknown:
                        raise CommandError(
                            _("没有编号为 %(ids)s 的榜单。") % {"ids": ", ".join(map(str, unknown))}
                        )
                    summary = compiler.compile_lists(ids, reason="command", lock=False)
                else:
                    raise CommandError(_("请给出榜单编号，或使用 --all、--missing。"))
        except files.LockTimeout as error:
            raise CommandError(
                _("另一个进程正在生成发布文件（%(lock)s），请稍后重试。") % {"lock": error}
            ) from error
        self.stdout.write(
            _(
                "发布文件目录 %(root)s：生成 %(versions)s 个榜单版本，写入 %(written)s 个文件，%(unchanged)s 个未变，"
                "删除 %(removed)s 个；新增清单 %(manifests)s 条；已发布榜单索引%(index)s。"
            )
            % {
                "root": root,
                "versions": summary.versions,
                "written": summary.written,
                "unchanged": summary.unchanged,
                "removed": summary.removed,
                "manifests": summary.manifests,
                "index": _("已更新") if summary.index_written else _("未变"),
            }
        )
