"""Torch-identical text for tensors, computed from numpy arrays and a little metadata.

This module knows nothing about the Tensor class: ``Tensor.__repr__`` hands it the data array and
the autograd flags, and gets back exactly what PyTorch would print for the same tensor.

How PyTorch lays a tensor out, in short:

* One element formatter is chosen per tensor, from the (summarised) values: integer mode when every
  finite non-zero float is a whole number (printed ``1.``), scientific mode when the magnitudes span
  more than three decades, exceed 1e8 or fall below 1e-4, fixed mode otherwise. Every element is
  right-aligned to the widest finite non-zero element.
* Rows wrap so that ``element width + 2`` fits into the line width left after the indentation.
* Nested dimensions are joined by ``,`` plus one newline per remaining dimension.
* Suffixes (``dtype=``, ``grad_fn=``, ...) follow the data, each moving to a new line when it would
  overflow the line width.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Iterator
from typing import Any

import numpy as np

__all__ = [
    "PrintOptions",
    "dtype_repr",
    "format_tensor",
    "get_printoptions",
    "printoptions",
    "set_printoptions",
    "size_repr",
    "tensor_repr",
]

_PREFIX = "tensor("
_PARAMETER_HEADER = "Parameter containing:\n"

# Dtypes that torch prints without a ``dtype=`` suffix (with float32 as the default float dtype).
_SUFFIXLESS_DTYPES = frozenset({np.dtype(np.float32), np.dtype(np.int64), np.dtype(np.bool_)})
_DEFAULT_FLOAT_DTYPE = np.dtype(np.float32)


def set_default_float(float_dtype: np.dtype) -> None:
    """torch.set_default_dtype: tensors of the new default float dtype print without a dtype suffix."""
    global _DEFAULT_FLOAT_DTYPE, _SUFFIXLESS_DTYPES
    _DEFAULT_FLOAT_DTYPE = np.dtype(float_dtype)
    _SUFFIXLESS_DTYPES = frozenset({_DEFAULT_FLOAT_DTYPE, np.dtype(np.int64), np.dtype(np.bool_)})

# Bool, every integer width and float16/32/64: numpy's name for each is torch's, after "torch.".
_PRINTABLE_DTYPES = frozenset(np.dtype(code) for code in np.typecodes["AllInteger"] + "?efd")
_NAMED_DTYPES = _PRINTABLE_DTYPES | {np.dtype(np.complex64), np.dtype(np.complex128)}

# Thresholds torch uses to switch a float tensor to scientific notation.
_SCI_RATIO = 1000.0
_SCI_MAX = 1.0e8
_SCI_MIN = 1.0e-4


@dataclasses.dataclass
class PrintOptions:
    """The current print options; field order matches ``torch._tensor_str.get_printoptions()``."""

    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


_PROFILES: dict[str, tuple[int, float, int, int]] = {
    "default": (4, 1000, 3, 80),
    "short": (2, 1000, 2, 80),
    "full": (4, math.inf, 3, 80),
}

_OPTIONS = PrintOptions()


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Change how tensors print, with ``torch.set_printoptions`` semantics.

    Args:
        precision: digits after the decimal point (default 4).
        threshold: element count above which output is summarised with ``...`` (default 1000).
        edgeitems: items kept at each end of a summarised dimension (default 3).
        linewidth: characters per line before rows wrap (default 80).
        profile: ``"default"``, ``"short"`` or ``"full"``, applied before the other arguments;
            an unknown name is ignored, as torch does.
        sci_mode: force (True) or forbid (False) scientific notation. Like torch, every call sets
            it, so leaving it out restores automatic choice.
    """
    if profile in _PROFILES:
        (
            _OPTIONS.precision,
            _OPTIONS.threshold,
            _OPTIONS.edgeitems,
            _OPTIONS.linewidth,
        ) = _PROFILES[profile]
    if precision is not None:
        _OPTIONS.precision = precision
    if threshold is not None:
        _OPTIONS.threshold = threshold
    if edgeitems is not None:
        _OPTIONS.edgeitems = edgeitems
    if linewidth is not None:
        _OPTIONS.linewidth = linewidth
    _OPTIONS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """Return the current options as a dict that ``set_printoptions(**options)`` accepts."""
    return dataclasses.asdict(_OPTIONS)


@contextlib.contextmanager
def printoptions(**options: Any) -> Iterator[None]:
    """Temporarily change the print options (same keywords as ``set_printoptions``)."""
    saved = get_printoptions()
    set_printoptions(**options)
    try:
        yield
    finally:
        set_printoptions(**saved)


def dtype_repr(np_dtype: Any) -> str:
    """Return torch's name for a numpy dtype, e.g. ``"torch.float32"``.

    Args:
        np_dtype: anything ``numpy.dtype`` accepts.

    Returns:
        The text ``repr(torch_dtype)`` gives.
    """
    dtype = np.dtype(np_dtype)
    if dtype not in _NAMED_DTYPES:
        raise TypeError(f"no torch dtype corresponds to numpy dtype {dtype}")
    return f"torch.{dtype.name}"


def size_repr(shape: tuple[int, ...]) -> str:
    """Return ``repr(torch.Size(shape))``, e.g. ``"torch.Size([2, 3])"``."""
    return f"torch.Size([{', '.join(str(int(n)) for n in shape)}])"


def _shape_text(shape: tuple[int, ...]) -> str:
    # torch prints the shape as a Python tuple, so a 1-d shape keeps its trailing comma.
    return str(tuple(int(n) for n in shape))


class _ElementFormatter:
    """Formats every element of one tensor to a common mode and width."""

    def __init__(self, sample: np.ndarray, options: PrintOptions) -> None:
        self.precision = options.precision
        self.is_float = sample.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        if self.is_float:
            self._choose_float_mode(sample.reshape(-1), options.sci_mode)
        else:
            for value in _unique_python_values(sample):
                self.width = max(self.width, len(str(value)))

    def _choose_float_mode(self, flat: np.ndarray, forced_sci: bool | None) -> None:
        measured = flat[np.isfinite(flat) & (flat != 0)]
        # With nothing finite and non-zero to measure, torch keeps integer mode and width 1,
        # and ignores a forced sci_mode.
        if measured.size == 0:
            return
        magnitudes = np.abs(measured).astype(np.float64)
        smallest, largest = float(magnitudes.min()), float(magnitudes.max())
        self.int_mode = bool(np.all(np.ceil(measured) == measured))
        if forced_sci is None:
            self.sci_mode = largest / smallest > _SCI_RATIO or largest > _SCI_MAX or smallest < _SCI_MIN
        else:
            self.sci_mode = forced_sci
        for value in _unique_python_values(measured):
            self.width = max(self.width, self._measured_length(value))

    def _measured_length(self, value: float) -> int:
        if self.sci_mode:
            return len(f"{value:.{self.precision}e}")
        if self.int_mode:
            # The trailing "." that marks a whole-number float counts towards the width.
            return len(f"{value:.0f}") + 1
        return len(f"{value:.{self.precision}f}")

    def format(self, value: float | int | bool) -> str:
        """Return one element, right-aligned to the common width."""
        if not self.is_float:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:{self.width}.{self.precision}e}"
        elif self.int_mode:
            text = f"{value:.0f}"
            if math.isfinite(value):
                text += "."
        else:
            text = f"{value:.{self.precision}f}"
        return text.rjust(self.width)


def _unique_python_values(values: np.ndarray) -> list[Any]:
    # Equal values format identically, so measuring each distinct value once is enough.
    # tolist() turns float32/float16 into the exact Python float torch's .item() would give.
    return np.unique(values).tolist()


def _summarised_sample(values: np.ndarray, edgeitems: int) -> np.ndarray:
    """Keep only the leading and trailing ``edgeitems`` of every long dimension."""
    sample = values
    for axis, size in enumerate(values.shape):
        if size > 2 * edgeitems:
            kept = np.r_[0:edgeitems, size - edgeitems : size]
            sample = np.take(sample, kept, axis=axis)
    return sample


def _row_text(
    row: np.ndarray, indent: int, summarise: bool, formatter: _ElementFormatter, options: PrintOptions
) -> str:
    edge = options.edgeitems
    if summarise and not edge:
        items = ["..."]
    elif summarise and row.shape[0] > 2 * edge:
        items = (
            [formatter.format(v) for v in row[:edge].tolist()]
            + [" ..."]
            + [formatter.format(v) for v in row[-edge:].tolist()]
        )
    else:
        items = [formatter.format(v) for v in row.tolist()]
    # Each element costs its width plus ", "; always at least one element per line.
    per_line = max(1, (options.linewidth - indent) // (formatter.width + 2))
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _block_text(
    values: np.ndarray,
    indent: int,
    summarise: bool,
    formatter: _ElementFormatter,
    options: PrintOptions,
) -> str:
    if values.ndim == 0:
        return formatter.format(values.item())
    if values.ndim == 1:
        return _row_text(values, indent, summarise, formatter, options)
    count, edge = values.shape[0], options.edgeitems
    if summarise and count > 2 * edge:
        shown = [*range(edge), None, *range(count - edge, count)]
    else:
        shown = list(range(count))
    parts = [
        "..." if i is None else _block_text(values[i], indent + 1, summarise, formatter, options)
        for i in shown
    ]
    # Blocks are separated by one newline per dimension below them: a blank line between matrices.
    separator = "," + "\n" * (values.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(parts) + "]"


def _data_text(values: np.ndarray, indent: int, options: PrintOptions) -> str:
    summarise = values.size > options.threshold
    sample = _summarised_sample(values, options.edgeitems) if summarise else values
    formatter = _ElementFormatter(sample, options)
    return _block_text(values, indent, summarise, formatter, options)


def _append_suffixes(text: str, suffixes: list[str], indent: int, linewidth: int) -> str:
    # torch counts the last line as two characters longer than it is (room for ", " ahead).
    last_line = len(text) - (text.rfind("\n") + 1) + 2
    pieces = [text]
    for suffix in suffixes:
        if last_line + len(suffix) + 2 > linewidth:
            pieces.append(",\n" + " " * indent + suffix)
            last_line = indent + len(suffix)
        else:
            pieces.append(", " + suffix)
            last_line += len(suffix) + 2
    pieces.append(")")
    return "".join(pieces)


def _checked_array(values: np.ndarray) -> np.ndarray:
    array = np.asarray(values)
    if array.dtype not in _PRINTABLE_DTYPES:
        raise TypeError(f"cannot print a tensor of numpy dtype {array.dtype}")
    return array


def tensor_repr(
    values: np.ndarray,
    *,
    requires_grad: bool = False,
    grad_fn: str | None = None,
    parameter: bool = False,
) -> str:
    """Return what ``repr``/``str``/``print`` of a torch tensor holding ``values`` shows.

    Args:
        values: the tensor's data; its numpy dtype stands for the torch dtype.
        requires_grad: the tensor's ``requires_grad`` flag (shown only when there is no grad_fn).
        grad_fn: node name such as ``"MulBackward0"``, printed as ``grad_fn=<MulBackward0>``.
        parameter: print as ``nn.Parameter`` does (a ``Parameter containing:`` header line);
            pass ``requires_grad=True`` too for an ordinary trainable parameter.

    Returns:
        The text, identical to torch's under the current print options.
    """
    array = _checked_array(values)
    options = _OPTIONS
    indent = len(_PREFIX)
    suffixes: list[str] = []
    if array.size == 0:
        # torch spells out anything it cannot show: a shape other than (0,), a non-default dtype.
        if array.ndim != 1:
            suffixes.append("size=" + _shape_text(array.shape))
        if array.dtype != _DEFAULT_FLOAT_DTYPE:
            suffixes.append("dtype=" + dtype_repr(array.dtype))
        data = "[]"
    else:
        if not options.edgeitems:
            suffixes.append("size=" + _shape_text(array.shape))
        if array.dtype not in _SUFFIXLESS_DTYPES:
            suffixes.append("dtype=" + dtype_repr(array.dtype))
        data = _data_text(array, indent, options)
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{grad_fn}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    text = _append_suffixes(_PREFIX + data, suffixes, indent, options.linewidth)
    return _PARAMETER_HEADER + text if parameter else text


def format_tensor(
    values: np.ndarray,
    spec: str,
    *,
    requires_grad: bool = False,
    grad_fn: str | None = None,
    parameter: bool = False,
) -> str:
    """Implement ``Tensor.__format__``.

    A 0-d plain tensor formats its Python scalar, so ``f"{t:.2f}"`` works. Anything else (a
    larger tensor, or any Parameter) falls back to ``object.__format__``: an empty spec gives
    ``str(t)`` and a non-empty one raises TypeError.

    Args:
        values: the tensor's data.
        spec: the format spec after the colon in an f-string.
        requires_grad, grad_fn, parameter: as for :func:`tensor_repr`.

    Returns:
        The formatted text.
    """
    array = _checked_array(values)
    if array.ndim == 0 and not parameter:
        return format(array.item(), spec)
    if spec:
        kind = "Parameter" if parameter else "Tensor"
        raise TypeError(f"unsupported format string passed to {kind}.__format__")
    return tensor_repr(array, requires_grad=requires_grad, grad_fn=grad_fn, parameter=parameter)
