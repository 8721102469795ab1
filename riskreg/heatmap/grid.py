"""The heat map's grid: the register on the scheme's grid (3 to 6 levels each way).
build_heatmap() is the one place a grid is made: the page, the printable summary, the annual
report and the Word export all render the Heatmap it returns, so a cell's score and band are
the same everywhere."""

from dataclasses import dataclass
from datetime import date

from riskreg import domain, readmodel, ui
from riskreg.clock import today
from riskreg.domain.vocabulary import DEFAULT_ORIENTATION, ORIENTATIONS
from riskreg.ui import long_date

BASES = {"inherent": "Inherent", "current": "Current", "target": "Target"}
# ?arrows=...: where each risk's movement arrow starts (it always ends at the current score).
ARROWS = {"": None, "0": None, "1": "inherent", "inherent": "inherent", "meeting": "meeting"}


@dataclass(frozen=True)
class Cell:
    likelihood: int
    impact: int
    score: int
    band: domain.Band  # from the active scheme: one band table colours every grid
    risks: tuple[domain.RiskFact, ...]  # listed, in register order
    count: int = 0  # how many the cell holds: more than are listed on the page's grid

    def beyond_appetite(self, risk: domain.RiskFact) -> bool:
        """Whether a risk placed here is above its own section's appetite (the box round it)."""
        return domain.beyond_appetite(self.score, risk.appetite)

    @property
    def more(self) -> int:
        """Risks in the cell beyond those listed."""
        return max(0, self.count - len(self.risks))

    @property
    def refs(self) -> tuple[str, ...]:
        return tuple(risk.ref for risk in self.risks)


@dataclass(frozen=True)
class Appetite:
    prefix: str
    name: str
    score: int  # the highest current score the board tolerates in the section
    words: str = ""  # its level and statement: "Cautious (current score 12 or below): ..."


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
    cells: dict[tuple[int, int], Cell]  # (likelihood, impact) -> cell, every one present
    appetites: tuple[Appetite, ...] = ()  # of the sections whose risks are shown
    line: Appetite | None = None  # drawn only when one section's risks are shown
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
        """The vertical axis top to bottom: the highest level at the top."""
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
    def line_edges(self) -> list[list[tuple[bool, bool]]]:
        """For each cell in display order, whether the appetite line runs along its left edge
        and its bottom edge: between a cell above the appetite and one within it. Scores grow
        up and to the right, so these edges make one staircase."""
        grid = self.grid
        line = self.line
        outside = [[line is not None and c.score > line.score for c in cells] for _, cells in grid]
        return [
            [
                (
                    here and c > 0 and not row[c - 1],
                    here and r < len(grid) - 1 and not outside[r + 1][c],
                )
                for c, here in enumerate(row)
            ]
            for r, row in enumerate(outside)
        ]

    @property
    def placed(self) -> int:
        return sum(max(cell.count, len(cell.risks)) for cell in self.cells.values())


def build_heatmap(
    rows,
    basis: str = "current",
    scheme: domain.Scheme | None = None,
    orientation: str = "likelihood-vertical",
    appetites=(),
    arrows_from: str | None = None,
    baselines: dict[int, tuple[int, int]] | None = None,
    caption: str = "",
    counts: dict[tuple[int, int], int] | None = None,
    several_sections: bool | None = None,
) -> Heatmap:
    """The grid for register rows on `basis`. Arrows run from each risk's inherent position
    (`arrows_from="inherent"`) or its position in `baselines` (risk id -> (likelihood, impact),
    `arrows_from="meeting"`) to its current one; a risk that has not moved gets none. `counts`:
    how many each cell holds, when `rows` lists only some of them (readmodel.heatmap_rows), and
    then `several_sections`: whether the risks not listed come from more than one section.
    Appetites are kept for the sections whose risks are shown; a line is drawn only for a
    single section's, since several staircases on one grid overlap and cannot be told apart."""
    rows = list(rows)
    shown = {row.risk.section_prefix for row in rows}
    appetites = tuple(a for a in appetites if a.prefix in shown)
    single = len(shown) == 1 and not several_sections
    line = appetites[0] if single and appetites else None
    scheme = scheme or readmodel.active_scheme()
    placed = domain.heatmap_cells(rows, basis, scheme)
    cells = {}
    for (likelihood, impact), in_cell in placed.items():
        view = scheme.score_view(likelihood, impact)
        cells[(likelihood, impact)] = Cell(
            likelihood,
            impact,
            view.score,
            view.band,
            tuple(row.risk for row in in_cell),
            (counts or {}).get((likelihood, impact), len(in_cell)),
        )
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
        orientation=orientation if orientation in ORIENTATIONS else DEFAULT_ORIENTATION,
        scheme=scheme,
        cells=cells,
        appetites=appetites,
        line=line,
        moves=tuple(moves),
        arrows_from=arrows_from,
        caption=caption,
    )


def caption_for(basis: str, section_name: str | None, as_at: date) -> str:
    """'Current scores, all sections, as at 26 November 2026'."""
    return f"{BASES[basis]} scores, {section_name or 'all sections'}, as at {long_date(as_at)}"


def baseline_positions(rows) -> dict[int, tuple[int, int]]:
    """Each risk's current position when the register was last agreed (before any agreed
    meeting, its previous current assessment): what the direction of travel compares with."""
    return {
        row.risk.id: (row.baseline.likelihood, row.baseline.impact) for row in rows if row.baseline
    }


def heatmap_for(
    rows,
    query: readmodel.RegisterQuery,
    basis: str = "current",
    arrows_from: str | None = None,
    counts: dict[tuple[int, int], int] | None = None,
    several_sections: bool | None = None,
) -> Heatmap:
    """The heat map of register rows as the board sees it: the board's orientation setting,
    the chosen section's appetite (or every section's), and the caption."""
    known = readmodel.sections()
    chosen = [s for s in known if s.prefix == query.section]
    appetites = [
        Appetite(s.prefix, s.name, s.appetite, s.appetite_words)
        for s in (chosen or known)
        if s.appetite is not None
    ]
    return build_heatmap(
        rows,
        basis,
        readmodel.active_scheme(),
        ui.board_orientation(),
        appetites,
        arrows_from,
        baseline_positions(rows) if arrows_from == "meeting" else None,
        caption_for(basis, chosen[0].name if chosen else None, query.as_at or today()),
        counts,
        several_sections,
    )
