"""What the sandbox exposes: exactly its allow-list (sandbox/surface.py), and only torch's own names."""

from __future__ import annotations

import importlib

import torch

import engine
from sandbox import interpret
from sandbox.namespaces import engine_namespaces
from sandbox.surface import ALLOWED_NAMES


def _exposed() -> dict[str, set[str]]:
    return {path: set(space.members) for path, space in engine_namespaces().items()}


def test_each_namespace_holds_exactly_its_allowed_names() -> None:
    for path, names in _exposed().items():
        assert names == set(ALLOWED_NAMES[path]), path


def test_every_allowed_name_is_torchs_own() -> None:
    foreign = {}
    for path, names in ALLOWED_NAMES.items():
        real = torch.Tensor if path == "Tensor" else importlib.import_module(path)
        extra = sorted(name for name in names if not hasattr(real, name))
        if extra:
            foreign[path] = extra
    assert not foreign, f"names torch does not have are allowed: {foreign}"


def test_every_allowed_name_exists_in_the_engine() -> None:
    missing = {}
    modules = {"Tensor": engine.Tensor, **{path: importlib.import_module(path.replace("torch", "engine", 1))
                                            for path in ALLOWED_NAMES if path != "Tensor"}}
    for path, names in ALLOWED_NAMES.items():
        absent = sorted(name for name in names if not hasattr(modules[path], name))
        if absent:
            missing[path] = absent
    assert not missing, f"allowed names the engine lacks: {missing}"


def test_an_engine_name_not_on_the_list_is_refused_with_a_clear_message() -> None:
    hidden = sorted(name for name in dir(engine) if not name.startswith("_")
                    and callable(getattr(engine, name)) and name not in ALLOWED_NAMES["torch"])
    assert hidden, "the engine has helpers that are not torch's API"
    record = interpret(f"import torch\ntorch.{hidden[0]}\n")
    assert record.error is not None and record.error.message_id == "module_member_hidden"


def test_a_tensor_attribute_not_on_the_list_is_refused() -> None:
    unlisted = sorted(name for name in dir(engine.Tensor) if not name.startswith("_")
                      and name not in ALLOWED_NAMES["Tensor"])
    if unlisted:
        record = interpret(f"import torch\ntorch.ones(1).{unlisted[0]}\n")
        assert record.error is not None and record.error.message_id == "tensor_member_hidden"
    record = interpret("import torch\ntorch.ones(1).no_such_attribute\n")
    assert record.error.kind == "AttributeError"
    assert record.error.message == "'Tensor' object has no attribute 'no_such_attribute'"
