"""Since the last meeting puts every rescore in front of the board: a risk rescored up and back
again is listed with each reason in order, and a scheme adoption that records scorings again
is one line, not a rescore a risk."""

from datetime import datetime, timedelta

from helpers import make_meeting, make_risk

from riskreg import clock
from riskreg.extensions import db
from riskreg.meetings import services as meeting_services
from riskreg.meetings.snapshots import changes_for
from riskreg.register import services

TODAY = clock.today()


def agreed_then_rescored(app, *scores):
    """SG-01 at 4 x 4 agreed at a meeting, then rescored to each of `scores` in turn."""
    with app.app_context():
        risk = make_risk(current=(4, 4), at=datetime(2024, 12, 1))
        first = make_meeting(TODAY - timedelta(days=60))
        meeting_services.agree_register(
            first, at=datetime.combine(first.held_on, datetime.min.time()) + timedelta(hours=12)
        )
        db.session.commit()
        for n, (likelihood, impact, why) in enumerate(scores):
            services.rescore_risk(
                risk, {"current": services.Scoring(likelihood, impact)}, why,
                at=datetime.combine(TODAY - timedelta(days=30 - n), datetime.min.time()),
            )  # fmt: skip
        db.session.commit()
        return make_meeting(TODAY + timedelta(days=5)).id


def test_a_risk_rescored_up_and_back_is_listed_with_both_reasons(app, login):
    meeting_id = agreed_then_rescored(
        app, (5, 4, "Two children whose plans drifted"), (4, 4, "Both plans back on track")
    )
    with app.app_context():
        from riskreg.models import Meeting

        changes = changes_for(db.session.get(Meeting, meeting_id))
        assert changes.rescored_up == [] and changes.rescored_down == []
        [back] = changes.rescored_back
        assert back.path == "16 → 20 → 16"
        assert [r.rationale for r in back.reasons] == [
            "Two children whose plans drifted", "Both plans back on track",
        ]  # fmt: skip
    page = login("member").get(f"/meetings/{meeting_id}/changes").text
    assert "Rescored and back (1)" in page and "16 → 20 → 16" in page
    assert page.index("Two children whose plans drifted") < page.index("Both plans back on track")


def test_a_scheme_adoption_is_one_line_not_a_rescore_a_risk(app, login):
    from test_admin import adopt_scheme, default_bands, scheme_post, with_bands

    meeting_id = agreed_then_rescored(app)
    admin = login("admin")
    with app.app_context():
        bands = default_bands()
        bands[2]["max"], bands[3]["min"] = 16, 17  # 16 is High now: recorded again under v2
        post = scheme_post(with_bands(bands))
    assert adopt_scheme(app, admin, post).status_code == 302
    with app.app_context():
        from riskreg.models import Meeting

        changes = changes_for(db.session.get(Meeting, meeting_id))
        assert changes.rescored_up == changes.rescored_down == changes.rescored_back == []
        assert changes.adoptions == [
            "Scoring scheme version 2 adopted: the scorings of 1 risk recorded again in its bands"
        ]
    page = login("member").get(f"/meetings/{meeting_id}/changes").text
    assert "Scoring scheme version 2 adopted" in page
