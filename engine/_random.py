"""PyTorch's CPU random number generator on numpy, value for value.

torch's CPU generator is a 32-bit Mersenne Twister (the same MT19937 numpy ships), seeded with the
reference `init_genrand` recurrence from the low 32 bits of the seed. What makes torch's numbers torch's
is how raw 32-bit words become values:

- float32 uniforms use the low 24 bits of one word; float64 uniforms the low 53 bits of a 64-bit word made
  of two draws (first draw = high half). A [from, to) range is applied as one fused multiply-add, and
  a value that rounds up to `to` becomes `from`.
- randn-style normals use Box-Muller three ways: fewer than 16 values (or a non-contiguous destination)
  draw pairs of doubles and cache the second value of a pair for the next call; 16 or more float64 values
  transform blocks of 16 uniforms; 16 or more float32 values go through a vectorised float32 kernel
  (Cephes-style log and sincos) whose products and sums the compiler fused into FMAs.
- randint takes `word % range + low`, with one word below a range of 2**28 and two above.
- randperm is a forward Fisher-Yates shuffle; bernoulli (dropout masks) compares a double uniform to p.

numpy has no fused multiply-add, so the FMAs are emulated exactly (round-to-odd), which is what makes
the results bit-identical rather than merely close.
"""

from __future__ import annotations

import math
import os
import struct
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

__all__ = [
    "Generator",
    "GeneratorState",
    "bernoulli",
    "calculate_gain",
    "default_generator",
    "fan_in_and_fan_out",
    "get_rng_state",
    "init_normal_",
    "init_uniform_",
    "initial_seed",
    "kaiming_std",
    "kaiming_uniform_",
    "linear_default_init",
    "manual_seed",
    "normal",
    "randint",
    "randperm",
    "seed",
    "set_rng_state",
    "uniform",
    "xavier_std",
    "xavier_uniform_",
]

Shape = int | Sequence[int]

_MT_WORDS = 624
_WORD_MASK = 0xFFFFFFFF
_UINT64_MASK = (1 << 64) - 1
# torch.Generator() starts from this seed; only the default generator is seeded from entropy.
_TORCH_DEFAULT_SEED = 67280421310721
# Below this many values randn draws pairs of doubles one value at a time; from here on it fills blocks.
_NORMAL_BLOCK = 16
# randint switches from one 32-bit word to a 64-bit word per value at this range.
_RANDINT_WIDE_RANGE = 1 << 28
# randperm switches to an inside-out shuffle on 64-bit words from this n on.
_RANDPERM_WIDE_N = _WORD_MASK // 20


# ---------------------------------------------------------------------------------------------------
# Exact fused multiply-add. torch's kernels are compiled with FMA contraction, so a*b+c is rounded once.


def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """a + b as a rounded sum and its exact rounding error."""
    total = a + b
    b_part = total - a
    return total, (a - (total - b_part)) + (b - b_part)


def _round_to_odd(total: np.ndarray, error: np.ndarray) -> np.ndarray:
    """Turn a nearest-rounded float64 sum into the round-to-odd one.

    Round-to-odd keeps the information "inexact" in the last bit, so a second rounding to fewer bits is
    correct; rounding to nearest twice is not.
    """
    total, error = np.asarray(total), np.asarray(error)
    even = (total.view(np.int64) & 1) == 0
    towards_error = np.nextafter(total, np.copysign(np.inf, error))
    return np.where((error != 0) & even, towards_error, total)


def _fma_float32(a: npt.ArrayLike, b: npt.ArrayLike, c: npt.ArrayLike) -> np.ndarray:
    """float32 a*b+c with a single rounding (arguments broadcast together)."""
    a64, b64, c64 = (np.asarray(x, np.float32).astype(np.float64) for x in (a, b, c))
    product = a64 * b64  # exact: two 24-bit significands need 48 of float64's 53 bits
    product, c64 = np.broadcast_arrays(product, c64)
    total, error = _two_sum(product, c64)
    return _round_to_odd(total, error).astype(np.float32)


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Veltkamp split of a double into two 26-bit halves, so products of halves are exact."""
    scaled = a * 134217729.0  # 2**27 + 1
    high = scaled - (scaled - a)
    return high, a - high


def _fma_float64(a: npt.ArrayLike, b: float, c: float) -> np.ndarray:
    """float64 a*b+c with a single rounding (Boldo-Melquiond emulation through round-to-odd).

    The emulation splits a and b into halves whose products must neither overflow nor underflow; the
    rare elements outside that range (|a*b| below 2**-900, values beyond 2**900) are computed exactly
    with fractions instead.
    """
    a = np.asarray(a, np.float64)
    b, c = float(b), float(c)
    if not (math.isfinite(b) and math.isfinite(c)):
        return a * b + c
    if max(abs(b), abs(c)) > 2.0**900:
        return _fma_float64_by_fractions(a, b, c)
    product = a * b
    a_high, a_low = _split(a)
    b_high, b_low = _split(np.float64(b))
    product_error = ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + a_low * b_low
    high, low = _two_sum(np.full_like(product, c), product)
    low_sum, low_error = _two_sum(low, product_error)
    result = np.asarray(high + _round_to_odd(low_sum, low_error))
    # An exact zero takes its sign from a*b and c (-0 only if both are -0), which the correction terms,
    # all +0 then, would lose; plain arithmetic is exact in that case and gets the sign right.
    result = np.where(result == 0, product + c, result)
    out_of_range = (np.abs(a) > 2.0**900) | ((a != 0) & (b != 0) & (np.abs(product) < 2.0**-900))
    if out_of_range.any():
        result = result.copy()
        result[out_of_range] = _fma_float64_by_fractions(a[out_of_range], b, c)
    return result


def _fma_float64_by_fractions(a: np.ndarray, b: float, c: float) -> np.ndarray:
    """a*b+c through exact rational arithmetic (finite b and c): slow, for values near float64's ends."""
    b_exact, c_exact = Fraction(b), Fraction(c)

    def rounded(x: float) -> float:
        exact = Fraction(x) * b_exact + c_exact
        if exact == 0:
            return x * b + c  # an exact zero: float arithmetic gets its sign right
        try:
            return float(exact)
        except OverflowError:
            return math.copysign(math.inf, exact)

    return np.fromiter(map(rounded, a.reshape(-1).tolist()), np.float64, a.size).reshape(a.shape)


# ---------------------------------------------------------------------------------------------------
# The float32 Box-Muller kernel torch runs for randn of 16 or more contiguous float32 values: Cephes
# polynomials evaluated in float32, with the multiply-adds the compiler fused.

_F = np.float32
_LOG_POLY = tuple(map(_F, (
    7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
    -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
)))  # fmt: skip
_LOG_Q1 = _F(-2.12194440e-4)
_LOG_Q2 = _F(0.693359375)  # ln 2 = Q2 + Q1 (split so exponent * ln 2 stays exact)
_SQRT_HALF = _F(0.707106781186547524)
_FOUR_OVER_PI = _F(1.27323954473516)
_PI_OVER_4_PARTS = (_F(-0.78515625), _F(-2.4187564849853515625e-4), _F(-3.77489497744594108e-8))
_COS_POLY = (_F(2.443315711809948e-5), _F(-1.388731625493765e-3), _F(4.166664568298827e-2))
_SIN_POLY = (_F(-1.9515295891e-4), _F(8.3321608736e-3), _F(-1.6666654611e-1))
_TWO_PI_FLOAT32 = _F(2.0 * math.pi)


def _log_float32(x: np.ndarray) -> np.ndarray:
    """Natural log of float32 values in (0, 1], as torch's vectorised float32 kernel computes it."""
    bits = x.view(np.int32)
    exponent = ((bits >> 23) - 126).astype(np.float32)
    mantissa = ((bits & 0x007FFFFF) | 0x3F000000).view(np.float32)  # in [0.5, 1)
    below_sqrt_half = mantissa < _SQRT_HALF
    # Move the mantissa to [sqrt(1/2), sqrt(2)) so the polynomial sees |m - 1| < 0.42.
    exponent = exponent - below_sqrt_half.astype(np.float32)
    m = (mantissa - _F(1)) + np.where(below_sqrt_half, mantissa, _F(0))
    m_squared = m * m
    poly = np.full_like(m, _LOG_POLY[0])
    for coefficient in _LOG_POLY[1:]:
        poly = _fma_float32(poly, m, coefficient)
    poly = poly * m
    poly = _fma_float32(poly, m_squared, exponent * _LOG_Q1)
    poly = poly - m_squared * _F(0.5)
    return _fma_float32(exponent, _LOG_Q2, m + poly)


def _sincos_float32(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sin, cos) of float32 angles in [0, 2*pi), as torch's vectorised float32 kernel computes them."""
    octant = (x * _FOUR_OVER_PI).astype(np.int32)
    octant = (octant + 1) & ~1  # round up to even: the reduced angle lands in [-pi/4, pi/4]
    y = octant.astype(np.float32)
    for part in _PI_OVER_4_PARTS:  # x - octant*pi/4 in three steps, each exact up to the last
        x = _fma_float32(y, part, x)
    x_squared = x * x
    cos_poly = np.full_like(x, _COS_POLY[0])
    for coefficient in _COS_POLY[1:]:
        cos_poly = _fma_float32(cos_poly, x_squared, coefficient)
    cos_poly = cos_poly * x_squared
    cos_poly = _fma_float32(cos_poly, x_squared, -(x_squared * _F(0.5))) + _F(1)
    sin_poly = np.full_like(x, _SIN_POLY[0])
    for coefficient in _SIN_POLY[1:]:
        sin_poly = _fma_float32(sin_poly, x_squared, coefficient)
    sin_poly = _fma_float32(sin_poly * x_squared, x, x)
    swap = (octant & 2) != 0
    # Adding +0 mirrors the kernel's blend, which turns a -0 result into +0.
    sin = np.where(swap, cos_poly, sin_poly) + _F(0)
    cos = np.where(swap, sin_poly, cos_poly) + _F(0)
    sin = np.where((octant & 4) != 0, -sin, sin)
    cos = np.where(((octant - 2) & 4) == 0, -cos, cos)
    return sin, cos


def _box_muller_blocks_float32(uniforms: np.ndarray, mean: float, std: float) -> np.ndarray:
    """Blocks of 16 float32 uniforms -> 16 normals: u[j] gives the radius, u[j+8] the angle."""
    blocks = uniforms.reshape(-1, _NORMAL_BLOCK)
    half = _NORMAL_BLOCK // 2
    radius = np.sqrt(_F(-2) * _log_float32(_F(1) - blocks[:, :half]))
    sin, cos = _sincos_float32(_TWO_PI_FLOAT32 * blocks[:, half:])
    mean32, std32 = _F(mean), _F(std)
    first = _fma_float32(radius * cos, std32, mean32)
    second = _fma_float32(radius * sin, std32, mean32)
    return np.concatenate([first, second], axis=1).reshape(-1)


def _libm(function: Callable[[float], float], values: np.ndarray) -> np.ndarray:
    """Apply a `math` function element-wise: the C library's results, as torch's scalar kernels get them
    (numpy's own SIMD log/sin/cos may differ in the last bit)."""
    flat = values.reshape(-1)
    return np.fromiter(map(function, flat.tolist()), np.float64, flat.size).reshape(values.shape)


def _box_muller_blocks_float64(uniforms: np.ndarray, mean: float, std: float) -> np.ndarray:
    """Blocks of 16 float64 uniforms -> 16 normals, computed with the C library's log, cos and sin."""
    blocks = uniforms.reshape(-1, _NORMAL_BLOCK)
    half = _NORMAL_BLOCK // 2
    radius = np.sqrt(-2.0 * _libm(math.log, 1.0 - blocks[:, :half]))
    theta = (2.0 * math.pi) * blocks[:, half:]
    first = _fma_float64(radius * _libm(math.cos, theta), std, mean)
    second = _fma_float64(radius * _libm(math.sin, theta), std, mean)
    return np.concatenate([first, second], axis=1).reshape(-1)


# ---------------------------------------------------------------------------------------------------
# Fisher-Yates shuffles for a whole sequence of swaps at once. A shuffle is sequential by nature, but
# where each value ends up can be found by chasing "who moved it next" pointers, which numpy does for all
# values together in a handful of passes (pointer doubling) instead of one Python step per element.


def _group_by_target(
    targets: np.ndarray, steps: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(target, step) pairs sorted by target, then step; with masks for the first/last pair of each target."""
    target, step = np.divmod(np.sort(targets * n + steps), n)
    first = np.ones(step.size, dtype=bool)
    first[1:] = target[1:] != target[:-1]
    last = np.ones(step.size, dtype=bool)
    last[:-1] = first[1:]
    return target, step, first, last


def _follow_to_end(pointer: np.ndarray) -> np.ndarray:
    """For a pointer array whose chains end in self-pointers: where each chain ends."""
    while True:
        jumped = pointer[pointer]
        if np.array_equal(jumped, pointer):
            return pointer
        pointer = jumped


def _forward_shuffle(targets: np.ndarray) -> np.ndarray:
    """0..n-1 after swapping positions i and targets[i] (>= i) for i = 0, 1, ..., n-2.

    Position i is final after step i: it takes what position targets[i] held just before. A position
    holds its own index until some step k moves a value in, namely what position k held before step k,
    so what every position holds at any step is found by following those moves back.
    """
    n = targets.size + 1
    steps = np.arange(n - 1)
    moves = targets > steps  # a step with targets[i] == i leaves everything in place
    target, step, first, last = _group_by_target(targets[moves], steps[moves], n)
    moved_in_by = np.arange(n)
    moved_in_by[target[last]] = step[last]
    held_before_own_step = _follow_to_end(moved_in_by)
    perm = held_before_own_step.copy()
    # A moving step takes its target's value: the target's own index, or what the previous step moving
    # into that target brought there.
    perm[step] = np.where(first, target, held_before_own_step[np.roll(step, 1)])
    return perm


def _inside_out_shuffle(sources: np.ndarray) -> np.ndarray:
    """perm after `perm[i] = perm[sources[i]]; perm[sources[i]] = i` for i = 0, 1, ..., n-1 (sources[i] <= i).

    Value i lands at sources[i]. The next step j that targets its position moves it to position j; from
    there the first later step targeting j moves it on, and so on: a chain per value.
    """
    n = sources.size
    steps = np.arange(n)
    position, step, first, last = _group_by_target(sources, steps, n)
    next_step_same_target = np.full(n, -1)
    next_step_same_target[step] = np.where(last, -1, np.roll(step, -1))
    # A value that reached position p at step p leaves at the first step after p that targets p.
    first_step, target = step[first], position[first]
    leaves_at = np.where(first_step == target, next_step_same_target[first_step], first_step)
    moves_on_to = np.arange(n)
    moves_on_to[target] = np.where(leaves_at >= 0, leaves_at, target)
    final = _follow_to_end(moves_on_to)
    moved = next_step_same_target >= 0
    final_position = np.where(moved, final[np.where(moved, next_step_same_target, 0)], sources)
    perm = np.empty(n, dtype=np.int64)
    perm[final_position] = steps
    return perm


# ---------------------------------------------------------------------------------------------------
# Argument checks, with torch's messages.


def _shape_tuple(shape: Shape) -> tuple[int, ...]:
    dims = (int(shape),) if isinstance(shape, int | np.integer) else tuple(int(d) for d in shape)
    for d in dims:
        if d < 0:
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {d}: [{', '.join(map(str, dims))}]"
            )
    return dims


def _float_dtype(dtype: npt.DTypeLike, what: str) -> np.dtype:
    result = np.dtype(dtype)
    if result not in (np.float32, np.float64):
        raise TypeError(f"{what} needs float32 or float64, got {result}")
    return result


_C_TYPE_NAMES = {
    np.dtype(np.bool_): "bool", np.dtype(np.uint8): "unsigned char", np.dtype(np.int8): "signed char",
    np.dtype(np.int16): "short int", np.dtype(np.int32): "int", np.dtype(np.int64): "long int",
    np.dtype(np.float32): "float", np.dtype(np.float64): "double",
}  # fmt: skip
_RANDPERM_INT_NAMES = {
    np.dtype(np.uint8): "uint8_t", np.dtype(np.int8): "int8_t", np.dtype(np.int16): "int16_t",
    np.dtype(np.int32): "int", np.dtype(np.int64): "int64_t",
}  # fmt: skip
# Largest n whose permutation a float dtype holds exactly (torch's text, limit, type name).
_RANDPERM_FLOAT_LIMITS = {
    np.dtype(np.float16): ("2049", 2049, "Half"),
    np.dtype(np.float32): ("2^24+1", 2**24 + 1, "Float"),
    np.dtype(np.float64): ("2^53+1", 2**53 + 1, "Double"),
}


def _check_seed(seed: object) -> int:
    if isinstance(seed, float) or not hasattr(seed, "__index__"):
        raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")
    value = seed.__index__()
    if not -(1 << 63) <= value <= _UINT64_MASK:
        raise ValueError("Overflow when unpacking long long")
    return value & _UINT64_MASK


def _round_int_to_float(value: int, digits: int) -> int:
    """An integer rounded to a float with `digits` significand bits (nearest, ties to even), exactly."""
    magnitude = abs(value)
    drop = magnitude.bit_length() - digits
    if drop <= 0:
        return value
    kept, rest = divmod(magnitude, 1 << drop)
    half = 1 << (drop - 1)
    if rest > half or (rest == half and kept & 1):
        kept += 1
    return (kept << drop) if value >= 0 else -(kept << drop)


def _float_randint_bounds(low: int, high: int, dtype: np.dtype) -> tuple[int, int]:
    """torch narrows [low, high) for float dtypes so both ends survive the cast to the dtype."""
    digits = np.finfo(dtype).nmant + 1
    low_plus_1 = _round_int_to_float(low + 1, digits)
    if low_plus_1 < low:
        low = low_plus_1 + (1 << (abs(low + 1).bit_length() - digits))
    high_minus_1 = _round_int_to_float(high - 1, digits)
    if high_minus_1 >= high:
        high = high_minus_1 - (1 << (abs(high - 1).bit_length() - digits))
    if low >= high:
        raise RuntimeError(
            "random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, "
            f"but got from={low} >= to={high}"
        )
    name = _C_TYPE_NAMES[dtype]
    limit = 1 << digits
    for label, value in (("from", low), ("to - 1", high - 1)):
        if not -limit <= value <= limit:
            warnings.warn(
                f"{label} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision limitations {name} "
                "can support discrete uniform distribution only within this range. This warning will become "
                "an error in version 1.7 release, please fix the code in advance",
                UserWarning,
                stacklevel=3,
            )
    return low, high


def _check_int_randint_bounds(low: int, high: int, dtype: np.dtype) -> None:
    if dtype == np.bool_:
        lowest, highest = 0, 1
    else:
        info = np.iinfo(dtype)
        lowest, highest = int(info.min), int(info.max)
    name = _C_TYPE_NAMES[dtype]
    if not lowest <= low <= highest:
        raise RuntimeError(f"from is out of bounds for {name}")
    if not lowest <= high - 1 <= highest:
        raise RuntimeError(f"to - 1 is out of bounds for {name}")


def _check_randperm(n: int, dtype: np.dtype) -> None:
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    if dtype == np.bool_:
        raise NotImplementedError("\"randperm\" not implemented for 'Bool'")
    if dtype in _RANDPERM_FLOAT_LIMITS:
        text, limit, name = _RANDPERM_FLOAT_LIMITS[dtype]
        if n > limit:
            raise RuntimeError(f"n cannot be greater than {text} for {name} type.")
    elif dtype not in _RANDPERM_INT_NAMES:
        raise TypeError(f"randperm does not support {dtype}")
    elif n - 1 > np.iinfo(dtype).max:
        raise RuntimeError(f"value cannot be converted to type {_RANDPERM_INT_NAMES[dtype]} without overflow")


def _check_multinomial(probs: np.ndarray, num_samples: int, replacement: bool) -> None:
    if probs.dtype.kind != "f":
        name = {"i": "Long", "b": "Bool", "u": "Byte"}.get(probs.dtype.kind, str(probs.dtype))
        if probs.dtype == np.int32:
            name = "Int"
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {name}")
    if probs.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > probs.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if not np.isfinite(probs).all() or (probs < 0).any():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if (probs.reshape(-1, probs.shape[-1]).sum(axis=-1) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")


# ---------------------------------------------------------------------------------------------------
# Generator state


def _seeded_key(seed: int) -> np.ndarray:
    """The Mersenne Twister's reference seeding (init_genrand) from the low 32 bits of the seed."""
    word = seed & _WORD_MASK
    key = [word]
    for i in range(1, _MT_WORDS):
        word = (1812433253 * (word ^ (word >> 30)) + i) & _WORD_MASK
        key.append(word)
    return np.array(key, dtype=np.uint32)


# torch's serialised CPUGeneratorImplState: seed, left, seeded, next, state[624] as uint64, then the
# legacy Box-Muller fields (x, y, rho, valid) and the cached float normal (value, valid).
_STATE_HEAD = struct.Struct("<QiiQ")
_STATE_TAIL = struct.Struct("<dddi4xf?3x")
_STATE_SIZE = _STATE_HEAD.size + 8 * _MT_WORDS + _STATE_TAIL.size  # 5056


@dataclass(frozen=True)
class GeneratorState:
    """A snapshot of a Generator: Mersenne Twister words and position, seed, and cached normals."""

    seed: int
    key: bytes  # 624 little-endian uint32 words
    pos: int  # index of the next word; 624 = regenerate before the next draw
    fresh: bool  # seeded and not drawn from since (torch records next=0 rather than next=624)
    next_double_normal: float | None
    next_float_normal: float | None

    def to_bytes(self) -> bytes:
        """The state in torch's `get_rng_state()` byte layout (5056 bytes)."""
        next_index = 0 if self.fresh else self.pos
        left = 1 if self.pos >= _MT_WORDS else _MT_WORDS + 1 - self.pos
        words = np.frombuffer(self.key, dtype="<u4").astype("<u8").tobytes()
        tail = _STATE_TAIL.pack(
            0.0, self.next_double_normal or 0.0, 0.0, self.next_double_normal is not None,
            self.next_float_normal or 0.0, self.next_float_normal is not None,
        )  # fmt: skip
        return _STATE_HEAD.pack(self.seed, left, 1, next_index) + words + tail

    @classmethod
    def from_bytes(cls, data: bytes | bytearray | np.ndarray) -> GeneratorState:
        """Read torch's `get_rng_state()` byte layout."""
        if isinstance(data, np.ndarray):
            if data.dtype != np.uint8:
                raise TypeError("RNG state must be a torch.ByteTensor")
            data = data.tobytes()
        data = bytes(data)
        if len(data) != _STATE_SIZE:
            raise RuntimeError(
                f"Expected a CPUGeneratorImplState of size {_STATE_SIZE} but found the input RNG state size "
                f"to be {len(data)}"
            )
        seed, left, _seeded, next_index = _STATE_HEAD.unpack_from(data)
        words = np.frombuffer(data, dtype="<u8", count=_MT_WORDS, offset=_STATE_HEAD.size)
        _, normal_y, _, normal_valid, float_normal, float_valid = _STATE_TAIL.unpack_from(
            data, _STATE_HEAD.size + 8 * _MT_WORDS
        )
        pos = _MT_WORDS if left <= 1 else next_index
        return cls(
            seed=seed,
            key=(words & _WORD_MASK).astype("<u4").tobytes(),
            pos=pos,
            fresh=left <= 1 and next_index == 0,
            next_double_normal=normal_y if normal_valid else None,
            next_float_normal=float(float_normal) if float_valid else None,
        )


# ---------------------------------------------------------------------------------------------------
# The generator


class Generator:
    """torch.Generator for the CPU: same seed, same numbers."""

    def __init__(self, device: object = "cpu") -> None:
        # Every device is the CPU here; torch.Generator(device="cuda") is refused by engine._device users.
        self._bits = np.random.MT19937(0)
        self.manual_seed(_TORCH_DEFAULT_SEED)

    # seeding and state ---------------------------------------------------------------------------

    def manual_seed(self, seed: int) -> Generator:
        """Reset the stream to `seed` (negative seeds wrap to 64 bits, as in torch)."""
        self._seed = _check_seed(seed)
        self._load_words(_seeded_key(self._seed), _MT_WORDS)
        self._fresh = True
        self._next_double_normal: float | None = None
        self._next_float_normal: float | None = None
        return self

    def seed(self) -> int:
        """Seed from the operating system's entropy and return that seed."""
        value = int.from_bytes(os.urandom(8), "little")
        self.manual_seed(value)
        return value

    def initial_seed(self) -> int:
        """The seed the stream started from."""
        return self._seed

    def get_state(self) -> GeneratorState:
        """A snapshot that `set_state` restores exactly (including a cached normal value)."""
        words = self._bits.state["state"]
        return GeneratorState(
            seed=self._seed,
            key=np.asarray(words["key"], dtype="<u4").tobytes(),
            pos=int(words["pos"]),
            fresh=self._fresh,
            next_double_normal=self._next_double_normal,
            next_float_normal=self._next_float_normal,
        )

    def set_state(self, state: GeneratorState | bytes | bytearray | np.ndarray) -> None:
        """Restore a snapshot from `get_state`, or torch's `get_rng_state()` bytes."""
        if not isinstance(state, GeneratorState):
            state = GeneratorState.from_bytes(state)
        self._seed = state.seed
        self._load_words(np.frombuffer(state.key, dtype="<u4").astype(np.uint32), state.pos)
        self._fresh = state.fresh
        self._next_double_normal = state.next_double_normal
        self._next_float_normal = state.next_float_normal

    def _load_words(self, key: np.ndarray, pos: int) -> None:
        self._bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": pos}}

    # raw draws -------------------------------------------------------------------------------------

    def _words32(self, count: int) -> np.ndarray:
        """`count` raw 32-bit outputs (as uint64)."""
        if count:
            self._fresh = False
        return self._bits.random_raw(count)

    def _words64(self, count: int) -> np.ndarray:
        """`count` 64-bit values, each two 32-bit outputs with the first as the high half."""
        pairs = self._words32(2 * count).reshape(count, 2)
        return (pairs[:, 0] << np.uint64(32)) | pairs[:, 1]

    def _unit(self, count: int, dtype: np.dtype) -> np.ndarray:
        """Uniforms in [0, 1): 24 random bits for float32, 53 for float64."""
        if dtype == np.float32:
            return (self._words32(count) & np.uint64(0xFFFFFF)).astype(np.float32) * _F(2.0**-24)
        return (self._words64(count) & np.uint64((1 << 53) - 1)).astype(np.float64) * 2.0**-53

    # draws -----------------------------------------------------------------------------------------

    def uniform(self, shape: Shape, dtype: npt.DTypeLike, low: float = 0.0, high: float = 1.0) -> np.ndarray:
        """torch.rand / Tensor.uniform_(low, high).

        Args:
            shape: result shape.
            dtype: np.float32 or np.float64.
            low, high: the [low, high) range, cast to `dtype` first as torch does.
        Returns:
            A new array of `shape` and `dtype`.
        """
        dims, dtype = _shape_tuple(shape), _float_dtype(dtype, "uniform")
        if low > high:
            raise RuntimeError(
                f"uniform_ expects to return a [from, to) range, but found from={low:g} > to={high:g}"
            )
        if high - low > float(np.finfo(dtype).max):
            raise RuntimeError(
                "uniform_ expects to-from <= std::numeric_limits<Float>::max(), but found "
                f"to={high:g} and from={low:g} which result in to-from to exceed the limit"
            )
        unit = self._unit(math.prod(dims), dtype)
        low_cast, high_cast = dtype.type(low), dtype.type(high)
        width = high_cast - low_cast
        if low_cast == 0 and width == 1:
            values = unit
        elif dtype == np.float32:
            values = _fma_float32(unit, width, low_cast)
        else:
            values = _fma_float64(unit, float(width), float(low_cast))
        # Rounding can land on `high`; torch keeps the range half-open by returning `low` instead.
        values = np.where(values == high_cast, low_cast, values)
        return values.reshape(dims)

    def normal(
        self,
        shape: Shape,
        dtype: npt.DTypeLike,
        mean: float = 0.0,
        std: float = 1.0,
        *,
        contiguous: bool = True,
    ) -> np.ndarray:
        """torch.randn / Tensor.normal_(mean, std) / torch.normal(float, float, size).

        Args:
            shape: result shape.
            dtype: np.float32 or np.float64.
            mean, std: parameters of the distribution.
            contiguous: False when the values fill a non-contiguous tensor (in memory order); torch then
                takes its one-at-a-time path whatever the size.
        Returns:
            A new array of `shape` and `dtype`.
        """
        dims, dtype = _shape_tuple(shape), _float_dtype(dtype, "normal")
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
        count = math.prod(dims)
        if count < _NORMAL_BLOCK or not contiguous:
            values = self._normal_pairs(count, float(mean), float(std)).astype(dtype)
        else:
            values = self._normal_blocks(count, dtype, mean, std)
        return values.reshape(dims)

    def _normal_blocks(self, count: int, dtype: np.dtype, mean: float, std: float) -> np.ndarray:
        """torch's block path: draw all uniforms, transform whole blocks of 16, then redo the last 16 with
        fresh uniforms when the count is not a multiple of 16."""
        transform = _box_muller_blocks_float32 if dtype == np.float32 else _box_muller_blocks_float64
        whole = count - count % _NORMAL_BLOCK
        values = self._unit(count, dtype)
        values[:whole] = transform(values[:whole], mean, std)
        if whole != count:
            values[-_NORMAL_BLOCK:] = transform(self._unit(_NORMAL_BLOCK, dtype), mean, std)
        return values

    def _normal_pairs(self, count: int, mean: float, std: float) -> np.ndarray:
        """torch's one-at-a-time path: each pair of double uniforms gives two normals; the second is
        cached in the generator and returned by the next draw, even a later call's."""
        if count == 0:
            return np.empty(0, np.float64)
        standard = []
        if self._next_double_normal is not None:
            standard.append(self._next_double_normal)
            self._next_double_normal = None
        pairs = (count - len(standard) + 1) // 2
        if pairs:
            unit = self._unit(2 * pairs, np.dtype(np.float64)).reshape(pairs, 2)
            radius = np.sqrt(-2.0 * _libm(math.log1p, -unit[:, 1]))
            theta = (2.0 * math.pi) * unit[:, 0]
            cos_sin = np.stack([radius * _libm(math.cos, theta), radius * _libm(math.sin, theta)], axis=1)
            fresh = cos_sin.reshape(-1)
            if len(standard) + fresh.size > count:
                self._next_double_normal = float(fresh[-1])
                fresh = fresh[:-1]
            standard.extend(fresh.tolist())
        return _fma_float64(np.array(standard), std, mean)

    def randint(self, low: int, high: int, shape: Shape, dtype: npt.DTypeLike = np.int64) -> np.ndarray:
        """torch.randint(low, high, shape): integers in [low, high), as `dtype`.

        Args:
            low, high: the half-open range (Python ints within int64).
            shape: result shape.
            dtype: any of bool, uint8, int8/16/32/64, float32, float64.
        Returns:
            A new array of `shape` and `dtype`.
        """
        dims, dtype = _shape_tuple(shape), np.dtype(dtype)
        low, high = int(low), int(high)
        for bound in (low, high):
            if not -(1 << 63) <= bound < (1 << 63):
                raise ValueError("Overflow when unpacking long long")
        if low >= high:
            raise RuntimeError(
                f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
            )
        if dtype not in _C_TYPE_NAMES:
            raise TypeError(f"randint does not support {dtype}")
        if dtype.kind == "f":
            low, high = _float_randint_bounds(low, high, dtype)
        else:
            _check_int_randint_bounds(low, high, dtype)
        span = high - low
        count = math.prod(dims)
        words = self._words64(count) if span >= _RANDINT_WIDE_RANGE else self._words32(count)
        # Unsigned arithmetic wraps modulo 2**64 exactly as torch's does, then reads back as int64.
        values = (words % np.uint64(span) + np.uint64(low & _UINT64_MASK)).view(np.int64)
        return values.astype(dtype).reshape(dims)

    def randperm(self, n: int, dtype: npt.DTypeLike = np.int64) -> np.ndarray:
        """torch.randperm(n): a random permutation of 0..n-1, as `dtype` (integer or float, not bool)."""
        n, dtype = int(n), np.dtype(dtype)
        _check_randperm(n, dtype)
        if n == 0:
            return np.empty(0, dtype=dtype)
        if n >= _RANDPERM_WIDE_N:
            sources = self._words64(n) % np.arange(1, n + 1, dtype=np.uint64)
            return _inside_out_shuffle(sources.astype(np.int64)).astype(dtype)
        # Step i swaps position i with a position drawn from [i, n).
        offsets = self._words32(max(n - 1, 0)) % np.arange(n, 1, -1, dtype=np.uint64)
        return _forward_shuffle(offsets.astype(np.int64) + np.arange(offsets.size)).astype(dtype)

    def exponential(self, shape: Shape, dtype: npt.DTypeLike, rate: float = 1.0) -> np.ndarray:
        """Tensor.exponential_(rate): -log1p(-u) / rate from a double uniform u, then cast to `dtype`."""
        dims = _shape_tuple(shape)
        unit = self._unit(math.prod(dims), np.dtype(np.float64))
        return (-_libm(math.log1p, -unit) / rate).astype(dtype).reshape(dims)

    def multinomial(self, probs: np.ndarray, num_samples: int, replacement: bool = False) -> np.ndarray:
        """torch.multinomial on rows of non-negative weights: int64 category indices.

        torch takes one of two routes, and each consumes the generator differently. One sample, or any
        number without replacement: divide the weights by Exp(1) noise and take the largest (argmax /
        topk). Several samples with replacement: one double uniform per sample, located by binary search
        in the row's normalised running sum.
        """
        _check_multinomial(probs, num_samples, replacement)
        rows = probs.reshape(-1, probs.shape[-1])
        if num_samples == 1 or not replacement:
            keys = rows / self.exponential(rows.shape, rows.dtype)
            picked = np.argsort(-keys, axis=-1, kind="stable")[:, :num_samples]
        else:
            cumulative = np.cumsum(rows, axis=-1, dtype=rows.dtype)
            cumulative = cumulative / cumulative[:, -1:]
            unit = self._unit(rows.shape[0] * num_samples, np.dtype(np.float64)).reshape(-1, num_samples)
            picked = np.stack([np.searchsorted(c, u, side="left") for c, u in zip(cumulative, unit)])
        return picked.astype(np.int64).reshape(*probs.shape[:-1], num_samples)

    def bernoulli(self, shape: Shape, p: float, dtype: npt.DTypeLike = np.float32) -> np.ndarray:
        """Tensor.bernoulli_(p): 1 with probability p. F.dropout(x, q) draws this mask with p = 1 - q.

        Args:
            shape: result shape.
            p: probability of a 1, in [0, 1].
            dtype: result dtype (bool, integer or float).
        Returns:
            A new array of 0s and 1s.
        """
        dims, dtype = _shape_tuple(shape), np.dtype(dtype)
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")
        unit = self._unit(math.prod(dims), np.dtype(np.float64))
        return (unit < p).astype(dtype).reshape(dims)


default_generator = Generator()
default_generator.seed()


def manual_seed(seed: int) -> Generator:
    """torch.manual_seed: reseed the default generator (accepts anything `int()` accepts)."""
    return default_generator.manual_seed(int(seed))


def seed() -> int:
    """torch.seed: reseed the default generator from entropy and return the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """torch.initial_seed."""
    return default_generator.initial_seed()


def get_rng_state() -> GeneratorState:
    """torch.get_rng_state, as a GeneratorState (`.to_bytes()` gives torch's ByteTensor bytes)."""
    return default_generator.get_state()


def set_rng_state(state: GeneratorState | bytes | bytearray | np.ndarray) -> None:
    """torch.set_rng_state."""
    default_generator.set_state(state)


def uniform(shape: Shape, dtype: npt.DTypeLike, low: float = 0.0, high: float = 1.0) -> np.ndarray:
    """`Generator.uniform` on the default generator."""
    return default_generator.uniform(shape, dtype, low, high)


def normal(
    shape: Shape, dtype: npt.DTypeLike, mean: float = 0.0, std: float = 1.0, *, contiguous: bool = True
) -> np.ndarray:
    """`Generator.normal` on the default generator."""
    return default_generator.normal(shape, dtype, mean, std, contiguous=contiguous)


def randint(low: int, high: int, shape: Shape, dtype: npt.DTypeLike = np.int64) -> np.ndarray:
    """`Generator.randint` on the default generator."""
    return default_generator.randint(low, high, shape, dtype)


def randperm(n: int, dtype: npt.DTypeLike = np.int64) -> np.ndarray:
    """`Generator.randperm` on the default generator."""
    return default_generator.randperm(n, dtype)


def bernoulli(shape: Shape, p: float, dtype: npt.DTypeLike = np.float32) -> np.ndarray:
    """`Generator.bernoulli` on the default generator."""
    return default_generator.bernoulli(shape, p, dtype)


# ---------------------------------------------------------------------------------------------------
# nn.init on numpy arrays: fill in place, in memory order (the order torch visits a tensor's elements).


def _fill_in_memory_order(arr: np.ndarray, draw: Callable[[tuple[int, ...], bool], np.ndarray]) -> np.ndarray:
    """Fill `arr` with `draw(shape, contiguous)`, visiting its elements in memory order."""
    contiguous = arr.flags.c_contiguous
    if contiguous or arr.ndim < 2:
        view = arr
    else:
        axes = sorted(range(arr.ndim), key=lambda axis: -abs(arr.strides[axis]))
        view = arr.transpose(axes)
    view[...] = draw(view.shape, contiguous)
    return arr


def init_uniform_(
    arr: np.ndarray, a: float = 0.0, b: float = 1.0, generator: Generator | None = None
) -> np.ndarray:
    """nn.init.uniform_: fill `arr` from U[a, b) in place and return it."""
    gen = generator or default_generator
    return _fill_in_memory_order(arr, lambda shape, _contiguous: gen.uniform(shape, arr.dtype, a, b))


def init_normal_(
    arr: np.ndarray, mean: float = 0.0, std: float = 1.0, generator: Generator | None = None
) -> np.ndarray:
    """nn.init.normal_: fill `arr` from N(mean, std**2) in place and return it."""
    gen = generator or default_generator
    return _fill_in_memory_order(
        arr, lambda shape, contiguous: gen.normal(shape, arr.dtype, mean, std, contiguous=contiguous)
    )


def fan_in_and_fan_out(shape: Sequence[int]) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight shape (out, in, *kernel), as nn.init computes them."""
    if len(shape) < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive_field = math.prod(shape[2:])
    return shape[1] * receptive_field, shape[0] * receptive_field


_LINEAR_LIKE = (
    "linear",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
)


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """nn.init.calculate_gain: the recommended gain for a nonlinearity."""
    if nonlinearity in _LINEAR_LIKE or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif isinstance(param, float) or (isinstance(param, int) and not isinstance(param, bool)):
            negative_slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def kaiming_std(shape: Sequence[int], a: float, mode: str, nonlinearity: str) -> float:
    """He initialisation's standard deviation, gain / √fan (checking `mode` as torch does)."""
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of ['fan_in', 'fan_out']")
    fan_in, fan_out = fan_in_and_fan_out(shape)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def xavier_std(shape: Sequence[int], gain: float) -> float:
    """Glorot initialisation's standard deviation, gain·√(2 / (fan_in + fan_out))."""
    fan_in, fan_out = fan_in_and_fan_out(shape)
    return gain * math.sqrt(2.0 / float(fan_in + fan_out))


def kaiming_uniform_(
    arr: np.ndarray,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Generator | None = None,
) -> np.ndarray:
    """nn.init.kaiming_uniform_: U(-bound, bound) with bound = gain * sqrt(3 / fan)."""
    if 0 in arr.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", UserWarning, stacklevel=2)
        return arr
    bound = math.sqrt(3.0) * kaiming_std(arr.shape, a, mode, nonlinearity)
    return init_uniform_(arr, -bound, bound, generator)


def xavier_uniform_(arr: np.ndarray, gain: float = 1.0, generator: Generator | None = None) -> np.ndarray:
    """nn.init.xavier_uniform_: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out))."""
    bound = math.sqrt(3.0) * xavier_std(arr.shape, gain)
    return init_uniform_(arr, -bound, bound, generator)


def linear_default_init(
    out_features: int,
    in_features: int,
    bias: bool,
    dtype: npt.DTypeLike = np.float32,
    generator: Generator | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """nn.Linear(in_features, out_features)'s initial (weight, bias), drawn in nn.Linear's order."""
    weight = kaiming_uniform_(
        np.empty((out_features, in_features), dtype=dtype), a=math.sqrt(5), generator=generator
    )
    if not bias:
        return weight, None
    fan_in, _ = fan_in_and_fan_out(weight.shape)
    bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
    return weight, init_uniform_(np.empty(out_features, dtype=dtype), -bound, bound, generator)
