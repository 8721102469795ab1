"""File downloads: every export, document and PDF is sent the same way."""

from flask import Response


def download(body, mimetype: str, filename: str) -> Response:
    """`body` as an attachment the browser saves as `filename`."""
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def plain_error(message: str, status: int = 400) -> Response:
    """What a download link answers when its query string is wrong: the reason, as text."""
    return Response(message + "\n", status, mimetype="text/plain")
