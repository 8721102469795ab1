"""How a path names a row: `<int:…>` in every route is a database id, a whole number from 1 to
the largest PostgreSQL's integer columns hold. Anything else names no page (404), so no route
ever hands the database a number it cannot compare (an overflow, a 500)."""

from werkzeug.routing import IntegerConverter

LARGEST_ID = 2**31 - 1


class DatabaseId(IntegerConverter):
    def __init__(self, map, *args, **kwargs):
        super().__init__(map, min=1, max=LARGEST_ID)


def init_app(app) -> None:
    # Before any blueprint adds its routes: each route takes its converter as it is added.
    app.url_map.converters["int"] = DatabaseId
