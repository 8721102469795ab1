"""The heat map reads at any width: every piece of its text is drawn at 12 px or more, the SVG on
wide screens and a compact grid on narrow ones, and the appetite line and its label never cover
a cell's text."""

import pytest
from journeys import sign_in

# Each text of the heat map as drawn: its size in CSS px (an SVG's text scaled with the SVG)
# and its box on the page. Only what is shown counts (display: none gives no box).
DRAWN_TEXT = """() => {
  const out = [];
  const scale = svg => svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  for (const figure of document.querySelectorAll('.rr-hm')) {
    for (const text of figure.querySelectorAll('svg.rr-hm__svg text')) {
      const box = text.getBoundingClientRect();
      if (!box.width) continue;
      const size = parseFloat(getComputedStyle(text).fontSize) * scale(text.closest('svg'));
      out.push({text: text.textContent.trim(), size,
                box: [box.left, box.top, box.right, box.bottom],
                appetite: !!text.closest('.rr-hm__appetite')});
    }
    const walker = document.createTreeWalker(figure, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode, parent = node.parentElement;
      if (!node.textContent.trim() || parent.closest('svg')) continue;
      if (parent.closest('.govuk-visually-hidden')) continue;
      const range = document.createRange(); range.selectNodeContents(node);
      const box = range.getBoundingClientRect();
      if (!box.width) continue;
      out.push({text: node.textContent.trim(), size: parseFloat(getComputedStyle(parent).fontSize),
                box: [box.left, box.top, box.right, box.bottom], appetite: false});
    }
  }
  return out;
}"""

LINE_BOXES = """() => [...document.querySelectorAll('.rr-hm__appetite path')].flatMap(path => {
  const svg = path.closest('svg'), matrix = svg.getScreenCTM();
  return [...path.getAttribute('d').matchAll(/M([\\d.]+) ([\\d.]+)L([\\d.]+) ([\\d.]+)/g)]
    .map(m => { const a = new DOMPoint(+m[1], +m[2]).matrixTransform(matrix),
                      b = new DOMPoint(+m[3], +m[4]).matrixTransform(matrix);
                return [Math.min(a.x, b.x), Math.min(a.y, b.y),
                        Math.max(a.x, b.x), Math.max(a.y, b.y)]; });
})"""


def overlaps(a, b, margin=0.0):
    return (
        a[0] < b[2] + margin
        and b[0] < a[2] + margin
        and a[1] < b[3] + margin
        and b[1] < a[3] + margin
    )


WIDTHS = (320, 390, 768, 1024, 1280)


@pytest.mark.parametrize("path", ["/heatmap", "/heatmap?section=SG", "/summary"])
def test_heatmap_text_is_at_least_12_px_and_nothing_covers_it(demo, app, new_page, users, path):
    page = new_page()
    sign_in(page, users["member"])
    for width in WIDTHS:  # one signed-in page, drawn at each width in turn
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(path)
        check_drawn_text(page, width, path)


def check_drawn_text(page, width, path):
    svg_shown = page.locator(".rr-hm__svg").first.is_visible()
    compact_shown = page.locator(".rr-hm-compact").first.is_visible()
    assert svg_shown != compact_shown, width  # one layout of the grid at a time
    assert svg_shown == (width >= 1024), width
    drawn = page.evaluate(DRAWN_TEXT)
    assert len(drawn) > 40, width
    small = [(t["text"], round(t["size"], 1)) for t in drawn if t["size"] < 12]
    assert small == [], width
    if svg_shown and path == "/heatmap?section=SG":
        # The line runs in the gaps between cells (4 px wide with a white edge), its label
        # above the grid: neither touches a score, a band name or a ref.
        segments = page.evaluate(LINE_BOXES)
        assert segments
        cell_text = [t for t in drawn if not t["appetite"]]
        crossed = [t["text"] for t in cell_text for s in segments if overlaps(t["box"], s, 2)]
        assert crossed == []
        labels = [t for t in drawn if t["appetite"]]
        assert [t["text"] for t in labels] == ["SG appetite 12"]
        assert not any(overlaps(labels[0]["box"], t["box"]) for t in cell_text)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_compact_grid_counts_each_cell_and_lists_its_refs(demo, app, new_page, users):
    page = new_page()
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, users["member"])
    page.goto("/heatmap")
    counts = [
        int(text.split()[0]) if text[:1].isdigit() else 0
        for text in page.locator(".rr-hm-compact__grid .rr-hm-compact__count").all_inner_texts()
    ]
    listed = page.locator(".rr-hm-compact__list li").all_inner_texts()
    assert len(counts) == 25
    assert sum(counts) == 8  # the demo's eight risks
    assert len(listed) == len([n for n in counts if n])
    assert listed[0].startswith("20 Extreme likelihood 4 × impact 5: SG-01")
    page.locator(".rr-hm-compact__list a", has_text="SG-01").click()
    assert page.url.endswith("/risks/SG-01")


@pytest.mark.parametrize(
    "size, orientation",
    [((4, 4), "likelihood-vertical"), ((6, 4), "impact-vertical")],  # 6 x 4: six columns
)
def test_on_other_matrices_the_heat_map_text_is_12_px_and_fits(
    app, new_page, users, size, orientation
):
    """4 x 4 and 6 x 4 (six columns when impact runs down the side): at every width each text is
    12 px or more and nothing scrolls sideways; the grid has the scheme's rows and columns."""
    from helpers import make_risk

    from riskreg.admin import services
    from riskreg.extensions import db
    from riskreg.readmodel import active_scheme_row

    with app.app_context():
        services.choose_scheme_size(active_scheme_row(), size, user_id=None)
        services.save_settings({}, {"heatmap_orientation": orientation})
        db.session.commit()
        for n in range(size[0] * size[1]):  # a risk in every cell
            spot = (n // size[1] + 1, n % size[1] + 1)
            make_risk(title=f"Risk {n}", inherent=spot, current=spot, target=(1, 1))
    page = new_page()
    sign_in(page, users["member"])
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/heatmap")
        svg_shown = page.locator(".rr-hm__svg").first.is_visible()
        assert svg_shown != page.locator(".rr-hm-compact").first.is_visible(), width
        drawn = page.evaluate(DRAWN_TEXT)
        small = [(t["text"], round(t["size"], 1)) for t in drawn if t["size"] < 12]
        assert small == [], width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        rows = page.locator(".rr-hm-compact__grid tbody tr").count()
        assert rows == (size[0] if orientation == "likelihood-vertical" else size[1])
        cells = page.locator(".rr-hm-compact__cell").count()
        assert cells == size[0] * size[1]
