"""What a submitted form brings in: every value (and name) of every form loses its control
characters here, once, before any view or form reads it, so every text field of every form is
the same on both databases (PostgreSQL refuses a NUL outright; SQLite would store it). Tabs and
line breaks stay: text keeps them, and a one-line field's own filter makes them spaces."""

import re

from flask import Request
from werkzeug.formparser import FormDataParser

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


def clean(value):
    # A part of a multipart body whose name is only a line break is given the name None.
    return without_control_characters(value) if isinstance(value, str) else value


class CleanFormDataParser(FormDataParser):
    def parse(self, *args, **kwargs):
        stream, form, files = super().parse(*args, **kwargs)
        cleaned = self.cls((clean(name), clean(value)) for name, value in form.items(multi=True))
        return stream, cleaned, files


class CleanRequest(Request):
    form_data_parser_class = CleanFormDataParser


def init_app(app) -> None:
    app.request_class = CleanRequest
