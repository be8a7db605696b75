"""The Backward page's call selection, failure hint and play state machine."""

from __future__ import annotations

import sandbox
from explorer.backwardplan import RootChoice, backward_program, forward_part, root_choices
from explorer.backwardsteps import Player, failure_hint, second_call, usable_calls
from explorer.runinfo import backward_calls

PROGRAM = ("import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\ny = x * x\nz = y.sum()\n"
           "z.backward()\n")


def _replayed(retain: bool, twice: bool):
    forward = sandbox.run(forward_part(PROGRAM), seed=0)
    choice = next(choice for choice in root_choices(forward, PROGRAM) if choice.expression == "z")
    script, _ = backward_program(PROGRAM, choice, "", retain_graph=retain, twice=twice)
    record = sandbox.run(script, seed=0)
    return record, backward_calls(record)


def test_calling_backward_twice_without_retain_graph_reports_the_second_error():
    record, calls = _replayed(retain=False, twice=True)
    assert usable_calls(calls) == [0]
    said = second_call(calls, record)
    assert said.message_id == "bw.second_error" and "second time" in said.error


def test_calling_backward_twice_with_retain_graph_accumulates():
    record, calls = _replayed(retain=True, twice=True)
    assert usable_calls(calls) == [0, 1]
    assert second_call(calls, record).message_id == "bw.accumulated"
    assert second_call(calls[:1], record) is None


def test_a_vector_root_without_a_gradient_gets_the_implicit_hint():
    vector = RootChoice("y", (2,), "")
    assert failure_hint(vector, "") == "bw.implicit"
    assert failure_hint(vector, "1, 1") is None
    assert failure_hint(RootChoice("z", (), ""), "") is None


def test_playing_steps_on_and_stops_at_the_end():
    player = Player(step=3, count=3).started()
    assert (player.step, player.playing) == (1, True)  # at the end, play starts over
    player = player.ticked().ticked()
    assert (player.step, player.playing, player.finished) == (3, True, True)
    player = player.ticked()
    assert (player.step, player.playing) == (3, False)


def test_moving_by_hand_pauses_and_stays_in_range():
    player = Player(step=2, count=4, playing=True)
    assert player.moved(delta=1) == Player(3, 4, False)
    assert player.moved(delta=-5) == Player(1, 4, False)
    assert player.moved(to=99) == Player(4, 4, False)
    assert Player(9, 4).ticked() == Player(4, 4, False)
    assert player.paused() == Player(2, 4, False)
