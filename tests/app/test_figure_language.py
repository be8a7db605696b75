"""The pages draw their figures in the reader's language: the legend, the node names and captions, the
backward pass's title and the training charts all follow the language picked in the sidebar."""

from __future__ import annotations

import json

import pytest

from explorer.presets import preset_code
from tests.app.conftest import figure_json, start


def _node_texts(figure: dict) -> str:
    labels = [trace.get("text") for trace in figure["data"]
              if (trace.get("meta") or {}).get("role") in ("nodes", "node_labels")]
    return json.dumps(labels, ensure_ascii=False)


def _legend(figure: dict) -> list[str]:
    return [trace["name"] for trace in figure["data"] if trace.get("showlegend", True) and trace.get("name")]


@pytest.mark.parametrize(("lang", "constant", "leaf"), [("vi", "hằng số", "tensor lá"),
                                                        ("en", "constant", "leaf tensor")])
def test_the_learn_page_graph_is_in_the_page_language(lang, constant, leaf):
    figure = figure_json(start(lang, query={"lesson": "grad_fn"}))
    assert leaf in _legend(figure)
    assert constant in _node_texts(figure)


def test_the_playground_names_unnamed_nodes_in_vietnamese_everywhere():
    at = start("vi", "app_pages/playground.py", program=preset_code("seed10"), query={"view": "tensor"})
    assert not at.exception
    texts = _node_texts(figure_json(at))
    assert "giá trị [" in texts and "hằng số" in texts
    assert "data [" not in texts and "constant" not in texts
    options = at.selectbox(key="node").options
    assert "hằng số" in options and "constant" not in options


def test_switching_language_redraws_the_graph():
    at = start("en", "app_pages/playground.py", program=preset_code("seed10"))
    assert "constant" in _node_texts(figure_json(at))
    at.sidebar.selectbox(key="lang").select("vi").run()
    assert not at.exception
    vietnamese = _node_texts(figure_json(at))
    assert "hằng số" in vietnamese and "constant" not in vietnamese


def test_the_backward_step_figure_is_in_vietnamese():
    at = start("vi", "app_pages/backward.py", program=preset_code("seed10"))
    assert not at.exception
    figure = figure_json(at)
    assert figure["layout"]["title"]["text"].startswith("<b>Bước 1/")
    assert "dòng gradient" in _legend(figure)
    assert "hằng số" in _node_texts(figure)


def test_the_training_charts_are_in_vietnamese():
    at = start("vi", "app_pages/training.py")
    assert not at.exception
    chart, staircase = figure_json(at, 0), figure_json(at, 1)
    titles = [note["text"] for note in chart["layout"]["annotations"]]
    assert titles == ["hàm mất mát", "gradient", "trọng số"]
    assert "có .grad.zero_()" in _legend(staircase)
