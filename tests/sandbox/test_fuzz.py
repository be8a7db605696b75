"""Fuzzing: random programs from the subset, and random mutations of valid ones, only ever end in a
documented error kind with a line number, and leave the engine as it was."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import _grad_mode, _trace
from sandbox import ERROR_KINDS, Limits
from sandbox import interpret as run
from tests.sandbox.test_language import PROGRAMS
from tests.sandbox.test_record import TRAINING

LIMITS = Limits(
    max_steps=20_000,
    max_seconds=2.0,
    max_output_chars=20_000,
    max_tensor_elements=100_000,
    max_sequence_length=100_000,
    max_string_length=100_000,
    max_int_bits=10_000,
)
SEED_PROGRAM = (Path(__file__).parent / "programs" / "seed_lesson.py").read_text(encoding="utf-8")
VALID_PROGRAMS = [SEED_PROGRAM, TRAINING, *PROGRAMS.values()]

NAMES = ["a", "b", "x", "y", "t", "w"]


def _check(source: str) -> None:
    record = run(source, limits=LIMITS)
    if record.error is not None:
        assert record.error.kind in ERROR_KINDS, str(record.error)
        assert isinstance(record.error.line, int) and record.error.line >= 1, str(record.error)
        assert isinstance(record.error.message, str)
    assert _grad_mode.is_grad_enabled() and _trace.active() is None


# -- random programs from the subset ------------------------------------------------------------------

numbers = st.one_of(st.integers(-5, 5).map(str), st.sampled_from(["0.5", "2.0", "-1.5", "3"]))
names = st.sampled_from(NAMES)
tensors = st.sampled_from(
    [
        "torch.tensor([1.0, 2.0, 3.0], requires_grad=True)",
        "torch.ones(3)",
        "torch.zeros(2, 3)",
        "torch.arange(6.0).reshape(2, 3)",
        "torch.tensor(2.0, requires_grad=True)",
        "torch.randn(3)",
    ]
)


def _expressions(depth: int = 2) -> st.SearchStrategy[str]:
    leaves = st.one_of(numbers, names, tensors, st.sampled_from(["[1, 2, 3]", "'text'", "None", "(1, 2)"]))
    if depth == 0:
        return leaves
    inner = _expressions(depth - 1)
    return st.one_of(
        leaves,
        st.builds(
            lambda a, op, b: f"({a} {op} {b})",
            inner,
            st.sampled_from(["+", "-", "*", "/", "**", "@", "==", "<", "and", "or", "%"]),
            inner,
        ),
        st.builds(
            lambda a, m: f"{a}.{m}",
            inner,
            st.sampled_from(
                [
                    "sum()",
                    "mean()",
                    "exp()",
                    "grad",
                    "shape",
                    "requires_grad",
                    "detach()",
                    "item()",
                    "T",
                    "grad_fn",
                    "tolist()",
                    "backward()",
                    "zero_()",
                    "numpy()",
                    "__class__",
                    "size(0)",
                ]
            ),
        ),
        st.builds(
            lambda f, a: f"{f}({a})",
            st.sampled_from(
                [
                    "abs",
                    "len",
                    "print",
                    "str",
                    "list",
                    "sum",
                    "max",
                    "torch.relu",
                    "torch.exp",
                    "float",
                    "int",
                ]
            ),
            inner,
        ),
        st.builds(lambda a, i: f"{a}[{i}]", inner, st.sampled_from(["0", "-1", "1:", "::2", "0, 1"])),
        st.builds(lambda a: f"[v * 2 for v in {a}]", inner),
        st.builds(lambda a: f"f'{{{a}}}'", inner),
    )


def _statements(depth: int = 1) -> st.SearchStrategy[list[str]]:
    simple = st.one_of(
        st.builds(lambda n, e: [f"{n} = {e}"], names, _expressions()),
        st.builds(lambda n, e: [f"{n} += {e}"], names, _expressions(1)),
        st.builds(lambda e: [f"print({e})"], _expressions()),
        st.builds(lambda e: [f"{e}"], _expressions()),
        st.just(["with torch.no_grad():", "    a = a * 2"]),
        st.builds(
            lambda e: ["try:", f"    b = {e}", "except RuntimeError as err:", "    print(err)"],
            _expressions(),
        ),
    )
    if depth == 0:
        return simple
    body = _statements(depth - 1)

    def indent(lines: list[str]) -> list[str]:
        return ["    " + line for line in lines]

    return st.one_of(
        simple,
        st.builds(lambda e, b: [f"if {e}:", *indent(b), "else:", "    pass"], _expressions(1), body),
        st.builds(lambda n, b: [f"for i in range({n}):", *indent(b)], st.integers(0, 4), body),
        st.builds(lambda b: ["def f(a, b=1):", *indent(b), "    return a", "x = f(x)"], body),
        st.builds(lambda b: ["k = 0", "while k < 3:", "    k += 1", *indent(b)], body),
    )


programs = st.lists(_statements(), min_size=1, max_size=8).map(
    lambda blocks: (
        "\n".join(
            [
                "import torch",
                "a, b, x, y, t, w = 1, 2.0, torch.ones(3), 3, [1], 'w'",
                *(line for block in blocks for line in block),
            ]
        )
        + "\n"
    )
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(programs)
def test_random_programs_end_in_documented_errors(source: str) -> None:
    _check(source)


# -- mutations of valid programs ------------------------------------------------------------------------


def _mutate(source: str, kind: int, where: float, other: float, text: str) -> str:
    lines = source.splitlines()
    if not lines:
        return text
    i, j = int(where * len(lines)) % len(lines), int(other * len(lines)) % len(lines)
    if kind == 0:  # delete a line
        del lines[i]
    elif kind == 1:  # duplicate a line
        lines.insert(j, lines[i])
    elif kind == 2:  # swap two lines
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == 3:  # insert text inside a line
        cut = int(other * (len(lines[i]) + 1))
        lines[i] = lines[i][:cut] + text + lines[i][cut:]
    elif kind == 4:  # replace a line
        lines[i] = text
    else:  # cut the program short
        lines = lines[: i + 1]
        lines[-1] = lines[-1][: int(other * len(lines[-1]))]
    return "\n".join(lines) + "\n"


fragments = st.one_of(
    st.text(alphabet="()[]{}:.,=+-*/%@<>'\" \t_#\\aexyz019", max_size=6),
    st.sampled_from(
        [
            "__class__",
            ".__dict__",
            "import os",
            "while True: pass",
            "**10**10",
            "yield",
            "lambda:",
            "global x",
            "    ",
            "nonlocal y",
            "del x",
            "return",
            "break",
            "super()",
            "*",
            "async ",
        ]
    ),
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.sampled_from(VALID_PROGRAMS),
    st.lists(
        st.tuples(st.integers(0, 5), st.floats(0, 1), st.floats(0, 1), fragments), min_size=1, max_size=3
    ),
)
def test_mutated_programs_end_in_documented_errors(source: str, mutations: list) -> None:
    for kind, where, other, text in mutations:
        source = _mutate(source, kind, where, other, text)
    _check(source)
