"""What the public site's server-side cache must forget when the data behind it changes.

Public pages render without the user, so one rendering serves every anonymous reader of a language
(tracks/public/caching.py). Two things are kept:

* each public list's state (status, version, notice dates; ``ListState``), so a repeat reader of a list page, a
  download or the list API is answered without the database. ``forget_public_state`` drops it whenever that state
  changes: the list services call it where they change a status by ``QuerySet.update()``, and every ``save()`` or
  delete of a list calls it through the signal below (the admin's edits included).
* a *generation* number that is part of every other public page's cache key. Any change to the data public pages
  show (a list, the library, the catalogue, zones, announcements, typical cases…) takes a new number, so every
  public page renders afresh on its next request. Reviewers' and provinces' working data (scores, assignments,
  notifications, objections…) never appears on public pages and does not count.

Both are triggered by saves and deletions of those models and by the audit events every service writes
(``on_model_change``). Both changes are applied at once and again when the transaction commits (a reader in between may have cached the
old data). Without a shared cache (no REDIS_URL) each server process has its own, so another process may go on
answering from its copy: every entry therefore also expires (a list's state after ``LOCAL_STATE_SECONDS``, 5 s;
pages after ``PUBLIC_PAGE_SECONDS``), well within the max-age the public pages already allow browsers and proxies.

Published and superseded versions of a list are files (publishing/), which need no state at all: the change that
forgets a list's state also rewrites its family's files (``publishing.compiler.lists_changed``).
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

PUBLIC_STATE_KEY = "ntr-public:list-state:{pk}"
PUBLIC_STATE_SECONDS = 30
LOCAL_STATE_SECONDS = 5
PUBLIC_PAGE_SECONDS = 60
GENERATION_KEY = "ntr-public:generation"

logger = logging.getLogger(__name__)

PUBLIC_APPS = {"tracks", "zones", "cultivation"}
# Working data of the review and the portal, which no public page shows.
PRIVATE_MODELS = {
    "tracks.assignment",
    "tracks.score",
    "tracks.rankingsnapshot",
    "tracks.reviewerprofile",
    "tracks.conflictdeclaration",
    "tracks.notification",
    "tracks.objection",
    "tracks.provincequota",
    "tracks.windowextension",
    "tracks.nominationattachment",
}


def public_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # A fresh start never reuses a number whose pages may still be in the cache.
        cache.add(GENERATION_KEY, time.time_ns(), None)
        generation = cache.get(GENERATION_KEY, 0)
    return generation


def _forget(keys=()) -> None:
    """Drop ``keys`` and renew the generation. A cache that cannot be reached never fails the change that called
    this: its entries expire on their own."""
    try:
        if keys:
            cache.delete_many(list(keys))
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation in the cache (evicted or flushed): the next reader starts a new one
        pass
    except Exception:  # noqa: BLE001 - whatever the backend raises when it is down
        logger.warning("public cache not renewed", exc_info=True)


def public_data_changed() -> None:
    _forget()
    transaction.on_commit(_forget)


def forget_public_state(*pks, files: bool = True) -> None:
    keys = [PUBLIC_STATE_KEY.format(pk=pk) for pk in pks]
    _forget(keys)
    transaction.on_commit(lambda: _forget(keys))
    if files:
        # Published versions are files: those of the lists' families go at once and are compiled after the commit.
        from publishing.compiler import lists_changed

        lists_changed(pks)


def public_state_seconds() -> int:
    """How long a list's state is kept: ``PUBLIC_STATE_SECONDS`` in a shared cache (Redis), which every change
    forgets at once for all servers; ``LOCAL_STATE_SECONDS`` in a process's own cache, which another process's
    change cannot reach."""
    backend = settings.CACHES["default"]["BACKEND"]
    return LOCAL_STATE_SECONDS if backend.endswith("LocMemCache") else PUBLIC_STATE_SECONDS


def on_model_change(sender, instance, **kwargs) -> None:
    """post_save / post_delete of any model: forget what public pages showed of it.

    An audit event counts as a change of the object it records: every service that changes data (including those
    that change it with ``QuerySet.update()``, which sends no signal) records an event in the same transaction."""
    label, pk = sender._meta.label_lower, instance.pk
    if label == "audit.auditevent":
        label, pk = instance.object_type, instance.object_id
    if label.partition(".")[0] not in PUBLIC_APPS or label in PRIVATE_MODELS:
        return
    if label == "tracks.parklist":
        # Rows loaded as they are (loaddata: a restore) change no file: `compile_lists` compiles after a restore.
        forget_public_state(pk, files=not kwargs.get("raw", False))
    else:
        public_data_changed()
