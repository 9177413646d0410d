"""A published list shows the names it was published with.

Zones and tracks may be renamed in the catalogue after a list is published; the list's canonical JSON (what its
hashes cover) keeps each entry's zone and track name as they were. Every rendering of a published or superseded
version (page, downloads, API detail: dynamic or compiled) takes the names from there, so a release that
recompiles the files (``compile_lists --all``) never rewrites history. Provinces, regions and strategic areas are
reference data (GB/T 2260, the statistical regions) and are shown as they are.
"""

import json

from tracks.models import ListStatus


def as_published(park_list, entries: list) -> list:
    """``entries`` (with ``zone`` and ``track`` loaded) with the zone and track names of the published content;
    unchanged for a list that is not published yet. The list's own track name too. In memory only."""
    if park_list.status not in ListStatus.FROZEN:
        return entries
    try:
        content = json.loads(park_list.canonical_json or "{}")
    except ValueError:
        return entries
    rows = {row.get("nomination"): row for row in content.get("entries", []) if isinstance(row, dict)}
    for entry in entries:
        row = rows.get(entry.nomination_id)
        if row is None:
            continue
        zone_name = row.get("zone_name")
        if zone_name and zone_name != entry.zone.name:
            entry.zone.name = zone_name
            entry.zone.short_name = ""  # a short name given later belongs to the later name
        track_name = row.get("track")
        if track_name and track_name != entry.track.name:
            entry.track.name = track_name
    if park_list.track_id and content.get("track") and park_list.track.name != content["track"]:
        park_list.track.name = content["track"]
    return entries
