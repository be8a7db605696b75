"""Every piece of page state a link carries, with its default and the values it may take.

The key of each entry is both the query parameter and the session-state key of the widget that shows it.
The program itself travels separately, as the compact `code` token (see explorer.state.encode_source).
"""

from __future__ import annotations

from explorer.lessons import LESSONS
from explorer.share import HIDE_PARAM, PRESENT_PARAM
from explorer.state import LANGS, Param
from explorer.training import LEARNING_RATES, MAX_EPOCHS, MODELS, UPDATES, ZERO_PLACES, TrainingSettings

VIEWS = ("autograd", "tensor")
PANELS = ("toggles", "form", "check", "downloads")
SPEEDS = ("slow", "normal", "fast")
READINGS = ("forward", "backward")

_TRAINING = TrainingSettings()

PARAMS: dict[str, Param] = {param.key: param for param in (
    Param("lang", "en", LANGS),
    # A teacher's lesson link: the parts of the page hidden (see explorer.share)
    Param(HIDE_PARAM, ""),
    # Learn
    Param("lesson", LESSONS[0].id, tuple(lesson.id for lesson in LESSONS)),
    # Playground
    Param("view", "autograd", VIEWS),
    Param("node", ""),
    Param("panel", "toggles", PANELS),
    Param("reading", "forward", READINGS),  # forward: inputs first; backward: the output first (torchviz)
    Param("present", False),  # presentation mode: the graph first, across the page, in big letters
    # Backward
    Param("bw_root", ""),
    Param("bw_grad", None),   # None: the root's own default; "" (typed empty) is kept in a link
    Param("bw_retain", False),
    Param("bw_twice", False),
    Param("bw_call", 0, low=0, high=10_000),
    Param("bw_step", 1, low=1, high=100_000),
    Param("bw_speed", "normal", SPEEDS),
    # Training
    Param("tr_model", _TRAINING.model, MODELS),
    Param("tr_epochs", _TRAINING.epochs, low=1, high=MAX_EPOCHS),
    Param("tr_lr", _TRAINING.lr, LEARNING_RATES),
    Param("tr_zero", _TRAINING.zero_at, ZERO_PLACES),
    Param("tr_update", _TRAINING.update, UPDATES),
)}

PAGE_PARAMS: dict[str, tuple[str, ...]] = {
    "learn": ("lesson",),
    "playground": ("view", "node", "panel", "reading", "present"),
    "backward": ("bw_root", "bw_grad", "bw_retain", "bw_twice", "bw_call", "bw_step", "bw_speed"),
    "training": ("tr_model", "tr_epochs", "tr_lr", "tr_zero", "tr_update"),
}
PAGES_WITH_CODE = ("playground", "backward")
# State that belongs to the link rather than to one page: kept on every page the viewer moves to.
LINK_PARAMS: tuple[str, ...] = tuple(key for key in (HIDE_PARAM, PRESENT_PARAM) if key in PARAMS)
