"""The names torch's classes print under, for `print(type(x))` and `print(nn.Linear)`.

The engine's classes keep their real `__module__` (the sandbox trusts classes by the module that defines
them); only their printed form is torch's, through this metaclass. A learner's own subclass
(`class Net(nn.Module)`) has no torch name and prints as Python prints it.
"""

from __future__ import annotations


class TorchNamed(type):
    """A class that prints as `<class 'torch.nn.modules.linear.Linear'>` when torch names it."""

    def __repr__(cls) -> str:
        name = cls.__dict__.get("_torch_name")
        return type.__repr__(cls) if name is None else f"<class '{name}'>"


class TensorType(TorchNamed):
    """torch.Tensor's metaclass: `torch.Tensor([1, 2])` is torch's legacy constructor, not `__init__`."""

    # Installed by engine._legacy (which needs the creation functions, built on Tensor itself).
    legacy_new = None

    def __call__(cls, *args, **kwargs):
        # Only torch.Tensor itself; subclasses such as Parameter construct themselves.
        if cls.__dict__.get("_torch_name") == "torch.Tensor" and TensorType.legacy_new is not None:
            return TensorType.legacy_new(*args, **kwargs)
        return super().__call__(*args, **kwargs)


def name_classes(namespace: object, modules: dict[str, tuple[str, ...]]) -> None:
    """Give each class `namespace.<name>` the torch name `<module>.<name>`, for modules' listed names."""
    for module, names in modules.items():
        for name in names:
            cls = getattr(namespace, name, None)
            if isinstance(cls, TorchNamed):
                cls._torch_name = f"{module}.{name}"
