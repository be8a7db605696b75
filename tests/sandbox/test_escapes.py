"""Known Python sandbox-escape techniques: every one is refused with a clear error and no side effect."""

from __future__ import annotations

from pathlib import Path

import pytest

import engine
from engine import _grad_mode, _trace
from engine.sandbox import Limits, run
from engine.sandbox.errors import SecurityViolation
from engine.sandbox.runner import _Run

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
    "format_attribute_walk": "'{0.__class__}'.format(x)",
    "format_mro_walk": "'{0.__class__.__mro__}'.format(1)",
    "format_globals": "f = lambda: 0\n'{0.__globals__}'.format(f)",
    "format_map": "'{v.__class__}'.format_map({'v': 1})",
    "fstring_dunder": "f'{x.__class__}'",
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
    "hasattr_probe": "hasattr(x, '__class__')",
    "breakpoint_builtin": "breakpoint()",
    "generator_function": "def f():\n    yield x\nf()",
    "async_function": "async def f():\n    pass",
    "star_import": "from torch import *",
}


def _engine_fingerprint() -> tuple:
    return (
        engine.Tensor.add,
        engine.add,
        engine.nn.Linear.forward,
        engine.float32.is_floating_point,
        engine.float32.name,
        engine.tensor,
        _grad_mode.is_grad_enabled(),
        _trace.active(),
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
    # The program cannot name numpy, but an engine object may return an array: the value check refuses it.
    record = run(
        "import torch\ngenerator = torch.manual_seed(0)\ndraw = generator.uniform((2,), 'float32')\n"
        "print('ESCAPED')"
    )
    assert record.error is not None and record.error.kind == "SecurityError" and record.error.line == 3
    assert "numpy" in record.error.message and record.output == ""


def test_engine_values_with_torch_names_are_allowed() -> None:
    record = run(
        "import torch\nresult = torch.max(torch.tensor([1.0, 3.0, 2.0]), 0)\n"
        "print(result.values, result.indices)\nlayer = torch.nn.Linear(2, 2)\n"
        "print(sorted(layer.state_dict().keys()))"
    )
    assert record.error is None, str(record.error)
    assert record.output == "tensor(3.) tensor(1)\n['bias', 'weight']\n"
