"""What the file path answers when its file is missing and the database is up: the static index of published lists
and a list's canonical JSON, compiled first, then served from the file (``tracks.public.views`` does the same for
the list page and downloads, ``tracks.api.public`` for the API detail)."""

from django.http import Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from tracks.models import ListStatus, ParkList
from tracks.public.caching import public_list_state

from . import files, paths
from .compiler import compile_index_if_missing
from .serve import compiled_answer


@require_GET
def published_index(request):
    """已发布榜单索引: every published and superseded version, as a static page (served while the database is down)."""
    target = paths.target_for(request.path_info)
    if target is None:
        raise Http404
    compile_index_if_missing()
    answer = files.file_answer(request, paths.root(), target)
    if answer is None:
        raise Http404
    return answer


@require_GET
def canonical_json(request, pk):
    """The canonical JSON a published list's hashes cover, byte for byte (lists on notice have none yet)."""
    state, _loaded = public_list_state(pk)
    if state.status not in ListStatus.FROZEN:
        raise Http404
    answer = compiled_answer(request, state)
    if answer is not None:
        return answer
    # The file could not be written: the same bytes from the database.
    text = ParkList.objects.filter(pk=state.pk).values_list("canonical_json", flat=True).first() or ""
    body = text.encode("utf-8")
    response = HttpResponse(body, content_type=paths.JSON)
    response["ETag"] = files.etag_of(body)
    patch_cache_control(response, public=True, max_age=paths.PUBLIC_MAX_AGE)
    return response
