"""Tensor printing matches torch character for character.

Every case builds one numpy array, hands it to the engine's printer and to a real torch tensor made
from the same array, and compares the two texts exactly.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from engine import _printing
from engine._printing import (
    dtype_repr,
    format_tensor,
    get_printoptions,
    printoptions,
    set_printoptions,
    size_repr,
    tensor_repr,
)

INF, NAN = math.inf, math.nan


@pytest.fixture(autouse=True)
def default_print_options():
    """Every test starts and ends with torch's default options on both sides."""
    set_printoptions(profile="default")
    torch.set_printoptions(profile="default")
    yield
    set_printoptions(profile="default")
    torch.set_printoptions(profile="default")


def torch_tensor(values: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.array(values, copy=True))


def assert_prints_like_torch(values: np.ndarray) -> None:
    assert tensor_repr(values) == repr(torch_tensor(values))


def f32(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float32)


# -- hand-picked cases -----------------------------------------------------------------------------

SEED_LESSON_CASES = {
    "randn_3": f32(0.8886, 0.0518, -0.0723),
    "x_plus_2": f32(2.8886, 2.0518, 1.9277),
    "wide_fixed": f32(11.6658, 9.1553, 8.7831),
    "ones_grad": f32(1, 1, 1),
    "fives_grad": f32(5, 5, 5, 5),
    "x_times_2048": f32(-2350.4673, 2661.7681, 655.8086, -1659.2811, -2577.2542),
    "vjp_grad_sci": f32(0.1, 1.0, 0.0001, 0.01, 0.001) * np.float32(2048),
    "rand_2x2": np.array([[0.2102, 0.7872], [0.6593, 0.0418]], dtype=np.float32),
}

rng = np.random.default_rng(1234)

HAND_PICKED_CASES = {
    **SEED_LESSON_CASES,
    "scalar": np.array(2.5, dtype=np.float32),
    "scalar_int_valued": np.array(3.0, dtype=np.float32),
    "scalar_zero": np.array(0.0, dtype=np.float32),
    "scalar_negative_zero": np.array(-0.0, dtype=np.float32),
    "scalar_sci": np.array(1.5e-7, dtype=np.float32),
    "scalar_nan": np.array(NAN, dtype=np.float32),
    "scalar_int64": np.array(7),
    "scalar_bool": np.array(True),
    "scalar_float64": np.array(1 / 3),
    "int_mode_mixed_signs": f32(-3, 0, 12, 7),
    "int_mode_large_ratio_goes_sci": f32(1, 2000),
    "int_mode_above_1e8_goes_sci": f32(1, 1e9),
    "fixed_ratio_just_below_1000": f32(0.001, 0.999),
    "fixed_ratio_above_1000_goes_sci": f32(0.001, 1.5),
    "tiny_goes_sci": f32(0.00009, 0.0002),
    "huge_float": f32(3.4e38, -1e-38),
    "negative_zero_in_row": f32(-0.0, 1.0),
    "negative_zero_fixed": f32(-0.0, 1.5),
    "zeros": np.zeros(4, dtype=np.float32),
    "inf_and_zero": f32(0, INF),
    "nonfinite_only": f32(INF, -INF, NAN),
    "nonfinite_with_fixed": f32(1.5, INF, -INF, NAN),
    "nonfinite_with_int": f32(2, -INF, NAN),
    "nonfinite_with_sci": f32(1e-6, 1e6, INF, NAN),
    "rounding_to_next_width": f32(9.99996, 1.0),
    "int64": np.array([1, -20, 300]),
    "int64_matrix": np.arange(12).reshape(3, 4) - 6,
    "int32": np.array([1, 2, 3], dtype=np.int32),
    "int8": np.array([-128, 127], dtype=np.int8),
    "uint8": np.array([0, 255], dtype=np.uint8),
    "bool": np.array([True, False, True]),
    "bool_matrix": np.eye(3, dtype=bool),
    "float64": np.array([0.1, 0.2, 1 / 3]),
    "float64_big_exponent": np.array([1e-300, 1e300]),
    "float16": np.array([0.5, 1.25, 65504.0], dtype=np.float16),
    "empty": np.zeros(0, dtype=np.float32),
    "empty_2d": np.zeros((0, 3), dtype=np.float32),
    "empty_trailing": np.zeros((3, 0), dtype=np.float32),
    "empty_3d": np.zeros((2, 0, 1), dtype=np.float32),
    "empty_int64": np.zeros(0, dtype=np.int64),
    "empty_bool_2d": np.zeros((3, 0), dtype=bool),
    "empty_float64": np.zeros(0),
    "empty_int32": np.zeros(0, dtype=np.int32),
    "row_of_one": f32(4.25),
    "column": np.arange(4, dtype=np.float32).reshape(4, 1),
    "matrix_mixed_signs": rng.standard_normal((3, 4)).astype(np.float32),
    "cube": rng.standard_normal((2, 3, 4)).astype(np.float32),
    "four_d": rng.standard_normal((2, 2, 2, 3)).astype(np.float32),
    "four_d_int": np.arange(36).reshape(3, 2, 2, 3),
    "long_row_wraps": rng.standard_normal(30).astype(np.float32) * 100,
    "long_int_row_wraps": np.arange(60) * 1013,
    "long_bool_row_wraps": rng.random(40) > 0.5,
    "long_sci_row_wraps": (rng.standard_normal(20) * 1e6).astype(np.float32),
    "wrapped_rows_in_matrix": rng.standard_normal((3, 25)).astype(np.float32),
    "summarised_1d": np.arange(1001, dtype=np.float32),
    "summarised_exactly_threshold": np.arange(1000, dtype=np.float32) / 7,
    "summarised_matrix": rng.standard_normal((40, 40)).astype(np.float32),
    "summarised_short_rows": rng.standard_normal((600, 2)).astype(np.float32),
    "summarised_3d": rng.standard_normal((11, 11, 11)).astype(np.float32),
    "summarised_4d": np.arange(4 * 5 * 7 * 9).reshape(4, 5, 7, 9),
    "summarised_only_edges_measured": np.concatenate(
        [f32(1.5, 2.5, 3.5), np.full(1000, 1e9, np.float32), f32(4.5, 5.5, 6.5)]
    ),
    "summarised_bool": rng.random(2000) > 0.5,
}


@pytest.mark.parametrize("values", HAND_PICKED_CASES.values(), ids=HAND_PICKED_CASES.keys())
def test_hand_picked_tensor_prints_like_torch(values):
    assert_prints_like_torch(values)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (SEED_LESSON_CASES["randn_3"], "tensor([ 0.8886,  0.0518, -0.0723])"),
        (SEED_LESSON_CASES["ones_grad"], "tensor([1., 1., 1.])"),
        (
            SEED_LESSON_CASES["vjp_grad_sci"],
            "tensor([2.0480e+02, 2.0480e+03, 2.0480e-01, 2.0480e+01, 2.0480e+00])",
        ),
        (SEED_LESSON_CASES["rand_2x2"], "tensor([[0.2102, 0.7872],\n        [0.6593, 0.0418]])"),
        (np.array(2.5, dtype=np.float32), "tensor(2.5000)"),
        (np.zeros((0, 3), dtype=np.float32), "tensor([], size=(0, 3))"),
        (np.array([1.0, 2.0]), "tensor([1., 2.], dtype=torch.float64)"),
    ],
)
def test_seed_lesson_text_is_reproduced(values, expected):
    assert tensor_repr(values) == expected


def test_suffix_that_does_not_fit_moves_to_an_indented_line():
    values = SEED_LESSON_CASES["x_times_2048"]
    expected = (
        "tensor([-2350.4673,  2661.7681,   655.8086, -1659.2811, -2577.2542],\n       grad_fn=<MulBackward0>)"
    )
    assert tensor_repr(values, grad_fn="MulBackward0") == expected


def test_matrices_of_a_3d_tensor_are_separated_by_a_blank_line():
    text = tensor_repr(np.ones((2, 1, 2), dtype=np.float32))
    assert text == "tensor([[[1., 1.]],\n\n        [[1., 1.]]])"


def test_more_than_threshold_elements_are_summarised_with_edge_items():
    text = tensor_repr(np.arange(1001))
    assert text == "tensor([   0,    1,    2,  ...,  998,  999, 1000])"


# -- autograd suffixes and Parameter ---------------------------------------------------------------


def _leaf(values: np.ndarray) -> torch.Tensor:
    return torch_tensor(values).requires_grad_(True)


GRAD_FN_MAKERS = {
    "mul": lambda x: x * 2,
    "add": lambda x: x + 2,
    "sub": lambda x: 1 - x,
    "div": lambda x: x / 3,
    "pow": lambda x: x**2,
    "exp": torch.exp,
    "sigmoid": torch.sigmoid,
    "sum": torch.sum,
    "mean": torch.mean,
    "seed_lesson_chain": lambda x: x * 2**11,
    "transpose": lambda x: x.t() if x.dim() == 2 else x.unsqueeze(0),
    "long_name": lambda x: torch.nn.functional.binary_cross_entropy_with_logits(x, torch.ones_like(x)),
}

AUTOGRAD_INPUTS = {
    "seed_randn": f32(-1.1477, 1.2997, 0.3202, -0.8102, -1.2584),
    "scalar": np.array(1.5, dtype=np.float32),
    "matrix": SEED_LESSON_CASES["rand_2x2"],
    "wide_row": (rng.standard_normal(7) * 1000).astype(np.float32),
    "wrapping_row": rng.standard_normal(16).astype(np.float32),
    "large": rng.standard_normal((30, 40)).astype(np.float32),
}


@pytest.mark.parametrize("values", AUTOGRAD_INPUTS.values(), ids=AUTOGRAD_INPUTS.keys())
@pytest.mark.parametrize("make", GRAD_FN_MAKERS.values(), ids=GRAD_FN_MAKERS.keys())
def test_grad_fn_suffix_matches_torch(make, values):
    result = make(_leaf(values))
    engine_text = tensor_repr(result.detach().numpy(), grad_fn=type(result.grad_fn).__name__)
    assert engine_text == repr(result)


@pytest.mark.parametrize("values", AUTOGRAD_INPUTS.values(), ids=AUTOGRAD_INPUTS.keys())
def test_requires_grad_suffix_matches_torch(values):
    assert tensor_repr(values, requires_grad=True) == repr(_leaf(values))


def test_grad_fn_wins_over_requires_grad():
    result = _leaf(f32(1, 2)) * 2
    assert tensor_repr(f32(2, 4), requires_grad=True, grad_fn="MulBackward0") == repr(result)


def test_suffixes_of_a_non_default_dtype_come_in_torch_order():
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    assert tensor_repr(np.array([1.0, 2.0]), requires_grad=True) == repr(x)
    assert tensor_repr(np.array([2.0, 4.0]), grad_fn="MulBackward0") == repr(x * 2)


@pytest.mark.parametrize("values", AUTOGRAD_INPUTS.values(), ids=AUTOGRAD_INPUTS.keys())
@pytest.mark.parametrize("requires_grad", [True, False])
def test_parameter_prints_like_nn_parameter(values, requires_grad):
    param = torch.nn.Parameter(torch_tensor(values), requires_grad=requires_grad)
    engine_text = tensor_repr(values, requires_grad=requires_grad, parameter=True)
    assert engine_text == repr(param) == str(param)


# -- hypothesis: arrays of every shape and printing mode -------------------------------------------

SPECIAL_FLOATS = st.sampled_from([0.0, -0.0, INF, -INF, NAN])

ELEMENTS_BY_MODE = {
    "int": st.integers(-999, 999).map(float),
    "int_sci": st.sampled_from([1.0, -3.0, 2.0e3, 5.0e8, 1.0e10]),
    "fixed": st.floats(-999.0, 999.0, width=32),
    "unit": st.floats(-1.0, 1.0, width=32),
    "sci": st.floats(width=32, allow_nan=False, allow_infinity=False),
    "tiny": st.floats(-0.0009765625, 0.0009765625, width=32),
}


@st.composite
def float32_arrays(draw, max_dims: int = 4, max_side: int = 6) -> np.ndarray:
    elements = ELEMENTS_BY_MODE[draw(st.sampled_from(sorted(ELEMENTS_BY_MODE)))]
    if draw(st.booleans()):
        elements = st.one_of(elements, SPECIAL_FLOATS)
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=max_dims, min_side=0, max_side=max_side))
    return draw(hnp.arrays(np.float32, shape, elements=elements))


@settings(max_examples=400)
@given(float32_arrays())
def test_float32_arrays_print_like_torch(values):
    assert_prints_like_torch(values)


@settings(max_examples=60)
@given(float32_arrays(max_dims=2, max_side=40), st.sampled_from([None, "requires_grad", "MulBackward0"]))
def test_long_rows_wrap_like_torch(values, suffix):
    if suffix is None:
        assert_prints_like_torch(values)
    elif suffix == "requires_grad":
        assert tensor_repr(values, requires_grad=True) == repr(_leaf(values))
    else:
        result = _leaf(values) * 1
        assert tensor_repr(values, grad_fn=suffix) == repr(result)


@settings(max_examples=60)
@given(
    st.sampled_from(
        [
            np.dtype(np.int64),
            np.dtype(np.int32),
            np.dtype(np.bool_),
            np.dtype(np.float64),
            np.dtype(np.float16),
            np.dtype(np.uint8),
        ]
    ).flatmap(
        lambda dtype: hnp.arrays(dtype, hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=6))
    )
)
def test_other_dtypes_print_like_torch(values):
    assert_prints_like_torch(values)


SUMMARISED_SHAPES = [(1001,), (5000,), (7, 150), (300, 4), (2, 3, 200), (11, 11, 11), (4, 5, 6, 9)]


@settings(max_examples=30)
@given(
    st.sampled_from(SUMMARISED_SHAPES),
    st.sampled_from(["int", "fixed", "sci", "int64"]),
    st.integers(0, 2**32 - 1),
)
def test_summarised_arrays_print_like_torch(shape, mode, seed):
    generator = np.random.default_rng(seed)
    if mode == "int64":
        values = generator.integers(-(10**6), 10**6, size=shape)
    else:
        values = generator.standard_normal(shape).astype(np.float32)
        if mode == "int":
            values = np.round(values * 100)
        elif mode == "sci":
            values = values * np.float32(10.0) ** generator.integers(-8, 9, size=shape)
    assert_prints_like_torch(values)


# -- print options ---------------------------------------------------------------------------------

OPTION_SAMPLES = [
    HAND_PICKED_CASES["x_times_2048"],
    HAND_PICKED_CASES["vjp_grad_sci"],
    HAND_PICKED_CASES["int_mode_mixed_signs"],
    HAND_PICKED_CASES["int_mode_large_ratio_goes_sci"],
    HAND_PICKED_CASES["zeros"],
    HAND_PICKED_CASES["nonfinite_with_fixed"],
    HAND_PICKED_CASES["cube"],
    HAND_PICKED_CASES["long_row_wraps"],
    HAND_PICKED_CASES["summarised_1d"],
    HAND_PICKED_CASES["summarised_3d"],
    HAND_PICKED_CASES["int64_matrix"],
    HAND_PICKED_CASES["empty_2d"],
    np.arange(10, dtype=np.float32),
    np.arange(24, dtype=np.int32).reshape(2, 3, 4),
    np.array(1.0 / 3.0, dtype=np.float32),
]

OPTION_SETTINGS = [
    {"precision": 2},
    {"precision": 0},
    {"precision": 8},
    {"threshold": 5},
    {"threshold": 5, "edgeitems": 1},
    {"threshold": 5, "edgeitems": 0},
    {"edgeitems": 0},
    {"linewidth": 40},
    {"linewidth": 200},
    {"linewidth": 10},
    {"sci_mode": True},
    {"sci_mode": False},
    {"sci_mode": True, "precision": 2},
    {"profile": "short"},
    {"profile": "full"},
    {"profile": "default"},
    {"profile": "short", "precision": 6, "linewidth": 60},
    {"profile": "no-such-profile"},
]


@pytest.mark.parametrize("options", OPTION_SETTINGS, ids=[str(o) for o in OPTION_SETTINGS])
def test_set_printoptions_matches_torch(options):
    set_printoptions(**options)
    torch.set_printoptions(**options)
    assert get_printoptions() == torch._tensor_str.get_printoptions()
    for values in OPTION_SAMPLES:
        assert_prints_like_torch(values)
    grad_text = tensor_repr(OPTION_SAMPLES[0], grad_fn="MulBackward0")
    assert grad_text == repr(_leaf(OPTION_SAMPLES[0]) * 1)


def test_any_set_printoptions_call_resets_sci_mode_like_torch():
    for set_options in (set_printoptions, torch.set_printoptions):
        set_options(sci_mode=True)
        set_options(precision=3)
    assert get_printoptions() == torch._tensor_str.get_printoptions()
    assert get_printoptions()["sci_mode"] is None


def test_printoptions_context_restores_previous_options():
    set_printoptions(precision=2, linewidth=50)
    torch.set_printoptions(precision=2, linewidth=50)
    before = get_printoptions()
    with printoptions(precision=6, sci_mode=True):
        assert get_printoptions()["precision"] == 6
        torch.set_printoptions(precision=6, sci_mode=True)
        assert_prints_like_torch(HAND_PICKED_CASES["x_times_2048"])
    assert get_printoptions() == before


def test_options_object_is_shared_module_state():
    set_printoptions(precision=7)
    assert _printing._OPTIONS.precision == 7


# -- torch.Size, dtypes, __format__ ----------------------------------------------------------------


@pytest.mark.parametrize("shape", [(), (5,), (2, 3), (0, 3), (1, 1, 1, 1)])
def test_size_repr_matches_torch(shape):
    assert size_repr(shape) == repr(torch.Size(shape))


@pytest.mark.parametrize(
    "np_dtype",
    [
        np.float32,
        np.float64,
        np.float16,
        np.int64,
        np.int32,
        np.int16,
        np.int8,
        np.uint8,
        np.bool_,
        np.complex64,
        np.complex128,
    ],
)
def test_dtype_repr_matches_torch(np_dtype):
    assert dtype_repr(np_dtype) == repr(torch.from_numpy(np.zeros(1, dtype=np_dtype)).dtype)


def test_dtype_without_torch_counterpart_is_rejected():
    with pytest.raises(TypeError):
        dtype_repr(np.dtype("U3"))


def _torch_format(values: np.ndarray, spec: str, parameter: bool) -> str:
    tensor = torch_tensor(values)
    if parameter:
        tensor = torch.nn.Parameter(tensor)
    return format(tensor, spec)


FORMAT_CASES = [
    (np.array(2.5, dtype=np.float32), ".2f", False),
    (np.array(2.5, dtype=np.float32), "", False),
    (np.array(2.5, dtype=np.float32), "e", False),
    (np.array(2.5, dtype=np.float32), ">10", False),
    (np.array(7), "05d", False),
    (np.array(7), ".1f", False),
    (np.array(True), "", False),
    (np.array(True), ">6", False),
    (np.array(1.0 / 3.0), ".3%", False),
    (f32(1, 2), "", False),
    (f32(1, 2), ".2f", False),
    (np.arange(3), "d", False),
    (np.array(2.5, dtype=np.float32), "", True),
    (np.array(2.5, dtype=np.float32), ".2f", True),
    (f32(1, 2), ".2f", True),
    (np.array(2.5, dtype=np.float32), "d", False),
]


@pytest.mark.parametrize(("values", "spec", "parameter"), FORMAT_CASES)
def test_format_tensor_matches_torch(values, spec, parameter):
    requires_grad = parameter
    try:
        expected = _torch_format(values, spec, parameter)
    except (TypeError, ValueError) as error:
        with pytest.raises(type(error)) as raised:
            format_tensor(values, spec, requires_grad=requires_grad, parameter=parameter)
        assert str(raised.value) == str(error)
    else:
        assert format_tensor(values, spec, requires_grad=requires_grad, parameter=parameter) == expected


def test_unsupported_dtype_is_rejected():
    with pytest.raises(TypeError):
        tensor_repr(np.array(["a"]))
