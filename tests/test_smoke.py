from helpers import make_risk

from riskreg.readmodel import register_rows


def test_register_lists_a_new_risk(app, login):
    client = login("member")
    with app.app_context():
        make_risk(title="Capacity")
        rows = register_rows()
    assert [r.ref for r in rows] == ["SG-01"]
    assert rows[0].current.band.name == "High"
    assert "SG-01" in client.get("/risks").text
