"""Plotly figures: the graph, the backward pass frame by frame, and training charts. Pure functions.

Imports plotly, never streamlit; `import engine` does not import this package.
"""

from figures.backward_frames import (
    GradientEdge,
    StepState,
    arithmetic,
    backward_animation,
    backward_placement,
    backward_states,
    backward_step_figure,
)
from figures.export import standalone_html
from figures.graph_figure import graph_figure, hover_card
from figures.labels import node_lines, node_name
from figures.placement import DEFAULT_WIDTH, Placement, place
from figures.texts import TEXTS, text
from figures.training_charts import EpochRecord, ledger_from_record, staircase_figure, training_figure

__all__ = [
    "DEFAULT_WIDTH", "TEXTS", "EpochRecord", "GradientEdge", "Placement", "StepState", "arithmetic",
    "backward_animation", "backward_placement", "backward_states", "backward_step_figure", "graph_figure",
    "hover_card", "ledger_from_record", "node_lines", "node_name", "place", "staircase_figure",
    "standalone_html", "text", "training_figure",
]
