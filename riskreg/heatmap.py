"""The heat map: the register on a 5 x 5 grid, drawn on the server as SVG with a table
equivalent. build_heatmap() is the one place a grid is made: the page, the printable summary,
the annual report and the Word export all render the Heatmap it returns, so a cell's score and
band are the same everywhere."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask import Blueprint, current_app, render_template, request, url_for

from . import domain, readmodel, ui
from .register_query import RegisterView, register_query_from_args

bp = Blueprint("heatmap", __name__)

BASES = {"inherent": "Inherent", "current": "Current", "target": "Target"}
ORIENTATIONS = ("likelihood-vertical", "impact-vertical")
# ?arrows=...: where each risk's movement arrow starts (it always ends at the current score).
ARROWS = {"": None, "0": None, "1": "inherent", "inherent": "inherent", "meeting": "meeting"}


@dataclass(frozen=True)
class PlacedRisk:
    ref: str
    title: str
    section_prefix: str


@dataclass(frozen=True)
class Cell:
    likelihood: int
    impact: int
    score: int
    band: domain.Band  # from the active scheme: one band table colours every grid
    risks: tuple[PlacedRisk, ...]

    @property
    def refs(self) -> tuple[str, ...]:
        return tuple(risk.ref for risk in self.risks)


@dataclass(frozen=True)
class Appetite:
    prefix: str
    name: str
    score: int  # the highest current score the board tolerates in the section


@dataclass(frozen=True)
class Move:
    ref: str
    start: tuple[int, int]  # (likelihood, impact)
    end: tuple[int, int]

    @property
    def start_score(self) -> int:
        return self.start[0] * self.start[1]

    @property
    def end_score(self) -> int:
        return self.end[0] * self.end[1]


@dataclass(frozen=True)
class Heatmap:
    basis: str
    orientation: str
    scheme: domain.Scheme
    cells: dict[tuple[int, int], Cell]  # (likelihood, impact) -> cell, all 25 present
    appetites: tuple[Appetite, ...] = ()
    moves: tuple[Move, ...] = ()
    arrows_from: str | None = None
    caption: str = ""

    @property
    def likelihood_vertical(self) -> bool:
        return self.orientation != "impact-vertical"

    @property
    def row_axis(self) -> str:
        return "Likelihood" if self.likelihood_vertical else "Impact"

    @property
    def column_axis(self) -> str:
        return "Impact" if self.likelihood_vertical else "Likelihood"

    @property
    def row_levels(self) -> tuple[domain.Level, ...]:
        """The vertical axis top to bottom: 5 at the top."""
        levels = self.scheme.likelihood if self.likelihood_vertical else self.scheme.impact
        return tuple(reversed(levels))

    @property
    def column_levels(self) -> tuple[domain.Level, ...]:
        return self.scheme.impact if self.likelihood_vertical else self.scheme.likelihood

    def cell_at(self, row_level: int, column_level: int) -> Cell:
        if self.likelihood_vertical:
            return self.cells[(row_level, column_level)]
        return self.cells[(column_level, row_level)]

    @property
    def grid(self) -> list[tuple[domain.Level, list[Cell]]]:
        """Display order: each row of the grid from the top, with its cells left to right."""
        return [
            (row, [self.cell_at(row.value, column.value) for column in self.column_levels])
            for row in self.row_levels
        ]

    @property
    def placed(self) -> int:
        return sum(len(cell.risks) for cell in self.cells.values())

    @property
    def svg(self) -> "SvgLayout":
        return svg_layout(self)


def build_heatmap(
    rows,
    basis: str = "current",
    scheme: domain.Scheme | None = None,
    orientation: str = "likelihood-vertical",
    appetites=(),
    arrows_from: str | None = None,
    baselines: dict[int, tuple[int, int]] | None = None,
    caption: str = "",
) -> Heatmap:
    """The grid for register rows on `basis`. Arrows run from each risk's inherent position
    (`arrows_from="inherent"`) or its position in `baselines` (risk id -> (likelihood, impact),
    `arrows_from="meeting"`) to its current one; a risk that has not moved gets none."""
    rows = list(rows)
    scheme = scheme or readmodel.active_scheme()
    placed = domain.heatmap_cells(rows, basis)
    cells = {
        (likelihood, impact): Cell(
            likelihood,
            impact,
            likelihood * impact,
            scheme.band_for(likelihood * impact),
            tuple(
                PlacedRisk(r.ref, r.risk.title, r.risk.section_prefix)
                for r in placed[(likelihood, impact)]
            ),
        )
        for likelihood, impact in placed
    }
    moves = []
    for row in rows if arrows_from else ():
        start = None
        if arrows_from == "inherent" and row.inherent:
            start = (row.inherent.likelihood, row.inherent.impact)
        elif arrows_from == "meeting":
            start = (baselines or {}).get(row.risk.id)
        end = (row.current.likelihood, row.current.impact) if row.current else None
        if start and end and start != end:
            moves.append(Move(row.ref, start, end))
    return Heatmap(
        basis=basis,
        orientation=orientation if orientation in ORIENTATIONS else ORIENTATIONS[0],
        scheme=scheme,
        cells=cells,
        appetites=tuple(appetites),
        moves=tuple(moves),
        arrows_from=arrows_from,
        caption=caption,
    )


# --- Drawing: the grid as SVG in CSS px; the SVG scales to its box on screen and paper. ----

AXIS_TITLE_W, ROW_LABEL_W, CELL_W = 30, 118, 150
HEAD_H, LINE_H, MIN_CELL_H, PAD = 28, 19, 80, 8
COLUMN_LABEL_H, AXIS_TITLE_H = 44, 28
CHAR_W, GAP = 8.6, 7  # generous widths for a ref's characters at 13px, so lines never overrun
LINE_STYLES = ("", "9 5", "3 4", "12 4 3 4")  # one dash pattern per section's appetite line


@dataclass(frozen=True)
class SvgRef:
    risk: PlacedRisk
    x: float
    y: float


@dataclass(frozen=True)
class SvgCell:
    cell: Cell
    x: float
    y: float
    height: float
    refs: tuple[SvgRef, ...]


@dataclass(frozen=True)
class SvgLine:
    appetite: Appetite
    path: str
    dash: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class SvgLayout:
    width: float
    height: float
    left: float
    top: float
    grid_width: float
    grid_height: float
    cells: tuple[SvgCell, ...]
    row_labels: tuple[tuple[domain.Level, float], ...]  # level, y of the row's middle
    column_labels: tuple[tuple[domain.Level, float], ...]  # level, x of the column's middle
    lines: tuple[SvgLine, ...]
    arrows: tuple[tuple[Move, float, float, float, float], ...]
    cell_width: float = CELL_W


def _flow(risks: tuple[PlacedRisk, ...]) -> list[list[tuple[PlacedRisk, float]]]:
    """Refs set in lines that fit a cell: (risk, x offset) per ref."""
    lines: list[list[tuple[PlacedRisk, float]]] = []
    used = CELL_W
    for risk in risks:
        width = len(risk.ref) * CHAR_W
        if used + width > CELL_W - 2 * PAD:
            lines.append([])
            used = 0
        lines[-1].append((risk, used))
        used += width + GAP
    return lines


def svg_layout(grid: Heatmap) -> SvgLayout:
    left, top = AXIS_TITLE_W + ROW_LABEL_W, PAD + 18 * len(grid.appetites)
    flowed = [[_flow(cell.risks) for cell in cells] for _, cells in grid.grid]
    heights = [max(MIN_CELL_H, HEAD_H + PAD + max(map(len, row)) * LINE_H) for row in flowed]
    tops = [top]
    for height in heights:
        tops.append(tops[-1] + height)
    cells, positions = [], {}
    for r, (_, row_cells) in enumerate(grid.grid):
        for c, cell in enumerate(row_cells):
            x, y = left + c * CELL_W, tops[r]
            refs = tuple(
                SvgRef(risk, x + PAD + offset, y + HEAD_H + (n + 1) * LINE_H - 4)
                for n, line in enumerate(flowed[r][c])
                for risk, offset in line
            )
            positions |= {ref.risk.ref: ref for ref in refs}
            cells.append(SvgCell(cell, x, y, heights[r], refs))

    def anchor(position: tuple[int, int]) -> tuple[float, float]:
        """Where an arrow leaves a cell: low in the middle, clear of the refs listed there."""
        likelihood, impact = position
        row, column = (likelihood, impact) if grid.likelihood_vertical else (impact, likelihood)
        return left + (column - 0.5) * CELL_W, tops[6 - row] - 12

    arrows, starts = [], {}
    for move in grid.moves:
        k = starts[move.start] = starts.get(move.start, -1) + 1
        x1, y1 = anchor(move.start)
        x1, y1 = x1 + (k % 7 - 3) * 12, y1 - (k // 7) * 10
        # The head stops at the edge of the ref it points at (or the cell's anchor), not on it.
        half_width, half_height = 6, 6
        if grid.basis == "current" and move.ref in positions:
            target = positions[move.ref]
            half_width, half_height = len(move.ref) * 3.8 + 2, 10
            x2, y2 = target.x + half_width - 2, target.y - 5
        else:
            x2, y2 = anchor(move.end)
        dx, dy = x2 - x1, y2 - y1
        length = max((dx**2 + dy**2) ** 0.5, 1)
        reach = min(
            half_width / (abs(dx) / length or 1e-9), half_height / (abs(dy) / length or 1e-9)
        )
        x2, y2 = x2 - dx * reach / length, y2 - dy * reach / length
        arrows.append((move, round(x1, 1), round(y1, 1), round(x2, 1), round(y2, 1)))

    lines = []
    for k, appetite in enumerate(grid.appetites):
        # Rows within appetite, counted from the bottom, in each column: a staircase.
        within = [min(5, appetite.score // level.value) for level in grid.column_levels]
        inset = k * 5  # lines of two sections that share an edge stay apart
        segments = []
        for c, height in enumerate(within):
            x = left + c * CELL_W
            if c and within[c - 1] > height:
                segments.append((x - inset, tops[5 - within[c - 1]], x - inset, tops[5 - height]))
            if 0 < height < 5:
                y = tops[5 - height] + inset
                segments.append((x, y, x + CELL_W, y))
        if not segments:
            continue  # every cell, or none, is within appetite: there is no boundary
        # Labelled above the grid, over the line's top end, so no ref is covered.
        x1, y1 = segments[0][:2]
        segments.insert(0, (x1, top - (len(grid.appetites) - k) * 18 + 6, x1, y1))
        lines.append(
            SvgLine(
                appetite,
                " ".join(f"M{a} {b}L{c} {d}" for a, b, c, d in segments),
                LINE_STYLES[k % len(LINE_STYLES)],
                x1,
                top - (len(grid.appetites) - k) * 18 + 4,
            )
        )

    grid_width, grid_height = 5 * CELL_W, tops[5] - top
    return SvgLayout(
        width=left + grid_width + PAD,
        height=tops[5] + COLUMN_LABEL_H + AXIS_TITLE_H,
        left=left,
        top=top,
        grid_width=grid_width,
        grid_height=grid_height,
        cells=tuple(cells),
        row_labels=tuple(
            (level, (tops[r] + tops[r + 1]) / 2) for r, level in enumerate(grid.row_levels)
        ),
        column_labels=tuple(
            (level, left + (c + 0.5) * CELL_W) for c, level in enumerate(grid.column_levels)
        ),
        lines=tuple(lines),
        arrows=tuple(arrows),
    )


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def caption_for(basis: str, section_name: str | None, as_at: date) -> str:
    """'Current scores, all sections, as at 26 November 2026'."""
    return f"{BASES[basis]} scores, {section_name or 'all sections'}, as at {long_date(as_at)}"


def today() -> date:
    return datetime.now(UTC).date()


def baseline_positions(rows) -> dict[int, tuple[int, int]]:
    """Each risk's current position when the register was last agreed (before any agreed
    meeting, its previous current assessment): what the direction of travel compares with."""
    return {
        row.risk.id: (row.baseline.likelihood, row.baseline.impact) for row in rows if row.baseline
    }


def heatmap_for(
    rows, query: readmodel.RegisterQuery, basis: str = "current", arrows_from: str | None = None
) -> Heatmap:
    """The heat map of register rows as the board sees it: the board's orientation setting,
    the chosen section's appetite (or every section's), and the caption."""
    known = readmodel.sections()
    chosen = [s for s in known if s.prefix == query.section]
    appetites = [
        Appetite(s.prefix, s.name, s.appetite) for s in (chosen or known) if s.appetite is not None
    ]
    return build_heatmap(
        rows,
        basis,
        readmodel.active_scheme(),
        ui.setting("heatmap_orientation", ORIENTATIONS[0]),
        appetites,
        arrows_from,
        baseline_positions(rows) if arrows_from == "meeting" else None,
        caption_for(basis, chosen[0].name if chosen else None, query.as_at or today()),
    )


def risk_href(ref: str) -> str:
    """A risk's page; before the register has one, the register searched for the ref."""
    if "register.risk" in current_app.view_functions:
        return url_for("register.risk", ref=ref)
    return url_for("register.index", text=ref)


def heatmap_args(args) -> tuple[RegisterView, str, str | None, dict[str, str]]:
    """The register filters, basis and arrows from a query string, with any errors."""
    view = register_query_from_args(args)
    errors = dict(view.errors)
    basis = (args.get("basis") or "current").strip()
    if basis not in BASES:
        errors["basis"] = "Choose inherent, current or target scores"
        basis = "current"
    arrows = (args.get("arrows") or "").strip()
    if arrows not in ARROWS:
        errors["arrows"] = "Choose no arrows, arrows from inherent scores or from the last meeting"
        arrows = ""
    return view, basis, ARROWS[arrows], errors


@bp.route("/heatmap")
def index():
    view, basis, arrows_from, errors = heatmap_args(request.args)
    context = {
        "values": request.args,
        "sections": readmodel.sections(),
        "errors": errors,
    }
    if errors:
        return render_template("heatmap/index.html", title="Error: Heat map", **context), 400
    rows = readmodel.register_rows(view.query)
    grid = heatmap_for(rows, view.query, basis, arrows_from)
    return render_template(
        "heatmap/index.html", title="Heat map", grid=grid, summary_args=view.args(), **context
    )


def init_app(app):
    app.register_blueprint(bp)
    app.add_template_global(risk_href)
