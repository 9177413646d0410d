"""Reads scoped to a user or audience: the only place that decides what someone may see."""

from django.db.models import Count, Q

from accounts import roles
from zones.models import Zone

from .models import (
    Cycle,
    CycleStatus,
    LibraryEntry,
    LibraryStatus,
    ListStatus,
    Nomination,
    ParkList,
    Track,
    TrackStatus,
)


def nominations_for(user):
    """Nominations a user may see: staff all, an official their province's, a zone preparer their zone's."""
    base = Nomination.objects.select_related("cycle", "province", "zone", "track__field")
    if roles.is_programme_staff(user):
        return base
    province = roles.official_province(user)
    if province is not None:
        return base.filter(province=province)
    zone = roles.preparer_zone(user)
    if zone is not None:
        return base.filter(zone=zone)
    return base.none()


def lists_public():
    """Lists the public may read: on notice, published and superseded versions; never drafts."""
    return ParkList.objects.filter(
        status__in=[ListStatus.NOTICE, ListStatus.PUBLISHED, ListStatus.SUPERSEDED]
    ).select_related("cycle", "field", "track")


def latest_published_list():
    return lists_public().filter(status=ListStatus.PUBLISHED).order_by("-published_at", "-id").first()


def open_cycle():
    return Cycle.objects.filter(status=CycleStatus.NOMINATION).order_by("-year").first()


def library_public():
    return LibraryEntry.objects.exclude(status=LibraryStatus.EXITED).select_related("zone__province", "track__field")


def home_counts() -> dict:
    zone_count = Zone.objects.filter(is_active=True).count()
    track_counts = Track.objects.aggregate(active=Count("pk", filter=Q(status=TrackStatus.ACTIVE)))
    return {
        "zones": zone_count,
        "tracks": track_counts["active"],
        "cycles": Cycle.objects.count(),
        "library": library_public().count(),
    }
