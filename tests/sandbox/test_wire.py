"""The wire format: records round-trip exactly, and the server refuses any bytes that are not a record."""

from __future__ import annotations

import contextlib
import json
import pickle
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sandbox
from explorer.lessons import LESSONS
from explorer.presets import PRESETS
from sandbox import wire
from sandbox.errors import SandboxError


def _programs() -> dict[str, str]:
    programs = {f"preset_{preset.id}": preset.code for preset in PRESETS}
    for index, lesson in enumerate(LESSONS):
        programs[f"lesson_{index}"] = lesson.code
    programs["error"] = "import torch\nx = torch.ones(3, requires_grad=True)\n(x * 2).backward()\n"
    programs["refused"] = "import os\n"
    programs["warning"] = "import torch\nx = torch.ones(2, requires_grad=True)\nprint((x * 2).grad)\n"
    return programs


PROGRAMS = _programs()


def _same(left: object, right: object) -> bool:
    """Deep equality that compares arrays by dtype, shape and bits."""
    if isinstance(left, np.ndarray) or isinstance(right, np.ndarray):
        return (
            isinstance(left, np.ndarray) and isinstance(right, np.ndarray) and left.dtype == right.dtype
            and left.shape == right.shape and left.tobytes() == right.tobytes()
        )
    if isinstance(left, dict):
        return isinstance(right, dict) and left.keys() == right.keys() and all(
            _same(left[k], right[k]) for k in left
        )
    if isinstance(left, (list, tuple)):
        return type(left) is type(right) and len(left) == len(right) and all(map(_same, left, right))
    if hasattr(left, "__dataclass_fields__"):
        return type(left) is type(right) and all(
            _same(getattr(left, name), getattr(right, name)) for name in left.__dataclass_fields__
        )
    return left == right


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_record_round_trips_exactly(name: str) -> None:
    record = sandbox.interpret(PROGRAMS[name])
    if record.error is not None:
        record = type(record)(**{**record.__dict__, "error": record.error.rendered()})
    assert _same(wire.decode(wire.encode(record)), record)


def test_error_params_cross_as_plain_values_only() -> None:
    class Loud:
        def __repr__(self) -> str:
            raise AssertionError("a program's repr must never run outside the worker")

    error = SandboxError("SecurityError", "no", 1, None, "value_forbidden", {"type": Loud(), "n": 3})
    assert wire.plain_params(error.params) == {"type": "<Loud>", "n": 3}


def test_pickle_is_refused() -> None:
    with pytest.raises(wire.WireError):
        wire.decode(pickle.dumps(sandbox.interpret("print(1)")))


def _with_header(change) -> bytes:
    data = wire.encode(sandbox.interpret(PROGRAMS["preset_seed10"]))
    (length,) = struct.unpack_from(">I", data, 4)
    header = json.loads(data[8:8 + length])
    change(header)
    body = json.dumps(header).encode()
    return wire.MAGIC + struct.pack(">I", len(body)) + body + data[8 + length:]


@pytest.mark.parametrize(
    "change",
    [
        lambda h: h["arrays"][0].__setitem__(0, "object"),  # an object array would unpickle
        lambda h: h["arrays"][0].__setitem__(3, 10**12),  # a buffer beyond the message
        lambda h: h["arrays"][0].__setitem__(1, [10**6, 10**6]),  # a shape its bytes do not fill
        lambda h: h.__setitem__("extra", 1),  # a field the schema does not know
        lambda h: h["events"].append(["shell", 1]),  # an event kind the schema does not know
        lambda h: h.__setitem__("names", {"x": "1"}),  # a tensor id that is not an int
        lambda h: h.__setitem__("names", {"x": True}),  # nor a bool posing as one
        lambda h: h["graph"][0][0].__setitem__(6, {"a": 10**9}),  # an array index out of the table
    ],
    ids=["object_dtype", "buffer_overrun", "shape_mismatch", "unknown_field", "unknown_event",
         "string_id", "bool_id", "array_index"],
)
def test_malformed_header_is_refused(change) -> None:
    with pytest.raises(wire.WireError):
        wire.decode(_with_header(change))


def test_oversized_record_is_refused_before_parsing() -> None:
    with pytest.raises(wire.WireError, match="limit"):
        wire.decode(wire.MAGIC + b"\0" * wire.MAX_RECORD_BYTES)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_corrupted_bytes_give_a_record_or_wire_error_never_anything_else(data) -> None:
    good = wire.encode(sandbox.interpret(PROGRAMS["preset_seed10"]))
    position = data.draw(st.integers(0, len(good) - 1))
    replacement = data.draw(st.binary(min_size=0, max_size=8))
    corrupted = good[:position] + replacement + good[position + len(replacement):]
    with contextlib.suppress(wire.WireError):
        wire.decode(corrupted)


def test_frames_are_split_and_capped() -> None:
    reader = wire.FrameReader()
    message = wire.frame(wire.FRAME_LINE, b"\0\0\0\7") + wire.frame(wire.FRAME_RECORD, b"xyz")
    assert reader.feed(message[:3]) == []
    assert reader.feed(message[3:]) == [(wire.FRAME_LINE, b"\0\0\0\7"), (wire.FRAME_RECORD, b"xyz")]
    with pytest.raises(wire.WireError):
        wire.FrameReader().feed(struct.pack(">cI", b"D", wire.MAX_FRAME_BYTES + 1))


def test_an_oversized_record_keeps_the_grad_ledger_of_its_backward_calls(monkeypatch) -> None:
    from sandbox import forkserver

    record = sandbox.interpret(PROGRAMS["preset_seed_zero"])
    full = len(wire.encode(record))
    monkeypatch.setattr(wire, "MAX_RECORD_BYTES", full - 1)
    data = forkserver._sendable(record)
    assert len(data) < full
    monkeypatch.undo()
    sent = wire.decode(data)
    calls = [e for e in sent.events if isinstance(e, sandbox.BackwardCall)]
    originals = [e for e in record.events if isinstance(e, sandbox.BackwardCall)]
    assert len(calls) == len(originals) > 0
    assert all(call.steps == () and call.graph.tensors == {} for call in calls)
    assert [_same(c.grads_after, o.grads_after) for c, o in zip(calls, originals)] == [True] * len(calls)
    assert sent.output == record.output
