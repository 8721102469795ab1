"""File downloads: every export, document and PDF is sent the same way."""

from flask import Response


def download(body, content_type: str, filename: str) -> Response:
    """`body` as an attachment the browser saves as `filename`. The content type is sent as
    given (passed as a mimetype, Werkzeug would add a second charset to a text type's)."""
    disposition = f'attachment; filename="{filename}"'
    return Response(body, content_type=content_type, headers={"Content-Disposition": disposition})


def plain_error(message: str, status: int = 400) -> Response:
    """What a download link answers when its query string is wrong: the reason, as text."""
    return Response(message + "\n", status, mimetype="text/plain")
