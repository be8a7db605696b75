"""Small programs written once and run under both real torch and the engine (`torch` is either module).

Each returns its namespace (variable name -> value); the tensor called `root` is the one to differentiate.
"""

from __future__ import annotations

from collections.abc import Callable


def seed_chain(torch) -> dict:
    """The seed lesson, sections 1 and 2."""
    x = torch.tensor([0.8886, 0.0518, -0.0723], requires_grad=True)
    y = x + 2
    z = y * 3
    z = z + 3
    root = z.mean()
    return {"x": x, "y": y, "z": z, "root": root}


def vector_jacobian(torch) -> dict:
    """The seed lesson, section 2: y = x * 2**11 by repeated doubling, then y.backward(w)."""
    x = torch.tensor([-1.1477, 1.2997, 0.3202, -0.8102, -1.2584], requires_grad=True)
    y = x * 2
    for _ in range(10):
        y = y * 2
    w = torch.tensor([0.1, 1.0, 0.0001, 0.01, 0.001], dtype=torch.float32)
    return {"x": x, "root": y, "w": w}


def square_plus_self(torch) -> dict:
    """x used three times: two inputs of one node and once more (fan-out, and a doubled edge)."""
    x = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
    root = (x * x + x).sum()
    return {"x": x, "root": root}


def shared_intermediate(torch) -> dict:
    """A non-leaf used twice, unary ops, division by a tensor and a reversed subtraction."""
    x = torch.tensor([0.3, 0.7], requires_grad=True)
    w = torch.tensor([1.5, -0.5], requires_grad=True)
    a = x * w
    b = a.exp() / (a + 2)
    c = 1 - b.tanh()
    root = (c * a).sum()
    return {"x": x, "w": w, "a": a, "b": b, "c": c, "root": root}


def linear_layer(torch) -> dict:
    """W @ x + b through a sigmoid, then a mean: matrix products and broadcasting."""
    W = torch.tensor([[0.2, -0.4, 0.1], [0.5, 0.3, -0.2]], requires_grad=True)
    x = torch.tensor([[1.0], [2.0], [-1.0]])
    b = torch.tensor([[0.1], [-0.1]], requires_grad=True)
    h = torch.mm(W, x) + b
    root = torch.sigmoid(h).pow(2).mean()
    return {"W": W, "x": x, "b": b, "h": h, "root": root}


def detach_inside(torch) -> dict:
    """A detached copy used next to its source: gradient flows through one path only."""
    x = torch.tensor([2.0, 3.0], requires_grad=True)
    y = x * x
    frozen = y.detach()
    root = (y * frozen).sum()
    return {"x": x, "y": y, "frozen": frozen, "root": root}


def logs_and_powers(torch) -> dict:
    """log, sqrt, pow with a tensor exponent, negation and subtraction with alpha."""
    x = torch.tensor([1.5, 2.5], requires_grad=True)
    p = torch.tensor([2.0, 3.0], requires_grad=True)
    y = torch.log(x) - torch.sqrt(x) * 0.5
    root = (-(x ** p) + torch.sub(y, x, alpha=2)).sum()
    return {"x": x, "p": p, "y": y, "root": root}


PROGRAMS: dict[str, Callable] = {
    "seed_chain": seed_chain,
    "vector_jacobian": vector_jacobian,
    "square_plus_self": square_plus_self,
    "shared_intermediate": shared_intermediate,
    "linear_layer": linear_layer,
    "detach_inside": detach_inside,
    "logs_and_powers": logs_and_powers,
}
