"""The register's CSV and XLSX downloads: the rows the register page shows for the same query
string, every one of them, with every field (the files are spreadsheet.py's)."""

from flask import Response, request

from riskreg import domain
from riskreg.clock import today
from riskreg.readmodel import RegisterQuery, register_rows
from riskreg.ui.downloads import CSV_TYPE, XLSX_TYPE, download, plain_error

from .blueprint import bp
from .query import register_query_from_args
from .spreadsheet import csv_body, xlsx_body


def wanted_rows() -> tuple[RegisterQuery, list[domain.RegisterRow]] | str:
    """The register's rows for this query string, sorted as the page sorts them; or the
    message for a bad query string."""
    view = register_query_from_args(request.args)
    if view.errors:
        return " ".join(view.errors.values())
    return view.query, register_rows(view.query, sort=view.sort, order=view.order)


def register_download(body, content_type: str, extension: str) -> Response:
    return download(body, content_type, f"risk-register-{today().isoformat()}.{extension}")


@bp.route("/risks.csv", endpoint="csv")
def csv_export():
    found = wanted_rows()
    if isinstance(found, str):
        return plain_error(found)
    return register_download(csv_body(*found), CSV_TYPE, "csv")


@bp.route("/risks.xlsx", endpoint="xlsx")
def xlsx_export():
    found = wanted_rows()
    if isinstance(found, str):
        return plain_error(found)
    return register_download(xlsx_body(*found), XLSX_TYPE, "xlsx")
