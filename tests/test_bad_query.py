"""Odd query strings and refs get a clear 4xx, never a 500, on every database."""

import pytest


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/risks?page=²", 400),  # "²".isdigit() is true, int("²") is an error
        ("/risks?agency=²", 400),
        ("/risks?agency=99999999999", 400),
        ("/heatmap?agency=%00", 400),
        ("/risks.xlsx?agency=-1", 400),
        ("/summary.pdf?agency=x", 400),
        ("/admin/agencies/99999999999", 404),  # past the database's integers: no page for anyone
        ("/admin/agencies/999999999", 403),  # a manager: refused before it is looked up
        ("/risks?page_size=" + "9" * 5000, 400),  # past Python's int-conversion limit
        ("/summary?page=١", 400),  # an Arabic-Indic digit
        ("/heatmap?page=²", 400),
        ("/risks.csv?page_size=²", 400),
        ("/meetings/compare?from=²&to=1", 400),
        ("/meetings/compare?from=99999999999&to=1", 400),
        ("/risks/%00", 404),  # PostgreSQL refuses a NUL in a query parameter
        ("/risks/" + "X" * 300, 404),
        ("/risks/%00/edit", 404),
        ("/risks?text=%00", 200),
        ("/challenges/?risk=%00&agency=%00&status=%00", 200),
        ("/challenges.csv?risk=SG-01%00", 200),
        ("/challenges/%00", 404),
    ],
)
def test_odd_input_is_refused_cleanly(login, url, status):
    assert login("manager").get(url).status_code == status
