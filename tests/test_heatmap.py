"""The heat map: cells, colours, links, basis, section, as-at, arrows, appetite, caption, key,
the table equivalent, bad parameters and a statement count that does not grow."""

import re
from datetime import date, datetime, timedelta

import pytest
from helpers import agency_id, make_meeting, make_risk, request_statements
from sqlalchemy import insert, select

from riskreg import clock
from riskreg.clock import now_utc
from riskreg.extensions import db
from riskreg.heatmap.grid import Appetite, build_heatmap, caption_for
from riskreg.heatmap.svg import CELL_W, svg_layout
from riskreg.heatmap.views import REFS_PER_CELL
from riskreg.models import Assessment, Risk, Section, Setting
from riskreg.readmodel import active_scheme, active_scheme_row, refresh_scores, register_rows
from riskreg.register import services
from riskreg.ui import long_date

TODAY = now_utc().date()


def cell_group(html, likelihood, impact):
    """The SVG group of one cell."""
    match = re.search(
        rf'<g class="rr-hm__cell"[^>]*data-likelihood="{likelihood}" '
        rf'data-impact="{impact}">(.*?)</g>',
        html,
        re.S,
    )
    assert match, f"no cell {likelihood}x{impact}"
    return match.group(0)


def refs_in(group):
    return re.findall(r"<text[^>]*>([A-Z]+-\d+)</text>", group)


def set_appetite(prefix, appetite):
    db.session.scalar(select(Section).where(Section.prefix == prefix)).appetite = appetite
    db.session.commit()


def test_build_heatmap_places_every_row_and_colours_cells_from_the_active_scheme(ctx):
    make_risk(current=(3, 4))
    make_risk(section="BR", title="Board capacity", current=(3, 4))
    make_risk(title="Low one", inherent=(1, 2), current=(1, 1), target=(1, 1))
    grid = build_heatmap(register_rows(), "current", active_scheme())
    assert len(grid.cells) == 25
    assert grid.cells[(3, 4)].refs == ("SG-01", "BR-01")
    assert grid.cells[(3, 4)].score == 12 and grid.cells[(3, 4)].band.name == "High"
    assert grid.cells[(1, 1)].refs == ("SG-02",)
    assert grid.cells[(5, 5)].band.colour == "#d4351c"
    assert grid.placed == 3
    # Likelihood up the side, 5 at the top; impact along the bottom.
    top_level, top_cells = grid.grid[0]
    assert top_level.value == 5 and [c.impact for c in top_cells] == [1, 2, 3, 4, 5]
    assert all(c.likelihood == 5 for c in top_cells)


def test_orientation_can_put_impact_up_the_side(ctx):
    make_risk(current=(2, 5))
    grid = build_heatmap(register_rows(), "current", active_scheme(), "impact-vertical")
    assert grid.row_axis == "Impact" and grid.column_axis == "Likelihood"
    top_level, top_cells = grid.grid[0]
    assert top_level.name == "Catastrophic"
    assert [c.likelihood for c in top_cells] == [1, 2, 3, 4, 5]
    assert top_cells[1].refs == ("SG-01",)  # likelihood 2, impact 5


def test_page_shows_each_cell_with_score_band_colour_and_linked_refs(app, login):
    client = login("member")
    with app.app_context():
        make_risk(current=(3, 4))
    html = client.get("/heatmap").text
    group = cell_group(html, 3, 4)
    assert 'data-score="12" data-band="High"' in group
    assert 'fill="#f47738"' in group  # the High band's colour
    assert '<tspan font-weight="bold">12</tspan> High' in group
    assert refs_in(group) == ["SG-01"]
    assert 'href="/risks/SG-01"' in group
    assert "SG-01: Demand outstrips front-line capacity" in group  # the link's tooltip
    empty = cell_group(html, 5, 5)
    assert 'data-band="Extreme"' in empty and refs_in(empty) == []


def test_the_orientation_setting_flips_the_page(app, login):
    client = login("member")
    with app.app_context():
        db.session.add(Setting(key="heatmap_orientation", value="impact-vertical"))
        db.session.commit()
    html = client.get("/heatmap").text
    assert "Impact 5<br>" in html and ">Likelihood →</text>" in html


@pytest.mark.parametrize(
    "basis, cell, caption",
    [("inherent", (4, 5), "Inherent scores"), ("current", (3, 4), "Current scores"),
     ("target", (2, 3), "Target scores")],
)  # fmt: skip
def test_basis_chooses_which_score_places_each_risk(app, login, basis, cell, caption):
    client = login("member")
    with app.app_context():
        make_risk(inherent=(4, 5), current=(3, 4), target=(2, 3))
    html = client.get(f"/heatmap?basis={basis}").text
    assert refs_in(cell_group(html, *cell)) == ["SG-01"]
    everywhere = [cell_group(html, lk, im) for lk in range(1, 6) for im in range(1, 6)]
    assert sum(len(refs_in(group)) for group in everywhere) == 1
    assert f"{caption}, all sections, as at {long_date(TODAY)}" in html


def test_section_filter_and_caption(app, login):
    client = login("member")
    with app.app_context():
        make_risk(current=(3, 4))
        make_risk(section="BR", title="Board capacity", current=(2, 2))
    html = client.get("/heatmap?section=BR").text
    assert refs_in(cell_group(html, 2, 2)) == ["BR-01"]
    assert "SG-01" not in html
    assert f"Current scores, Board risks and challenges, as at {long_date(TODAY)}" in html


def test_as_at_shows_the_register_as_it_stood(app, login):
    client = login("member")
    then = datetime(2025, 1, 10, 10)
    with app.app_context():
        risk = make_risk(current=(4, 4), at=then)
        services.rescore_risk(
            risk, {"current": services.Scoring(2, 2)}, "Better", at=then.replace(month=6)
        )
        make_risk(title="Raised later", current=(5, 5), at=then.replace(month=9))
        db.session.commit()
    html = client.get("/heatmap?as_at=2025-03-31").text
    assert refs_in(cell_group(html, 4, 4)) == ["SG-01"]
    assert refs_in(cell_group(html, 2, 2)) == [] and "SG-02" not in html
    assert "Current scores, all sections, as at 31 March 2025" in html
    now = client.get("/heatmap").text
    assert refs_in(cell_group(now, 2, 2)) == ["SG-01"] and "SG-02" in now


def test_arrows_run_from_inherent_to_current(app, login):
    client = login("member")
    with app.app_context():
        make_risk(inherent=(4, 5), current=(3, 4))
        make_risk(title="Unmoved", inherent=(2, 2), current=(2, 2), target=(1, 1))
    assert "rr-hm__arrow" not in client.get("/heatmap").text
    html = client.get("/heatmap?arrows=1").text
    assert re.findall(r'class="rr-hm__arrow" data-ref="([^"]+)"', html) == ["SG-01"]
    assert "Arrows run from each risk's inherent score to its current score; 1 risk moved" in html
    moves = html.split('id="heatmap-moves"')[1]
    assert "20 Extreme (likelihood 4 × impact 5)" in moves
    assert "12 High (likelihood 3 × impact 4)" in moves


def test_arrows_from_the_last_agreed_meeting(app, login):
    client = login("member")
    then = now_utc() - timedelta(days=60)
    with app.app_context():
        risk = make_risk(inherent=(5, 5), current=(4, 4), at=then)
        make_meeting(then.date() + timedelta(days=1), agreed_at=then + timedelta(days=1))
        services.rescore_risk(risk, {"current": services.Scoring(2, 4)}, "Better")
        db.session.commit()
    html = client.get("/heatmap?arrows=meeting").text
    assert re.findall(r'class="rr-hm__arrow" data-ref="([^"]+)"', html) == ["SG-01"]
    moves = html.split('id="heatmap-moves"')[1]
    assert "16 Extreme (likelihood 4 × impact 4)" in moves  # as agreed, not the inherent 25
    assert "current score when the register was last agreed" in html


def appetite_lines(html):
    return re.findall(r'<g class="rr-hm__appetite" data-section="([A-Z]+)">', html)


def boxed_refs(html):
    """Refs drawn with a box in the SVG grid: above their section's appetite."""
    return re.findall(r'<rect class="rr-hm__beyond"[^>]*/>\s*<a href="/risks/([A-Z]+-\d+)"', html)


def test_one_sections_appetite_is_a_line_and_refs_above_any_appetite_are_boxed(app, login):
    client = login("member")
    with app.app_context():
        set_appetite("SG", 12)
        set_appetite("BR", 9)
        make_risk(current=(3, 4))  # SG-01, 12: within SG's 12
        make_risk(title="Worse", current=(4, 4))  # SG-02, 16: above it
        make_risk(section="BR", title="Board capacity", current=(3, 4))  # BR-01, 12 > 9
        assert svg_layout(build_heatmap(register_rows(), appetites=[])).line is None
    html = client.get("/heatmap?section=SG").text
    assert appetite_lines(html) == ["SG"]
    assert ">SG appetite 12</text>" in html
    assert "Safeguarding risks and challenges (SG): risk appetite 12; cells above" in html
    assert boxed_refs(html) == ["SG-02"]
    # Several sections on one grid: no staircases to tell apart, each ref judged by its own.
    html = client.get("/heatmap").text
    assert appetite_lines(html) == []
    assert sorted(boxed_refs(html)) == ["BR-01", "SG-02"]
    assert "Safeguarding risks and challenges (SG) 12; Board risks and challenges (BR) 9" in html
    assert "Choose one section to see its appetite line." in html
    # The table equivalent and the compact grid's list say so in words.
    assert html.count('BR-01</a><span class="govuk-visually-hidden"> (above appetite)') == 2


def test_only_a_section_with_risks_in_the_view_gets_a_line(app, login):
    client = login("member")
    with app.app_context():
        set_appetite("SG", 12)
        set_appetite("BR", 9)
        make_risk(current=(4, 4))
    # Every risk shown is in SG: its line, though no section is chosen; BR is not in the key.
    html = client.get("/heatmap").text
    assert appetite_lines(html) == ["SG"]
    assert "(BR) 9" not in html
    # BR has no risks: no line, no appetite in the key.
    html = client.get("/heatmap?section=BR").text
    assert appetite_lines(html) == []
    assert "risk appetite" not in html


def test_a_line_is_not_drawn_when_unlisted_risks_come_from_another_section(app, login):
    client = login("member")
    with app.app_context():
        set_appetite("SG", 12)
        for n in range(REFS_PER_CELL):
            make_risk(title=f"Risk {n}", current=(4, 4))
        make_risk(section="BR", title="Board", current=(4, 4))  # counted, not listed
    html = client.get("/heatmap").text
    assert "and 1 more" in html
    assert appetite_lines(html) == []


def test_appetite_line_runs_between_cells_and_its_label_above_the_grid(ctx):
    make_risk()
    for orientation in ("likelihood-vertical", "impact-vertical"):
        grid = build_heatmap(
            register_rows(), appetites=[Appetite("SG", "SG", 12)], orientation=orientation
        )
        svg = svg_layout(grid)
        columns = {svg.left + c * CELL_W for c in range(6)}
        rows = {cell.y for cell in svg.cells} | {svg.top + svg.grid_height}
        segments = [
            tuple(map(float, m))
            for m in re.findall(r"M([\d.]+) ([\d.]+)L([\d.]+) ([\d.]+)", svg.line.path)
        ]
        lead, *edges = segments
        assert lead[1] < svg.top and lead[0] in columns  # from the label down a gap
        by_place = {(cell.x, cell.y): cell for cell in svg.cells}
        for x1, y1, x2, y2 in edges:
            if x1 == x2:  # a vertical edge: above the appetite on its right, within on its left
                assert x1 in columns and y1 in rows and y2 in rows
                right, left = by_place[(x1, y1)], by_place[(x1 - CELL_W, y1)]
                assert right.cell.score > 12 >= left.cell.score
            else:  # a horizontal edge: above it over the edge, within it under it
                assert y1 == y2 and y1 in rows and x1 in columns
                upper = next(c for c in svg.cells if c.x == x1 and c.y + c.height == y1)
                lower = by_place[(x1, y1)]
                assert upper.cell.score > 12 >= lower.cell.score
        # Above 12: 15 at impact 3, 16 and 20 at impact 4, 15 to 25 at impact 5: three steps,
        # each an edge across and one up. The label is clear of the grid.
        assert len(edges) == 6
        assert svg.line.label_y + 5 <= svg.top
        assert svg.left <= svg.line.label_x - svg.line.label_width / 2
        assert svg.line.label_x + svg.line.label_width / 2 <= svg.left + svg.grid_width
    # Appetite 25: nothing is above it, so there is no line.
    grid = build_heatmap(register_rows(), appetites=[Appetite("SG", "SG", 25)])
    assert svg_layout(grid).line is None


def test_key_names_every_band_with_its_scores(app, login):
    client = login("member")
    html = client.get("/heatmap").text
    key = html.split('class="rr-hm__legend"')[1]
    for name, low, high in [("Extreme", 15, 25), ("High", 8, 12), ("Moderate", 4, 6),
                            ("Low", 1, 3)]:  # fmt: skip
        assert re.search(rf">{name}</span> scores {low} to {high}<", key)


def test_table_equivalent_lists_refs_by_likelihood_and_impact(app, login):
    client = login("member")
    with app.app_context():
        make_risk(current=(3, 4))
        make_risk(title="Second", current=(3, 4))
    html = client.get("/heatmap").text
    table = html.split('id="heatmap-table"')[1].split("</table>")[0]
    assert '<th scope="col" class="govuk-table__header">Impact 4<br>' in table
    body = table.split("<tbody")[1]
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", body, re.S)
    assert len(rows) == 5
    likelihood_3 = rows[2]  # 5 at the top
    assert ">Likelihood 3<br>" in likelihood_3
    cells = re.findall(r"<td [^>]*>(.*?)</td>", likelihood_3, re.S)
    assert "12 High" in cells[3]
    assert re.findall(r'href="/risks/([A-Z]+-\d+)"', cells[3]) == ["SG-01", "SG-02"]
    assert "no risks" in cells[0]


@pytest.mark.parametrize(
    "query, message",
    [
        ("basis=residual", "Choose inherent, current or target scores"),
        ("section=ZZ", "Choose a section from the list"),
        ("as_at=2025-02-30", "Enter the date as year-month-day"),
        ("as_at=yesterday", "Enter the date as year-month-day"),
        (f"as_at={clock.today() + timedelta(days=3)}", "The date must be today or in the past"),
        ("arrows=sideways", "Choose no arrows, arrows from inherent scores or from the last"),
    ],
)
def test_bad_parameters_get_400_with_a_message(app, login, query, message):
    client = login("member")
    response = client.get(f"/heatmap?{query}")
    assert response.status_code == 400
    assert message in response.text
    assert "There is a problem" in response.text
    assert "rr-hm__cell" not in response.text


def test_signed_out_users_are_sent_to_log_in(client):
    assert client.get("/heatmap").status_code == 302


def add_risks(count, start=0):
    """Many risks quickly, as the services leave them but written in bulk (no audit trail,
    which no page here reads): each scored inherent, current and target, then rescored, so
    that arrows from the last meeting have somewhere to start."""
    section = db.session.scalar(select(Section).where(Section.prefix == "SG"))
    scheme_id = active_scheme_row().id
    lead = agency_id("A")
    at = now_utc() - timedelta(days=2)
    risks = [
        Risk(section=section, number=n + 1, ref=f"SG-{n + 1:02d}", title=f"Risk {n}",
             statement="S", owner_name="O", lead_agency_id=lead, created_at=at,
             next_review=clock.today() + timedelta(days=90))
        for n in range(start, start + count)
    ]  # fmt: skip
    db.session.add_all(risks)
    db.session.flush()
    scorings = []
    for n, risk in zip(range(start, start + count), risks, strict=True):
        for kind, (likelihood, impact), day in (
            ("inherent", (5, n % 5 + 1), 0),
            ("current", (n % 5 + 1, (n // 5) % 5 + 1), 0),
            ("target", (1, 1), 0),
            ("current", (2, 3), 1),  # the rescore
        ):
            scorings.append(
                {"risk_id": risk.id, "kind": kind, "likelihood": likelihood, "impact": impact,
                 "score": likelihood * impact, "scheme_id": scheme_id, "rationale": "Bulk",
                 "created_at": at + timedelta(days=day)}
            )  # fmt: skip
    db.session.execute(insert(Assessment), scorings)
    refresh_scores([risk.id for risk in risks])
    db.session.commit()


def test_statement_count_does_not_grow_with_the_register(app, login):
    client = login("member")
    urls = ["/heatmap", "/heatmap?arrows=meeting&basis=inherent", "/heatmap?arrows=1&section=SG"]
    with app.app_context():
        add_risks(10)
    at_ten = request_statements(app, client, urls)
    with app.app_context():
        add_risks(190, start=10)
    assert request_statements(app, client, urls) == at_ten
    for url in urls:
        page = client.get(url).text
        listed = page.count('class="rr-hm__ref"')
        more = sum(int(n) for n in re.findall(r'class="rr-hm__more"[^>]*>and (\d+) more<', page))
        assert listed + more == 200
        assert listed <= 25 * REFS_PER_CELL  # listed up to a cap per cell, the rest counted


def test_caption_for_names_basis_section_and_date():
    assert (
        caption_for("target", "Board risks and challenges", date(2026, 11, 6))
        == "Target scores, Board risks and challenges, as at 6 November 2026"
    )
