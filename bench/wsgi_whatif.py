"""WSGI entry point for bench/run.py's "what if" runs: the production application with the fix the benchmark
suggests to the public site's owners applied in memory (nothing in their files changes).

The fix: public querysets of ParkList never load the two big columns a public page does not show, ``inputs`` (the
whole cycle's ranking inputs, ~3 MB of JSON per list at national scale, copied into every published list) and
``canonical_json``; Django loads a deferred column on first access, so nothing breaks where one is still read.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

from tracks import selectors  # noqa: E402

BIG = ("inputs", "canonical_json")
_lists_public = selectors.lists_public
_entries_on_lists = selectors.list_entries_on_public_lists


def lists_public():
    return _lists_public().defer(*BIG)


def list_entries_on_public_lists(*args, **kwargs):
    return _entries_on_lists(*args, **kwargs).defer(*(f"park_list__{name}" for name in BIG))


selectors.lists_public = lists_public
selectors.list_entries_on_public_lists = list_entries_on_public_lists

try:
    from tracks.api import public as api_public

    _get_queryset = api_public.ParkListViewSet.get_queryset

    def get_queryset(self):
        queryset = _get_queryset(self)
        related = queryset.query.select_related
        if isinstance(related, dict) and "superseded_by" in related:
            queryset = queryset.defer(*(f"superseded_by__{name}" for name in BIG))
        return queryset

    api_public.ParkListViewSet.get_queryset = get_queryset
except (ImportError, AttributeError):  # the API is not built (yet)
    pass
