"""The supported Python subset behaves exactly like CPython (which runs the same text as the oracle)."""

from __future__ import annotations

import pytest

from tests.sandbox.helpers import python_run, run

PROGRAMS = {
    "assignment_and_unpacking": """
a, b = 1, 2
a, (b, c) = 3, (4, 5)
first, *rest = [1, 2, 3, 4]
*init, last = "hello"
x = y = 7
x += 1
y *= 3
d = {'k': [1, 2]}
d['k'][0] += 10
d['z'] = d.get('z', 0) + 1
print(a, b, c, first, rest, init, last, x, y, d)
""",
    "functions_defaults_closures": """
def f(a, b=2, *args, c, d=4, **kw):
    return (a, b, args, c, d, sorted(kw.items()))
print(f(1, c=3))
print(f(1, 2, 3, 4, c=5, e=6, f=7))
g = lambda x, y=10: x * y
print(g(3), g(3, 4), (lambda *xs: sum(xs))(1, 2, 3))
def outer():
    n = 0
    def inc():
        nonlocal n
        n += 1
        return n
    inc()
    inc()
    return n, inc()
print(outer())
total = 0
def add(v):
    global total
    total += v
add(5)
add(6)
print(total)
def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)
print(fact(10))
""",
    "loops_break_continue_else": """
for i, (a, b) in enumerate(zip([1, 2, 3], 'abc')):
    if i == 1:
        continue
    print(i, a, b)
else:
    print('done')
n = 0
while True:
    n += 1
    if n > 5:
        break
else:
    print('never')
for i in range(3):
    for j in range(3):
        if j == 2:
            break
        print(i, j, end=' ')
print(n)
k = 3
while k:
    k -= 1
else:
    print('while else', k)
""",
    "comprehensions_and_builtins": """
print([x * x for x in range(5) if x % 2 == 0])
print({x: x ** 2 for x in range(4)}, {c for c in 'banana'} == set('ban'))
print(sum(x for x in range(10)), [(i, j) for i in range(3) for j in range(i)])
print(list(map(lambda v: v + 1, [1, 2])), list(filter(None, [0, 1, 2])))
print(sorted([3, 1, 2], reverse=True), sorted(['bb', 'a', 'ccc'], key=len))
print(any([0, 0, 1]), all([]), min(3, 1, 2), max([4, 9, 2]), min([], default=7), abs(-3), round(2.567, 2))
print(list(reversed([1, 2, 3])), tuple('ab'), dict(a=1, b=2), sorted(set([1, 1, 2])), len('abc'))
print(isinstance(3, int), isinstance('x', (int, str)), isinstance([], list), isinstance({}, dict))
print(float('1.5'), int('42'), bool(0), str(12), int(3.9), list(range(2, 10, 3)))
print([y for x in [[1, 2], [3]] for y in x], [n for n in range(20) if n % 3 if n % 5])
squares = (v * v for v in range(4))
print(next(squares), list(squares), [w := 5, w + 1])
""",
    "strings_and_formatting": """
x = 3.14159
name = 'pi'
print(f"{name}={x:.2f} {x:>10.3f}|{x!r} {name!r:>6} {{braces}} {x:e} {12:05d} {0.5:%}")
w = 8
print(f"{x:{w}.{2}f}|", f"{'nested ' + name.upper()}")
print('{} and {:.1f} and {k}'.format(1, 2.25, k='v'), '{0}{1}{0}'.format('a', 'b'), '{:>6}'.format('r'))
print('%s-%d-%.2f %r' % ('a', 3, 1.5, 'q'), '%(n)s' % {'n': 5})
print('a', 'b', sep='-', end='!\\n')
s = ' Hello, World '
print(s.strip().lower().split(', '), '-'.join(['a', 'b']), s.replace('l', 'L'), s.find('W'))
print(s.upper().center(20, '*'), 'ab'.ljust(4, '.') + '|', '7'.zfill(3), 'a\\tb'.expandtabs(4))
print('abc'[::-1], 'abc'[1:], 'x' * 3, 'a' + 'b', 'b' in 'abc', ord('a'), chr(98), hex(255), bin(5))
""",
    "operators": """
print(1 < 2 < 3, 1 < 3 < 2, 3 not in [1, 2], None is None, [] is not None)
print(1 if True else 2, not 0, 0 or 'x', 5 and 6, -2.5, ~5, 7 // 2, 7 % 3, -7 // 2, 2 ** 10, 2 ** -1)
print(1 << 4, 6 & 3, 6 | 3, 6 ^ 3, 256 >> 2, 7 / 2, divmod(7, 2), pow(2, 10), pow(2, 10, 1000))
print([1, 2] + [3], (1,) * 3, [0] * 2, {1, 2} | {3}, {1, 2} & {2}, {1, 2} - {1})
values = [1, 2]
values += [3]
values *= 2
print(values, values.count(1), values.index(3))
""",
    "exceptions": """
try:
    raise ValueError('bad value')
except (TypeError, ValueError) as e:
    print('caught', e, e.args)
finally:
    print('finally')
def g():
    try:
        return 1
    finally:
        print('cleanup')
print(g())
try:
    try:
        1 / 0
    except ZeroDivisionError:
        raise
except Exception as e:
    print('again', e)
try:
    assert 1 == 2, 'numbers differ'
except AssertionError as e:
    print('assert:', e)
for bad in ([], {}):
    try:
        bad[1]
    except LookupError as e:
        print(repr(str(e)))
try:
    raise RuntimeError('outer') from KeyError('inner')
except RuntimeError as e:
    print(e)
try:
    int('x')
except ValueError:
    print('no int')
else:
    print('not here')
def h():
    for i in range(5):
        try:
            if i == 2:
                return i
        finally:
            if i == 2:
                print('leaving at', i)
print(h())
def k():
    for i in range(3):
        try:
            if i == 1:
                break
        except ValueError:
            pass
        else:
            print('else', i)
    try:
        return 'returned'
    except ValueError:
        pass
    else:
        print('never')
print(k())
""",
    "classes": """
class Counter:
    step = 2
    def __init__(self, start=0):
        self.value = start
    def tick(self):
        self.value += self.step
        return self
    def __repr__(self):
        return f"Counter({self.value})"
    def __len__(self):
        return self.value
    def __getitem__(self, i):
        return i * self.value
c = Counter(1).tick().tick()
print(c, len(c), c.value, Counter.step, c[3], str(c))
class Sub(Counter):
    def tick(self):
        super().tick()
        self.value *= 10
        return self
print(Sub().tick(), isinstance(Sub(), Counter), isinstance(c, Sub))
class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y
    def norm2(self):
        return self.x ** 2 + self.y ** 2
p = Point(3, 4)
p.x += 1
print(p.norm2(), sorted([Point(2, 0), Point(1, 0)], key=Point.norm2)[0].x)
""",
    "math_and_lists": """
import math
print(math.sqrt(16), math.pi, math.floor(2.5), math.exp(0), math.log(math.e), math.factorial(5))
from math import cos, pi as PI
print(round(cos(PI), 3), math.isclose(0.1 + 0.2, 0.3), math.prod([2, 3, 4]), math.fsum([0.1] * 10))
x = [1, 2, 3]
x.append(4)
x.extend([5, 6])
x.insert(0, 0)
x.pop()
x.remove(3)
print(x, x.index(4), x.count(1), x[::-1], x[1:3])
del x[0]
x[0:2] = [9]
print(x, {'a': 1}.items(), list({'a': 1, 'b': 2}.keys()))
d = {}
d.update({'k': 1}, z=2)
d.setdefault('n', []).append(1)
print(d, d.pop('k'), 'k' in d)
""",
    "main_guard": """
def main():
    print('main ran')
if __name__ == '__main__':
    main()
""",
    "tutorial_idioms": """
from __future__ import annotations
input = [3, 1, 2]
def forward(input, type=None):
    return sorted(input), type
class Box:
    def __init__(self):
        self.size = 2
b = Box()
print(forward(input), type(3), type(b) == Box, type(input) is list, type(3).__name__ == 'int')
print(hasattr(b, 'size'), hasattr(b, 'missing'), isinstance(id(b), int), id(b) == id(b))
print(b.__class__.__name__, forward.__name__, (3).__class__, Box.__qualname__)
""",
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_prints_what_python_prints(name: str) -> None:
    source = PROGRAMS[name]
    expected, error = python_run(source)
    assert error is None
    record = run(source)
    assert record.error is None, str(record.error)
    assert record.output == expected


ERRORS = {
    "undefined_name": "print(undefined_thing)",
    "zero_division": "x = 1\ny = x / 0",
    "missing_argument": "def f(a, b):\n    return a\nf(1)",
    "too_many_arguments": "def f(a):\n    return a\nf(1, 2)",
    "unexpected_keyword": "def f(a):\n    return a\nf(1, b=2)",
    "unpack_too_few": "a, b, c = [1, 2]",
    "unpack_too_many": "a, b = [1, 2, 3]",
    "index_out_of_range": "[1, 2][5]",
    "missing_key": "{'a': 1}['b']",
    "unbound_local": "def f():\n    print(v)\n    v = 1\nf()",
    "attribute_of_none": "x = None\nx.zero_()",
    "missing_attribute": "class A:\n    pass\nA().missing",
    "failed_assert": "assert 1 > 2, 'one is not greater'",
    "user_raise": "raise ValueError('custom message')",
    "bare_raise_outside": "raise",
    "not_callable": "x = 3\nx()",
    "bad_operands": "'a' + 1",
    "int_of_text": "int('abc')",
    "sum_of_strings": "sum(['a', 'b'], '')",
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_error_is_reported_like_python(name: str) -> None:
    source = ERRORS[name]
    _, expected = python_run(source)
    assert expected is not None
    record = run(source)
    assert record.error is not None
    assert record.error.kind == type(expected).__name__
    assert record.error.message == str(expected)
    assert record.error.line == source.count("\n") + 1 or name == "unbound_local"


@pytest.mark.parametrize(
    ("source", "message_id"),
    [("type('A', (), {})", "type_forbidden"), ("print(open)", "builtin_forbidden"),
     ("hasattr(1, '__dict__')", "private_attribute"), ("(1).__class__.__subclasses__", "private_attribute"),
     ("print.__self__", "private_attribute")],
)
def test_what_stays_refused_says_so(source: str, message_id: str) -> None:
    record = run(source)
    assert record.error is not None and record.error.message_id == message_id


def test_error_keeps_the_output_printed_before_it() -> None:
    record = run("print('before')\nprint(1 / 0)\nprint('after')")
    assert record.output == "before\n"
    assert str(record.error) == "line 2: ZeroDivisionError: division by zero"


def test_error_in_a_function_reports_the_line_inside_it() -> None:
    record = run("def f(x):\n    y = x + 1\n    return y / 0\n\nf(1)")
    assert record.error is not None and record.error.line == 3


def test_an_unknown_future_feature_is_a_syntax_error_on_its_line() -> None:
    source = '"""A docstring may come first."""\nfrom __future__ import nope\n'
    _, expected = python_run(source)
    record = run(source)
    assert record.error is not None and (record.error.kind, record.error.line) == ("SyntaxError", 2)
    assert record.error.message == expected.msg
