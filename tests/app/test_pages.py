"""The app driven in-process with AppTest: every page, both languages, presets, toggles, training grads."""

from __future__ import annotations

import re

import pytest

from explorer.i18n import t
from explorer.lessons import LESSONS
from explorer.presets import PRESETS, preset_code
from explorer.state import decode_source
from tests.app.conftest import PAGES, figure_json, start, texts

TITLES = {
    "app_pages/learn.py": "learn.title",
    "app_pages/playground.py": "pg.title",
    "app_pages/backward.py": "bw.title",
    "app_pages/training.py": "tr.title",
}


def test_app_starts_on_the_learn_page():
    at = start()
    assert not at.exception
    assert at.title[0].value == t("learn.title", "en")


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_in_both_languages(page, lang):
    at = start(lang, page)
    assert not at.exception, at.exception
    assert at.title[0].value == t(TITLES[page], lang)
    other = "en" if lang == "vi" else "vi"
    assert t(TITLES[page], other) not in texts(at)


def test_the_browser_locale_picks_the_language_and_the_link_overrides_it():
    assert start("vi").session_state["lang"] == "vi"
    assert start("en").session_state["lang"] == "en"
    assert start("vi", query={"lang": "en"}).session_state["lang"] == "en"


def test_switching_language_in_the_sidebar_changes_the_texts():
    at = start("en")
    at.sidebar.selectbox(key="lang").select("vi").run()
    assert not at.exception
    assert at.title[0].value == t("learn.title", "vi")
    at.switch_page("app_pages/playground.py").run()
    assert at.title[0].value == t("pg.title", "vi")


# --- Learn -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_every_lesson_shows_its_graph_and_reveals_its_answer(lesson):
    at = start("vi", query={"lesson": lesson.id})
    assert not at.exception
    assert figure_json(at)["data"], "the lesson's graph is empty"
    at.radio(key=f"learn_answer_{lesson.id}").set_value(lesson.answer).run()
    at.button(key=f"learn_reveal_{lesson.id}").click().run()
    assert at.success[0].value == t("learn.right", "vi")
    assert any(t(f"lesson.{lesson.id}.explain", "vi") == element.value for element in at.markdown)


def test_a_wrong_prediction_names_the_right_answer():
    lesson = LESSONS[3]
    at = start("en", query={"lesson": lesson.id})
    at.radio(key=f"learn_answer_{lesson.id}").set_value(0).run()
    at.button(key=f"learn_reveal_{lesson.id}").click().run()
    assert "10., 10., 10., 10." in at.warning[0].value
    assert "tensor([5., 5., 5., 5.])" in texts(at)


def test_open_in_playground_loads_the_lesson_code():
    lesson = LESSONS[1]
    at = start("en", query={"lesson": lesson.id})
    at.button(key=f"learn_open_{lesson.id}").click().run()
    assert not at.exception
    assert at.session_state["program"] == lesson.code
    # AppTest does not follow st.switch_page (the browser test does): go there as the switch would.
    at.switch_page("app_pages/playground.py").run()
    assert at.text_area(key="pg_code").value == lesson.code


# --- Playground --------------------------------------------------------------------------------------


@pytest.mark.parametrize("preset", PRESETS, ids=lambda preset: preset.id)
def test_every_preset_runs_without_an_error(preset):
    at = start("en", "app_pages/playground.py")
    at.selectbox(key="pg_preset").select(preset.id).run()
    assert not at.exception
    assert at.session_state["program"] == preset.code
    assert not at.error, [element.value for element in at.error]
    assert t("common.output", "en") in [caption.value for caption in at.caption], "no output panel"


def test_the_seed_preset_prints_what_torch_prints():
    at = start("en", "app_pages/playground.py", program=preset_code("seed10"))
    output = next(element.value for element in at.text if "tensor([1., 1., 1.])" in element.value)
    assert "grad_fn=<AddBackward0>" in output
    assert "<AddBackward0 object at 0x" in output


def test_the_program_is_kept_in_the_url():
    at = start("en", "app_pages/playground.py", program=preset_code("seed16"))
    token = at.query_params["code"]
    assert decode_source(token if isinstance(token, str) else token[0]) == preset_code("seed16")
    assert at.query_params["lang"] in ("en", ["en"])


def test_a_link_with_code_opens_that_program():
    from explorer.state import encode_source

    at = start("en", "app_pages/playground.py", query={"code": encode_source(preset_code("seed18"))})
    assert at.session_state["program"] == preset_code("seed18")


def test_a_broken_link_says_so_and_keeps_the_default_program():
    at = start("en", "app_pages/playground.py", query={"code": "not-a-program"})
    assert not at.exception
    assert at.warning[0].value == t("common.bad_link", "en")


def test_an_error_shows_its_line_and_torch_message_and_keeps_the_code():
    broken = "import torch\nx = torch.ones(3)\ny = x.backward()\n"
    at = start("en", "app_pages/playground.py", program=broken)
    assert not at.exception
    message = at.error[0].value
    assert "element 0 of tensors does not require grad and does not have a grad_fn" in message
    assert "  3 | y = x.backward()" in message
    assert at.text_area(key="pg_code").value == broken


def test_a_syntax_error_is_reported_not_raised():
    at = start("en", "app_pages/playground.py", program="import torch\nx = (\n")
    assert not at.exception
    assert at.error
    assert at.session_state["program"] == "import torch\nx = (\n"


def _leaf_checkbox_key(at) -> str:
    return next(box.key for box in at.checkbox if box.key.startswith("pg_rg_") and box.key.endswith(":x"))


def test_the_requires_grad_toggle_edits_the_code_and_the_figure():
    at = start("en", "app_pages/playground.py", program=preset_code("seed7"))
    before = figure_json(at)
    at.checkbox(key=_leaf_checkbox_key(at)).uncheck().run()
    assert not at.exception
    program = at.session_state["program"]
    assert "x = torch.randn(3)\n" in program
    assert "-x = torch.randn(3, requires_grad=True)" in at.session_state["program_diff"]
    after = figure_json(at)
    assert after != before
    names = _node_names(after)
    assert "AddBackward0" in _node_names(before) and "AddBackward0" not in names


def test_the_detach_toggle_edits_the_code_and_cuts_the_graph():
    at = start("en", "app_pages/playground.py", program=preset_code("seed7"))
    before = _node_names(figure_json(at))
    key = next(box.key for box in at.checkbox if box.key.startswith("pg_dt_") and box.key.endswith(":y"))
    at.checkbox(key=key).check().run()
    assert "y = (x + 2).detach()" in at.session_state["program"]
    after = _node_names(figure_json(at))
    assert before.count("AddBackward0") > after.count("AddBackward0")


def test_the_no_grad_toggle_wraps_the_statement_and_changes_the_figure():
    at = start("en", "app_pages/playground.py", program=preset_code("seed7"))
    before = figure_json(at)
    line = preset_code("seed7").splitlines().index("z = y * 3") + 1
    at.checkbox(key=f"pg_ng_{line}").check().run()
    assert "with torch.no_grad():\n    z = y * 3" in at.session_state["program"]
    after = figure_json(at)
    assert "MulBackward0" in _node_names(before) and "MulBackward0" not in _node_names(after)
    at.button(key="pg_undo").click().run()
    assert at.session_state["program"] == preset_code("seed7")


def test_the_form_builder_appends_a_line():
    at = start("en", "app_pages/playground.py", program=preset_code("seed3"), query={"panel": "form"})
    at.selectbox(key="pg_form_op").select("mul")
    at.selectbox(key="pg_form_a").select("y")
    at.selectbox(key="pg_form_b").select("x")
    at.text_input(key="pg_form_target").set_value("w")
    at.button[-1].click().run()
    assert not at.exception
    assert at.session_state["program"].endswith("w = y * x\n")
    assert "MulBackward0" in _node_names(figure_json(at))


@pytest.mark.parametrize(("values", "target", "message", "culprit"), [
    ("1, two", "a", "form_bad_numbers", "1, two"),
    ("1, 2", "1abc", "form_bad_target", "1abc"),
])
def test_the_form_builder_refuses_bad_input_without_touching_the_code(values, target, message, culprit):
    at = start("en", "app_pages/playground.py", program=preset_code("seed3"), query={"panel": "form"})
    at.selectbox(key="pg_form_op").select("tensor")
    at.text_input(key="pg_form_values").set_value(values)
    at.text_input(key="pg_form_target").set_value(target)
    at.button[-1].click().run()
    assert at.error[0].value == t(message, "en", text=culprit)
    assert at.session_state["program"] == preset_code("seed3")


def test_selecting_a_node_fills_the_inspector():
    at = start("en", "app_pages/playground.py", program=preset_code("seed10"))
    leaf = next(node for node in at.selectbox(key="node").options if node.startswith("x"))
    at.selectbox(key="node").select(leaf).run()
    assert not at.exception
    table = at.table[0].value
    # Cells are markdown, escaped so that they show as typed; un-escaped is what the reader sees.
    shown = re.sub(r"\\(.)", r"\1", " ".join(str(value) for value in table.iloc[:, 1]))
    assert "tensor([1., 1., 1.])" in shown
    assert "True" in shown


def test_the_inspector_shows_code_as_code_not_markdown():
    program = "import torch\nx = torch.ones(3, requires_grad=True)\ny = x + 1\nz = y*y*3\n"
    at = start("en", "app_pages/playground.py", program=program)
    z = next(node for node in at.selectbox(key="node").options if node.startswith("z"))
    at.selectbox(key="node").select(z).run()
    assert not at.exception
    cells = " ".join(str(value) for value in at.table[0].value.iloc[:, 1])
    assert r"z = y\*y\*3" in cells


def test_the_gradient_check_agrees_with_autograd():
    at = start("en", "app_pages/playground.py", program=preset_code("seed15"), query={"panel": "check"})
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.iloc[:, 0]) == ["x"]
    assert list(table.iloc[:, -1]) == [t("pg.check.yes", "en")]


def test_the_view_switch_draws_the_tensor_view():
    at = start("en", "app_pages/playground.py", program=preset_code("seed10"))
    autograd = figure_json(at)
    at.segmented_control(key="view").set_value("tensor").run()
    assert figure_json(at) != autograd
    assert "AccumulateGrad" not in _node_names(figure_json(at))


def test_a_page_switch_keeps_the_users_code():
    mine = "import torch\nq = torch.ones(2, requires_grad=True)\nr = q * 4\n"
    at = start("en", "app_pages/playground.py", program=mine)
    at.switch_page("app_pages/training.py").run()
    at.switch_page("app_pages/playground.py").run()
    assert at.text_area(key="pg_code").value == mine


def _node_names(figure: dict) -> list[str]:
    names = []
    for trace in figure["data"]:
        for text in trace.get("hovertext") or trace.get("text") or []:
            if isinstance(text, str):
                names.extend(re.findall(r"[A-Z][A-Za-z]*Backward\d|AccumulateGrad", text))
    return names


# --- Backward ----------------------------------------------------------------------------------------


def test_stepping_to_the_end_shows_the_leaf_grad():
    at = start("en", "app_pages/backward.py", program=preset_code("seed10"))
    assert not at.exception
    at.button(key="bw_last").click().run()
    assert not at.exception
    assert "x.grad = tensor([1., 1., 1.])" in texts(at)
    at.button(key="bw_first").click().run()
    at.button(key="bw_next").click().run()
    assert t("bw.step_of", "en", k=2, n=len(_steps(at))) in texts(at)


def _steps(at) -> list[int]:
    slider = at.slider(key="bw_step")
    return list(range(int(slider.min), int(slider.max) + 1))


def test_a_non_scalar_root_without_gradient_is_a_teaching_moment():
    at = start("en", "app_pages/backward.py", program=preset_code("seed15"))
    at.text_input(key="bw_grad").set_value("").run()
    assert not at.exception
    assert at.info[0].value == t("bw.implicit", "en")
    assert "grad can be implicitly created only for scalar outputs" in texts(at)


def test_the_vector_jacobian_product_with_the_seeds_vector():
    at = start("en", "app_pages/backward.py", program=preset_code("seed15"))
    at.button(key="bw_last").click().run()
    assert "x.grad = tensor([2.0480e+02, 2.0480e+03, 2.0480e-01, 2.0480e+01, 2.0480e+00])" in texts(at)


def test_a_gradient_of_the_wrong_length_is_refused_clearly():
    at = start("en", "app_pages/backward.py", program=preset_code("seed15"))
    at.text_input(key="bw_grad").set_value("1, 2").run()
    assert at.error[0].value == t("bw.gradient.count", "en", n=5, m=2)


def test_backward_twice_without_retain_graph_shows_torchs_error():
    at = start("en", "app_pages/backward.py", program=preset_code("seed10"))
    at.toggle(key="bw_twice").set_value(True).run()
    assert not at.exception
    assert "Trying to backward through the graph a second time" in texts(at)


def test_backward_twice_with_retain_graph_accumulates():
    at = start("en", "app_pages/backward.py", program=preset_code("seed10"))
    at.toggle(key="bw_retain").set_value(True)
    at.toggle(key="bw_twice").set_value(True).run()
    at.segmented_control(key="bw_call").set_value(1).run()
    at.button(key="bw_last").click().run()
    assert "x.grad = tensor([2., 2., 2.])" in texts(at)


# --- Training ----------------------------------------------------------------------------------------


def _grad_column(at) -> list[str]:
    table = at.dataframe[0].value
    return list(table[t("tr.col.grad", "en", name="weights")])


def test_training_with_zero_keeps_the_gradient_flat():
    at = start("en", "app_pages/training.py")
    assert _grad_column(at) == ["tensor([5., 5., 5., 5.])"] * 5


def test_training_without_zero_climbs_a_staircase():
    at = start("en", "app_pages/training.py", query={"tr_zero": "never"})
    assert _grad_column(at) == [f"tensor([{k}., {k}., {k}., {k}.])" for k in (5, 10, 15, 20, 25)]


@pytest.mark.parametrize("zero_at", ["before_backward", "after_step"])
def test_training_with_sgd_zeroing_anywhere_keeps_it_flat(zero_at):
    at = start("en", "app_pages/training.py", query={"tr_zero": zero_at, "tr_update": "sgd"})
    assert _grad_column(at) == ["tensor([5., 5., 5., 5.])"] * 5


def test_the_staircase_figure_sets_the_flat_line_next_to_the_staircase():
    from figures import text as figure_text

    at = start("vi", "app_pages/training.py")
    staircase = figure_json(at, 1)
    lines = {trace["name"]: [round(float(value), 4) for value in _ys(trace)] for trace in staircase["data"]}
    assert lines[figure_text("chart.with_zero", "vi")] == [5.0] * 5
    assert lines[figure_text("chart.without_zero", "vi")] == [5.0, 10.0, 15.0, 20.0, 25.0]


def _ys(trace: dict) -> list[float]:
    values = trace["y"]
    if isinstance(values, dict):  # plotly's typed-array encoding
        import base64

        import numpy as np

        return list(np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]))
    return values


def test_training_linear_regression_learns():
    query = {"tr_model": "linear", "tr_epochs": "30", "tr_lr": "0.02"}
    at = start("en", "app_pages/training.py", query=query)
    assert not at.exception
    losses = list(at.dataframe[0].value[t("tr.col.loss", "en")])
    assert losses[-1] < losses[0] / 10


def test_training_code_opens_in_the_playground():
    at = start("en", "app_pages/training.py", query={"tr_zero": "never"})
    at.button(key="tr_open").click().run()
    assert "weights.grad.zero_()" not in at.session_state["program"]
    at.switch_page("app_pages/playground.py").run()
    assert "weights.grad.zero_()" not in at.text_area(key="pg_code").value


def test_a_loop_program_replays_its_own_backward_calls():
    at = start("en", "app_pages/backward.py", program=preset_code("seed_zero"))
    assert not at.exception
    assert at.info[0].value == t("bw.own_calls", "en")
    at.selectbox(key="bw_call").select(2).run()
    at.button(key="bw_last").click().run()
    assert "weights.grad = tensor([5., 5., 5., 5.])" in texts(at)


@pytest.mark.parametrize("preset", PRESETS, ids=lambda preset: preset.id)
def test_every_preset_steps_through_backward(preset):
    at = start("vi", "app_pages/backward.py", program=preset.code)
    assert not at.exception
    if preset.id in ("seed18", "seed19"):
        assert at.info[0].value == t("bw.no_roots", "vi")  # nothing there has a grad_fn
        return
    at.button(key="bw_last").click().run()
    assert not at.exception
    assert t("bw.done", "vi") in texts(at)


# --- the Training page's player ------------------------------------------------------------------------

def test_training_reset_then_step_shows_one_epoch_at_a_time():
    at = start("en", "app_pages/training.py", query={"tr_zero": "never"})
    at.button(key="tr_reset").click().run()
    assert _grad_column(at) == []
    assert t("tr.not_started", "en") in texts(at)
    at.button(key="tr_step").click().run()
    at.button(key="tr_step").click().run()
    assert _grad_column(at) == ["tensor([5., 5., 5., 5.])", "tensor([10., 10., 10., 10.])"]
    ledger = at.table[0].value
    assert list(ledger[t("tr.col.before", "en")]) == ["tensor([5., 5., 5., 5.])"]
    assert list(ledger[t("tr.col.contribution", "en")]) == ["tensor([5., 5., 5., 5.])"]
    assert list(ledger[t("tr.col.after", "en")]) == ["tensor([10., 10., 10., 10.])"]


def test_training_play_turns_into_pause_and_draws_the_first_epoch():
    at = start("en", "app_pages/training.py")
    at.button(key="tr_play").click().run()
    assert at.button(key="tr_play").label == t("tr.pause", "en")
    assert len(_grad_column(at)) == 1
    at.button(key="tr_play").click().run()
    assert at.button(key="tr_play").label == t("tr.play", "en")


def test_training_caption_does_not_call_a_moving_line_flat():
    at = start("en", "app_pages/training.py", query={"tr_model": "linear", "tr_lr": "0.02"})
    captions = texts(at)
    assert t("tr.compare.moving", "en") in captions
    assert t("tr.compare.flat", "en") not in captions


# --- Learn: no verdict without an answer; opening a lesson just loads it ----------------------------------

def test_revealing_without_an_answer_shows_the_answer_and_no_verdict():
    lesson = LESSONS[0]
    at = start("en", query={"lesson": lesson.id})
    assert "Not quite" not in texts(at)
    at.button(key=f"learn_reveal_{lesson.id}").click().run()
    shown = texts(at)
    assert "Not quite" not in shown
    assert t("learn.answer", "en", answer=t(lesson.choices[lesson.answer], "en")) in shown


def test_opening_a_lesson_in_the_playground_shows_no_diff():
    lesson = LESSONS[3]
    at = start("en", query={"lesson": lesson.id})
    at.button(key=f"learn_open_{lesson.id}").click().run()
    at.switch_page("app_pages/playground.py").run()
    assert at.text_area(key="pg_code").value == lesson.code
    assert t("pg.changed", "en") not in texts(at)
    assert not at.button(key="pg_undo").disabled  # the old program is one Undo away


# --- the form builder's insert position ------------------------------------------------------------------

def test_the_form_builder_puts_the_line_before_the_first_backward_by_default():
    at = start("en", "app_pages/playground.py", program=preset_code("seed10"), query={"panel": "form"})
    at.selectbox(key="pg_form_op").select("print_grad")
    at.selectbox(key="pg_form_a").select("x")
    at.button[-1].click().run()
    lines = at.session_state["program"].splitlines()
    backward = next(i for i, line in enumerate(lines) if ".backward(" in line)
    assert lines[backward - 1] == "print(x.grad)"


def test_the_form_builder_can_put_the_line_at_the_end():
    at = start("en", "app_pages/playground.py", program=preset_code("seed10"), query={"panel": "form"})
    at.selectbox(key="pg_form_op").select("print_grad")
    at.selectbox(key="pg_form_a").select("x")
    at.selectbox(key="pg_form_where").select(0)
    at.button[-1].click().run()
    assert at.session_state["program"].endswith("print(x.grad)\n")


def _label_fonts(figure: dict) -> set[float]:
    return {trace["textfont"]["size"] for trace in figure["data"]
            if trace.get("meta", {}).get("role") in ("nodes", "node_labels") and trace.get("text")}


def test_a_presentation_link_draws_the_graph_first_with_16_px_labels():
    at = start("vi", "app_pages/playground.py", program=preset_code("seed10"), query={"present": "true"})
    assert not at.exception
    assert _label_fonts(figure_json(at)) == {16}
    assert "present" in at.query_params  # the link keeps it
    at.toggle(key="present").set_value(False).run()
    assert _label_fonts(figure_json(at)) == {12}
    assert "present" not in at.query_params  # the default stays out of the link


def test_a_training_loop_opens_on_its_last_backward_call_and_switches_to_the_whole_run():
    from tests.figures.learner_programs import MLP_TRAINING

    at = start("en", "app_pages/playground.py", program=MLP_TRAINING)
    assert not at.exception
    chooser = at.selectbox(key="pg_call")
    assert chooser.value == 49 and t("pg.graph_of.call", "en", k=50, n=50, line=11) in chooser.options
    one = len(_node_names(figure_json(at)))
    chooser.select(-1).run()
    assert len(_node_names(figure_json(at))) > 3 * one
