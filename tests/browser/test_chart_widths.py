"""The risk page's score history chart as drawn: its text at 12 px or more on a wide screen, and
nothing on the page scrolls sideways on a 320 px phone. Sizes are read from the SVG as laid out
(its font-size attributes scaled with the SVG), so this holds with or without the chart's CSS."""

from datetime import datetime, timedelta

from helpers import make_meeting, make_risk
from journeys import sign_in

from riskreg.clock import now_utc
from riskreg.extensions import db
from riskreg.register import services

# Each shown chart text's size in CSS px: its font size times the SVG's scale.
CHART_TEXT = """() => [...document.querySelectorAll('#score-history-chart svg.rr-chart__svg')]
  .filter(svg => svg.getBoundingClientRect().width)
  .flatMap(svg => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll('text')].map(text => ({
      text: text.textContent, size: parseFloat(getComputedStyle(text).fontSize) * scale}));
  })"""


def test_the_score_history_chart_reads_at_1280_px_and_fits_320_px(app, page, users):
    with app.app_context():
        raised = now_utc() - timedelta(days=500)
        risk = make_risk(current=(3, 4), target=(2, 3), at=raised)
        for days, scoring in ((120, (4, 4)), (300, (4, 5)), (450, (2, 4))):
            at = raised + timedelta(days=days)
            services.rescore_risk(risk, {"current": services.Scoring(*scoring)}, "Review", at=at)
            held = (at - timedelta(days=5)).date()
            make_meeting(held, title="Quarterly board", agreed_at=datetime.combine(held, at.time()))
        db.session.commit()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, users["member"])
    page.goto("/risks/SG-01")
    drawn = page.evaluate(CHART_TEXT)
    assert any(t["text"] == "Quarterly board" for t in drawn)
    assert [t for t in drawn if t["size"] < 12] == []
    assert page.locator("table#score-history").is_visible()  # the chart's table stays
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
