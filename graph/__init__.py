"""Graphs of a run (networkx): the autograd view, the tensor view, their layout, folding and export.

Imports networkx, never plotly or streamlit; `import engine` does not import this package.
"""

from graph.backward import BackwardTrace, trace_backward
from graph.collapse import chain_id, collapse_chains
from graph.export import plain_lines, to_dot, to_json, to_node_link
from graph.layout import Layout, boxed_layout, count_crossings, layered_layout
from graph.model import (
    AUTOGRAD,
    NODE_FIELDS,
    TENSOR_VIEW,
    VIEWS,
    CaptionLine,
    Kind,
    Style,
    fn_node,
    graph_from_backward,
    graph_from_call,
    graph_from_record,
    graph_from_snapshot,
    graph_from_tensors,
    lineage,
    no_grad_regions,
    op_node,
    preview,
    tensor_node,
)

__all__ = [
    "AUTOGRAD", "NODE_FIELDS", "TENSOR_VIEW", "VIEWS", "BackwardTrace", "CaptionLine", "Kind", "Layout",
    "Style", "boxed_layout", "chain_id", "collapse_chains", "count_crossings", "fn_node",
    "graph_from_backward", "graph_from_call", "graph_from_record", "graph_from_snapshot",
    "graph_from_tensors", "layered_layout", "lineage", "no_grad_regions", "op_node", "plain_lines", "preview",
    "tensor_node", "to_dot", "to_json", "to_node_link", "trace_backward",
]
