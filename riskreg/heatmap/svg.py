"""The heat map drawn as SVG: where each cell, ref, appetite line and arrow goes, in CSS px.
The SVG scales to its box on screen and on paper; templates/heatmap/_grid.html draws it."""

from dataclasses import dataclass

from riskreg import domain

from .grid import Appetite, Cell, Heatmap, Move

AXIS_TITLE_W, ROW_LABEL_W, CELL_W = 30, 118, 150
HEAD_H, LINE_H, MIN_CELL_H, PAD = 28, 19, 80, 8
COLUMN_LABEL_H, AXIS_TITLE_H = 44, 28
CHAR_W, GAP = 8.6, 7  # generous widths for a ref's characters at 13px, so lines never overrun
LINE_STYLES = ("", "9 5", "3 4", "12 4 3 4")  # one dash pattern per section's appetite line


@dataclass(frozen=True)
class SvgRef:
    risk: domain.RiskFact
    x: float
    y: float


@dataclass(frozen=True)
class SvgCell:
    cell: Cell
    x: float
    y: float
    height: float
    refs: tuple[SvgRef, ...]
    more_y: float = 0  # where "and N more" goes, when the cell holds more than it lists


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


def _flow(risks: tuple[domain.RiskFact, ...]) -> list[list[tuple[domain.RiskFact, float]]]:
    """Refs set in lines that fit a cell: (risk, x offset) per ref."""
    lines: list[list[tuple[domain.RiskFact, float]]] = []
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
    lines_in = [
        [len(flow) + (cell.more > 0) for flow, cell in zip(row, cells, strict=True)]
        for row, (_, cells) in zip(flowed, grid.grid, strict=True)
    ]
    heights = [max(MIN_CELL_H, HEAD_H + PAD + max(row) * LINE_H) for row in lines_in]
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
            more_y = y + HEAD_H + (len(flowed[r][c]) + 1) * LINE_H - 4 if cell.more else 0
            cells.append(SvgCell(cell, x, y, heights[r], refs, more_y))

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
