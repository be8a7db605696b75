"""torch.optim: the Optimizer base class, SGD and Adam."""

from engine.optim.adam import Adam
from engine.optim.optimizer import Optimizer
from engine.optim.sgd import SGD

__all__ = ["SGD", "Adam", "Optimizer"]
