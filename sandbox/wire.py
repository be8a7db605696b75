"""The run record as bytes: what a worker sends and the server reads, as plain data only.

The server never unpickles anything a worker sends: a worker runs untrusted code, so its bytes are
treated as hostile. A message is a JSON header followed by raw array buffers:

    b"AGXR" | header length (4 bytes, big-endian) | header (UTF-8 JSON) | buffers

The header holds the record's fields as JSON values; every array in it is `{"a": i}`, an index into the
header's `arrays` table of `[dtype, shape, offset, nbytes]` entries pointing into the buffers. Decoding
checks everything against the schema below: field names and types, array dtypes (numbers and bools
only), shapes against byte counts, ids, counts and the total size. Anything else is a `WireError`.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Callable
from typing import Any

import numpy as np

from sandbox.errors import SandboxError
from sandbox.record import (
    BackwardCall,
    GradsZeroed,
    LoopIteration,
    OptimizerStep,
    RunRecord,
    TensorCreated,
    WarningShown,
)
from sandbox.snapshot import GraphSnapshot, NodeInfo, StepInfo, TensorInfo

MAGIC = b"AGXR"
# A record is at most this big on the wire (the record caps in Limits keep ordinary runs far below it).
MAX_RECORD_BYTES = 8 * 2**20
_ALLOWED_DTYPES = frozenset(
    {"bool", "int8", "int16", "int32", "int64", "uint8", "float16", "float32", "float64",
     "complex64", "complex128"}
)
_MAX_DIMS = 32
_MAX_ITEMS = 1_000_000  # entries of any one list or dict in the header
_HEADER = struct.Struct(">I")


class WireError(ValueError):
    """Bytes that are not a well-formed record."""


# --- encoding ------------------------------------------------------------------------------------------


class _Encoder:
    def __init__(self) -> None:
        self.arrays: list[list[Any]] = []
        self.buffers: list[bytes] = []
        self.size = 0

    def array(self, value: np.ndarray | None) -> Any:
        if value is None:
            return None
        if value.dtype.name not in _ALLOWED_DTYPES:
            raise WireError(f"array dtype {value.dtype.name} cannot be sent")
        data = value.tobytes(order="C")
        self.arrays.append([value.dtype.name, list(value.shape), self.size, len(data)])
        self.buffers.append(data)
        self.size += len(data)
        return {"a": len(self.arrays) - 1}

    def tensor(self, info: TensorInfo) -> list[Any]:
        return [info.id, info.label, info.line, info.source, list(info.shape), info.dtype,
                self.array(info.value), self.array(info.grad), info.requires_grad, info.is_leaf,
                info.retains_grad, info.is_parameter, info.grad_fn, info.made_in_no_grad, info.detached_from]

    def node(self, info: NodeInfo) -> list[Any]:
        return [info.id, info.name, [list(pair) for pair in info.next], info.tensor, info.formula,
                list(info.local), {k: self.array(v) for k, v in info.saved.items()}, dict(info.attrs)]

    def graph(self, graph: GraphSnapshot) -> list[Any]:
        tensors = [self.tensor(t) for t in graph.tensors.values()]
        return [tensors, [self.node(n) for n in graph.nodes.values()]]

    def step(self, step: StepInfo) -> list[Any]:
        return [step.node, self.array(step.grad_in), [self.array(g) for g in step.grads_out],
                self.array(step.grad_before), self.array(step.grad_after)]

    def grads(self, grads: dict[int, np.ndarray | None]) -> list[Any]:
        return [[key, self.array(value)] for key, value in grads.items()]

    def event(self, event: Any) -> list[Any]:
        if isinstance(event, TensorCreated):
            return ["tensor", event.line, event.tensor]
        if isinstance(event, BackwardCall):
            return ["backward", event.line, event.root, self.array(event.gradient), event.retain_graph,
                    [self.step(s) for s in event.steps], self.graph(event.graph),
                    self.grads(event.grads_before), self.grads(event.grads_after), event.error]
        if isinstance(event, GradsZeroed):
            return ["zeroed", event.line, list(event.tensors), event.how]
        if isinstance(event, OptimizerStep):
            return ["step", event.line, list(event.params)]
        if isinstance(event, LoopIteration):
            return ["loop", event.line, event.loop_line, event.index]
        raise WireError(f"unknown event {type(event).__name__}")

    def error(self, error: SandboxError | None) -> Any:
        if error is None:
            return None
        return [error.kind, error.message, error.line, error.col, error.message_id,
                plain_params(error.params), dict(error.texts)]


def plain_params(params: dict[str, Any]) -> dict[str, Any]:
    """Error parameters as plain values: anything else becomes the name of its type, never its repr
    (a program's object must not get to run its own `__repr__` outside the worker)."""
    plain: dict[str, Any] = {}
    for key, value in params.items():
        if value is None or type(value) in (bool, int, str):
            plain[str(key)] = value
        elif type(value) is float:
            plain[str(key)] = value if math.isfinite(value) else repr(value)
        else:
            plain[str(key)] = f"<{type(value).__name__}>"
    return plain


def encode(record: RunRecord) -> bytes:
    """The record as bytes (raises WireError when it holds something that cannot be sent)."""
    encoder = _Encoder()
    body = {
        "source": record.source,
        "output": record.output,
        "error": encoder.error(record.error),
        "events": [encoder.event(e) for e in record.events],
        "graph": encoder.graph(record.graph),
        "names": record.names,
        "warnings": [[w.line, w.category, w.message, w.at] for w in record.warnings],
    }
    body["arrays"] = encoder.arrays
    header = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
    return b"".join([MAGIC, _HEADER.pack(len(header)), header, *encoder.buffers])


# --- decoding ------------------------------------------------------------------------------------------


def _fail(what: str) -> WireError:
    return WireError(f"malformed record: {what}")


def _int(value: Any, what: str) -> int:
    # Exact types: JSON gives exactly these, and bool (an int subclass) must not pass for an id.
    if type(value) is not int:
        raise _fail(what)
    return value


def _opt_int(value: Any, what: str) -> int | None:
    return None if value is None else _int(value, what)


def _str(value: Any, what: str) -> str:
    if type(value) is not str:
        raise _fail(what)
    return value


def _opt_str(value: Any, what: str) -> str | None:
    return None if value is None else _str(value, what)


def _bool(value: Any, what: str) -> bool:
    if type(value) is not bool:
        raise _fail(what)
    return value


def _list(value: Any, what: str, length: int | None = None) -> list[Any]:
    if type(value) is not list or len(value) > _MAX_ITEMS or (length is not None and len(value) != length):
        raise _fail(what)
    return value


def _dict(value: Any, what: str) -> dict[str, Any]:
    if type(value) is not dict or len(value) > _MAX_ITEMS:
        raise _fail(what)
    return value


class _Decoder:
    def __init__(self, table: Any, buffers: memoryview) -> None:
        self.table = _list(table, "arrays")
        self.buffers = buffers

    def array(self, ref: Any, what: str) -> np.ndarray:
        ref = _dict(ref, what)
        if set(ref) != {"a"}:
            raise _fail(what)
        index = _int(ref["a"], what)
        if not 0 <= index < len(self.table):
            raise _fail(what)
        dtype, shape, offset, nbytes = _list(self.table[index], what, 4)
        if _str(dtype, what) not in _ALLOWED_DTYPES:
            raise _fail(f"{what}: dtype")
        dims = tuple(_int(d, what) for d in _list(shape, what))
        if len(dims) > _MAX_DIMS or any(d < 0 for d in dims):
            raise _fail(f"{what}: shape")
        offset, nbytes = _int(offset, what), _int(nbytes, what)
        element = np.dtype(dtype).itemsize
        if offset < 0 or nbytes < 0 or offset + nbytes > len(self.buffers):
            raise _fail(f"{what}: buffer")
        if nbytes % element or nbytes // element != math.prod(dims):
            raise _fail(f"{what}: size")
        array = np.frombuffer(self.buffers, dtype=dtype, count=nbytes // element, offset=offset)
        return array.reshape(dims).copy()

    def opt_array(self, ref: Any, what: str) -> np.ndarray | None:
        return None if ref is None else self.array(ref, what)

    def tensor(self, row: Any) -> TensorInfo:
        (tid, label, line, source, shape, dtype, value, grad, requires_grad, is_leaf, retains_grad,
         is_parameter, grad_fn, no_grad, detached_from) = _list(row, "tensor", 15)
        return TensorInfo(
            id=_int(tid, "tensor id"), label=_opt_str(label, "label"), line=_opt_int(line, "line"),
            source=_opt_str(source, "source"), shape=tuple(_int(d, "shape") for d in _list(shape, "shape")),
            dtype=_str(dtype, "dtype"), value=self.array(value, "value"), grad=self.opt_array(grad, "grad"),
            requires_grad=_bool(requires_grad, "requires_grad"), is_leaf=_bool(is_leaf, "is_leaf"),
            retains_grad=_bool(retains_grad, "retains_grad"), is_parameter=_bool(is_parameter, "parameter"),
            grad_fn=_opt_int(grad_fn, "grad_fn"), made_in_no_grad=_bool(no_grad, "no_grad"),
            detached_from=_opt_int(detached_from, "detached_from"),
        )

    def node(self, row: Any) -> NodeInfo:
        nid, name, nexts, tensor, formula, local, saved, attrs = _list(row, "node", 8)
        return NodeInfo(
            id=_int(nid, "node id"), name=_str(name, "node name"),
            next=tuple(
                (_opt_int(pair[0], "next"), _int(pair[1], "next"))
                for pair in (_list(p, "next", 2) for p in _list(nexts, "next"))
            ),
            tensor=_opt_int(tensor, "node tensor"), formula=_str(formula, "formula"),
            local=tuple(_str(t, "local") for t in _list(local, "local")),
            saved={_str(k, "saved"): self.array(v, "saved") for k, v in _dict(saved, "saved").items()},
            attrs={_str(k, "attrs"): _str(v, "attrs") for k, v in _dict(attrs, "attrs").items()},
        )

    def graph(self, row: Any) -> GraphSnapshot:
        tensors, nodes = _list(row, "graph", 2)
        tensor_infos = [self.tensor(t) for t in _list(tensors, "tensors")]
        node_infos = [self.node(n) for n in _list(nodes, "nodes")]
        return GraphSnapshot({t.id: t for t in tensor_infos}, {n.id: n for n in node_infos})

    def step(self, row: Any) -> StepInfo:
        node, grad_in, grads_out, before, after = _list(row, "step", 5)
        return StepInfo(
            node=_int(node, "step node"), grad_in=self.array(grad_in, "grad_in"),
            grads_out=tuple(self.opt_array(g, "grads_out") for g in _list(grads_out, "grads_out")),
            grad_before=self.opt_array(before, "grad_before"), grad_after=self.opt_array(after, "grad_after"),
        )

    def grads(self, rows: Any) -> dict[int, np.ndarray | None]:
        pairs = (_list(row, "grads", 2) for row in _list(rows, "grads"))
        return {_int(key, "grads"): self.opt_array(value, "grads") for key, value in pairs}

    def event(self, row: Any) -> Any:
        kind = _str(_list(row, "event")[0] if row else None, "event kind")
        reader = self._EVENTS.get(kind)
        if reader is None:
            raise _fail(f"event kind {kind!r}")
        return reader(self, row[1:])

    def _tensor_created(self, row: list[Any]) -> TensorCreated:
        line, tensor = _list(row, "tensor event", 2)
        return TensorCreated(_opt_int(line, "line"), _int(tensor, "tensor"))

    def _backward(self, row: list[Any]) -> BackwardCall:
        line, root, gradient, retain, steps, graph, before, after, error = _list(row, "backward", 9)
        return BackwardCall(
            line=_opt_int(line, "line"), root=_int(root, "root"),
            gradient=self.opt_array(gradient, "gradient"), retain_graph=_bool(retain, "retain_graph"),
            steps=tuple(self.step(s) for s in _list(steps, "steps")),
            graph=self.graph(graph), grads_before=self.grads(before), grads_after=self.grads(after),
            error=_opt_str(error, "backward error"),
        )

    def _zeroed(self, row: list[Any]) -> GradsZeroed:
        line, tensors, how = _list(row, "zeroed", 3)
        tensor_ids = tuple(_int(t, "tensors") for t in _list(tensors, "tensors"))
        return GradsZeroed(_opt_int(line, "line"), tensor_ids, _str(how, "how"))

    def _stepped(self, row: list[Any]) -> OptimizerStep:
        line, params = _list(row, "optimizer step", 2)
        param_ids = tuple(_int(p, "params") for p in _list(params, "params"))
        return OptimizerStep(_opt_int(line, "line"), param_ids)

    def _loop(self, row: list[Any]) -> LoopIteration:
        line, loop_line, index = _list(row, "loop", 3)
        return LoopIteration(_opt_int(line, "line"), _int(loop_line, "loop line"), _int(index, "index"))

    _EVENTS: dict[str, Callable[[_Decoder, list[Any]], Any]] = {
        "tensor": _tensor_created,
        "backward": _backward,
        "zeroed": _zeroed,
        "step": _stepped,
        "loop": _loop,
    }

    @staticmethod
    def warning(row: Any) -> WarningShown:
        line, category, message, at = _list(row, "warning", 4)
        return WarningShown(_opt_int(line, "line"), _str(category, "category"), _str(message, "message"),
                            _int(at, "warning offset"))

    def error(self, row: Any) -> SandboxError | None:
        if row is None:
            return None
        kind, message, line, col, message_id, params, texts = _list(row, "error", 7)
        plain = {}
        for key, value in _dict(params, "params").items():
            if not (value is None or type(value) in (bool, int, float, str)):
                raise _fail("error params")
            plain[_str(key, "params")] = value
        return SandboxError(
            kind=_str(kind, "error kind"), message=_str(message, "error message"),
            line=_opt_int(line, "line"), col=_opt_int(col, "col"),
            message_id=_opt_str(message_id, "message id"), params=plain,
            texts={_str(k, "texts"): _str(v, "texts") for k, v in _dict(texts, "texts").items()},
        )


def _reject_constant(name: str) -> None:
    raise _fail(f"number {name}")


def decode(data: bytes) -> RunRecord:
    """The record in `data`; WireError if `data` is not exactly a well-formed record."""
    if len(data) > MAX_RECORD_BYTES:
        raise WireError(f"record of {len(data)} bytes is over the {MAX_RECORD_BYTES}-byte limit")
    if len(data) < len(MAGIC) + _HEADER.size or not data.startswith(MAGIC):
        raise _fail("magic")
    (length,) = _HEADER.unpack_from(data, len(MAGIC))
    start = len(MAGIC) + _HEADER.size
    if start + length > len(data):
        raise _fail("header length")
    try:
        body = json.loads(data[start:start + length].decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise _fail("header") from exc
    body = _dict(body, "record")
    expected = {"source", "output", "error", "events", "graph", "names", "warnings", "arrays"}
    if set(body) != expected:
        raise _fail("record fields")
    decoder = _Decoder(body["arrays"], memoryview(data)[start + length:])
    try:
        return RunRecord(
            source=_str(body["source"], "source"),
            output=_str(body["output"], "output"),
            error=decoder.error(body["error"]),
            events=tuple(decoder.event(e) for e in _list(body["events"], "events")),
            graph=decoder.graph(body["graph"]),
            names={_str(k, "names"): _int(v, "names") for k, v in _dict(body["names"], "names").items()},
            warnings=tuple(decoder.warning(w) for w in _list(body["warnings"], "warnings")),
        )
    except (TypeError, ValueError) as exc:
        if isinstance(exc, WireError):
            raise
        raise _fail(str(exc)) from exc


# --- frames on a socket --------------------------------------------------------------------------------
# Worker and server talk in frames: a kind byte, a 4-byte big-endian length, the payload.

FRAME_READY = b"R"  # the worker is confined and waits for a program: JSON {"layers": {...}}
FRAME_JOB = b"J"  # the program to run: JSON {"source", "limits", "seed"}
FRAME_LINE = b"L"  # the line running now: 4-byte big-endian line number (0: none yet)
FRAME_RECORD = b"D"  # the run record, as `encode` makes it
_FRAME = struct.Struct(">cI")
MAX_FRAME_BYTES = MAX_RECORD_BYTES
LINE = struct.Struct(">I")  # the payload of FRAME_LINE
PID = struct.Struct(">i")  # the fork server's answer on the control socket: the worker's pid


def frame(kind: bytes, payload: bytes) -> bytes:
    return _FRAME.pack(kind, len(payload)) + payload


class FrameReader:
    """Splits bytes arriving on a socket into frames, refusing any frame over MAX_FRAME_BYTES."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def feed(self, data: bytes) -> list[tuple[bytes, bytes]]:
        self.buffer += data
        frames = []
        while len(self.buffer) >= _FRAME.size:
            kind, length = _FRAME.unpack_from(self.buffer)
            if length > MAX_FRAME_BYTES:
                raise WireError(f"frame of {length} bytes is over the limit")
            end = _FRAME.size + length
            if len(self.buffer) < end:
                break
            frames.append((kind, bytes(self.buffer[_FRAME.size:end])))
            del self.buffer[:end]
        return frames
