"""Files under PUBLISHED_ROOT: atomic writes, one lock for writers, and answers served from a file.

Nothing here touches the database or the cache: ``file_answer`` is what a reader gets while PostgreSQL is down.

* **Writes** go to a temporary file in the same directory, are flushed to disk and renamed over the target
  (``os.replace``), so a reader (nginx or the app, on any server sharing the directory) sees the old file or the
  new one, never a part. A file whose bytes are already there is left alone (idempotent). Its modification time is
  set to the list's own last change (publication, correction notice, supersession), so ``Last-Modified`` says when
  the content changed, from nginx and from the app alike.
* **One writer at a time** (``locked``): an exclusive ``flock`` on ``.compile.lock`` in the root, shared by every
  process and server using the directory, so a reader rebuilding a missing file and the compile after a commit
  never interleave (the later one reads the database later, so the last file written is the latest state).
* **Answers**: a strong ETag that is a digest of the bytes (remembered per process for the file's inode, size,
  mtime and ctime, so a repeat reader costs one ``stat``), ``Last-Modified``, ``Cache-Control`` and 304s.
"""

import contextlib
import fcntl
import hashlib
import os
import secrets
import time
from collections import OrderedDict
from pathlib import Path

from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from .paths import Target

LOCK_NAME = ".compile.lock"
_ETAGS: OrderedDict = OrderedDict()
_ETAGS_MAX = 4096


def etag_of(data: bytes) -> str:
    # The same form as the dynamic pages' ETags (tracks/public/caching.py): 128 bits of SHA-256, quoted.
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


def write_atomic(root: Path, relative: str, data: bytes, mtime: float | None = None) -> bool:
    """Write ``data`` to ``root/relative`` by temp file + rename; False when the file already holds these bytes."""
    target = root / relative
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            if mtime is not None and int(target.stat().st_mtime) != int(mtime):
                os.utime(target, (mtime, mtime))
            return False
    except FileNotFoundError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        if mtime is not None:
            os.utime(temporary, (mtime, mtime))
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    return True


def remove(root: Path, relative: str) -> bool:
    try:
        (root / relative).unlink()
    except (FileNotFoundError, NotADirectoryError):
        return False
    return True


def sha256_of(path: Path) -> tuple[int, str] | None:
    """(size, SHA-256) of a file, or None when it is missing."""
    try:
        data = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    return len(data), hashlib.sha256(data).hexdigest()


class LockTimeout(Exception):
    pass


@contextlib.contextmanager
def locked(root: Path, timeout: float = 60.0):
    """The writers' lock on the whole directory (an exclusive flock, released when the block ends)."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK_NAME, "a+b") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LockTimeout(str(root / LOCK_NAME)) from None
                time.sleep(0.02)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# ---------------------------------------------------------------------------------------------------------------
# Answers


def _remember(key, etag: str) -> None:
    _ETAGS[key] = etag
    if len(_ETAGS) > _ETAGS_MAX:
        _ETAGS.popitem(last=False)


def _stat_key(path: str, st) -> tuple:
    # A rename gives a new inode and ctime: a rewritten file never inherits the ETag of the file it replaced.
    return (path, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _matches(header: str, etag: str) -> bool:
    """If-None-Match, compared weakly (as Django's conditional GET does), lists and ``*`` included."""
    etags = parse_etags(header)
    if etags == ["*"]:
        return True
    bare = etag.removeprefix("W/")
    return any(tag.removeprefix("W/") == bare for tag in etags)


def _headers(response, target: Target, etag: str, mtime: float) -> None:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(int(mtime))
    if target.immutable:
        response["Cache-Control"] = f"public, max-age={target.max_age}, immutable"
    else:
        response["Cache-Control"] = f"public, max-age={target.max_age}"


def file_answer(request, root: Path, target: Target) -> HttpResponse | None:
    """The GET/HEAD answer from ``target``'s file (200 or 304), or None when there is no such file."""
    path = os.path.join(root, target.relative)
    none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if none_match:
        # A repeat reader: one stat, and the ETag this process computed for exactly this file.
        try:
            st = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            return None
        etag = _ETAGS.get(_stat_key(path, st))
        if etag is not None and _matches(none_match, etag):
            return _not_modified(target, etag, st.st_mtime)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    with handle:
        st = os.fstat(handle.fileno())
        body = handle.read()
    key = _stat_key(path, st)
    etag = _ETAGS.get(key)
    if etag is None:
        etag = etag_of(body)
        _remember(key, etag)
    if none_match:
        if _matches(none_match, etag):
            return _not_modified(target, etag, st.st_mtime)
    else:
        since = request.META.get("HTTP_IF_MODIFIED_SINCE")
        since = parse_http_date_safe(since) if since else None
        if since is not None and int(st.st_mtime) <= since:
            return _not_modified(target, etag, st.st_mtime)
    response = HttpResponse(b"" if request.method == "HEAD" else body, content_type=target.content_type)
    response["Content-Length"] = str(len(body))
    _headers(response, target, etag, st.st_mtime)
    if target.kind == "download":
        # No file name: nginx cannot know the list's title, and the app gives the same answer. The list page's
        # download links carry the title-based name in their ``download`` attribute.
        response["Content-Disposition"] = "attachment"
    if target.language and target.kind in ("page", "index"):
        response["Content-Language"] = target.language
    response["X-Frame-Options"] = "DENY"
    return response


def _not_modified(target: Target, etag: str, mtime: float) -> HttpResponse:
    response = HttpResponseNotModified()
    _headers(response, target, etag, mtime)
    return response
