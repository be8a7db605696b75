"""What the sandbox exposes: torch's own names only, and each one reviewed for what it can allocate.

The namespaces are built from whatever the engine exports, so a helper added to an engine module (or a
new torch function) reaches pasted programs the moment it is written. These tests make that visible:
a name torch does not have is a leaked helper; a new torch name needs a look at call_guards.py (does
it allocate something sized by its arguments, like `torch.ones(n, n)` or `x.repeat(n)`?) before it is
added to REVIEWED.
"""

from __future__ import annotations

import importlib

import torch

import engine
from sandbox.namespaces import engine_namespaces

REVIEWED = {
    "torch": """BoolTensor ByteTensor CharTensor DoubleTensor HalfTensor IntTensor LongTensor ShortTensor
        Generator are_deterministic_algorithms_enabled device get_default_device get_default_dtype
        multinomial set_default_device set_default_dtype set_printoptions use_deterministic_algorithms
        FloatTensor Size Tensor abs add all allclose amax amin any arange argmax argmin as_tensor
        autograd bitwise_and bitwise_not bitwise_or bitwise_xor bmm bool broadcast_to cat ceil chunk clamp
        clamp_max clamp_min clip clone concat concatenate cos div dot double dtype e empty empty_like
        enable_grad eq equal exp expm1 eye flatten float float16 float32 float64 floor frac full full_like ge
        get_rng_state greater greater_equal gt half inf initial_seed int int16 int32 int64 int8
        is_grad_enabled is_tensor isfinite isinf isnan le less less_equal linspace log log10 log1p log2
        log_softmax logical_and logical_not logical_or logical_xor long lt manual_seed matmul max maximum
        mean min minimum mm mul mv nan narrow ne neg negative nn no_grad nonzero norm normal not_equal numel
        ones ones_like optim permute pi pow prod rand rand_like randint randn randn_like randperm reciprocal
        relu reshape result_type return_types round rsub seed set_grad_enabled set_rng_state short sigmoid
        sign sin softmax split sqrt square squeeze stack std sub sum swapaxes swapdims t tan tanh tensor
        transpose trunc uint8 unbind unsqueeze var where zeros zeros_like""",
    "torch.nn": """BCELoss BCEWithLogitsLoss CrossEntropyLoss Dropout Flatten Identity L1Loss Linear
        LogSoftmax MSELoss Module ModuleList NLLLoss Parameter ReLU Sequential Sigmoid Softmax Tanh
        Unflatten functional init""",
    "torch.nn.functional": """Tensor binary_cross_entropy binary_cross_entropy_with_logits cross_entropy
        dropout l1_loss linear log_softmax mse_loss nll_loss relu sigmoid softmax tanh""",
    "torch.nn.init": """Tensor calculate_gain constant_ kaiming_normal_ kaiming_uniform_ normal_ ones_
        uniform_ xavier_normal_ xavier_uniform_ zeros_""",
    "torch.optim": "Adagrad Adam AdamW Optimizer RMSprop SGD lr_scheduler",
    "torch.optim.lr_scheduler": "CosineAnnealingLR ExponentialLR LRScheduler LambdaLR StepLR",
    "torch.autograd": "backward grad",
    "Tensor": """cpu cuda exponential_ get_device multinomial
        T abs abs_ add add_ all allclose amax amin any argmax argmin backward bitwise_and
        bitwise_and_ bitwise_not bitwise_or bitwise_or_ bitwise_xor bitwise_xor_ bmm bool broadcast_to byte
        ceil ceil_ char chunk clamp clamp_ clamp_max clamp_max_ clamp_min clamp_min_ clip clip_ clone
        contiguous copy_ cos cos_ data detach detach_ device dim div div_ divide divide_ dot double dtype
        element_size eq equal exp exp_ expand expand_as expm1 expm1_ fill_ flatten float floor floor_ frac
        frac_ ge grad grad_fn greater greater_equal gt half int is_contiguous is_cuda is_floating_point
        is_leaf isfinite isinf isnan item le less less_equal log log10 log1p log1p_ log2 log_ log_softmax
        logical_and logical_not logical_not_ logical_or logical_xor long lt mT matmul max maximum mean min
        minimum mm mul mul_ multiply multiply_ mv narrow ndim ndimension ne neg neg_ negative negative_
        nelement new_empty new_full new_ones new_tensor new_zeros nonzero norm normal_ not_equal numel numpy
        permute pow pow_ prod reciprocal reciprocal_ register_hook relu relu_ requires_grad requires_grad_
        reshape reshape_as retain_grad retains_grad round round_ shape short sigmoid sigmoid_ sign sign_ sin
        sin_ size softmax split sqrt sqrt_ square squeeze squeeze_ std stride sub sub_ subtract subtract_
        sum swapaxes swapdims t tan tan_ tanh tanh_ to tolist transpose true_divide true_divide_ trunc
        trunc_ type unbind uniform_ unsqueeze unsqueeze_ var view view_as where zero_""",
}


def _exposed() -> dict[str, set[str]]:
    surface = {path: set(space.members) for path, space in engine_namespaces().items()}
    surface["Tensor"] = {name for name in dir(engine.Tensor) if not name.startswith("_")}
    return surface


def test_every_exposed_name_is_torchs_own() -> None:
    leaked = {}
    for path, names in _exposed().items():
        real = torch.Tensor if path == "Tensor" else importlib.import_module(path)
        extra = sorted(name for name in names if not hasattr(real, name))
        if extra:
            leaked[path] = extra
    assert not leaked, f"engine helpers reach pasted programs; hide them in namespaces._HIDDEN: {leaked}"


def test_every_exposed_name_was_reviewed_for_what_it_allocates() -> None:
    unreviewed = {}
    for path, names in _exposed().items():
        new = sorted(names - set(REVIEWED.get(path, "").split()))
        if new:
            unreviewed[path] = new
    assert not unreviewed, (
        f"new names reach pasted programs: {unreviewed}. If one allocates an array sized by its "
        "arguments, give it a check in sandbox/call_guards.py; then add it to REVIEWED."
    )
