"""Known Python sandbox-escape techniques: every one is refused with a clear error and no side effect."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import engine
import engine._random
import engine.optim
from engine import _grad_mode, _trace
from sandbox import Limits
from sandbox import interpret as run
from sandbox.errors import SecurityViolation
from sandbox.guards import Guards
from sandbox.policy import Policy
from sandbox.runner import _Run
from sandbox.state import RunState
from tests.sandbox.helpers import python_output

PRELUDE = """\
import torch
import torch.nn as nn
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = (x * 2).sum()
model = nn.Linear(2, 1)
"""

# name -> the escape attempt (it ends by printing ESCAPED if it got through).
ESCAPES = {
    "subclasses_walk": "().__class__.__bases__[0].__subclasses__()",
    "mro_walk": "x.__class__.__mro__[-1].__subclasses__()",
    "type_builtin": "type(x).__bases__",
    "getattr_builtin": "getattr(x, '__class__')",
    "vars_builtin": "vars(model)",
    "dir_builtin": "dir(x)",
    "open_file": "open('/etc/passwd').read()",
    "eval_text": "eval('1 + 1')",
    "exec_text": "exec('import os')",
    "compile_text": "compile('1', 'f', 'eval')",
    "dunder_import": "__import__('os').system('echo pwned')",
    "import_os": "import os\nos.system('echo pwned')",
    "import_sys": "import sys\nsys.modules",
    "from_os_import": "from os import system",
    "import_numpy": "import numpy",
    "import_builtins": "import builtins",
    "import_importlib": "import importlib",
    "relative_import": "from . import secret",
    "private_torch_module": "torch._tensor",
    "import_private_torch_module": "import torch._tensor",
    "torch_private_from_import": "from torch import _C",
    "nn_modules_dict": "torch.nn.modules.__dict__",
    "format_attribute_walk": "'{0.__class__.__init__}'.format(x)",
    "format_mro_walk": "'{0.__class__.__mro__}'.format(1)",
    "format_globals": "f = lambda: 0\n'{0.__globals__}'.format(f)",
    "format_map": "'{v.__class__}'.format_map({'v': 1})",
    "fstring_dunder": "f'{x.__class__.__base__}'",
    "lambda_globals": "(lambda: 0).__globals__",
    "function_code": "def f():\n    pass\nf.__code__",
    "generator_frame": "g = (i for i in [1])\ng.gi_frame.f_globals",
    "generator_code": "g = (i for i in [1])\ng.gi_code",
    "traceback_frame": "try:\n    1 / 0\nexcept Exception as e:\n    e.__traceback__.tb_frame.f_globals",
    "with_traceback": "try:\n    1 / 0\nexcept Exception as e:\n    e.with_traceback(None)",
    "builtins_name": "__builtins__",
    "globals_builtin": "globals()['__builtins__']",
    "locals_builtin": "locals()",
    "tensor_numpy": "x.numpy()",
    "detached_numpy": "x.detach().numpy()",
    "parameter_numpy": "model.weight.data.numpy()",
    "state_dict_numpy": "model.state_dict()['weight'].numpy()",
    "unbound_numpy": "torch.Tensor.numpy(x)",
    "dtype_numpy": "torch.float32.numpy",
    "from_numpy": "torch.from_numpy",
    "tensor_private_data": "x._data",
    "tensor_array_protocol": "x.__array__()",
    "tensor_reduce": "x.__reduce_ex__(2)",
    "node_internals": "y.grad_fn.spec.forward",
    "node_saved_arrays": "y.grad_fn.saved",
    "node_private_saved": "y.grad_fn._saved",
    "node_context": "y.grad_fn.context()",
    "module_init_globals": "nn.Module.__init__.__globals__",
    "module_dict": "model.__dict__",
    "module_private_registry": "model._parameters",
    "optimizer_method_globals": "torch.optim.SGD.step.__globals__",
    "engine_helper": "torch.autograd.backward_steps",
    "class_metaclass": "class A(metaclass=type):\n    pass",
    "class_getattr_hook": "class A:\n    def __getattr__(self, name):\n        return 1",
    "class_del_hook": "class A:\n    def __del__(self):\n        print('late')",
    "class_init_subclass": "class A:\n    def __init_subclass__(cls):\n        pass",
    "class_from_exception": "class E(Exception):\n    pass",
    "class_from_tensor": "class T(torch.Tensor):\n    pass",
    "class_from_int": "class I(int):\n    pass",
    "decorator_exec": "@exec\ndef f():\n    pass",
    "decorator_eval": "@eval\ndef f():\n    pass",
    "lambda_default_builtin_self": "(lambda f=print: f.__self__)()",
    "builtin_self": "len.__self__",
    "reassign_class": "x.__class__ = int",
    "object_builtin": "object.__subclasses__()",
    "int_mro": "int.mro()",
    "module_mro": "nn.Module.mro()",
    "two_argument_super": "super(int, 1)",
    "monkeypatch_tensor": "torch.Tensor.add = lambda *a: 0",
    "monkeypatch_namespace": "torch.add = None",
    "monkeypatch_layer": "nn.Linear.forward = lambda self, v: v",
    "corrupt_dtype": "torch.float32.is_floating_point = False",
    "delete_namespace_member": "del torch.tensor",
    "setattr_builtin": "setattr(x, 'a', 1)",
    "hasattr_probe": "hasattr(x, '__dict__')",
    "breakpoint_builtin": "breakpoint()",
    "generator_function": "def f():\n    yield x\nf()",
    "async_function": "async def f():\n    pass",
    "star_import": "from torch import *",
    # -- functions the sandbox itself hands out (list.sort, str.format, methods read off a class) -------
    "sandbox_closure_globals_by_format": "f = [3, 1].sort\n'{0.__globals__}'.format(f)",
    "sandbox_closure_cells": "f = [3, 1].sort\nf.__closure__",
    "unbound_method_wrapped": "nn.Module.train.__wrapped__",
    "unbound_method_dict_by_format": "'{0.__dict__}'.format(nn.Module.train)",
    "unbound_method_globals": "torch.Tensor.add.__globals__",
    # -- objects of the program posing as engine objects (engine code reads _data, _grad ...) ------------
    "class_private_attribute": "class A:\n    _data = [1.0]",
    "class_private_method": "class A:\n    def _helper(self):\n        return 1",
    "class_private_walrus": "class A:\n    y = (_z := 5)",
    "class_private_unpacking": "class A:\n    _a, b = 1, 2",
    "fake_tensor": "class Fake:\n    _data = [1.0]\n    _requires_grad = True\ntorch.add(Fake(), Fake())",
    "fake_tensor_as_data": "class Fake:\n    _data = [1.0, 2.0]\nx.data = Fake()",
    # -- the engine's generator: torch.Generator's methods only, not raw numpy draws of any size ---------
    "generator_raw_uniform": "torch.manual_seed(0).uniform((23000, 23000), 'float32')",
    "generator_raw_randperm": "torch.manual_seed(0).randperm(4 * 10**8)",
    "generator_raw_normal": "torch.manual_seed(0).normal((2,), 'float32')",
    "generator_raw_bernoulli": "torch.manual_seed(0).bernoulli((2,), 0.5)",
    "generator_raw_randint": "torch.manual_seed(0).randint(0, 5, (2,))",
    # -- more doors ----------------------------------------------------------------------------------
    "context_manager_enter": "torch.no_grad().__enter__()",
    "object_dtype": "torch.tensor([1], dtype=object)",
    "grad_fn_op_attributes": "y.grad_fn.attrs",
    "grad_fn_input_shapes": "y.grad_fn.input_shapes",
    "grad_fn_spec_by_format": "'{0.grad_fn.spec}'.format(y)",
    "module_registry_by_format": "'{0._modules}'.format(model)",
    "dict_view_mapping": "model.state_dict().keys().mapping",
    "generator_send": "g = (i for i in [1])\ng.send(None)",
    "generator_throw": "g = (i for i in [1])\ng.throw(ValueError)",
    "exception_traceback_by_format": (
        "try:\n    1 / 0\nexcept Exception as e:\n    '{0.__traceback__}'.format(e)"
    ),
    "str_maketrans_owner": "''.maketrans('a', 'b').__class__",
    "int_from_bytes_class": "int.from_bytes(b'1', 'big')",
    "optimizer_state_factory": "torch.optim.SGD(model.parameters(), lr=0.1).state.default_factory",
}

# Attempts the sandbox refuses the way torch (or Python) would: with the same error kind, and no effect.
REFUSED_LIKE_TORCH: dict[str, tuple[str, str]] = {
    "assign_grad_fn": ("y.grad_fn = None", "AttributeError"),
    "assign_grad_fn_object": ("y.grad_fn = 5\ny.backward()", "AttributeError"),
    "assign_is_leaf": ("x.is_leaf = False", "AttributeError"),
    "assign_shape": ("x.shape = (1,)", "AttributeError"),
    "delete_grad_fn": ("del y.grad_fn", "AttributeError"),
    "assign_data_object": ("class Box:\n    pass\nx.data = Box()", "TypeError"),
    "assign_data_list": ("x.data = [1.0, 2.0]", "TypeError"),
    "train_a_class": ("nn.Module.train(nn.Linear)", "TypeError"),
    "eval_a_class": ("nn.Module.eval(nn.Linear)", "TypeError"),
    "train_a_class_through_map": ("list(map(nn.Module.train, [nn.Linear]))", "TypeError"),
    "train_a_class_as_sort_key": ("sorted([nn.Linear, nn.ReLU], key=nn.Module.eval)", "TypeError"),
    "train_a_class_through_subclass": ("class M(nn.Module):\n    pass\nM.train(nn.Linear)", "TypeError"),
    "train_the_generator": ("nn.Module.train(torch.manual_seed(0))", "TypeError"),
    "tensor_method_on_an_object": ("class A:\n    pass\ntorch.Tensor.add(A(), 1)", "TypeError"),
    "layer_forward_on_an_object": (
        "class A:\n    weight = 1\n    bias = None\nnn.Linear.forward(A(), x)",
        "TypeError",
    ),
    "optimizer_step_on_a_module": ("torch.optim.SGD.step(model)", "TypeError"),
    "make_a_dtype": ("torch.dtype('evil', 'O')", "TypeError"),
    "size_of_a_range": ("torch.Size(range(10**9))", "TypeError"),
    "size_of_tuples": ("torch.Size([(1,)])", "TypeError"),
    "generator_unknown_attribute": ("torch.manual_seed(0).state", "AttributeError"),
    # -- exceptions the program cannot raise or make ---------------------------------------------------
    "raise_keyboard_interrupt": ("raise KeyboardInterrupt", "NameError"),
    "raise_system_exit": ("raise SystemExit(3)", "NameError"),
    "raise_base_exception": ("raise BaseException('x')", "NameError"),
    "raise_generator_exit": ("raise GeneratorExit", "NameError"),
    "raise_memory_error": ("raise MemoryError", "NameError"),
    "raise_recursion_error": ("raise RecursionError", "NameError"),
    "raise_a_number": ("raise 5", "TypeError"),
    "raise_from_a_number": ("raise ValueError('a') from 5", "TypeError"),
    # -- values the engine or Python refuses -----------------------------------------------------------
    "length_beyond_an_index": (
        "class A:\n    def __len__(self):\n        return 10**30\nlen(A())",
        "OverflowError",
    ),
    "repr_returning_a_number": (
        "class A:\n    def __repr__(self):\n        return 5\nprint(A())",
        "TypeError",
    ),
    "tensor_of_objects": ("class A:\n    pass\ntorch.tensor([A()])", "TypeError"),
    "tensor_of_strings": ("torch.tensor(['a', 'b'])", "TypeError"),
    "tensor_of_a_range": ("torch.tensor(range(10**8))", "TypeError"),
    "tensor_of_a_big_int": ("torch.tensor([2**200])", "OverflowError"),
    "full_of_a_big_int": ("torch.full((2,), 2**200)", "OverflowError"),
    "full_of_a_string": ("torch.full((2,), 'abc')", "TypeError"),
    "tensor_to_an_object_dtype": ("x.to('O')", "RuntimeError"),
    "tensor_to_an_object_type": ("x.type('torch.ObjectTensor')", "ValueError"),
    "format_spec_on_a_tensor": ("f'{x:>900000}'", "TypeError"),
    "rng_state_of_the_wrong_size": (
        "torch.set_rng_state(torch.zeros(10, dtype=torch.uint8))",
        "RuntimeError",
    ),
    "int_to_a_long_string": ("str(2**99999)", "ValueError"),
    "int_to_a_float": ("float(2**99999)", "OverflowError"),
    "length_of_a_huge_range": ("len(range(10**100))", "OverflowError"),
    "sort_by_print": ("sorted([3, 1], key=print)", "TypeError"),
    "dtype_of_a_python_class": ("torch.zeros(2, dtype=str)", "TypeError"),
}


def _engine_fingerprint() -> tuple:
    classes = (engine.Tensor, engine.nn.Module, engine.nn.Linear, engine.nn.Sequential, engine.optim.SGD)
    return (
        engine.Tensor.add,
        engine.add,
        engine.nn.Linear.forward,
        engine.float32.is_floating_point,
        engine.float32.name,
        engine.tensor,
        _grad_mode.is_grad_enabled(),
        _trace.active(),
        tuple(sorted(vars(cls)) for cls in classes),
        tuple(sorted(vars(engine._random.default_generator))),
    )


def test_the_corpus_is_large() -> None:
    assert len(ESCAPES) >= 40


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_escape_is_refused(name: str, tmp_path: Path) -> None:
    sentinel = tmp_path / "escaped"
    before = _engine_fingerprint()
    record = run(f"{PRELUDE}{ESCAPES[name]}\nprint('ESCAPED')\n")
    assert record.error is not None, f"{name} was not refused"
    assert record.error.kind in ("SecurityError", "NotSupportedError"), str(record.error)
    assert record.error.line is not None and record.error.line > PRELUDE.count("\n")
    assert record.error.message and record.error.text("vi")
    assert "ESCAPED" not in record.output and "pwned" not in record.output
    assert not sentinel.exists()
    assert _engine_fingerprint() == before


@pytest.mark.parametrize("name", sorted(REFUSED_LIKE_TORCH))
def test_attempt_is_refused_like_torch_refuses_it(name: str) -> None:
    program, kind = REFUSED_LIKE_TORCH[name]
    before = _engine_fingerprint()
    record = run(f"{PRELUDE}{program}\nprint('ESCAPED')\n")
    assert record.error is not None, f"{name} was not refused"
    assert record.error.kind == kind, str(record.error)
    assert record.error.line is not None and record.error.line > PRELUDE.count("\n")
    assert "ESCAPED" not in record.output
    assert _engine_fingerprint() == before
    assert "training" not in vars(engine.nn.Linear)


def test_refused_construct_is_refused_before_anything_runs() -> None:
    record = run("print('side effect')\nimport os")
    assert record.output == ""
    assert record.error is not None and record.error.kind == "SecurityError" and record.error.line == 2


def test_program_functions_refuse_to_run_after_the_program_ended() -> None:
    program = _Run("def f():\n    return 1\nprint(f())\n", Limits(), 0)
    record = program.execute()
    assert record.output == "1\n"
    with pytest.raises(SecurityViolation):
        program.globals["f"]()


def test_numpy_values_handed_out_by_engine_objects_are_refused() -> None:
    # The program cannot name numpy, but an engine object may return an array: the value check refuses it,
    # and turns numpy scalars into Python numbers.
    policy = Policy(Guards(RunState(Limits(), [])), set(), ())
    with pytest.raises(SecurityViolation, match="numpy"):
        policy.check(np.zeros(2))
    assert type(policy.check(np.float32(1.5))) is float


def test_engine_values_with_torch_names_are_allowed() -> None:
    record = run(
        "import torch\nresult = torch.max(torch.tensor([1.0, 3.0, 2.0]), 0)\n"
        "print(result.values, result.indices)\nlayer = torch.nn.Linear(2, 2)\n"
        "print(sorted(layer.state_dict().keys()))"
    )
    assert record.error is None, str(record.error)
    assert record.output == "tensor(3.) tensor(1)\n['bias', 'weight']\n"


# Programs that try to leave the engine changed for the next run (the server runs many in one process).
HOSTILE = {
    "grad_mode_off": "import torch\ntorch.set_grad_enabled(False)",
    "grad_mode_off_then_error": "import torch\ntorch.set_grad_enabled(False)\nraise ValueError('x')",
    "grad_mode_off_then_limit": "import torch\nwith torch.no_grad():\n    while True:\n        pass",
    "reseed": "import torch\ntorch.manual_seed(123)\ntorch.rand(5)",
    "rng_state": "import torch\ntorch.set_rng_state(torch.manual_seed(7).get_state())",
    "train_a_class": "import torch.nn as nn\nnn.Module.train(nn.Linear, False)",
    "monkeypatch_function": "import torch.nn.functional as F\nF.relu = lambda x: x * 0",
    "monkeypatch_method": "import torch.nn as nn\nnn.Module.forward = lambda self, x: x",
    "layer_attribute": "import torch.nn as nn\nnn.Linear.in_features = 5",
    "generator_attribute": "import torch\ntorch.manual_seed(0).training = True",
    "grad_fn_metadata": (
        "import torch\nx = torch.ones(1, requires_grad=True)\n(x * 2).grad_fn.metadata['k'] = 1"
    ),
    "recursion": "def f():\n    return f()\nf()",
    "deep_iterators": "g = [1]\nfor i in range(1000):\n    g = iter(g)\nnext(g)",
}

PROBE = """\
import torch
import torch.nn as nn
import torch.nn.functional as F
torch.manual_seed(1)
x = torch.tensor([1.0, -2.0, 3.5], requires_grad=True)
y = (F.relu(x) * torch.ones(3)).sum()
y.backward()
print(torch.is_grad_enabled(), x.grad, y, torch.randn(2))
layer = nn.Linear(3, 1)
print(layer(x).shape, layer.training, torch.tensor([1, 2]).dtype, torch.zeros(2).dtype)
print(torch.tensor([0.123456789]), nn.Sequential(nn.Linear(2, 2), nn.ReLU()))
"""


def test_hostile_programs_leave_nothing_behind_for_the_next_run() -> None:
    expected = run(PROBE)
    assert expected.error is None, str(expected.error)
    for name, program in HOSTILE.items():
        run(program)
        after = run(PROBE)
        assert after.error is None and after.output == expected.output, name
    assert "training" not in vars(engine.nn.Linear) and "in_features" not in vars(engine.nn.Linear)


# Programs whose error message is the program's own code (an object's __str__), or whose objects the
# sandbox meets again after the program ended: the run still returns a record, with a line.
OWN_MODEL = (
    "import torch.nn as nn\nclass M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
    "        self.fc = nn.Linear(1, 1)\n"
)
AWKWARD_ENDINGS = {
    "str_of_the_error_loops": (
        "class A:\n    def __str__(self):\n        while True:\n            pass\nraise ValueError(A())"
    ),
    "str_of_the_error_recurses": (
        "class A:\n    def __str__(self):\n        return str(self)\nraise ValueError(A())"
    ),
    "str_of_the_error_fails": "class A:\n    def __str__(self):\n        return 1 / 0\nraise ValueError(A())",
    "assertion_message_loops": (
        "class A:\n    def __str__(self):\n        while True:\n            pass\nassert False, A()"
    ),
    "error_of_shared_rows": "x = [[0] * 10**6] * 10**6\nraise KeyError(x)",
    "model_overrides_named_modules": OWN_MODEL
    + "    def named_modules(self, *a, **k):\n        return iter([])\nm = M()\nraise ValueError('end')",
    "model_overrides_parameters": OWN_MODEL
    + "    def named_parameters(self, *a, **k):\n        while True:\n            pass\nm = M()\n"
    "raise ValueError('end')",
}


@pytest.mark.parametrize("name", sorted(AWKWARD_ENDINGS))
def test_a_run_ends_in_a_record_whatever_the_program_does(name: str) -> None:
    record = run(AWKWARD_ENDINGS[name], limits=Limits(max_steps=20_000))
    assert record.error is not None
    assert record.error.kind in (
        "ValueError",
        "KeyError",
        "AssertionError",
        "LimitExceeded",
        "ZeroDivisionError",
    )
    assert record.error.line is not None
    assert _trace.active() is None and _grad_mode.is_grad_enabled()


def test_model_parameters_are_named_without_calling_the_programs_methods() -> None:
    record = run(AWKWARD_ENDINGS["model_overrides_named_modules"])
    assert {"m.fc.weight", "m.fc.bias"} <= set(record.names)


def test_optimizer_state_is_readable_and_its_factory_is_not() -> None:
    record = run(
        "import torch\nx = torch.ones(2, requires_grad=True)\n"
        "opt = torch.optim.SGD([x], lr=0.1, momentum=0.9)\n"
        "(x * 2).sum().backward()\nopt.step()\n"
        "print(opt.state[x]['momentum_buffer'], len(opt.state))\n"
    )
    assert record.error is None, str(record.error)
    assert record.output == "tensor([2., 2.]) 1\n"


# --- routes around the checks: deep copies, registration names, two-argument super, exception payloads,
# callbacks handed to builtins -----------------------------------------------------------------------

_HOOK_NAME_ROUTES = {
    "add_module": "m.add_module('__deepcopy__', nn.Linear(1, 1))",
    "register_module": "m.register_module('__reduce_ex__', nn.Linear(1, 1))",
    "register_buffer": "m.register_buffer('_parameters', torch.ones(1))",
    "register_parameter": "m.register_parameter('_p', nn.Parameter(torch.ones(1)))",
    "unbound_registration": "nn.Module.add_module(m, '__deepcopy__', nn.Linear(1, 1))",
}


@pytest.mark.parametrize("route", sorted(_HOOK_NAME_ROUTES))
def test_module_attributes_with_private_names_are_refused(route: str) -> None:
    record = run(f"import torch\nimport torch.nn as nn\nm = nn.Module()\n{_HOOK_NAME_ROUTES[route]}\n")
    assert record.error is not None and record.error.message_id == "module_private_name"
    assert record.error.line == 4


def test_loading_optimizer_state_copies_no_program_object() -> None:
    # A deep copy would call the object's __deepcopy__ with the copy's memo (which holds the sandbox's
    # own objects); the state is copied as plain data and anything else is kept as the same object.
    program = (
        "import torch\nw = torch.ones(2, requires_grad=True)\n"
        "opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)\n"
        "(w * 3).sum().backward()\nopt.step()\nstate = opt.state_dict()\nmarker = [print]\n"
        "state['state'][0]['marker'] = marker\nopt.load_state_dict(state)\n"
        "kept = opt.state[w]\nprint(kept['marker'] is marker, kept['marker'][0] is print,\n"
        "      kept['momentum_buffer'], kept['momentum_buffer'] is state['state'][0]['momentum_buffer'])\n"
    )
    record = run(program)
    assert record.error is None, record.error
    assert record.output == python_output(program)[0]


def test_two_argument_super_of_a_class_is_refused() -> None:
    record = run(
        "import torch\nimport torch.nn as nn\nclass M(nn.Module):\n    pass\ntrain = super(M, M).train\n"
        "train(torch.Tensor)\n"
    )
    assert record.error is not None and record.error.message_id == "super_arguments"
    assert not hasattr(engine.Tensor, "training")


def test_super_of_an_instance_still_works() -> None:
    record = run(
        "import torch.nn as nn\nclass M(nn.Module):\n    def train(self, mode=True):\n"
        "        print('training', mode)\n        return super(M, self).train(mode)\nM().train(False)\n"
    )
    assert record.error is None, record.error
    assert record.output == "training False\n"


def test_caught_numpy_exception_reaches_the_program_as_a_builtin_one() -> None:
    policy = Policy(Guards(RunState(Limits(), [])), set(), ())
    raised = np._core._exceptions._UFuncNoLoopError(np.add, (np.dtype("U1"), np.dtype("U1")))
    given = policy.program_exception(raised)
    assert type(given) is TypeError
    assert given.args == (str(raised),)
    assert all(policy.check(item) is item for item in given.args)


def test_exception_args_holding_an_engine_internal_are_replaced() -> None:
    policy = Policy(Guards(RunState(Limits(), [])), set(), ())
    given = policy.program_exception(ValueError("bad", np.add))
    assert type(given) is ValueError and given.args == (str(ValueError("bad", np.add)),)
    plain = ValueError("bad", 3, ("a", 1.5))
    assert policy.program_exception(plain) is plain


_CALLBACK_BOMBS = {
    "map": "list(map(torch.ones, [(30000, 30000)]))",
    "filter": "list(filter(torch.zeros, [(30000, 30000)]))",
    "sorted_key": "sorted([(30000, 30000)], key=torch.randn)",
    "max_key": "max([(1,), (30000, 30000)], key=torch.ones)",
    "min_key": "min([(1,), (30000, 30000)], key=torch.empty)",
}


@pytest.mark.parametrize("route", sorted(_CALLBACK_BOMBS))
def test_engine_functions_given_as_callbacks_are_checked_before_they_allocate(route: str) -> None:
    record = run(f"import torch\nx = {_CALLBACK_BOMBS[route]}\n")
    assert record.error is not None and record.error.params.get("limit_name") == "max_tensor_elements"


def test_callbacks_given_to_builtins_still_work() -> None:
    record = run(
        "import torch\nprint(list(map(lambda v: v * 2, [1, 2])), sorted([3, 1, 2], key=lambda v: -v),\n"
        "      max(['aa', 'b'], key=len), list(filter(None, [0, 1])), list(map(torch.ones, [2])))\n"
    )
    assert record.error is None, record.error
    assert record.output == "[2, 4] [3, 2, 1] aa [1] [tensor([1., 1.])]\n"


# --- single C calls whose cost the interpreter counts before they start ----------------------------

_ONE_CALL_BOMBS = {
    "round_to_huge_negative_digits": ("print(round(1, -3 * 10**7))", "max_int_bits"),
    "gcd_of_many_big_ints": (
        "import math\nx = 3**60000\nprint(math.gcd(*([x] * 10**5)))", "max_compare_items",
    ),
    "tensor_indexed_by_a_huge_range": (
        "import torch\nx = torch.ones(10, 10)\ny = x[range(10**9)]", "max_tensor_elements",
    ),
    "layer_subclass_super_init": (
        "import torch.nn as nn\nclass L(nn.Linear):\n    def __init__(self):\n"
        "        super().__init__(9000, 9000)\nL()", "max_tensor_elements",
    ),
}


@pytest.mark.parametrize("name", sorted(_ONE_CALL_BOMBS))
def test_single_call_bomb_is_refused_before_it_starts(name: str) -> None:
    source, limit_name = _ONE_CALL_BOMBS[name]
    record = run(source)
    assert record.error is not None and record.error.params.get("limit_name") == limit_name, record.error


@pytest.mark.parametrize("codec", ["punycode", "idna", "rot13", "unicode_escape", "zlib"])
def test_codecs_beyond_the_plain_ones_are_refused(codec: str) -> None:
    record = run(f"print(len(('ä' * 1000).encode({codec!r})))")
    assert record.error is not None and record.error.message_id == "codec_forbidden"
    assert record.error.text("vi").startswith(f"sandbox không hỗ trợ bộ mã '{codec}'")


def test_ordinary_rounding_codecs_gcd_and_layer_subclasses_still_work() -> None:
    program = (
        "import math\nimport torch.nn as nn\nclass L(nn.Linear):\n    def __init__(self):\n"
        "        super().__init__(3, 2)\n"
        "print(round(12345, -2), round(2.675, 2), round(7), math.gcd(12, 18), 'ä'.encode('utf-8'),\n"
        "      b'abc'.decode('ascii'), 'x'.encode(), L())\n"
    )
    record = run(program)
    assert record.error is None, record.error
    assert record.output == python_output(program)[0]


def test_the_builtins_a_program_holds_keep_no_run_state() -> None:
    from sandbox.safe_builtins import SafeBuiltins

    def builtins_of_a_run() -> dict:
        state = RunState(Limits(), [])
        guards = Guards(state)
        return SafeBuiltins(state, guards, Policy(guards, set(), ())).build()

    first, second = builtins_of_a_run(), builtins_of_a_run()
    for name in ("print", "sorted", "map", "type", "str", "list"):
        function = first[name]
        assert function is second[name], name  # one object for every run: nothing of a run inside
        cells = [cell.cell_contents for cell in function.__closure__ or ()]
        assert cells == [name], name
    with pytest.raises(SecurityViolation):
        first["print"]("outside any run")
