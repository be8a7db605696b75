"""What goes in the URL and how bad input from it (or from a text box) is read.

The program travels as a compact token (zlib + URL-safe base64) so shared links stay short; everything
else is small enough to be a plain query parameter.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from explorer.codeedit import CodeEditError
from explorer.formbuilder import is_number

LANGS = ("en", "vi")
MAX_SOURCE_CHARS = 20_000   # longer programs are refused rather than sent around in URLs


def lang_from_locale(locale: str | None) -> str:
    """The app language for a browser locale: Vietnamese for "vi", "vi-VN", ...; English otherwise."""
    return "vi" if (locale or "").strip().lower().startswith("vi") else "en"


def encode_source(source: str) -> str:
    """A URL-safe token for the program."""
    packed = zlib.compress(source.encode("utf-8"), level=9)
    return base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode_source(token: str) -> str | None:
    """The program a token holds, or None when the token is damaged (a truncated or edited link)."""
    try:
        padded = token + "=" * (-len(token) % 4)
        packed = base64.urlsafe_b64decode(padded.encode("ascii"))
        decompressor = zlib.decompressobj()
        raw = decompressor.decompress(packed, MAX_SOURCE_CHARS * 4)
        if decompressor.unconsumed_tail or not decompressor.eof:
            return None
        return raw.decode("utf-8")
    except (binascii.Error, zlib.error, UnicodeError, ValueError):
        return None


def parse_numbers(text: str) -> list[float]:
    """Numbers typed as "1, 0.5, -2" (commas, semicolons, spaces or brackets all separate).

    Raises:
        CodeEditError: "bad_numbers" when something is not a number.
    """
    cleaned = text.replace("[", " ").replace("]", " ").replace(";", ",").replace(",", " ")
    items = cleaned.split()
    if not items or not all(is_number(item) for item in items):
        raise CodeEditError("bad_numbers", text=text)
    return [float(item) for item in items]


def nested_literal(values: list[float], shape: tuple[int, ...]) -> str:
    """`values` laid out as a nested Python list of `shape`, e.g. [[1.0, 2.0], [3.0, 4.0]]."""
    if not shape:
        return _number(values[0])
    if len(shape) == 1:
        return "[" + ", ".join(_number(value) for value in values) + "]"
    step = len(values) // shape[0]
    rows = [nested_literal(values[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]
    return "[" + ", ".join(rows) + "]"


def _number(value: float) -> str:
    return repr(float(value))


def clamp_int(text: object, default: int, low: int, high: int) -> int:
    """An int read from user input (URL or form), falling back to `default` and clamped to [low, high]."""
    try:
        value = int(str(text))
    except (TypeError, ValueError):
        return default
    return max(low, min(high, value))


# --- query parameters --------------------------------------------------------------------------------
# The URL holds stable ids ("tensor", "never", "0.01"), never translated labels, so a link opens the same
# state in either language. Anything unreadable in a link is ignored (the default is kept).

@dataclass(frozen=True)
class Param:
    """One piece of page state that lives in the URL under `key` (also its session-state key)."""

    key: str
    default: Any
    choices: tuple[Any, ...] = ()      # allowed values; empty = any value of the default's type
    low: float | None = None
    high: float | None = None
    max_length: int = 200

    def parse(self, raw: str) -> Any:
        """The value `raw` stands for, or None when it is not a valid value."""
        kind = type(self.default) if self.default is not None else str
        try:
            if kind is bool:
                value: Any = {"1": True, "true": True, "0": False, "false": False}[raw.strip().lower()]
            elif kind is int:
                value = int(raw)
            elif kind is float:
                value = float(raw)
            else:
                value = raw if len(raw) <= self.max_length else None
        except (KeyError, ValueError):
            return None
        if value is None or (self.choices and value not in self.choices):
            return None
        if self.low is not None and value < self.low or self.high is not None and value > self.high:
            return None
        return value

    def format(self, value: Any) -> str:
        if isinstance(value, bool):
            return "1" if value else "0"
        return str(value)


def read_params(params: Mapping[str, str], specs: Mapping[str, Param]) -> dict[str, Any]:
    """The valid values among `params` (a URL's query), by key; invalid or unknown ones are dropped."""
    values = {}
    for key, raw in params.items():
        spec = specs.get(key)
        if spec is None or raw is None:
            continue
        value = spec.parse(raw)
        if value is not None:
            values[key] = value
    return values


def write_params(state: Mapping[str, Any], specs: Mapping[str, Param], keys: Iterable[str]) -> dict[str, str]:
    """The query for the page's `keys`: each value that differs from its default, as text."""
    query = {}
    for key in keys:
        spec = specs[key]
        value = state.get(key, spec.default)
        if value is not None and value != spec.default:
            query[key] = spec.format(value)
    return query
