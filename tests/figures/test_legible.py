"""Legible from the back of a classroom: labels at 12 px in the Playground's layout width (the page at
1024 px; wider screens only spread the drawing), 16 px in presentation mode, the legend under the plot."""

from __future__ import annotations

import pytest

from explorer.graphchoice import default_graph, graph_for
from figures import graph_figure
from figures.graph_figure import LEGEND_ROW, MARGIN
from figures.labels import LABEL_FONT, PRESENTATION_FONT
from graph import AUTOGRAD, collapse_chains
from tests.figures.seed_figures import SEED_PROGRAMS, record_of

PLAYGROUND_WIDTH, PRESENT_WIDTH = 560, 960


def _label_sizes(figure) -> list[float]:
    return [trace.textfont.size for trace in figure.data
            if (trace.meta or {}).get("role") in ("nodes", "node_labels") and trace.text is not None]


@pytest.mark.parametrize("name", sorted(SEED_PROGRAMS))
@pytest.mark.parametrize("lang", ["en", "vi"])
def test_seed_graphs_are_labelled_at_least_12_px_and_16_presenting(name, lang):
    record = record_of(name)
    graph = collapse_chains(graph_for(record, default_graph(record), AUTOGRAD))
    for width, font in ((PLAYGROUND_WIDTH, LABEL_FONT), (PRESENT_WIDTH, PRESENTATION_FONT)):
        sizes = _label_sizes(graph_figure(graph, lang=lang, width=width, font=font))
        assert sizes and min(sizes) >= font >= 12, (name, width, sizes)


def test_the_legend_sits_under_the_plot_clear_of_the_tool_bar():
    record = record_of("preset:seed18")
    figure = graph_figure(graph_for(record, default_graph(record), AUTOGRAD))
    legend = figure.layout.legend
    assert legend.y == 0 and legend.yanchor == "top"
    assert figure.layout.margin.b >= MARGIN + LEGEND_ROW  # at least its first row is kept below
