"""What the review desk shows: progress per panel and per reviewer, one nomination's panel, the ranking's tables."""

from collections import defaultdict

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from .. import review_rules
from ..models import (
    Assignment,
    AssignmentStatus,
    Criterion,
    Cycle,
    Field,
    Nomination,
    NominationStatus,
    RankingSnapshot,
    ReviewerProfile,
    Track,
)

FLAG_LABELS = {"few_reviews": gettext_lazy("评审不足3份"), "incomplete": gettext_lazy("评分不完整")}
DECIDED_LABELS = {
    "total": gettext_lazy("总分"),
    "strategic": gettext_lazy("战略性"),
    "driving": gettext_lazy("带动性"),
    "leading": gettext_lazy("领先性"),
    "growth": gettext_lazy("成长性"),
    "final_submitted_at": gettext_lazy("最终提交时间"),
    "id": gettext_lazy("编号"),
}
NORMALISATION_LABELS = {
    "normalised": gettext_lazy("已标准化"),
    "raw_few": gettext_lazy("原始分（评审少于3项）"),
    "raw_sd0": gettext_lazy("原始分（标准差为0）"),
}


def _counts(prefix: str, cycle: Cycle, now) -> dict:
    """Count aggregates of assignments by state (relative to ``prefix``, e.g. "assignments__")."""
    status = f"{prefix}status"
    target = f"{prefix}pk" if prefix else "pk"
    return {
        "invited": Count(target, filter=Q(**{status: AssignmentStatus.INVITED})),
        "accepted": Count(target, filter=Q(**{status: AssignmentStatus.ACCEPTED})),
        "submitted": Count(target, filter=Q(**{status: AssignmentStatus.SUBMITTED})),
        "withdrawn": Count(target, filter=Q(**{f"{status}__in": AssignmentStatus.WITHDRAWN})),
        "overdue": Count(target, filter=review_rules.overdue_condition(cycle, now, prefix=prefix)),
    }


def panel_progress(cycle: Cycle, now=None) -> dict:
    """Per field panel and per nomination: reviewers assigned (active) against K, accepted, submitted, overdue.

    One query for the nominations with their counts, one for the fields."""
    now = now or timezone.now()
    k = cycle.reviewers_per_nomination
    nominations = list(
        Nomination.objects.filter(cycle=cycle, status__in=NominationStatus.REVIEWED)
        .select_related("zone", "province", "track")
        .annotate(**_counts("assignments__", cycle, now))
        .order_by("track__field_id", "track__name", "zone__key")
    )
    fields = Field.objects.in_bulk({n.track.field_id for n in nominations})
    panels = {}
    for nomination in nominations:
        nomination.active = nomination.invited + nomination.accepted + nomination.submitted
        nomination.missing = max(k - nomination.active, 0)
        panel = panels.setdefault(
            nomination.track.field_id,
            {
                "field": fields[nomination.track.field_id],
                "nominations": [],
                "tracks": [],
                "count": 0,
                "staffed": 0,
                "short": 0,
                "invited": 0,
                "accepted": 0,
                "submitted": 0,
                "withdrawn": 0,
                "overdue": 0,
                "complete": 0,
            },
        )
        panel["nominations"].append(nomination)
        if nomination.track not in panel["tracks"]:
            panel["tracks"].append(nomination.track)
        panel["count"] += 1
        panel["staffed" if nomination.missing == 0 else "short"] += 1
        for name in ("invited", "accepted", "submitted", "withdrawn", "overdue"):
            panel[name] += getattr(nomination, name)
        if nomination.active and nomination.submitted == nomination.active:
            panel["complete"] += 1
    ordered = sorted(panels.values(), key=lambda p: (p["field"].order, p["field"].code))
    totals = {
        name: sum(p[name] for p in ordered)
        for name in (
            "count",
            "staffed",
            "short",
            "invited",
            "accepted",
            "submitted",
            "withdrawn",
            "overdue",
            "complete",
        )
    }
    return {"panels": ordered, "totals": totals, "k": k}


def reviewer_progress(cycle: Cycle, now=None) -> list[dict]:
    """Per reviewer with an assignment in the cycle: invited, accepted, submitted, withdrawn, overdue. One query."""
    now = now or timezone.now()
    rows = list(
        Assignment.objects.filter(nomination__cycle=cycle)
        .values("reviewer_id", "reviewer__name", "reviewer__organisation")
        .annotate(**_counts("", cycle, now))
        .order_by("reviewer__name", "reviewer_id")
    )
    for row in rows:
        row["active"] = row["invited"] + row["accepted"] + row["submitted"]
    return rows


def nomination_panel(nomination: Nomination) -> dict:
    """The nomination's assignments, and its field panel split into eligible and excluded (with the reasons)."""
    assignments = list(
        Assignment.objects.filter(nomination=nomination)
        .select_related("reviewer", "assigned_by")
        .annotate(score_count=Count("scores"))
        .order_by("assigned_at", "pk")
    )
    now = timezone.now()
    for assignment in assignments:
        # Its own time, or the cycle's review deadline (which it follows wherever staff move it).
        assignment.due = assignment.due_at or nomination.cycle.review_closes_at
        assignment.overdue = (
            assignment.status in AssignmentStatus.PENDING
            and assignment.due is not None
            and assignment.due < now
        )
    taken = {a.reviewer_id: a for a in assignments}
    panel = list(
        ReviewerProfile.objects.filter(fields=nomination.track.field_id)
        .select_related("zone", "user", "province")
        .order_by("name", "pk")
    )
    declarations = review_rules.declarations_of([r.pk for r in panel])
    target = review_rules.target_of(nomination)
    eligible, excluded = [], []
    for reviewer in panel:
        reasons = [
            str(review_rules.CONFLICT_TEXT[code])
            for code in review_rules.conflict_check(
                review_rules.affiliation_of(reviewer), target, declarations
            )
        ]
        previous = taken.get(reviewer.pk)
        if previous is not None:
            if previous.status in AssignmentStatus.WITHDRAWN:
                reasons.insert(0, str(review_rules.WITHDRAWN_TEXT[previous.status]))
            else:
                continue  # on it already
        if not (reviewer.is_active and reviewer.user.is_active):
            reasons.append(_("暂停接受任务"))
        (excluded if reasons else eligible).append({"reviewer": reviewer, "reasons": _("；").join(reasons)})
    # Organisations a reviewer declared a conflict with: nominations name none, so staff check them by hand.
    declared = review_rules.organisation_warnings([r.pk for r in panel])
    warnings = [
        {
            "reviewer": item["reviewer"],
            "organisations": pgettext("list separator", "、").join(declared[item["reviewer"].pk]),
        }
        for item in eligible
        if item["reviewer"].pk in declared
    ]
    return {
        "assignments": assignments,
        "eligible": eligible,
        "excluded": excluded,
        "organisation_warnings": warnings,
    }


def latest_snapshot(cycle: Cycle):
    return RankingSnapshot.objects.filter(cycle=cycle).defer("inputs").order_by("-computed_at", "-pk").first()


def ranking_tables(snapshot: RankingSnapshot) -> dict:
    """The snapshot's results with names, grouped for display and export: per field (its own ranking, then per
    track) and the reviewers' bias per field. A fixed number of queries."""
    from zones.models import Province, Zone

    results = snapshot.results
    rows = results.get("nominations", [])
    codes = [c["code"] for c in results.get("criteria", [])]
    names = dict(Criterion.objects.filter(cycle_id=snapshot.cycle_id).values_list("code", "name"))
    criteria = [{"code": code, "name": names.get(code, code)} for code in codes]
    zones = Zone.objects.in_bulk({r["zone"] for r in rows})
    provinces = Province.objects.in_bulk({r["province"] for r in rows})
    tracks = Track.objects.in_bulk({r["track"] for r in rows})
    fields = Field.objects.in_bulk(
        {r["field"] for r in rows} | {e["field"] for e in results.get("reviewers", [])}
    )
    reviewer_names = dict(
        ReviewerProfile.objects.filter(pk__in={e["id"] for e in results.get("reviewers", [])}).values_list(
            "pk", "name"
        )
    )

    def present(row, rank_key, decided_key):
        return {
            "rank": row[rank_key],
            "zone": zones[row["zone"]].display_name if row["zone"] in zones else row["zone"],
            "province": provinces[row["province"]].name if row["province"] in provinces else row["province"],
            "track": tracks[row["track"]].name if row["track"] in tracks else row["track"],
            "total": row["total"],
            "criteria": [row["criteria"].get(code) for code in codes],
            "review_count": row["review_count"],
            "spread_sd": row["spread_sd"],
            "spread_range": row["spread_range"],
            "flags": pgettext("list separator", "、").join(str(FLAG_LABELS.get(f, f)) for f in row["flags"]),
            "decided_by": str(DECIDED_LABELS.get(row[decided_key], "")) if row[decided_key] else "",
            "id": row["id"],
        }

    def ordered(members, rank_key):
        ranked = sorted((r for r in members if r[rank_key] is not None), key=lambda r: r[rank_key])
        return ranked + sorted((r for r in members if r[rank_key] is None), key=lambda r: r["id"])

    by_field = defaultdict(list)
    for row in rows:
        by_field[row["field"]].append(row)
    reviewers_by_field = defaultdict(list)
    for entry in results.get("reviewers", []):
        reviewers_by_field[entry["field"]].append(
            {
                "name": reviewer_names.get(entry["id"], str(entry["id"])),
                "count": entry["count"],
                "mean_total": entry["mean_total"],
                "bias": entry["bias"],
                "mean_total_raw": entry["mean_total_raw"],
                "bias_raw": entry["bias_raw"],
                "normalisation": pgettext("list separator", "、").join(
                    _("%(label)s：%(value)s")
                    % {"label": names.get(code, code), "value": NORMALISATION_LABELS.get(kind, kind)}
                    for code, kind in (entry.get("normalisation") or {}).items()
                    if kind != "normalised"
                ),
            }
        )
    out = []
    for field_id in sorted(
        set(by_field) | set(reviewers_by_field), key=lambda f: (fields[f].order, fields[f].code)
    ):
        members = by_field.get(field_id, [])
        track_ids = sorted({r["track"] for r in members}, key=lambda t: tracks[t].name)
        out.append(
            {
                "field": fields[field_id],
                "rows": [
                    present(r, "rank_in_field", "decided_by_field") for r in ordered(members, "rank_in_field")
                ],
                "tracks": [
                    {
                        "track": tracks[t],
                        "rows": [
                            present(r, "rank_in_track", "decided_by_track")
                            for r in ordered([m for m in members if m["track"] == t], "rank_in_track")
                        ],
                    }
                    for t in track_ids
                ],
                "reviewers": sorted(reviewers_by_field.get(field_id, []), key=lambda e: e["name"]),
            }
        )
    return {"criteria": criteria, "fields": out, "summary": results.get("summary", {})}
