"""The public site: lists, the library, tracks, zones, provinces, announcements, search, downloads; and the page
where a province reads its nominations' results. Everything here reads through tracks.selectors."""
