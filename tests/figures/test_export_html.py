"""Standalone HTML works offline: plotly.js is inside the page, frames included."""

from __future__ import annotations

import engine as torch
from figures import backward_animation, graph_figure, standalone_html
from graph import graph_from_tensors, trace_backward
from tests.graph.programs import seed_chain


def test_html_embeds_plotly_and_loads_nothing_from_the_network():
    names = seed_chain(torch)
    page = standalone_html(graph_figure(graph_from_tensors(names["root"], labels=names)), title="x <graph>")
    assert "<title>x &lt;graph&gt;</title>" in page
    assert "plotly.js v" in page
    assert 'src="http' not in page


def test_animation_html_carries_its_frames():
    names = seed_chain(torch)
    trace = trace_backward(names["root"], labels=names)
    page = standalone_html(backward_animation(trace))
    assert page.count('"traces":[') == len(trace.steps)  # each frame names the traces it replaces


def test_a_page_of_its_own_gets_the_themes_background():
    names = seed_chain(torch)
    figure = graph_figure(graph_from_tensors(names["root"], labels=names), theme="dark")
    page = standalone_html(figure)
    assert '"paper_bgcolor":"#0E1117"' in page.replace(" ", "")
    assert figure.layout.paper_bgcolor == "rgba(0,0,0,0)"  # the figure itself is left as it was


def test_the_html_export_carries_the_program_and_its_grad_ledger_escaped():
    import plotly.graph_objects as go

    from figures import standalone_html

    page = standalone_html(go.Figure(), code="z = y*y*3  # <b>", ledger=[("w", "tensor([2., 4.])")])
    assert "<pre>z = y*y*3  # &lt;b&gt;</pre>" in page
    assert "<td>w.grad</td><td>tensor([2., 4.])</td>" in page
