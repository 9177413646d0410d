"""The one answer for a private stored file (a nomination's attachment, a measure's attachment, an objection's
evidence): a download, never rendered inline, never sniffed, never cached by a browser or a proxy.

Views decide who may read the file (and audit the read where the rule says so); this only writes the response.
"""

from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header


def private_file_response(file, *, filename: str, content_type: str, size: int | None = None) -> FileResponse:
    """``file`` (a FieldFile) as an attachment named ``filename`` (RFC 6266, non-ASCII names as filename*), with
    ``X-Content-Type-Options: nosniff`` and ``Cache-Control: private, no-store``; Http404 when the stored file is
    gone. ``size`` (the size recorded at upload) is sent as Content-Length where known."""
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    if size is not None:
        response["Content-Length"] = str(size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def attachment_file_response(attachment) -> FileResponse:
    """A nomination's attachment (the portal, the formal review in the admin, a reviewer's assignment)."""
    return private_file_response(
        attachment.file,
        filename=attachment.original_name,
        content_type=attachment.content_type,
        size=attachment.size,
    )
