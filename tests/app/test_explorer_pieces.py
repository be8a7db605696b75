"""The app's plain modules: the form builder, URL state, training scripts, the Backward page's plan."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from explorer.backwardplan import (
    GradientInputError,
    RootChoice,
    backward_lines,
    forward_part,
    gradient_literal,
    program_backward_calls,
)
from explorer.codeedit import CodeEditError
from explorer.formbuilder import OPS, build_line, is_number
from explorer.presets import PRESETS, preset_code
from explorer.state import (
    clamp_int,
    decode_source,
    encode_source,
    lang_from_locale,
    nested_literal,
    parse_numbers,
)
from explorer.training import TrainingSettings, chart_lines, counterpart, training_script

ROOT = Path(__file__).resolve().parents[2]

# --- form builder ------------------------------------------------------------------------------------


def test_form_builds_an_assignment():
    assert build_line("mul", ["x", "3"], target="z") == "z = x * 3"
    assert build_line("exp", ["y"], target="e") == "e = torch.exp(y)"
    assert build_line("exp", ["y"], target="e", torch_name="T") == "e = T.exp(y)"


def test_form_builds_statements_without_a_target():
    assert build_line("backward", ["z"]) == "z.backward()"
    assert build_line("print_grad", ["model.weight"]) == "print(model.weight.grad)"


def test_form_builds_a_new_leaf_from_numbers():
    line = build_line("tensor", ["1, 2.5; -3"], target="a")
    assert line == "a = torch.tensor([1, 2.5, -3], requires_grad=True)"


@pytest.mark.parametrize(("op", "operands", "target", "message"), [
    ("mul", ["x", "__import__('os')"], "z", "form_bad_operand"),
    ("mul", ["x"], "z", "form_missing_operand"),
    ("mul", ["x", "2"], "for", "form_bad_target"),
    ("mul", ["x", "2"], "a b", "form_bad_target"),
    ("tensor", ["1, two"], "a", "form_bad_numbers"),
    ("backward", ["3"], None, "form_bad_operand"),
    ("nope", ["x"], "z", "form_unknown_op"),
])
def test_form_refuses_bad_input_with_a_message_id(op, operands, target, message):
    with pytest.raises(CodeEditError) as caught:
        build_line(op, operands, target=target)
    assert caught.value.message_id == message


def test_every_form_op_makes_valid_python():
    for op in OPS:
        operands = ["1, 2"] if op.id == "tensor" else ["x", "y"]
        ast.parse(build_line(op.id, operands, target="t"))


def test_numbers():
    assert is_number("-1.5e-3") and is_number(".5") and not is_number("1e") and not is_number("x")


# --- URL state ---------------------------------------------------------------------------------------


def test_locale_picks_vietnamese_only_for_vi():
    assert lang_from_locale("vi-VN") == "vi"
    assert lang_from_locale("VI") == "vi"
    assert lang_from_locale("en-US") == "en"
    assert lang_from_locale(None) == "en"


@pytest.mark.parametrize("preset", PRESETS, ids=lambda preset: preset.id)
def test_a_program_survives_the_url_round_trip(preset):
    token = encode_source(preset.code)
    assert decode_source(token) == preset.code
    assert all(char.isalnum() or char in "-_" for char in token)


def test_a_damaged_token_reads_as_none():
    token = encode_source(preset_code("seed10"))
    assert decode_source(token[:-7]) is None
    assert decode_source("%%%") is None
    assert decode_source("") in (None, "")


def test_parse_numbers_accepts_brackets_and_separators():
    assert parse_numbers("[0.1, 1.0; 2] 3") == [0.1, 1.0, 2.0, 3.0]
    with pytest.raises(CodeEditError):
        parse_numbers("1, x")


def test_nested_literal_follows_the_shape():
    assert nested_literal([1, 2, 3, 4], (2, 2)) == "[[1.0, 2.0], [3.0, 4.0]]"
    assert nested_literal([5], ()) == "5.0"


def test_clamp_int():
    assert clamp_int("7", 5, 1, 50) == 7
    assert clamp_int("abc", 5, 1, 50) == 5
    assert clamp_int("900", 5, 1, 50) == 50


# --- training scripts --------------------------------------------------------------------------------


def test_default_settings_write_the_seed_lessons_loop():
    script = training_script(TrainingSettings())
    assert "weights = torch.ones(4, requires_grad=True)" in script
    assert "for epoch in range(5):" in script
    assert "weights -= 0.001 * weights.grad" in script
    assert script.rstrip().endswith("weights.grad.zero_()")


@pytest.mark.parametrize("model", ["weights", "linear"])
@pytest.mark.parametrize("zero_at", ["before_backward", "after_step", "never"])
@pytest.mark.parametrize("update", ["manual", "sgd"])
def test_every_setting_writes_valid_python(model, zero_at, update):
    script = training_script(TrainingSettings(model=model, zero_at=zero_at, update=update, epochs=3, lr=0.01))
    ast.parse(script)
    assert ("zero_" in script) == (zero_at != "never")
    assert ("optim.SGD" in script) == (update == "sgd")


def test_zero_before_backward_guards_the_first_epoch():
    script = training_script(TrainingSettings(zero_at="before_backward"))
    assert "if weights.grad is not None:" in script
    assert script.index("zero_()") < script.index("backward()")


def test_counterpart_flips_between_never_and_zeroing():
    assert counterpart(TrainingSettings(zero_at="never")).zero_at == "after_step"
    assert counterpart(TrainingSettings(zero_at="before_backward")).zero_at == "never"


def test_settings_refuse_nonsense():
    with pytest.raises(ValueError):
        TrainingSettings(epochs=0)
    with pytest.raises(ValueError):
        TrainingSettings(zero_at="sometimes")


# --- the Backward page's plan ------------------------------------------------------------------------


def test_forward_part_stops_before_the_first_backward():
    source = preset_code("seed10")
    forward = forward_part(source)
    assert "z = z.mean()" in forward
    assert "backward" not in forward
    assert "print(x.grad)" not in forward


def test_forward_part_of_a_loop_with_backward_drops_the_loop():
    forward = forward_part(preset_code("seed_zero"))
    assert "for epoch" not in forward
    assert "weights = torch.ones(4, requires_grad=True)" in forward


def test_program_backward_calls_reads_receiver_and_gradient():
    assert program_backward_calls(preset_code("seed15")) == [("y", "w")]
    assert program_backward_calls("z.mean().backward()\n") == [("z.mean()", None)]


def test_gradient_literal_matches_the_root_shape():
    choice = RootChoice("y", (2, 2), "")
    assert gradient_literal("1, 2, 3, 4", choice) == "torch.tensor([[1.0, 2.0], [3.0, 4.0]])"
    assert gradient_literal("  ", choice) is None
    with pytest.raises(GradientInputError) as caught:
        gradient_literal("1, 2", choice)
    assert caught.value.message_id == "bw.gradient.count"
    with pytest.raises(GradientInputError):
        gradient_literal("1, a, 3, 4", choice)


def test_backward_lines():
    choice = RootChoice("y", (3,), "")
    assert backward_lines(choice, "torch.tensor([1.0, 1.0, 1.0])", True, True) == [
        "y.backward(torch.tensor([1.0, 1.0, 1.0]), retain_graph=True)"] * 2
    assert backward_lines(RootChoice("z", (), ""), None, False, False) == ["z.backward()"]


def test_explorer_does_not_import_streamlit():
    import subprocess
    import sys

    modules = [path.stem for path in (ROOT / "explorer").glob("*.py") if path.stem != "__init__"]
    code = "import sys\n" + "".join(f"import explorer.{name}\n" for name in modules) + \
        "print('streamlit' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


def test_chart_lines_fold_equal_entries_into_one_number():
    import numpy as np

    lines = chart_lines({"weights": np.full(4, 5.0), "w": np.array([1.0, 2.0]), "b": None})
    assert lines["weights"] == 5.0
    assert list(lines["w"]) == [1.0, 2.0]
    assert lines["b"] is None


def test_grads_by_tensor_keeps_tensor_nodes():
    from explorer.backwardplan import grads_by_tensor

    assert grads_by_tensor({"t:3": 1.0, "fn:2": 2.0, "chain:t:1": 3.0}) == {3: 1.0}


# --- the Training page's player ------------------------------------------------------------------------

import numpy as np  # noqa: E402

from explorer.training import (  # noqa: E402
    EpochRow,
    Playback,
    compare_caption_keys,
    grad_ledger,
    is_flat,
    playback_for,
)


def test_the_player_opens_on_the_finished_run():
    playback = Playback.finished(5)
    assert (playback.shown, playback.playing, playback.at_end) == (5, False, True)


def test_play_from_the_end_starts_over_and_ticks_to_the_last_epoch():
    playback = Playback.finished(3).play()
    assert (playback.shown, playback.playing) == (0, True)
    shown = []
    while playback.playing:
        playback = playback.tick()
        shown.append(playback.shown)
    assert shown == [1, 2, 3]
    assert playback.tick() == playback  # a stopped player does not move


def test_pause_keeps_the_epoch_and_play_resumes_from_it():
    playback = Playback(5, 0).play().tick().tick().toggle()
    assert (playback.shown, playback.playing) == (2, False)
    assert playback.toggle().tick().shown == 3


def test_step_shows_one_more_epoch_and_stops_playing_at_the_end():
    playback = Playback(2, 0, playing=True).step()
    assert (playback.shown, playback.playing) == (1, False)
    assert playback.step().step().shown == 2


def test_reset_empties_the_picture():
    assert Playback.finished(4).reset() == Playback(4, 0)


def test_new_settings_get_a_finished_player_and_the_same_settings_keep_theirs():
    settings = TrainingSettings(epochs=4)
    paused = Playback(4, 2)
    assert playback_for((settings, paused), settings) is paused
    assert playback_for((settings, paused), TrainingSettings(epochs=4, lr=0.01)) == Playback.finished(4)
    assert playback_for(None, settings) == Playback.finished(4)


def test_grad_ledger_splits_grad_into_before_and_this_backward():
    row = EpochRow(2, 1.0, grads={"w": np.array([10.0]), "b": np.array([3.0])}, values={},
                   grads_before={"w": np.array([5.0]), "b": None})
    entries = {entry.name: entry for entry in grad_ledger(row)}
    np.testing.assert_array_equal(entries["w"].contribution, [5.0])
    np.testing.assert_array_equal(entries["b"].contribution, [3.0])
    assert entries["b"].before is None


def test_the_caption_says_flat_only_when_the_line_is_flat():
    flat, staircase = [np.full(4, 5.0)] * 3, [np.full(4, 5.0 * k) for k in (1, 2, 3)]
    assert compare_caption_keys(flat, staircase) == ["tr.compare.what", "tr.compare.flat", "tr.compare.piles"]
    shrinking = [np.array([-30.0]), np.array([-20.0]), np.array([-12.0])]
    assert compare_caption_keys(shrinking, staircase)[1] == "tr.compare.moving"
    assert compare_caption_keys(flat[:1], staircase[:1])[2] == "tr.compare.same"
    assert is_flat([]) and not is_flat([np.array([1.0]), np.array([1.5])])


# --- where the form builder's line goes -------------------------------------------------------------------

from explorer.formbuilder import AT_END, default_position, insert_line, insert_positions  # noqa: E402

_LOOP = ("import torch\nw = torch.ones(2, requires_grad=True)\nfor _ in range(2):\n"
         "    loss = (w * 3).sum()\n    loss.backward()\n")


def test_the_default_place_is_before_the_first_backward_even_inside_a_loop():
    assert default_position(_LOOP) == 5
    assert insert_line(_LOOP, "print(loss)", 5).splitlines()[4] == "    print(loss)"


def test_without_backward_the_line_goes_at_the_end():
    source = "import torch\nx = torch.ones(2)\n"
    assert default_position(source) == AT_END
    assert insert_line(source, "y = x * 2", AT_END) == source + "y = x * 2\n"


def test_a_line_can_go_before_any_statement_but_not_inside_one():
    assert insert_positions(_LOOP) == [1, 2, 3, 4, 5, AT_END]
    assert insert_line(_LOOP, "print(w)", 3).splitlines()[2] == "print(w)"
    with pytest.raises(CodeEditError):
        insert_line("x = (1 +\n     2)\n", "print(x)", 2)
    assert insert_positions("x = = 1") == [AT_END]
