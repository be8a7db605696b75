"""Every word a figure shows comes from the catalogue in the reader's language: drawn in Vietnamese, no
figure of a seed program shows an English-only word of the catalogue (names from the code and torch's
own names, like `AccumulateGrad` or `.grad`, stay as they are)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import plotly.graph_objects as go
import pytest

from figures import TEXTS, node_lines, node_name
from figures.labels import caption_texts
from graph import CaptionLine, Kind, to_dot
from tests.figures.seed_figures import (
    SEED_PROGRAMS,
    WIDE,
    Drawn,
    animation,
    backward_figures,
    charts,
    graph_figures,
)

_TAGS = re.compile(r"<[^>]+>")
_PLACEHOLDER = re.compile(r"\{[a-z]+\}")


def _english_only() -> list[str]:
    """Catalogue texts whose English differs from every Vietnamese text (so seeing one is a leak)."""
    vietnamese = " ".join(entry["vi"] for entry in TEXTS.values()).lower()
    found = set()
    for entry in TEXTS.values():
        for piece in _PLACEHOLDER.split(entry["en"]):
            piece = piece.strip(" :·—")
            if len(piece) >= 3 and piece.lower() not in vietnamese:
                found.add(piece)
    return sorted(found, key=len, reverse=True)


ENGLISH_ONLY = _english_only()


def _texts_of(data: go.Scatter | go.Frame) -> Iterator[str]:
    if isinstance(data, go.Frame):
        if data.layout and data.layout.title and data.layout.title.text:
            yield data.layout.title.text
        for trace in data.data:
            yield from _texts_of(trace)
        return
    if data.showlegend is not False and data.name:
        yield data.name
    for values in (data.text, data.hovertext):
        if isinstance(values, str):
            yield values
        elif values is not None:
            yield from (str(value) for value in values)


def shown_texts(figure: go.Figure) -> list[str]:
    """Every text a reader may see on the figure: legend, labels, hover cards, titles, controls."""
    layout = figure.layout
    texts = [text for trace in figure.data for text in _texts_of(trace)]
    texts += [text for frame in figure.frames or () for text in _texts_of(frame)]
    texts += [note.text for note in layout.annotations]
    if layout.title and layout.title.text:
        texts.append(layout.title.text)
    for menu in layout.updatemenus:
        texts += [button.label for button in menu.buttons]
    for slider in layout.sliders:
        texts.append(slider.currentvalue.prefix or "")
    for key, value in layout.to_plotly_json().items():
        if key.startswith(("xaxis", "yaxis")) and value.get("title", {}).get("text"):
            texts.append(value["title"]["text"])
    return [html.unescape(_TAGS.sub(" ", text)) for text in texts]


def _own_words(drawn: Drawn) -> list[str]:
    """What the program itself wrote (names, source lines): it may be in any language."""
    if drawn.graph is None:
        return [str(trace.name) for trace in drawn.figure.data if trace.name]
    words = []
    for _, data in drawn.graph.nodes(data=True):
        words += [str(data[key]) for key in ("label", "variable", "source") if data.get(key)]
    return sorted(words, key=len, reverse=True)


def leaks(drawn: Drawn) -> list[tuple[str, str]]:
    """(English word, the text it was found in) for each English-only catalogue word shown."""
    found = []
    own = _own_words(drawn)
    for text in shown_texts(drawn.figure):
        for word in own:
            text = re.sub(rf"(?<![\w.]){re.escape(word)}(?!\w)", " ", text)
        for english in ENGLISH_ONLY:
            # `dtype=None` is torch's own attribute name, not the catalogue's word.
            if re.search(rf"(?<![\w.]){re.escape(english)}(?![\w=(])", text):
                found.append((english, text))
    return found


def _every_figure(name: str, lang: str) -> Iterator[Drawn]:
    yield from graph_figures(name, lang)
    yield from backward_figures(name, lang, WIDE)
    drawn = animation(name, lang)
    if drawn is not None:
        yield drawn
    yield from charts(name, lang)


def test_the_catalogue_has_english_only_words_to_look_for():
    assert {"constant", "data", "leaf tensor", "no_grad region", "Play"} <= set(ENGLISH_ONLY)


@pytest.mark.parametrize("name", sorted(SEED_PROGRAMS))
def test_vietnamese_figures_show_no_english_catalogue_word(name):
    drawn_any = False
    for drawn in _every_figure(name, "vi"):
        drawn_any = True
        assert leaks(drawn) == [], drawn.label
    assert drawn_any


@pytest.mark.parametrize("name", ["lesson:grad_fn", "preset:seed10"])
def test_the_check_finds_the_english_of_an_english_figure(name):
    # The same check on the English figures finds the words, so the Vietnamese pass means something.
    words = {english for drawn in graph_figures(name, "en") for english, _ in leaks(drawn)}
    assert {"constant", "leaf tensor"} <= words


def test_unnamed_nodes_and_caption_words_are_translated():
    constant = {"kind": Kind.CONSTANT, "label": None, "caption": ((CaptionLine.VALUE, "3."),)}
    tensor = {"kind": Kind.TENSOR, "label": None,
              "caption": ((CaptionLine.VALUE, "[1., 2.]"), (CaptionLine.GRAD, "[1., 1.]"))}
    assert node_lines(constant, "vi") == ["hằng số", "3."]
    assert node_lines(constant, "en") == ["constant", "3."]
    assert caption_texts(tensor, "vi") == ["giá trị [1., 2.]", "grad [1., 1.]"]
    assert caption_texts(tensor, "en") == ["data [1., 2.]", "grad [1., 1.]"]
    named = {"kind": Kind.GRAD_FN, "label": "MulBackward0", "caption": ()}
    assert node_name(named, "vi") == "MulBackward0"  # torch's names stay as torch prints them


def test_dot_export_takes_the_words_of_the_reader():
    drawn = next(graph_figures("lesson:grad_fn", "vi"))
    vietnamese = to_dot(drawn.graph, lines=lambda data: node_lines(data, "vi"))
    assert "hằng số" in vietnamese and '"constant' not in vietnamese
    assert "AccumulateGrad" in vietnamese
