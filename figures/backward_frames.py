"""The backward pass, replayed step by step from the engine's own step generator.

`backward_states` turns a recorded backward call into one `StepState` per executed node: the gradient
that reached it (and the contributions it is the sum of, where a tensor fanned out), the gradient it
sends along each input edge as `upstream × local = contribution` (local derivative text from the op
table), and every leaf's `.grad` as it grows. `backward_animation` draws them as plotly frames that play
in the browser; `backward_step_figure` draws one step, for paging on the server.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import plotly.graph_objects as go

from figures.graph_figure import (
    MARGIN,
    MODEBAR_STRIP,
    Canvas,
    arrow_trace,
    base_layout,
    edge_label_boxes,
    edge_label_position,
    edge_segments,
    edge_traces,
    frame,
    make_canvas,
    node_traces,
)
from figures.labels import LABEL_FONT, LINE_EM, text_box, text_width
from figures.palette import HIGHLIGHT
from figures.placement import (
    AUTO,
    DEFAULT_WIDTH,
    LAYER_SPACE,
    Box,
    Placement,
    edge_label_point,
    place,
    text_rect,
)
from figures.texts import text
from graph.model import fn_node, graph_from_backward, local_value, preview, tensor_node

ACTIVE_RING = 34  # px, the ring round the node that runs
GRAD_OFFSET = ACTIVE_RING / 2 + 4  # px from a node's point to its `.grad` text
# The edge from an AccumulateGrad to its leaf carries the gradient unchanged into `.grad += g`, which the
# leaf's own text already shows, so that edge gets no arithmetic label.
ACCUMULATE_LOCAL = ".grad += g"
OVERLAYS = ("executed", "gradient_edges", "edge_labels", "active", "grads")


@dataclass(frozen=True)
class GradientEdge:
    """The gradient one step sends to one input: `upstream × local = contribution`."""

    source: Hashable
    target: Hashable
    slot: int
    upstream: np.ndarray
    local: str
    local_value: np.ndarray | None
    contribution: np.ndarray


@dataclass(frozen=True)
class StepState:
    """Everything one frame shows."""

    index: int
    node: Hashable
    name: str
    formula: str
    grad_in: np.ndarray
    contributions: tuple[np.ndarray, ...]
    edges: tuple[GradientEdge, ...]
    grads: dict[Hashable, np.ndarray]
    accumulated: Hashable | None
    added: np.ndarray | None
    executed: tuple[Hashable, ...]


def _call_and_graph(source: Any) -> tuple[Any, nx.DiGraph]:
    if isinstance(source, nx.DiGraph):
        call = source.graph.get("backward")
        if call is None:
            raise ValueError("this graph has no backward call: build it with graph_from_backward(call)")
        return call, source
    return source, graph_from_backward(source)


def _shown(graph: nx.DiGraph) -> dict[Hashable, Hashable]:
    """Where each hidden node is drawn: a member of a collapsed chain is drawn as the chain."""
    collapsed = graph.graph.get("collapsed", {})
    return {member: chain for chain, members in collapsed.items() for member in members}


def _seed(call: Any) -> np.ndarray:
    if call.gradient is not None:
        return np.asarray(call.gradient)
    root = call.graph.tensors.get(call.root)
    if root is None:
        return np.ones_like(call.steps[0].grad_in) if call.steps else np.ones(())
    return np.ones(root.shape, dtype=root.value.dtype)


def _start_node(call: Any) -> int | None:
    root = call.graph.tensors.get(call.root)
    if root is None:
        return call.steps[0].node if call.steps else None
    return root.grad_fn if root.grad_fn is not None else -root.id


class _Replay:
    """Walks the recorded steps, keeping the pending contributions and the growing `.grad`s."""

    def __init__(self, call: Any, graph: nx.DiGraph) -> None:
        self.call = call
        self.graph = graph
        self.shown = _shown(graph)
        self.pending: dict[int, list[np.ndarray]] = {_start_node(call): [_seed(call)]}
        self.grads: dict[Hashable, np.ndarray] = {}
        self.executed: list[Hashable] = []
        self.retained = {info.grad_fn: info.id for info in call.graph.tensors.values()
                         if info.retains_grad and info.grad_fn is not None}

    def draw_as(self, node: Hashable) -> Hashable:
        return self.shown.get(node, node)

    def write(self, tensor_id: int, step: Any) -> Hashable | None:
        """Show the `.grad` this step left, as the run recorded it; the tensor's node when the step
        changed it (`autograd.grad()` runs the same steps and leaves every `.grad` alone)."""
        if step.grad_after is None:
            return None
        node = tensor_node(tensor_id)
        self.grads[node] = step.grad_after
        before = step.grad_before
        unchanged = before is not None and np.array_equal(before, step.grad_after)
        return None if unchanged else node

    def state(self, index: int, step: Any) -> StepState:
        info = self.call.graph.nodes[step.node]
        node = fn_node(step.node)
        contributions = tuple(self.pending.pop(step.node, ()))
        edges = self.gradient_edges(info, node, step)
        target = info.tensor if info.name == "AccumulateGrad" else self.retained.get(step.node)
        accumulated = None if target is None else self.write(target, step)
        added = None if accumulated is None else step.grad_in
        state = StepState(
            index=index, node=self.draw_as(node), name=info.name, formula=info.formula,
            grad_in=step.grad_in, contributions=contributions or (step.grad_in,), edges=edges,
            grads={key: value for key, value in self.grads.items()},
            accumulated=None if accumulated is None else self.draw_as(accumulated), added=added,
            executed=tuple(self.executed),
        )
        self.executed.append(state.node)
        return state

    def gradient_edges(self, info: Any, node: str, step: Any) -> tuple[GradientEdge, ...]:
        inputs = self.graph.nodes[node]["inputs"] if node in self.graph else ()
        edges = []
        for slot, (child, _) in enumerate(info.next):
            grad = step.grads_out[slot] if slot < len(step.grads_out) else None
            if grad is None:
                continue
            if child is not None:
                self.pending.setdefault(child, []).append(grad)
            target = inputs[slot] if slot < len(inputs) else self.draw_as(fn_node(child))
            if self.draw_as(target) == self.draw_as(node):
                continue
            local = info.local[slot] if slot < len(info.local) else "∂"
            edges.append(GradientEdge(self.draw_as(node), self.draw_as(target), slot, step.grad_in, local,
                                      local_value(info, slot), grad))
        if info.name == "AccumulateGrad" and info.tensor is not None:
            leaf = self.draw_as(tensor_node(info.tensor))
            edges.append(GradientEdge(self.draw_as(node), leaf, 0, step.grad_in, ACCUMULATE_LOCAL, None,
                                      step.grad_in))
        return tuple(edge for edge in edges if edge.target in self.graph and edge.source in self.graph)


def backward_states(source: Any) -> list[StepState]:
    """One state per recorded step of a backward call.

    Args:
        source: a graph from `graph_from_backward`, or the call itself (a BackwardCall of a run record or
            a BackwardTrace).

    Returns:
        The states in execution order; the last one's `grads` are the leaves' final `.grad`.
    """
    call, graph = _call_and_graph(source)
    replay = _Replay(call, graph)
    return [replay.state(index, step) for index, step in enumerate(call.steps)]


# -- text -------------------------------------------------------------------------------------------

def _short(array: np.ndarray | None) -> str:
    return preview(array, limit=3, width=30) or "None"


def arithmetic(edge: GradientEdge) -> str:
    """`upstream × local = contribution`, with the local derivative's value when the op saved it."""
    return f"{_short(edge.upstream)} × {_local_text(edge)} = {_short(edge.contribution)}"


def _local_text(edge: GradientEdge) -> str:
    """The local derivative, with its value when the op saved a small one: `(b=3.)`."""
    if edge.local_value is not None and np.asarray(edge.local_value).size <= 3:
        return f"({edge.local}={_short(edge.local_value)})"
    return edge.local


MAX_EDGE_TEXT = 34  # characters of arithmetic drawn on an edge; the page prints it whole under the figure


def _brief(array: np.ndarray | None) -> str:
    return preview(array, limit=3, width=18) or "None"


def edge_text(edge: GradientEdge) -> str:
    """The arithmetic drawn on an edge, shortened to what fits beside it: the whole product when it is
    short, else `× local = contribution`, else the contribution."""
    for candidate in (arithmetic(edge), f"× {_local_text(edge)} = {_brief(edge.contribution)}",
                      f"= {_brief(edge.contribution)}"):
        if len(candidate) <= MAX_EDGE_TEXT:
            return candidate
    return f"= {_brief(edge.contribution)}"


def fan_in_text(state: StepState, lang: str = "en") -> str:
    """`sum of 2 contributions: c1 + c2 = total` where gradients from several uses meet, else ``."""
    if len(state.contributions) < 2:
        return ""
    parts = " + ".join(_short(c) for c in state.contributions)
    return f"{text('anim.fan_in', lang, n=len(state.contributions))}: {parts} = {_short(state.grad_in)}"


def start_text(call: Any, lang: str = "en") -> str:
    """How the backward call was seeded: `backward(gradient=v)` or the implicit 1."""
    if call.gradient is None:
        return text("anim.implicit", lang)
    return text("anim.start", lang, value=_short(call.gradient))


def step_title(state: StepState, count: int, call: Any, lang: str = "en") -> str:
    head = text("anim.step", lang, k=state.index + 1, n=count)
    formula = f" — {state.formula}" if state.formula else ""
    lines = [f"<b>{head}: {state.name}</b>{formula} · {text('anim.grad_in', lang)} = {_short(state.grad_in)}"]
    extra = fan_in_text(state, lang) or (start_text(call, lang) if state.index == 0 else "")
    if extra:
        lines.append(f"<span style='font-size:11px'>{extra}</span>")
    return "<br>".join(lines)


# -- overlay traces ---------------------------------------------------------------------------------

def _points(canvas: Canvas, nodes: list[Hashable]) -> tuple[np.ndarray, np.ndarray]:
    return canvas.xy([node for node in nodes if node in canvas.positions])


def _start_edge(call: Any, canvas: Canvas, state: StepState) -> GradientEdge | None:
    root = tensor_node(call.root)
    if state.index != 0 or root not in canvas.graph or root == state.node:
        return None
    seed = _seed(call)
    return GradientEdge(root, state.node, 0, seed, "1", None, seed)


def _labelled_edges(state: StepState | None, canvas: Canvas,
                    call: Any) -> tuple[list[GradientEdge], list[str]]:
    """The gradient edges a frame draws (the start edge first on step 0) and the text on each."""
    edges = [] if state is None else list(state.edges)
    labels = [edge_text(edge) if edge.local != ACCUMULATE_LOCAL else "" for edge in edges]
    start = None if state is None else _start_edge(call, canvas, state)
    if start is not None:
        edges.insert(0, start)
        labels.insert(0, start_text(call, canvas.lang))
    return edges, labels


def _label_points(edges: list[GradientEdge], labels: list[str], canvas: Canvas) -> np.ndarray:
    """Each edge label in the clear band next to the node the gradient leaves, stacked where one band
    holds several (top-to-bottom)."""
    bands: dict[Hashable, list[int]] = {}
    for i, (edge, label) in enumerate(zip(edges, labels)):
        if label:
            bands.setdefault(canvas.placement.layout.layers[edge.source], []).append(i)
    points = np.zeros((len(edges), 2))
    for members in bands.values():
        for index, i in enumerate(members):
            # Forward, the edge runs from the input (the gradient's target) to the node it left.
            points[i] = edge_label_point(canvas.placement, edges[i].target, edges[i].source,
                                         lines=len(members), index=index)
    return points


def overlay_traces(state: StepState | None, canvas: Canvas, call: Any) -> list[go.Scatter]:
    """The five traces a frame replaces, in OVERLAYS order (empty ones when there is no state)."""
    theme = canvas.theme
    edges, labels = _labelled_edges(state, canvas, call)
    pairs = [(edge.target, edge.source) for edge in edges]
    x, y, sizes = edge_segments(canvas, pairs, reverse=True)
    middle = _label_points(edges, labels, canvas)
    executed_x, executed_y = _points(canvas, [] if state is None else list(state.executed))
    active = [] if state is None else [state.node]
    active_x, active_y = _points(canvas, active)
    grad_nodes = [] if state is None else [node for node in state.grads if node in canvas.positions]
    grad_x, grad_y = _points(canvas, grad_nodes)
    grad_text = [_grad_label(state, node, canvas.lang) for node in grad_nodes]
    ring = {"symbol": "circle-open", "size": canvas.scaled(24), "color": theme.muted, "line": {"width": 1.5}}
    return [
        go.Scatter(x=executed_x, y=executed_y, mode="markers", hoverinfo="skip", showlegend=False,
                   name=text("anim.executed", canvas.lang), meta={"role": "executed"}, marker=ring),
        arrow_trace(x, y, sizes, {"color": HIGHLIGHT, "width": 3, "dash": "solid"},
                    name=text("edge.gradient", canvas.lang), showlegend=True,
                    meta={"role": "gradient_edges"}),
        go.Scatter(x=middle[:, 0], y=middle[:, 1], mode="text", text=labels, hoverinfo="skip",
                   showlegend=False, textposition=edge_label_position(canvas.direction),
                   textfont={"size": canvas.font, "color": theme.gradient_text}, cliponaxis=False,
                   meta={"role": "edge_labels"}),
        go.Scatter(x=active_x, y=active_y, mode="markers", showlegend=False, hoverinfo="skip",
                   name=text("anim.active", canvas.lang), meta={"role": "active"},
                   marker={"symbol": "circle-open", "size": canvas.scaled(ACTIVE_RING), "color": HIGHLIGHT,
                           "line": {"width": 3.5}}),
        # An invisible marker as wide as the active ring keeps the text clear of the ring.
        go.Scatter(x=grad_x, y=grad_y, mode="markers+text", text=grad_text, hoverinfo="skip",
                   showlegend=False, marker={"size": canvas.scaled(2 * GRAD_OFFSET), "opacity": 0},
                   cliponaxis=False,
                   textposition=grad_position(canvas.direction),
                   textfont={"size": canvas.font, "color": theme.gradient_text}, meta={"role": "grads"}),
    ]


def grad_position(direction: str) -> str:
    """Where a node's `.grad` is written: under it (its label is above it or to its right)."""
    return "bottom center"


def overlay_boxes(states: list[StepState], canvas: Canvas, call: Any) -> list[Box]:
    """The px boxes of every frame's edge labels and `.grad`s, so every frame fits the same axes."""
    boxes = []
    position = edge_label_position(canvas.direction)
    for state in states:
        edges, labels = _labelled_edges(state, canvas, call)
        for (x, y), label in zip(_label_points(edges, labels, canvas), labels):
            if label:
                boxes.append(text_rect(x, y, text_box([label], canvas.placement.font), position))
        for node in state.grads:
            if node in canvas.positions:
                size = text_box(_grad_lines(state, node, canvas.lang), canvas.placement.font)
                boxes.append(text_rect(*canvas.positions[node], size, grad_position(canvas.direction),
                                       GRAD_OFFSET))
    return boxes


def _grad_lines(state: StepState, node: Hashable, lang: str) -> list[str]:
    lines = [f".grad = {_brief(state.grads[node])}"]
    if node == state.accumulated:
        lines.insert(0, text("anim.accumulate", lang, value=_brief(state.added)))
    return lines


def _grad_label(state: StepState, node: Hashable, lang: str) -> str:
    lines = _grad_lines(state, node, lang)
    if len(lines) == 2:
        lines[0] = f"<b>{lines[0]}</b>"
    return "<br>".join(lines)


# -- figures ----------------------------------------------------------------------------------------

TITLE_LINE = 19  # px per line of a step's title


def _title_height(states: list[StepState], call: Any, lang: str) -> float:
    """Room above the legend for the tallest of the steps' titles."""
    lines = max((step_title(state, len(states), call, lang).count("<br>") + 1 for state in states), default=1)
    return lines * TITLE_LINE + 12


def _grad_room(states: list[StepState], lang: str, font: float) -> dict[Hashable, tuple[float, float]]:
    """The room each node's `.grad` text needs, over every step."""
    room: dict[Hashable, tuple[float, float]] = {}
    for state in states:
        for node in state.grads:
            width, height = text_box(_grad_lines(state, node, lang), font)
            old_width, old_height = room.get(node, (0.0, 0.0))
            room[node] = (max(width, old_width), max(height, old_height, 2 * LINE_EM * font))
    return room


def backward_placement(source: Any, *, lang: str = "en", direction: str = AUTO, width: float = DEFAULT_WIDTH,
                       show_labels: bool | None = None, font: float = LABEL_FONT) -> Placement:
    """One placement for every step of a backward pass: room for the `.grad`s and the arithmetic.

    Top-to-bottom is tried first: there the arithmetic reads along the gap between two layers.

    Args:
        source: a graph from `graph_from_backward`, or a backward call.
        lang, direction, width, show_labels, font: as for graph_figure.

    Returns:
        The placement, to pass to each step's figure.
    """
    call, graph = _call_and_graph(source)
    states = backward_states(graph)
    stacked = max((len(state.edges) for state in states), default=0) + 1
    line = LINE_EM * font
    widest = max((text_width(edge_text(edge), font) for state in states for edge in state.edges),
                 default=0.0)
    widest = max(widest, text_width(start_text(call, lang), font))
    layer_space = {"TB": max(LAYER_SPACE["TB"], stacked * line + 8), "LR": widest + 12}
    return place(graph, lang=lang, direction=direction, width=width, show_labels=show_labels,
                 under=_grad_room(states, lang, font), font=font, layer_space=layer_space,
                 clearance=ACTIVE_RING / 2 + 2, prefer=("TB", "LR"))


def _prepare(source: Any, theme: str, direction: str, lang: str, placement: Placement | None,
             show_labels: bool | None, width: float,
             bottom: float = 0.0) -> tuple[Any, Canvas, list[StepState], list[go.Scatter], dict[str, Any]]:
    """The call, its framed canvas, its states, and the traces and layout every step shares (the
    figure is made once, by the caller: each plotly Figure costs milliseconds to validate)."""
    call, graph = _call_and_graph(source)
    if placement is None:
        placement = backward_placement(graph, lang=lang, direction=direction, width=width,
                                       show_labels=show_labels)
    canvas = make_canvas(graph, theme=theme, lang=lang, placement=placement)
    states = backward_states(graph)
    frame(canvas, [*edge_label_boxes(canvas), *overlay_boxes(states, canvas, call)])
    layout = base_layout(canvas, title_height=_title_height(states, call, lang), bottom=bottom,
                         legend_extra=[text("edge.gradient", lang)])
    return call, canvas, states, [*edge_traces(canvas), *node_traces(canvas)], layout


def _title(states: list[StepState], index: int | None, call: Any, lang: str) -> dict[str, Any]:
    if index is None:
        content = text("anim.no_steps", lang)
    else:
        content = step_title(states[index], len(states), call, lang)
    return {"text": content, "x": 0.01, "xanchor": "left", "xref": "paper", "y": 1.0, "yref": "container",
            "yanchor": "top", "pad": {"t": MODEBAR_STRIP + 4}, "font": {"size": 13}}


def backward_step_figure(source: Any, step: int, *, theme: str = "light", direction: str = AUTO,
                         lang: str = "en", placement: Placement | None = None,
                         show_labels: bool | None = None, width: float = DEFAULT_WIDTH) -> go.Figure:
    """One step of the backward pass as a static figure (for paging on the server).

    Args:
        source: a graph from `graph_from_backward`, or a backward call.
        step: 0-based step index; negative counts from the end.
        theme, direction, lang, show_labels, width: as for graph_figure.
        placement: from `backward_placement` (the same for every step); made here when None.

    Returns:
        The graph with the running node, the gradients it sends and the `.grad`s so far.
    """
    call, canvas, states, data, layout = _prepare(source, theme, direction, lang, placement, show_labels,
                                                  width)
    if not -len(states) <= step < len(states):
        raise IndexError(f"step {step} is out of range for a backward pass of {len(states)} steps")
    state = states[step]
    return go.Figure(data=[*data, *overlay_traces(state, canvas, call)],
                     layout={**layout, "title": _title(states, state.index, call, lang)})


def backward_animation(source: Any, *, theme: str = "light", direction: str = AUTO, lang: str = "en",
                       placement: Placement | None = None, show_labels: bool | None = None,
                       frame_ms: int = 900, width: float = DEFAULT_WIDTH) -> go.Figure:
    """The whole backward pass as a figure with one frame per step, play/pause buttons and a slider.

    Args:
        source: a graph from `graph_from_backward`, or a backward call.
        theme, direction, lang, show_labels, width: as for graph_figure.
        placement: from `backward_placement`; made here when None.
        frame_ms: how long each frame shows while playing.

    Returns:
        A figure whose frames play in the browser, no server round trip.
    """
    call, canvas, states, data, layout = _prepare(source, theme, direction, lang, placement, show_labels,
                                                  width, bottom=ANIMATION_CONTROLS)
    figure = go.Figure(data=[*data, *overlay_traces(states[0] if states else None, canvas, call)],
                       layout=layout)
    first = len(data)
    overlay_indices = list(range(first, first + len(OVERLAYS)))
    figure.frames = [
        go.Frame(name=str(state.index), data=overlay_traces(state, canvas, call), traces=overlay_indices,
                 layout={"title": _title(states, state.index, call, lang)})
        for state in states
    ]
    figure.update_layout(title=_title(states, 0 if states else None, call, lang))
    if states:
        # The controls go under the legend, which sits under the plot.
        legend = figure.layout.margin.b - MARGIN - ANIMATION_CONTROLS
        buttons = _play_buttons(frame_ms, lang, legend)
        # The slider starts where the buttons end (their words are longer in some languages).
        labels = sum(text_width(button["label"], BUTTON_FONT) + 24 for button in buttons["buttons"])
        start = min(0.5, (labels + 16) / max(1.0, canvas.placement.width - 2 * MARGIN))
        figure.update_layout(updatemenus=[buttons], sliders=[_slider(states, lang, start, legend)])
    return figure


ANIMATION_CONTROLS = 120  # px under the plot for the play buttons and the slider


def _frame_args(duration: int) -> dict[str, Any]:
    return {"frame": {"duration": duration, "redraw": True}, "mode": "immediate", "fromcurrent": True,
            "transition": {"duration": 0}}


BUTTON_FONT = 12


def _play_buttons(frame_ms: int, lang: str, below: float) -> dict[str, Any]:
    return {
        "type": "buttons", "direction": "left", "showactive": False, "x": 0.0, "y": 0, "xanchor": "left",
        "yanchor": "top", "pad": {"t": 40 + below, "r": 10}, "font": {"size": BUTTON_FONT},
        "buttons": [
            {"label": "▶ " + text("anim.play", lang), "method": "animate",
             "args": [None, _frame_args(frame_ms)]},
            {"label": "❚❚ " + text("anim.pause", lang), "method": "animate",
             "args": [[None], _frame_args(0)]},
        ],
    }


def _slider(states: list[StepState], lang: str, start: float, below: float) -> dict[str, Any]:
    return {
        "active": 0, "x": start, "len": 1 - start, "y": 0, "yanchor": "top", "pad": {"t": 30 + below},
        "currentvalue": {"prefix": text("anim.slider", lang)},
        "steps": [{"label": str(state.index + 1), "method": "animate",
                   "args": [[str(state.index)], _frame_args(0)]} for state in states],
    }
