"""The app's answer for a published list whose file is not there yet: compile it, then serve the file.

The file path (``PublishedFilesMiddleware``) answers before any view when the file exists; the list views call
``compiled_answer`` when it does not (a crash after a commit, a new server, a cleared directory): while the database
is up, the next reader gets the version compiled and is served from its file like everyone after them.
"""

import logging

from tracks.models import ListStatus

from . import files, paths

logger = logging.getLogger(__name__)


def compiled_answer(request, state, loaded=None):
    """The answer from the compiled file of a published or superseded list (compiled first if missing); None for
    a list on notice (rendered by the view), for a URL that is no file of ours, or when compiling fails (the view
    then renders as before)."""
    if state.status not in ListStatus.FROZEN or request.method not in ("GET", "HEAD"):
        return None
    target = paths.target_for(request.path_info)
    if target is None or target.pk != state.pk:
        return None
    root = paths.root()
    answer = files.file_answer(request, root, target)
    if answer is not None:
        return answer
    from .compiler import compile_version_if_missing

    try:
        if not compile_version_if_missing(state.pk, target.relative):
            return None
    except Exception:  # noqa: BLE001 - the reader still gets the dynamic rendering
        logger.warning("list %s not compiled for a reader", state.pk, exc_info=True)
        return None
    return files.file_answer(request, root, target)
