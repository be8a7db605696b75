"""torch.optim: the Optimizer base class, SGD, Adam, AdamW, RMSprop, Adagrad and lr_scheduler."""

import sys

from engine._names import name_classes as _name_classes
from engine.optim import lr_scheduler
from engine.optim.adagrad import Adagrad
from engine.optim.adam import Adam
from engine.optim.adamw import AdamW
from engine.optim.optimizer import Optimizer
from engine.optim.rmsprop import RMSprop
from engine.optim.sgd import SGD

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler"]

_name_classes(
    sys.modules[__name__],
    {
        "torch.optim.sgd": ("SGD",), "torch.optim.adam": ("Adam",), "torch.optim.adamw": ("AdamW",),
        "torch.optim.rmsprop": ("RMSprop",), "torch.optim.adagrad": ("Adagrad",),
        "torch.optim.optimizer": ("Optimizer",),
    },
)
