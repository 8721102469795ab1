"""The heat map drawn as SVG: where each cell, ref, appetite line and arrow goes, in CSS px.
The SVG scales to its box on paper and on wide screens (narrow ones get the compact grid);
templates/heatmap/_grid.html draws it. The appetite line runs along the white gaps between
cells and its label sits above the grid, so neither covers a cell's text."""

from dataclasses import dataclass

from riskreg import domain

from .grid import Appetite, Cell, Heatmap, Move

AXIS_TITLE_W, ROW_LABEL_W, CELL_W = 30, 118, 150
# The grid's width at most: five columns of CELL_W; six share it, so any scheme's SVG keeps the
# one scale (its 13 px text is 12 px from an 840 px box, where the compact grid gives way).
GRID_W = 5 * CELL_W
HEAD_H, LINE_H, MIN_CELL_H, PAD = 28, 19, 80, 8
COLUMN_LABEL_H, AXIS_TITLE_H = 44, 28
CHAR_W, GAP = 8.6, 9  # generous widths for a ref's characters at 13px, so lines never overrun
LABEL_H, LABEL_CHAR_W = 24, 7.8  # the appetite line's label, above the grid, 13px bold


@dataclass(frozen=True)
class SvgRef:
    risk: domain.RiskFact
    x: float
    y: float
    boxed: bool = False  # above its section's appetite

    @property
    def width(self) -> float:
        return len(self.risk.ref) * CHAR_W


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
    label: str
    label_x: float  # the label's middle
    label_y: float
    label_width: float


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
    line: SvgLine | None
    arrows: tuple[tuple[Move, float, float, float, float], ...]
    cell_width: float = CELL_W


def _flow(
    risks: tuple[domain.RiskFact, ...], cell_w: float
) -> list[list[tuple[domain.RiskFact, float]]]:
    """Refs set in lines that fit a cell: (risk, x offset) per ref."""
    lines: list[list[tuple[domain.RiskFact, float]]] = []
    used = cell_w
    for risk in risks:
        width = len(risk.ref) * CHAR_W
        if used + width > cell_w - 2 * PAD:
            lines.append([])
            used = 0
        lines[-1].append((risk, used))
        used += width + GAP
    return lines


def svg_layout(grid: Heatmap) -> SvgLayout:
    left, top = AXIS_TITLE_W + ROW_LABEL_W, PAD + (LABEL_H if grid.line else 0)
    rows, columns = len(grid.row_levels), len(grid.column_levels)  # the scheme's size
    cell_w = min(CELL_W, GRID_W / columns)
    flowed = [[_flow(cell.risks, cell_w) for cell in cells] for _, cells in grid.grid]
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
            x, y = left + c * cell_w, tops[r]
            refs = tuple(
                SvgRef(
                    risk,
                    x + PAD + offset,
                    y + HEAD_H + (n + 1) * LINE_H - 4,
                    cell.beyond_appetite(risk),
                )
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
        return left + (column - 0.5) * cell_w, tops[rows + 1 - row] - 12

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

    line = None
    if grid.line:
        segments = []
        for r, row in enumerate(grid.line_edges):
            for c, (left_edge, bottom_edge) in enumerate(row):
                x = left + c * cell_w
                if left_edge:
                    segments.append((x, tops[r], x, tops[r + 1]))
                if bottom_edge:
                    segments.append((x, tops[r + 1], x + cell_w, tops[r + 1]))
        if segments:
            # The label sits above the grid; a lead joins it to the line's top end, down the
            # gap between two columns (or the grid's left edge).
            x1, y1 = min(((a, b) for a, b, _, _ in segments), key=lambda p: (p[1], p[0]))
            segments.insert(0, (x1, top - 6, x1, y1))
            label = f"{grid.line.prefix} appetite {grid.line.score}"
            width = len(label) * LABEL_CHAR_W + 12
            middle = min(max(x1, left + width / 2), left + columns * cell_w - width / 2)
            path = " ".join(f"M{a} {b}L{c} {d}" for a, b, c, d in segments)
            line = SvgLine(grid.line, path, label, middle, top - 10, width)

    grid_width, grid_height = columns * cell_w, tops[rows] - top
    return SvgLayout(
        width=left + grid_width + PAD,
        height=tops[rows] + COLUMN_LABEL_H + AXIS_TITLE_H,
        left=left,
        top=top,
        grid_width=grid_width,
        grid_height=grid_height,
        cells=tuple(cells),
        row_labels=tuple(
            (level, (tops[r] + tops[r + 1]) / 2) for r, level in enumerate(grid.row_levels)
        ),
        column_labels=tuple(
            (level, left + (c + 0.5) * cell_w) for c, level in enumerate(grid.column_levels)
        ),
        line=line,
        arrows=tuple(arrows),
        cell_width=cell_w,
    )
