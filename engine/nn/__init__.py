"""torch.nn: Parameter, Module, the layers and losses, plus the `functional` and `init` modules."""

import sys

from engine._names import name_classes as _name_classes
from engine.nn import functional, init
from engine.nn.layers import (
    Dropout,
    Flatten,
    Identity,
    Linear,
    LogSoftmax,
    ModuleList,
    ReLU,
    Sequential,
    Sigmoid,
    Softmax,
    Tanh,
    Unflatten,
)
from engine.nn.loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from engine.nn.module import Module
from engine.nn.parameter import Parameter

_name_classes(
    sys.modules[__name__],
    {
        "torch.nn.modules.linear": ("Linear", "Identity"),
        "torch.nn.modules.activation": ("ReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "GELU"),
        "torch.nn.modules.flatten": ("Flatten", "Unflatten"),
        "torch.nn.modules.dropout": ("Dropout",),
        "torch.nn.modules.container": ("Sequential", "ModuleList"),
        "torch.nn.modules.loss": (
            "MSELoss", "L1Loss", "NLLLoss", "CrossEntropyLoss", "BCELoss", "BCEWithLogitsLoss",
        ),
        "torch.nn.modules.module": ("Module",),
        "torch.nn.parameter": ("Parameter",),
    },
)

__all__ = [
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "Dropout",
    "Flatten",
    "Identity",
    "L1Loss",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "Module",
    "ModuleList",
    "NLLLoss",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "Unflatten",
    "functional",
    "init",
]
