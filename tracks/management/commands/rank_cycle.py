"""`manage.py rank_cycle 2025`: recompute a cycle's ranking, store the snapshot and print it as tables."""

import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tracks.models import Criterion, Cycle, Field, ReviewerProfile, Track
from tracks.services.ranking import ranking_compute
from zones.models import Province, Zone


def _width(text: str) -> int:
    """Terminal columns: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(width - _width(text), 0)
    return gap + text if right else text + gap


def _table(headers: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    line = "  ".join(_pad(h, widths[i], i in right) for i, h in enumerate(headers)).rstrip()
    out = [line, "-" * _width(line)]
    out += [
        "  ".join(_pad(cell, widths[i], i in right) for i, cell in enumerate(row)).rstrip() for row in rows
    ]
    return out


class Command(BaseCommand):
    help = _("重新计算指定年度批次的排名，保存排名快照，并按领域、赛道打印排名表。")

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help=_("年度，如 2025"))
        parser.add_argument("--reviewers", action="store_true", help=_("同时打印各领域评审专家的评分偏差。"))

    def handle(self, *args, year, reviewers=False, **options):
        cycle = Cycle.objects.filter(year=year).first()
        if cycle is None:
            raise CommandError(_("年度批次“%(year)s”不存在，请先创建该年度批次。") % {"year": year})
        snapshot = ranking_compute(cycle=cycle, actor=None)
        results = snapshot.results
        rows = results["nominations"]

        criteria_names = dict(Criterion.objects.filter(cycle=cycle).values_list("code", "name"))
        codes = [c["code"] for c in results["criteria"]]
        fields = Field.objects.in_bulk({r["field"] for r in rows})
        tracks = Track.objects.in_bulk({r["track"] for r in rows})
        zones = Zone.objects.in_bulk({r["zone"] for r in rows})
        provinces = Province.objects.in_bulk({r["province"] for r in rows})
        flag_labels = {"few_reviews": _("评审不足3份"), "incomplete": _("评分不完整")}

        self.stdout.write(
            _("%(cycle)s 排名（快照 #%(id)s，%(mode)s）")
            % {
                "cycle": cycle,
                "id": snapshot.pk,
                "mode": _("评分已标准化") if snapshot.normalised else _("原始评分"),
            }
        )
        self.stdout.write(_("输入数据 SHA-256：%(hash)s") % {"hash": snapshot.inputs_sha256})
        summary = results["summary"]
        self.stdout.write(
            _("推荐项目 %(n)s 项，参与排名 %(ranked)s 项，标记未排名 %(flagged)s 项。")
            % {"n": summary["nominations"], "ranked": summary["ranked"], "flagged": summary["flagged"]}
        )
        if not rows:
            self.stdout.write(_("本批次没有进入评审的推荐项目。"))
            return

        headers = [
            _("排名"),
            _("国家高新区"),
            _("省份"),
            _("总分"),
            *[criteria_names.get(code, code) for code in codes],
            _("评审数"),
            _("标记"),
        ]
        numeric = {0, 3, *range(4, 4 + len(codes) + 1)}

        def table_rows(members, rank_key):
            ranked = sorted((r for r in members if r[rank_key] is not None), key=lambda r: r[rank_key])
            unranked = sorted((r for r in members if r[rank_key] is None), key=lambda r: r["id"])
            return [
                [
                    str(r[rank_key]) if r[rank_key] is not None else "—",
                    zones[r["zone"]].display_name,
                    provinces[r["province"]].name,
                    r["total"] or "—",
                    *[r["criteria"].get(code) or "—" for code in codes],
                    str(r["review_count"]),
                    "、".join(flag_labels.get(f, f) for f in r["flags"]),
                ]
                for r in ranked + unranked
            ]

        for field in sorted(fields.values(), key=lambda f: (f.order, f.code)):
            members = [r for r in rows if r["field"] == field.pk]
            self.stdout.write("")
            self.stdout.write(self.style.MIGRATE_HEADING(_("【领域】%(name)s") % {"name": field.name}))
            for line in _table(headers, table_rows(members, "rank_in_field"), numeric):
                self.stdout.write(line)
            for track in sorted({tracks[r["track"]] for r in members}, key=lambda t: t.name):
                self.stdout.write("")
                self.stdout.write(_("  【赛道】%(name)s") % {"name": track.name})
                track_rows = table_rows([r for r in members if r["track"] == track.pk], "rank_in_track")
                for line in _table(headers, track_rows, numeric):
                    self.stdout.write("  " + line)

        if reviewers:
            self._write_reviewers(results, fields)

    def _write_reviewers(self, results, fields):
        entries = results["reviewers"]
        names = dict(
            ReviewerProfile.objects.filter(pk__in={e["id"] for e in entries}).values_list("pk", "name")
        )
        headers = [_("评审专家"), _("评审数"), _("平均总分"), _("偏差"), _("原始平均总分"), _("原始偏差")]
        for field in sorted(fields.values(), key=lambda f: (f.order, f.code)):
            members = [e for e in entries if e["field"] == field.pk]
            if not members:
                continue
            self.stdout.write("")
            self.stdout.write(
                self.style.MIGRATE_HEADING(_("【评审专家偏差】%(name)s") % {"name": field.name})
            )
            table = [
                [
                    names.get(e["id"], str(e["id"])),
                    str(e["count"]),
                    e["mean_total"] or "—",
                    e["bias"] or "—",
                    e["mean_total_raw"] or "—",
                    e["bias_raw"] or "—",
                ]
                for e in members
            ]
            for line in _table(headers, table, {1, 2, 3, 4, 5}):
                self.stdout.write(line)
