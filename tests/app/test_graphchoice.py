"""One iteration at a time: which graph the Playground draws for a program with many backward calls."""

from __future__ import annotations

import sandbox
from explorer.graphchoice import (
    WHOLE_RUN,
    chosen_graph,
    default_graph,
    grad_ledger,
    graph_for,
    graph_options,
    option_text,
)
from explorer.i18n import t
from graph import AUTOGRAD, TENSOR_VIEW, Kind, collapse_chains
from tests.figures.learner_programs import CUTS, LINEAR_REGRESSION, MLP_TRAINING


def test_a_training_loop_opens_on_its_last_backward_call():
    record = sandbox.run(MLP_TRAINING, seed=0)
    assert graph_options(record) == [*range(50), WHOLE_RUN]
    assert default_graph(record) == 49
    key, params = option_text(record, 2)
    assert t(key, "en", **params) == "backward call 3 of 50 (line 11)"
    assert "3" in t(key, "vi", **params) and "50" in t(key, "vi", **params)


def test_one_iteration_of_an_mlp_loop_fits_in_80_nodes_with_named_parameters():
    record = sandbox.run(MLP_TRAINING, seed=0)
    whole = collapse_chains(graph_for(record, WHOLE_RUN, AUTOGRAD))
    for view in (AUTOGRAD, TENSOR_VIEW):
        for option in (0, 25, 49):
            graph = collapse_chains(graph_for(record, option, view))
            assert 0 < graph.number_of_nodes() <= 80 < whole.number_of_nodes(), (view, option)
            leaves = {data["label"]: data["shape"] for _, data in graph.nodes(data=True)
                      if data["kind"] == Kind.LEAF}
            assert leaves == {"model.0.weight": (16, 4), "model.0.bias": (16,),
                              "model.2.weight": (1, 16), "model.2.bias": (1,)}


def test_each_call_of_a_hand_written_loop_is_its_own_small_graph():
    record = sandbox.run(LINEAR_REGRESSION, seed=0)
    assert default_graph(record) == 19
    last = graph_for(record, 19, AUTOGRAD)
    roots = [data["label"] for _, data in last.nodes(data=True) if data["kind"] == Kind.ROOT]
    assert roots == ["loss₂₀"]  # the 20th tensor bound to `loss`
    assert {data["label"] for _, data in last.nodes(data=True) if data["kind"] == Kind.LEAF} == {"w", "b"}
    assert last.number_of_nodes() < 20


def test_a_program_with_one_backward_call_is_drawn_whole():
    record = sandbox.run(CUTS, seed=0)
    assert graph_options(record) == []
    assert default_graph(record) == WHOLE_RUN
    labels = {data["label"] for _, data in graph_for(record, WHOLE_RUN, AUTOGRAD).nodes(data=True)}
    assert "d" in labels  # made under no_grad, out of the call's reach


def test_a_stale_choice_falls_back_to_the_default():
    record = sandbox.run(LINEAR_REGRESSION, seed=0)
    assert chosen_graph(record, 7) == 7
    assert chosen_graph(record, WHOLE_RUN) == WHOLE_RUN
    assert chosen_graph(record, 99) == 19
    assert chosen_graph(record, "3") == 19


def test_literal_constants_keep_their_value_after_backward_freed_it():
    record = sandbox.run(CUTS, seed=0)
    graph = graph_for(record, WHOLE_RUN, AUTOGRAD)
    values = [data["value"] for _, data in graph.nodes(data=True) if data["kind"] == Kind.CONSTANT]
    assert "3." in values  # the 3 of `a * 3`, saved by MulBackward0 and freed by e.backward()


def test_show_values_puts_data_and_grad_on_each_tensor_of_the_autograd_view():
    record = sandbox.run(LINEAR_REGRESSION, seed=0)
    plain = graph_for(record, 19, AUTOGRAD)
    cards = graph_for(record, 19, AUTOGRAD, values=True)
    leaves = [node for node, data in cards.nodes(data=True) if data["kind"] == Kind.LEAF]
    assert leaves and all({kind for kind, _ in cards.nodes[node]["caption"]} == {"value", "grad"}
                          for node in leaves)
    assert all(plain.nodes[node]["caption"] == (("shape", "[1]"),) for node in leaves)


def test_the_grad_ledger_of_a_call_and_of_the_whole_run():
    record = sandbox.run(CUTS, seed=0)
    # de/da = 3 * a.mean() + (c + d.sum()) / 3 = 6 + 12 (b and d are cut off)
    assert grad_ledger(record, WHOLE_RUN) == [("a", "tensor([18., 18., 18.])")]
    loop = sandbox.run(LINEAR_REGRESSION, seed=0)
    assert [name for name, _ in grad_ledger(loop, 0)] == ["w", "b"]
