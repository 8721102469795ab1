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


class CleanFormDataParser(FormDataParser):
    def parse(self, *args, **kwargs):
        stream, form, files = super().parse(*args, **kwargs)
        cleaned = self.cls(
            (without_control_characters(name), without_control_characters(value))
            for name, value in form.items(multi=True)
        )
        return stream, cleaned, files


class CleanRequest(Request):
    form_data_parser_class = CleanFormDataParser


def init_app(app) -> None:
    app.request_class = CleanRequest
