"""engine.nn against torch.nn: modules, parameters, printing, graphs, losses, dropout and init.

Every test builds the same thing in both libraries from the same numpy arrays (or the same seed) and
compares what a learner would see: printed text, names, values, gradients, grad_fn structure, errors.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict

import numpy as np
import pytest
import torch

import engine
import engine.nn as enn
import engine.nn.functional as EF
from engine import _trace
from tests.engine.torch_compare import graph, same_error

RNG = np.random.default_rng(7)


def pair(array: np.ndarray, requires_grad: bool = False):
    """The same values as an engine tensor and a torch tensor."""
    array = np.asarray(array)
    return (
        engine.tensor(array, requires_grad=requires_grad),
        torch.tensor(array, requires_grad=requires_grad),
    )


def floats(*shape: int, low: float = -2.0, high: float = 2.0) -> np.ndarray:
    return RNG.uniform(low, high, size=shape).astype(np.float32)


def close(ours, theirs, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    np.testing.assert_allclose(np.asarray(ours.detach()._data), theirs.detach().numpy(), rtol=rtol, atol=atol)


def copy_weights(ours: enn.Module, theirs: torch.nn.Module) -> None:
    """Give the engine module torch's current weights, name by name."""
    values = {name: engine.tensor(value.detach().numpy()) for name, value in theirs.state_dict().items()}
    ours.load_state_dict(values)


# -- Parameter ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("values", [[1.0, 2.0], [[0.5, -1.25], [3.0, 4.0]], 1.5])
def test_parameter_prints_like_torch(values):
    ours = enn.Parameter(engine.tensor(values))
    theirs = torch.nn.Parameter(torch.tensor(values))
    assert repr(ours) == repr(theirs)
    assert str(ours) == str(theirs)
    assert f"{ours}" == f"{theirs}"


def test_parameter_without_grad_and_empty_parameter_print_like_torch():
    assert repr(enn.Parameter(engine.ones(2), requires_grad=False)) == repr(
        torch.nn.Parameter(torch.ones(2), requires_grad=False)
    )
    assert repr(enn.Parameter()) == repr(torch.nn.Parameter())
    assert repr(enn.Parameter(engine.tensor([1, 2]), requires_grad=False)) == repr(
        torch.nn.Parameter(torch.tensor([1, 2]), requires_grad=False)
    )


def test_operations_on_a_parameter_give_plain_tensors():
    weight = enn.Parameter(engine.ones(2))
    for result in (weight * 2, weight.detach(), weight.data, weight + weight):
        assert type(result) is engine.Tensor
    assert repr(weight * 2) == repr(torch.nn.Parameter(torch.ones(2)) * 2)
    assert isinstance(weight, engine.Tensor) and weight.is_leaf


def test_parameter_shares_data_and_version_with_the_wrapped_tensor():
    source = engine.ones(2)
    weight = enn.Parameter(source)
    source.add_(1)
    assert weight._version == 1
    assert weight.tolist() == [2.0, 2.0]


def test_parameter_of_a_computed_tensor_is_a_new_leaf():
    computed = engine.ones(2, requires_grad=True) * 2
    weight = enn.Parameter(computed)
    assert weight.is_leaf and weight.grad_fn is None and weight.requires_grad


def test_parameter_errors_match_torch():
    same_error(lambda: enn.Parameter(engine.tensor([1, 2])), lambda: torch.nn.Parameter(torch.tensor([1, 2])))
    same_error(lambda: enn.Parameter([1.0, 2.0]), lambda: torch.nn.Parameter([1.0, 2.0]))


# -- Module: registration, names, printing --------------------------------------------------------------


def _net_class(nn):
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(1, 1)
            self.act = nn.ReLU()
            self.scale = nn.Parameter(nn.Parameter(_zeros(nn, 2)).detach())
            self.layers = nn.Sequential(nn.Linear(1, 2), nn.Tanh(), nn.Linear(2, 1, bias=False))
            self.plain = 3

        def forward(self, x):
            return self.layers(self.act(self.fc(x)))

    return Net


def _zeros(nn, *shape):
    return (engine if nn is enn else torch).zeros(*shape)


def test_user_subclass_registers_parameters_and_modules_in_order():
    ours, theirs = _net_class(enn)(), _net_class(torch.nn)()
    assert repr(ours) == repr(theirs)
    assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in theirs.named_parameters()
    ]
    assert [type(m).__name__ for m in ours.children()] == [type(m).__name__ for m in theirs.children()]
    assert [type(m).__name__ for m in ours.modules()] == [type(m).__name__ for m in theirs.modules()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert ours.plain == 3 and ours.fc is ours._modules["fc"]


def test_subclass_built_with_type_works_like_a_class_statement():
    def build(nn):
        def __init__(self):  # noqa: N807 - a method body, as the sandbox would build it
            nn.Module.__init__(self)
            self.fc = nn.Linear(2, 1)

        def forward(self, x):
            return self.fc(x)

        return type("Regressor", (nn.Module,), {"__init__": __init__, "forward": forward})

    ours, theirs = build(enn)(), build(torch.nn)()
    assert (
        repr(ours)
        == repr(theirs)
        == "Regressor(\n  (fc): Linear(in_features=2, out_features=1, bias=True)\n)"
    )
    assert [n for n, _ in ours.named_parameters()] == ["fc.weight", "fc.bias"]


def _every_layer(nn):
    return nn.Sequential(
        nn.Linear(2, 3),
        nn.ReLU(),
        nn.Sigmoid(),
        nn.Tanh(),
        nn.Softmax(dim=1),
        nn.Softmax(),
        nn.LogSoftmax(dim=1),
        nn.Identity(),
        nn.Flatten(),
        nn.Flatten(0, 2),
        nn.MSELoss(),
        nn.L1Loss(reduction="sum"),
        nn.CrossEntropyLoss(),
        nn.NLLLoss(),
        nn.BCELoss(),
        nn.BCEWithLogitsLoss(),
        nn.Dropout(),
        nn.Dropout(0.2, inplace=True),
        nn.ReLU(inplace=True),
        nn.Linear(3, 1, bias=False),
        nn.Sequential(),
        nn.Sequential(nn.ReLU()),
    )


def test_module_reprs_match_torch():
    assert repr(_every_layer(enn)) == repr(_every_layer(torch.nn))
    assert repr(enn.Module()) == repr(torch.nn.Module()) == "Module()"
    assert repr(enn.Sequential(OrderedDict([("fc", enn.Linear(1, 1)), ("act", enn.ReLU())]))) == repr(
        torch.nn.Sequential(OrderedDict([("fc", torch.nn.Linear(1, 1)), ("act", torch.nn.ReLU())]))
    )
    assert enn.Linear(2, 3).extra_repr() == "in_features=2, out_features=3, bias=True"


def test_module_set_to_none_prints_none():
    ours, theirs = _net_class(enn)(), _net_class(torch.nn)()
    ours.act = None
    theirs.act = None
    ours.scale = None
    theirs.scale = None
    assert repr(ours) == repr(theirs)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]


def test_assignment_errors_match_torch():
    class Early(enn.Module):
        def __init__(self):
            self.fc = enn.Linear(1, 1)

    class EarlyTorch(torch.nn.Module):
        def __init__(self):
            self.fc = torch.nn.Linear(1, 1)

    same_error(Early, EarlyTorch)
    ours, theirs = _net_class(enn)(), _net_class(torch.nn)()

    def assign(module, name, value):
        return lambda: setattr(module, name, value)

    same_error(assign(ours, "fc", engine.ones(1)), assign(theirs, "fc", torch.ones(1)))
    same_error(assign(ours, "scale", engine.ones(1)), assign(theirs, "scale", torch.ones(1)))
    same_error(lambda: ours.missing, lambda: theirs.missing)
    same_error(lambda: enn.Module()(engine.ones(1)), lambda: torch.nn.Module()(torch.ones(1)))


REGISTRATIONS = [
    ("register_buffer", "weight", "zeros"),  # a parameter's name
    ("register_parameter", "forward", None),  # a method's name
    ("register_buffer", "training", None),  # a plain attribute
    ("add_module", "bias", None),
    ("add_module", 3, "relu"),
    ("add_module", "a.b", "number"),  # the module's type is checked before its name
    ("register_parameter", "a.b", None),
    ("register_buffer", "", None),
]


@pytest.mark.parametrize(("method", "name", "value"), REGISTRATIONS)
def test_registration_errors_match_torch(method, name, value):
    def register(lib):
        values = {None: None, "zeros": lib.zeros(1), "relu": lib.nn.ReLU(), "number": 4}
        module = lib.nn.Linear(1, 1)
        return lambda: getattr(module, method)(name, values[value])

    same_error(register(engine), register(torch))


def test_a_name_registered_as_a_none_buffer_is_taken():
    def register_twice(lib):
        module = lib.nn.Module()
        module.register_buffer("x", None)
        return lambda: module.register_parameter("x", None)

    same_error(register_twice(engine), register_twice(torch))


def test_train_and_eval_reach_every_submodule():
    net = _net_class(enn)()
    assert net.training and all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_requires_grad_switches_every_parameter():
    net = _net_class(enn)()
    assert net.requires_grad_(False) is net
    assert not any(p.requires_grad for p in net.parameters())


class _Recorder:
    def __init__(self):
        self.zeroed = []

    def tensor_created(self, tensor):
        pass

    def grads_zeroed(self, tensors, how):
        self.zeroed.append(([id(t) for t in tensors], how))


def _backward_once(module):
    module(engine.ones(3, 1)).sum().backward()


def test_module_zero_grad_sets_grads_to_none_by_default():
    net = _net_class(enn)()
    _backward_once(net)
    recorder = _Recorder()
    with _trace.recording(recorder):
        net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    assert recorder.zeroed == [([id(p) for p in net.parameters()], "set_to_none")]


def test_module_zero_grad_can_zero_in_place():
    net = _net_class(enn)()
    _backward_once(net)
    grads = [p.grad for p in net.parameters()]
    net.zero_grad(set_to_none=False)
    for parameter, grad in zip(net.parameters(), grads):
        if grad is None:
            assert parameter.grad is None
        else:
            assert parameter.grad is grad and not grad._data.any()


# -- state dicts ------------------------------------------------------------------------------------------


def test_state_dict_prints_like_torch():
    torch.manual_seed(3)
    engine.manual_seed(3)
    ours, theirs = enn.Linear(2, 3), torch.nn.Linear(2, 3)
    assert repr(ours.state_dict()) == repr(theirs.state_dict())
    assert all(not v.requires_grad and type(v) is engine.Tensor for v in ours.state_dict().values())


def test_load_state_dict_copies_values_in_place():
    source, target = enn.Linear(2, 2), enn.Linear(2, 2)
    weight = target.weight
    version = weight._version
    result = target.load_state_dict(source.state_dict())
    assert repr(result) == "<All keys matched successfully>"
    assert target.weight is weight
    np.testing.assert_array_equal(target.weight._data, source.weight._data)
    assert weight._version == version + 1


def test_load_state_dict_errors_match_torch():
    ours, theirs = _net_class(enn)(), _net_class(torch.nn)()
    same_error(
        lambda: ours.load_state_dict({"fc.weight": engine.zeros(1, 1), "zz": engine.ones(1)}),
        lambda: theirs.load_state_dict({"fc.weight": torch.zeros(1, 1), "zz": torch.ones(1)}),
    )
    same_error(
        lambda: ours.load_state_dict({"fc.weight": engine.zeros(2, 1)}, strict=False),
        lambda: theirs.load_state_dict({"fc.weight": torch.zeros(2, 1)}, strict=False),
    )
    assert repr(ours.load_state_dict({"fc.weight": engine.zeros(1, 1)}, strict=False)) == repr(
        theirs.load_state_dict({"fc.weight": torch.zeros(1, 1)}, strict=False)
    )


def test_loss_weights_are_buffers_in_the_state_dict():
    ours = enn.CrossEntropyLoss(weight=engine.ones(3))
    theirs = torch.nn.CrossEntropyLoss(weight=torch.ones(3))
    assert repr(ours.state_dict()) == repr(theirs.state_dict())
    assert repr(enn.BCEWithLogitsLoss(pos_weight=engine.ones(2)).state_dict()) == repr(
        torch.nn.BCEWithLogitsLoss(pos_weight=torch.ones(2)).state_dict()
    )


# -- Linear -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("in_features", "out_features", "bias"), [(1, 1, True), (2, 3, True), (5, 2, False), (4, 16, True)]
)
def test_linear_default_init_matches_torch_after_the_same_seed(in_features, out_features, bias):
    torch.manual_seed(11)
    engine.manual_seed(11)
    ours, theirs = (
        enn.Linear(in_features, out_features, bias),
        torch.nn.Linear(in_features, out_features, bias),
    )
    for (name, mine), (their_name, value) in zip(
        ours.named_parameters(), theirs.named_parameters(), strict=True
    ):
        assert name == their_name
        np.testing.assert_array_equal(mine._data, value.detach().numpy())
    assert repr(ours.weight) == repr(theirs.weight)


def test_linear_dtype_argument():
    assert enn.Linear(2, 3, dtype=engine.float64).weight.dtype == engine.float64


LINEAR_CASES = [
    # (input shape, input requires grad, bias)
    ((4, 2), False, True),
    ((4, 2), True, True),
    ((4, 2), False, False),
    ((4, 2), True, False),
    ((2,), False, True),
    ((2,), True, True),
    ((2,), False, False),
    ((2,), True, False),
    ((5, 4, 2), False, True),
    ((5, 4, 2), True, True),
    ((5, 4, 2), False, False),
    ((5, 4, 2), True, False),
]


@pytest.mark.parametrize(("shape", "input_grad", "bias"), LINEAR_CASES)
def test_linear_graph_values_and_grads_match_torch(shape, input_grad, bias):
    x, tx = pair(floats(*shape), requires_grad=input_grad)
    w, tw = pair(floats(3, 2), requires_grad=True)
    b, tb = pair(floats(3), requires_grad=True) if bias else (None, None)
    ours, theirs = EF.linear(x, w, b), torch.nn.functional.linear(tx, tw, tb)
    assert graph(ours.grad_fn) == graph(theirs.grad_fn)
    close(ours, theirs)
    ours.sum().backward()
    theirs.sum().backward()
    for mine, their in ((x, tx), (w, tw), (b, tb)):
        if their is not None and their.requires_grad:
            close(mine.grad, their.grad)


@pytest.mark.parametrize("input_grad", [False, True])
@pytest.mark.parametrize("bias", [False, True])
def test_linear_on_a_transposed_batch_matches_torch(input_grad, bias):
    """A non-contiguous input cannot be folded into a matrix, so torch multiplies, then adds the bias."""
    x, tx = pair(floats(5, 4, 2), requires_grad=input_grad)
    w, tw = pair(floats(3, 2), requires_grad=True)
    b, tb = pair(floats(3), requires_grad=True) if bias else (None, None)
    ours = EF.linear(x.transpose(0, 1), w, b)
    theirs = torch.nn.functional.linear(tx.transpose(0, 1), tw, tb)
    assert graph(ours.grad_fn) == graph(theirs.grad_fn)
    close(ours, theirs)


def test_linear_graph_skips_the_transpose_of_a_frozen_weight():
    x, tx = pair(floats(4, 2), requires_grad=True)
    w, tw = pair(floats(3, 2))
    b, tb = pair(floats(3), requires_grad=True)
    assert graph(EF.linear(x, w, b).grad_fn) == graph(torch.nn.functional.linear(tx, tw, tb).grad_fn)


def test_linear_module_forward_matches_torch():
    torch.manual_seed(5)
    engine.manual_seed(5)
    ours, theirs = enn.Linear(3, 2), torch.nn.Linear(3, 2)
    x, tx = pair(floats(6, 3))
    out, their_out = ours(x), theirs(tx)
    assert repr(out) == repr(their_out)
    out.pow(2).mean().backward()
    their_out.pow(2).mean().backward()
    close(ours.weight.grad, theirs.weight.grad)
    close(ours.bias.grad, theirs.bias.grad)


@pytest.mark.parametrize(
    ("input_shape", "weight_shape", "bias_shape", "input_dtype"),
    [
        ((4, 3), (3, 2), (3,), "float32"),
        ((3,), (3, 2), (3,), "float32"),
        ((5, 4, 3), (3, 2), (3,), "float32"),
        ((5, 4, 3), (3, 2), None, "float32"),
        ((4, 2), (3, 2), (4,), "float32"),
        ((4, 2), (3, 2), (2, 3), "float32"),
        ((4, 2), (3, 2), (1, 4, 3), "float32"),
        ((4, 2), (3, 2), (3,), "int64"),
        ((4, 2), (3, 2), (3,), "float64"),
        ((4, 2), (3, 2), None, "float64"),
        ((), (3, 2), (3,), "float32"),
    ],
)
def test_linear_errors_match_torch(input_shape, weight_shape, bias_shape, input_dtype):
    x, tx = pair(np.ones(input_shape, dtype=input_dtype))
    w, tw = pair(np.ones(weight_shape, dtype=np.float32))
    b, tb = pair(np.ones(bias_shape, dtype=np.float32)) if bias_shape else (None, None)
    same_error(lambda: EF.linear(x, w, b), lambda: torch.nn.functional.linear(tx, tw, tb))


# -- activations, flatten, identity ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ReLU", "Sigmoid", "Tanh", "Identity"])
def test_activation_modules_match_torch(name):
    x, tx = pair(floats(3, 4), requires_grad=True)
    ours, theirs = getattr(enn, name)()(x), getattr(torch.nn, name)()(tx)
    assert repr(ours) == repr(theirs)
    assert graph(ours.grad_fn) == graph(theirs.grad_fn)


@pytest.mark.parametrize(
    ("module", "dim"), [("Softmax", 1), ("Softmax", 0), ("LogSoftmax", 1), ("LogSoftmax", -1)]
)
def test_softmax_modules_match_torch(module, dim):
    x, tx = pair(floats(3, 4), requires_grad=True)
    ours, theirs = getattr(enn, module)(dim=dim)(x), getattr(torch.nn, module)(dim=dim)(tx)
    close(ours, theirs)
    assert graph(ours.grad_fn) == graph(theirs.grad_fn)


@pytest.mark.parametrize("shape", [(3,), (3, 4), (2, 3, 4)])
def test_implicit_softmax_dim_warns_and_picks_torchs_dim(shape):
    x, tx = pair(floats(*shape))
    with pytest.warns(UserWarning) as ours_warnings:
        ours = EF.softmax(x)
    with pytest.warns(UserWarning) as their_warnings:
        theirs = torch.nn.functional.softmax(tx)
    close(ours, theirs)
    assert str(ours_warnings[0].message) == str(their_warnings[0].message)


def test_identity_and_unchanged_flatten_return_the_input_itself():
    x = engine.ones(4, 3, requires_grad=True)
    assert enn.Identity()(x) is x
    assert enn.Flatten()(x) is x


@pytest.mark.parametrize(
    ("shape", "start", "end"), [((2, 3, 4), 1, -1), ((2, 3, 4), 0, -1), ((2, 3, 4), 0, 1)]
)
def test_flatten_matches_torch(shape, start, end):
    x, tx = pair(floats(*shape), requires_grad=True)
    ours, theirs = enn.Flatten(start, end)(x), torch.nn.Flatten(start, end)(tx)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert graph(ours.grad_fn) == graph(theirs.grad_fn)


# -- Sequential -------------------------------------------------------------------------------------------


def _three(nn):
    return nn.Sequential(nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 1))


def test_sequential_indexing_slicing_and_iteration_match_torch():
    ours, theirs = _three(enn), _three(torch.nn)
    assert len(ours) == len(theirs) == 3
    for index in (0, 1, 2, -1, -3):
        assert repr(ours[index]) == repr(theirs[index])
    for part in (slice(1, None), slice(None, 2), slice(None, None, 2)):
        assert repr(ours[part]) == repr(theirs[part])
        assert type(ours[part]) is enn.Sequential
    assert [type(m).__name__ for m in ours] == [type(m).__name__ for m in theirs]
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]


def test_sequential_index_errors_match_torch():
    ours, theirs = _three(enn), _three(torch.nn)
    for index in (3, -4, "a"):
        same_error(lambda index=index: ours[index], lambda index=index: theirs[index])


def test_sequential_edits_match_torch():
    ours, theirs = _three(enn), _three(torch.nn)
    del ours[1]
    del theirs[1]
    ours.append(enn.Sigmoid())
    theirs.append(torch.nn.Sigmoid())
    ours[0] = enn.Tanh()
    theirs[0] = torch.nn.Tanh()
    assert repr(ours) == repr(theirs)


def test_sequential_forward_chains_modules():
    torch.manual_seed(2)
    engine.manual_seed(2)
    ours, theirs = _three(enn), _three(torch.nn)
    x, tx = pair(floats(5, 1))
    out, their_out = ours(x), theirs(tx)
    close(out, their_out)
    assert graph(out.grad_fn) == graph(their_out.grad_fn)


def _module_list(nn):
    repeated = [nn.Linear(1, 1), nn.Linear(1, 1), nn.ReLU(), nn.Linear(1, 1)]
    return nn.ModuleList(
        [*repeated, nn.Sequential(nn.ReLU(), nn.Tanh()), nn.Sequential(nn.ReLU(), nn.Tanh())]
    )


def test_module_list_prints_runs_of_equal_modules_once_like_torch():
    ours, theirs = _module_list(enn), _module_list(torch.nn)
    assert repr(ours) == repr(theirs)
    assert repr(ours[1:3]) == repr(theirs[1:3])
    assert repr(enn.ModuleList()) == repr(torch.nn.ModuleList())
    same_error(lambda: ours[10], lambda: theirs[10])
    same_error(lambda: ours(1), lambda: theirs(1))


def test_module_list_edits_match_torch():
    ours, theirs = _module_list(enn), _module_list(torch.nn)
    for library, modules in ((enn, ours), (torch.nn, theirs)):
        modules.append(library.ReLU())
        modules.extend([library.Tanh()])
        modules.insert(0, library.Sigmoid())
        del modules[2]
        modules[1] = library.Identity()
    assert repr(ours) == repr(theirs)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]


# -- losses -----------------------------------------------------------------------------------------------


def _probabilities(*shape):
    return RNG.uniform(0.05, 0.95, size=shape).astype(np.float32)


def _distribution(rows, classes):
    values = RNG.uniform(0.1, 1.0, size=(rows, classes)).astype(np.float32)
    return values / values.sum(axis=1, keepdims=True)


LOGITS = floats(4, 3)
CLASSES = np.array([0, 2, 1, 2])
LOSS_CASES = {
    "mse": ("mse_loss", (LOGITS, floats(4, 3)), {}, (0, 1)),
    "mse_broadcast": ("mse_loss", (LOGITS, floats(3)), {}, (0, 1)),
    "l1": ("l1_loss", (LOGITS, floats(4, 3)), {}, (0, 1)),
    "l1_broadcast": ("l1_loss", (floats(4, 1), floats(4, 3)), {}, (0, 1)),
    "bce": ("binary_cross_entropy", (_probabilities(4, 3), _probabilities(4, 3)), {}, (0, 1)),
    "bce_weight": (
        "binary_cross_entropy",
        (_probabilities(4, 3), _probabilities(4, 3)),
        {"weight": _probabilities(3)},
        (0,),
    ),
    "bce_logits": ("binary_cross_entropy_with_logits", (LOGITS, _probabilities(4, 3)), {}, (0, 1)),
    "bce_logits_pos_weight": (
        "binary_cross_entropy_with_logits",
        (LOGITS, _probabilities(4, 3)),
        {"pos_weight": _probabilities(3) * 3, "weight": _probabilities(4, 1)},
        (0, 1),
    ),
    "cross_entropy": ("cross_entropy", (LOGITS, CLASSES), {}, (0,)),
    "cross_entropy_weight": ("cross_entropy", (LOGITS, CLASSES), {"weight": _probabilities(3)}, (0,)),
    "cross_entropy_ignore": ("cross_entropy", (LOGITS, np.array([0, -100, 1, 2])), {}, (0,)),
    "cross_entropy_ignore_index": ("cross_entropy", (LOGITS, CLASSES), {"ignore_index": 2}, (0,)),
    "cross_entropy_1d": ("cross_entropy", (floats(5), np.array(3)), {}, (0,)),
    "cross_entropy_probabilities": ("cross_entropy", (LOGITS, _distribution(4, 3)), {}, (0,)),
    "cross_entropy_probabilities_weight": (
        "cross_entropy",
        (LOGITS, _distribution(4, 3)),
        {"weight": _probabilities(3)},
        (0,),
    ),
    "nll": ("nll_loss", (LOGITS, CLASSES), {}, (0,)),
    "nll_weight": ("nll_loss", (LOGITS, CLASSES), {"weight": _probabilities(3)}, (0,)),
    "nll_uint8_target": ("nll_loss", (LOGITS, CLASSES.astype(np.uint8)), {}, (0,)),
}


def _loss_inputs(lib, arrays, options, differentiable):
    tensors = [
        lib.tensor(a, requires_grad=i in differentiable and a.dtype.kind == "f") for i, a in enumerate(arrays)
    ]
    extras = {
        key: lib.tensor(value) if isinstance(value, np.ndarray) else value for key, value in options.items()
    }
    return tensors, extras


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("case", sorted(LOSS_CASES))
def test_loss_values_graphs_and_grads_match_torch(case, reduction):
    name, arrays, options, differentiable = LOSS_CASES[case]
    results = []
    for lib, functional in ((engine, EF), (torch, torch.nn.functional)):
        tensors, extras = _loss_inputs(lib, arrays, options, differentiable)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loss = getattr(functional, name)(*tensors, reduction=reduction, **extras)
        weights = lib.tensor(np.linspace(0.5, 1.5, loss.numel(), dtype=np.float32).reshape(tuple(loss.shape)))
        (loss * weights).sum().backward()
        results.append((loss, tensors))
    (ours, our_inputs), (theirs, their_inputs) = results
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.")
    close(ours, theirs)
    assert graph(ours.grad_fn) == graph(theirs.grad_fn)
    for mine, their in zip(our_inputs, their_inputs):
        if their.requires_grad:
            close(mine.grad, their.grad, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize(
    ("module", "function"),
    [
        ("MSELoss", "mse_loss"),
        ("L1Loss", "l1_loss"),
        ("CrossEntropyLoss", "cross_entropy"),
        ("NLLLoss", "nll_loss"),
        ("BCELoss", "binary_cross_entropy"),
        ("BCEWithLogitsLoss", "binary_cross_entropy_with_logits"),
    ],
)
def test_loss_modules_call_their_functions(module, function):
    case = {
        "mse_loss": "mse",
        "l1_loss": "l1",
        "cross_entropy": "cross_entropy",
        "nll_loss": "nll",
        "binary_cross_entropy": "bce",
        "binary_cross_entropy_with_logits": "bce_logits",
    }[function]
    _, arrays, _, _ = LOSS_CASES[case]
    tensors, _ = _loss_inputs(engine, arrays, {}, ())
    their_tensors, _ = _loss_inputs(torch, arrays, {}, ())
    ours = getattr(enn, module)(reduction="sum")(*tensors)
    theirs = getattr(torch.nn, module)(reduction="sum")(*their_tensors)
    close(ours, theirs)


def test_mse_loss_warns_about_broadcasting_like_torch():
    x, tx = pair(floats(4, 3))
    y, ty = pair(floats(3))
    with pytest.warns(UserWarning) as ours:
        EF.mse_loss(x, y)
    with pytest.warns(UserWarning) as theirs:
        torch.nn.functional.mse_loss(tx, ty)
    assert str(ours[0].message) == str(theirs[0].message)


LOSS_ERRORS = {
    "mse_bad_broadcast": ("mse_loss", (floats(4, 3), floats(2)), {}),
    "mse_reduction": ("mse_loss", (floats(2), floats(2)), {"reduction": "avg"}),
    "mse_integers": ("mse_loss", (np.array([1, 2]), np.array([1, 2])), {}),
    "ce_out_of_bounds": ("cross_entropy", (LOGITS, np.array([0, 1, 5, 0])), {}),
    "ce_negative_target": ("cross_entropy", (LOGITS, np.array([0, 1, -1, 0])), {}),
    "ce_batch_size": ("cross_entropy", (LOGITS, np.array([0, 1, 0])), {}),
    "ce_float_indices": ("cross_entropy", (LOGITS, np.array([0.0, 1, 0, 1], dtype=np.float32)), {}),
    "ce_int32_target": ("cross_entropy", (LOGITS, np.array([0, 1, 0, 1], dtype=np.int32)), {}),
    "ce_integer_probabilities": ("cross_entropy", (LOGITS, np.zeros((4, 3), dtype=np.int64)), {}),
    "ce_1d_out_of_bounds": ("cross_entropy", (floats(3), np.array(3)), {}),
    "ce_reduction": ("cross_entropy", (LOGITS, CLASSES), {"reduction": "x"}),
    "ce_2d_target": ("cross_entropy", (LOGITS, np.array([[0, 1, 0, 1]])), {}),
    "ce_multi_target": ("cross_entropy", (LOGITS, np.zeros((4, 1), dtype=np.int64)), {}),
    "nll_out_of_bounds": ("nll_loss", (LOGITS, np.array([0, 1, 5, 0])), {}),
    "nll_float_target": ("nll_loss", (LOGITS, np.array([0.0, 1, 2, 0], dtype=np.float32)), {}),
    "nll_zero_dim": ("nll_loss", (np.float32(1.0), np.array(0)), {}),
    "nll_weight_size": ("nll_loss", (LOGITS, CLASSES), {"weight": np.ones(2, dtype=np.float32)}),
    "nll_1d_target_size": ("nll_loss", (floats(3), np.array([0, 1])), {}),
    "bce_input_range": (
        "binary_cross_entropy",
        (np.array([1.5], dtype=np.float32), np.ones(1, np.float32)),
        {},
    ),
    "bce_target_range": ("binary_cross_entropy", (_probabilities(3), np.array([2.0, 0, 1], np.float32)), {}),
    "bce_nan": ("binary_cross_entropy", (np.array([np.nan], np.float32), np.ones(1, np.float32)), {}),
    "bce_size": ("binary_cross_entropy", (_probabilities(4, 3), _probabilities(3)), {}),
    "bce_target_dtype": ("binary_cross_entropy", (_probabilities(3), np.array([1, 0, 1])), {}),
    "bce_input_dtype": (
        "binary_cross_entropy",
        (_probabilities(3).astype(np.float64), _probabilities(3)),
        {},
    ),
    "bce_weight_shape": (
        "binary_cross_entropy",
        (_probabilities(4, 3), _probabilities(4, 3)),
        {"weight": _probabilities(2)},
    ),
    "bce_logits_size": ("binary_cross_entropy_with_logits", (LOGITS, _probabilities(3)), {}),
    "bce_logits_integer_target": ("binary_cross_entropy_with_logits", (floats(3), np.array([1, 0, 1])), {}),
    "bce_logits_pos_weight_shape": (
        "binary_cross_entropy_with_logits",
        (LOGITS, _probabilities(4, 3)),
        {"pos_weight": _probabilities(2)},
    ),
}


@pytest.mark.parametrize("case", sorted(LOSS_ERRORS))
def test_loss_errors_match_torch(case):
    name, arrays, options = LOSS_ERRORS[case]
    calls = []
    for lib, functional in ((engine, EF), (torch, torch.nn.functional)):
        tensors, extras = _loss_inputs(lib, [np.asarray(a) for a in arrays], options, ())
        calls.append(lambda f=functional, t=tensors, e=extras: getattr(f, name)(*t, **e))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_error(*calls)


def test_bce_with_logits_is_stable_for_large_scores():
    x, tx = pair(np.array([-200.0, -30.0, 0.0, 30.0, 200.0], dtype=np.float32), requires_grad=True)
    y, ty = pair(np.array([1.0, 0.0, 1.0, 1.0, 0.0], dtype=np.float32))
    ours, theirs = (
        EF.binary_cross_entropy_with_logits(x, y),
        torch.nn.functional.binary_cross_entropy_with_logits(tx, ty),
    )
    close(ours, theirs)
    ours.backward()
    theirs.backward()
    close(x.grad, tx.grad)


def test_bce_clamps_the_log_of_zero_like_torch():
    p, tp = pair(np.array([0.0, 1.0], dtype=np.float32))
    y, ty = pair(np.array([1.0, 0.0], dtype=np.float32))
    assert repr(EF.binary_cross_entropy(p, y)) == repr(torch.nn.functional.binary_cross_entropy(tp, ty))


def test_cross_entropy_with_every_target_ignored_is_nan_like_torch():
    x, tx = pair(LOGITS)
    t, tt = pair(np.array([-100, -100, -100, -100]))
    assert repr(EF.cross_entropy(x, t)) == repr(torch.nn.functional.cross_entropy(tx, tt))
    assert repr(EF.cross_entropy(x, t, reduction="sum")) == repr(
        torch.nn.functional.cross_entropy(tx, tt, reduction="sum")
    )


# -- dropout ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("shape", "p"), [((4, 3), 0.3), ((100,), 0.5), ((8, 8), 0.2)])
def test_dropout_mask_matches_torch_after_the_same_seed(shape, p):
    x, tx = pair(floats(*shape), requires_grad=True)
    torch.manual_seed(21)
    engine.manual_seed(21)
    ours, theirs = EF.dropout(x, p), torch.nn.functional.dropout(tx, p)
    np.testing.assert_array_equal(ours.detach()._data, theirs.detach().numpy())
    assert graph(ours.grad_fn) == graph(theirs.grad_fn)
    ours.sum().backward()
    theirs.sum().backward()
    close(x.grad, tx.grad)


def test_dropout_is_the_identity_in_eval_mode_and_for_p_zero():
    x = engine.ones(4, 3, requires_grad=True)
    layer = enn.Dropout(0.5)
    assert layer.eval()(x) is x
    assert EF.dropout(x, 0.0) is x
    assert EF.dropout(x, 0.5, training=False) is x


def test_dropout_with_p_one_zeroes_everything_but_keeps_the_graph():
    x, tx = pair(floats(2, 3), requires_grad=True)
    ours, theirs = EF.dropout(x, 1.0), torch.nn.functional.dropout(tx, 1.0)
    assert not ours._data.any()
    assert graph(ours.grad_fn) == graph(theirs.grad_fn)


def test_in_place_dropout_and_relu_rewrite_their_input_like_torch():
    x, tx = pair(floats(4, 3), requires_grad=True)
    torch.manual_seed(4)
    engine.manual_seed(4)
    hidden, their_hidden = x * 1, tx * 1
    dropped = EF.dropout(hidden, 0.5, inplace=True)
    their_dropped = torch.nn.functional.dropout(their_hidden, 0.5, inplace=True)
    assert dropped is hidden and their_dropped is their_hidden
    assert repr(dropped) == repr(their_dropped)
    rectified = enn.ReLU(inplace=True)(dropped)
    assert rectified is hidden
    assert graph(rectified.grad_fn) == graph(torch.nn.ReLU(inplace=True)(their_dropped).grad_fn)
    same_error(
        lambda: EF.dropout(x, 0.5, inplace=True), lambda: torch.nn.functional.dropout(tx, 0.5, inplace=True)
    )


def test_dropout_probability_errors_match_torch():
    x, tx = pair(floats(2))
    same_error(lambda: EF.dropout(x, 1.5), lambda: torch.nn.functional.dropout(tx, 1.5))
    same_error(lambda: enn.Dropout(-0.1), lambda: torch.nn.Dropout(-0.1))


# -- nn.init -----------------------------------------------------------------------------------------------

INIT_CASES = [
    ("uniform_", {}),
    ("uniform_", {"a": -3.0, "b": 0.5}),
    ("normal_", {}),
    ("normal_", {"mean": 1.0, "std": 0.1}),
    ("kaiming_uniform_", {}),
    ("kaiming_uniform_", {"a": 5**0.5}),
    ("kaiming_uniform_", {"mode": "fan_out", "nonlinearity": "relu"}),
    ("kaiming_normal_", {}),
    ("kaiming_normal_", {"mode": "FAN_OUT"}),
    ("xavier_uniform_", {}),
    ("xavier_uniform_", {"gain": 2.0}),
    ("xavier_normal_", {}),
    ("constant_", {"val": 0.25}),
    ("zeros_", {}),
    ("ones_", {}),
]


@pytest.mark.parametrize(("name", "options"), INIT_CASES)
@pytest.mark.parametrize("shape", [(3, 4), (20, 5)])
def test_init_matches_torch_after_the_same_seed(name, options, shape):
    ours, theirs = enn.Parameter(engine.zeros(*shape)), torch.nn.Parameter(torch.zeros(*shape))
    torch.manual_seed(9)
    engine.manual_seed(9)
    assert getattr(enn.init, name)(ours, **options) is ours
    getattr(torch.nn.init, name)(theirs, **options)
    np.testing.assert_allclose(ours._data, theirs.detach().numpy(), rtol=1e-6, atol=1e-7)
    assert ours._version == theirs._version
    assert ours.is_leaf and ours.grad_fn is None


def test_init_errors_match_torch():
    ours, theirs = engine.zeros(3), torch.zeros(3)
    same_error(lambda: enn.init.kaiming_uniform_(ours), lambda: torch.nn.init.kaiming_uniform_(theirs))
    same_error(lambda: enn.init.xavier_uniform_(ours), lambda: torch.nn.init.xavier_uniform_(theirs))
    same_error(
        lambda: enn.init.kaiming_uniform_(engine.zeros(2, 2), mode="fan"),
        lambda: torch.nn.init.kaiming_uniform_(torch.zeros(2, 2), mode="fan"),
    )
    same_error(
        lambda: enn.init.kaiming_normal_(engine.zeros(2, 2), mode="Fan"),
        lambda: torch.nn.init.kaiming_normal_(torch.zeros(2, 2), mode="Fan"),
    )
    same_error(lambda: enn.init.calculate_gain("swish"), lambda: torch.nn.init.calculate_gain("swish"))


@pytest.mark.parametrize(
    ("nonlinearity", "param"),
    [
        ("linear", None),
        ("tanh", None),
        ("relu", None),
        ("leaky_relu", None),
        ("leaky_relu", 0.2),
        ("selu", None),
    ],
)
def test_calculate_gain_matches_torch(nonlinearity, param):
    assert enn.init.calculate_gain(nonlinearity, param) == torch.nn.init.calculate_gain(nonlinearity, param)


# -- imports ------------------------------------------------------------------------------------------------


def test_nn_and_optim_import_every_way_torch_allows():
    import engine.nn as nn_module
    import engine.nn.functional as functional_module
    from engine import nn, optim

    assert nn is nn_module is engine.nn
    assert functional_module is nn.functional
    assert optim.SGD is engine.optim.SGD
    assert nn.init.zeros_ is enn.init.zeros_
