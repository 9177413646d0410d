"""Finding tracks by what a person types: the site's one search rule (zones.search) over a track's name, English
name and aliases. Used by the public search and the portal (track search box, nomination filter); callers pass the
queryset of tracks the reader may see (selectors.tracks_public, selectors.tracks_selectable)."""

from zones.search import order_by_keys, ranked

from .models import TrackAlias


def track_rows(queryset) -> list[tuple]:
    """``(pk, names, aliases)`` of the tracks in ``queryset``, in its order; two queries."""
    tracks = list(queryset.values_list("pk", "name", "name_en"))
    aliases: dict[int, list[str]] = {}
    for track_id, name in TrackAlias.objects.filter(track_id__in=[row[0] for row in tracks]).values_list(
        "track_id", "name"
    ):
        aliases.setdefault(track_id, []).append(name)
    return [(pk, (name, name_en), tuple(aliases.get(pk, ()))) for pk, name, name_en in tracks]


def track_keys(queryset, term: str) -> list[int]:
    """The primary keys of the tracks of ``queryset`` that match ``term``, best first."""
    return ranked(term, track_rows(queryset))


def search_tracks(queryset, term: str, limit: int | None = None) -> list:
    """The tracks of ``queryset`` that match ``term``, best first (the queryset's order within a rank)."""
    return order_by_keys(queryset, track_keys(queryset, term), limit)
