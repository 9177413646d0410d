"""/sitemap.xml: the public pages search engines may list, each in both languages (Chinese unprefixed, English
under /en/, linked as alternates), with ``lastmod`` where a page has a date.

Only what the public may read (the selectors decide): lists on notice, published and superseded, approved tracks
(``selectors.public_track_q``: a proposed track is never listed), active zones, provinces, published announcements
and typical cases. A page's ``lastmod`` is the latest change the page shows: a list's latest stamp; a track's,
zone's or province's creation or correction, its public library entries entering or changing status, and the public
lists it appears on.
"""

import datetime

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.db.models import Max
from django.urls import reverse
from django.views.decorators.http import require_GET

from cultivation.selectors import cases_public
from zones.selectors import provinces_public, zones_public

from .. import selectors
from ..models import ListEntry
from .caching import list_last_modified, public_page


def _latest(*stamps) -> datetime.datetime | None:
    found = [stamp for stamp in stamps if stamp is not None]
    return max(found) if found else None


KEYS = ("zone_id", "track_id", "province")


def _changes() -> dict:
    """{key: {pk: latest change}} for ``zone_id``, ``track_id`` and ``province`` (a zone's province): the latest
    change of the public library entries and of the public lists' entries of each zone, track and province. Two
    queries for the three (grouped by all three keys at once, folded here), whatever the number of rows."""
    changes: dict = {key: {} for key in KEYS}

    def fold(row_keys, stamps):
        for key, pk in zip(KEYS, row_keys, strict=True):
            changes[key][pk] = _latest(changes[key].get(pk), *stamps)

    library = (
        selectors.library_public()
        .order_by()
        .values("zone_id", "track_id", "zone__province_id")
        .annotate(entered=Max("entered_at"), changed=Max("status_changed_at"))
    )
    for row in library:
        fold((row["zone_id"], row["track_id"], row["zone__province_id"]), (row["entered"], row["changed"]))
    lists = (
        ListEntry.objects.filter(park_list__in=selectors.lists_public().values("pk"))
        .order_by()
        .values("zone_id", "track_id", "province_id")
        .annotate(
            notice=Max("park_list__notice_starts_at"),
            published=Max("park_list__published_at"),
            superseded=Max("park_list__superseded_at"),
        )
    )
    for row in lists:
        fold(
            (row["zone_id"], row["track_id"], row["province_id"]),
            (row["notice"], row["published"], row["superseded"]),
        )
    return changes


class PublicSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def __init__(self, changes: dict | None = None):
        self.changes = changes or {key: {} for key in KEYS}


class PagesSitemap(PublicSitemap):
    """The public site's index pages."""

    NAMES = [
        "home",
        "public:list_index",
        "public:library",
        "public:track_index",
        "public:province_index",
        "public:announcement_list",
        "cultivation:case_list",
        "public:privacy",
    ]
    changefreq = "daily"

    def items(self):
        return self.NAMES

    def location(self, item):
        return reverse(item)


class ListSitemap(PublicSitemap):
    changefreq = "weekly"

    def items(self):
        return list(selectors.lists_public().order_by("pk"))

    def location(self, item):
        return reverse("public:list_detail", args=[item.pk])

    def lastmod(self, item):
        return list_last_modified(item)


class TrackSitemap(PublicSitemap):
    changefreq = "weekly"

    def items(self):
        changes = self.changes["track_id"]
        tracks = list(selectors.tracks_public().select_related(None).order_by("pk").only("pk", "created_at"))
        for track in tracks:
            track.sitemap_lastmod = _latest(track.created_at, changes.get(track.pk))
        return tracks

    def location(self, item):
        return reverse("public:track_detail", args=[item.pk])

    def lastmod(self, item):
        return item.sitemap_lastmod


class ZoneSitemap(PublicSitemap):
    changefreq = "weekly"

    def items(self):
        changes = self.changes["zone_id"]
        zones = list(zones_public().select_related(None).order_by("key").only("pk", "key", "updated_at"))
        for zone in zones:
            zone.sitemap_lastmod = _latest(zone.updated_at, changes.get(zone.pk))
        return zones

    def location(self, item):
        return reverse("public:zone_detail", args=[item.key])

    def lastmod(self, item):
        return item.sitemap_lastmod


class ProvinceSitemap(PublicSitemap):
    changefreq = "weekly"

    def items(self):
        changes = self.changes["province"]
        provinces = list(
            provinces_public()
            .select_related(None)
            .annotate(zones_changed=Max("zones__updated_at"))
            .order_by("code")
            .only("pk", "code")
        )
        for province in provinces:
            province.sitemap_lastmod = _latest(province.zones_changed, changes.get(province.pk))
        return provinces

    def location(self, item):
        return reverse("public:province_detail", args=[item.code])

    def lastmod(self, item):
        return item.sitemap_lastmod


class AnnouncementSitemap(PublicSitemap):
    changefreq = "monthly"

    def items(self):
        return list(selectors.announcements_public().order_by("pk"))

    def location(self, item):
        return reverse("public:announcement_detail", args=[item.pk])

    def lastmod(self, item):
        return _latest(item.published_at, item.updated_at)


class CaseSitemap(PublicSitemap):
    changefreq = "monthly"

    def items(self):
        return list(cases_public().order_by("pk"))

    def location(self, item):
        return reverse("cultivation:case_detail", args=[item.pk])

    def lastmod(self, item):
        return getattr(item, "published_at", None)


SITEMAPS = {
    "pages": PagesSitemap,
    "lists": ListSitemap,
    "tracks": TrackSitemap,
    "zones": ZoneSitemap,
    "provinces": ProvinceSitemap,
    "announcements": AnnouncementSitemap,
    "cases": CaseSitemap,
}


@require_GET
@public_page
def sitemap_xml(request):
    changes = _changes()  # shared by the track, zone and province sections
    response = sitemap(request, sitemaps={name: section(changes) for name, section in SITEMAPS.items()})
    return response.render()
