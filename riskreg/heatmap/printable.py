"""The heat map as a document's data (templates/_document.typ draws it): the grid build_heatmap
made, so the PDF's cells, scores, bands and refs are the page's."""

from riskreg.ui.pdf import band_of

from .grid import Heatmap


def heatmap_data(grid: Heatmap) -> dict:
    edges = grid.line_edges
    placed = f"{grid.placed} risk{'s' if grid.placed != 1 else ''}"
    return {
        "caption": grid.caption,
        "alt": f"{grid.caption}: {placed} by {grid.row_axis.lower()} and "
        f"{grid.column_axis.lower()}; the table after the map lists each cell's refs",
        "row_axis": grid.row_axis,
        "column_axis": grid.column_axis,
        "columns": [{"shown": level.shown, "name": level.name} for level in grid.column_levels],
        "rows": [
            {
                "shown": level.shown,
                "name": level.name,
                "cells": [
                    {
                        **band_of(cell.band),
                        "score": cell.score,
                        "refs": [
                            {"ref": risk.ref, "boxed": cell.beyond_appetite(risk)}
                            for risk in cell.risks
                        ],
                        "more": cell.more,
                        "left": left,  # the appetite line runs along this edge
                        "bottom": bottom,
                    }
                    for cell, (left, bottom) in zip(cells, edges[r], strict=True)
                ],
            }
            for r, (level, cells) in enumerate(grid.grid)
        ],
        "bands": [{**band_of(b), "min": b.min, "max": b.max} for b in reversed(grid.scheme.bands)],
        "placed": placed,
        "line": (
            {
                "name": grid.line.name,
                "prefix": grid.line.prefix,
                "score": grid.line.score,
                "words": grid.line.words,
            }
            if grid.line
            else None
        ),
        "appetites": "; ".join(f"{a.name} ({a.prefix}) {a.score}" for a in grid.appetites),
    }
