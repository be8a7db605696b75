"""The torch surface pasted programs can reach: an explicit allow-list, reviewed here and nowhere else.

Default deny: `import torch` binds a view holding exactly the names listed for "torch", `torch.nn` the
names listed for it, and so on; a tensor's attributes are the names listed for "Tensor". A name the
engine gains reaches programs only once it is added here, after a look at what it can allocate: a name
whose cost grows with its arguments (`torch.ones(n, n)`, `x.repeat(n)`, `nn.Linear(n, n)`) needs a check
in `call_guards.py` first. tests/sandbox/test_surface.py checks that every name here is torch's own and
exists in the engine.
"""

from __future__ import annotations

ALLOWED: dict[str, str] = {
    "torch": """accelerator cuda utils BoolTensor ByteTensor CharTensor DoubleTensor FloatTensor Generator
        HalfTensor IntTensor LongTensor ShortTensor Size Tensor abs add all allclose amax amin any arange
        are_deterministic_algorithms_enabled argmax argmin as_tensor autograd bitwise_and bitwise_not
        bitwise_or bitwise_xor bmm bool broadcast_to cat ceil chunk clamp clamp_max clamp_min clip clone
        concat concatenate cos device div dot double dtype e empty empty_like enable_grad eq equal exp
        expm1 eye flatten float float16 float32 float64 floor frac full full_like ge get_default_device
        get_default_dtype get_rng_state greater greater_equal gt half inf initial_seed int int16 int32
        int64 int8 is_grad_enabled is_tensor isfinite isinf isnan le less less_equal linspace log log10
        log1p log2 log_softmax logical_and logical_not logical_or logical_xor long lt manual_seed matmul
        max maximum mean min minimum mm mul multinomial mv nan narrow ne neg negative nn no_grad nonzero
        norm normal not_equal numel ones ones_like optim permute pi pow prod rand rand_like randint
        randn randn_like randperm reciprocal relu reshape result_type return_types round rsub seed
        set_default_device set_default_dtype set_grad_enabled set_printoptions set_rng_state short
        sigmoid sign sin sinh softmax split sqrt square squeeze stack std sub sum swapaxes swapdims t
        tan tanh tensor transpose trunc uint8 unbind unsqueeze use_deterministic_algorithms var where
        zeros zeros_like""",
    "torch.nn": """BCELoss BCEWithLogitsLoss CrossEntropyLoss Dropout Flatten Identity L1Loss Linear
        LogSoftmax MSELoss Module ModuleList NLLLoss Parameter ReLU Sequential Sigmoid Softmax Tanh
        Unflatten functional init""",
    "torch.nn.functional": """Tensor binary_cross_entropy binary_cross_entropy_with_logits cross_entropy
        dropout l1_loss linear log_softmax mse_loss nll_loss relu sigmoid softmax tanh""",
    "torch.nn.init": """Tensor calculate_gain constant_ kaiming_normal_ kaiming_uniform_ normal_ ones_
        uniform_ xavier_normal_ xavier_uniform_ zeros_""",
    "torch.optim": """Adagrad Adam AdamW Optimizer RMSprop SGD lr_scheduler""",
    "torch.autograd": """backward grad""",
    "Tensor": """T abs abs_ add add_ all allclose amax amin any argmax argmin backward bitwise_and
        bitwise_and_ bitwise_not bitwise_or bitwise_or_ bitwise_xor bitwise_xor_ bmm bool broadcast_to
        byte ceil ceil_ char chunk clamp clamp_ clamp_max clamp_max_ clamp_min clamp_min_ clip clip_
        clone contiguous copy_ cos cos_ cpu cuda data detach detach_ device dim div div_ divide divide_
        dot double dtype element_size eq equal exp exp_ expand expand_as expm1 expm1_ exponential_ fill_
        flatten float floor floor_ frac frac_ ge get_device grad grad_fn greater greater_equal gt half
        int is_contiguous is_cuda is_floating_point is_leaf isfinite isinf isnan item le less less_equal
        log log10 log1p log1p_ log2 log_ log_softmax logical_and logical_not logical_not_ logical_or
        logical_xor long lt mT matmul max maximum mean min minimum mm mul mul_ multinomial multiply
        multiply_ mv narrow ndim ndimension ne neg neg_ negative negative_ nelement new_empty new_full
        new_ones new_tensor new_zeros nonzero norm normal_ not_equal numel numpy permute pow pow_ prod
        reciprocal reciprocal_ register_hook relu relu_ requires_grad requires_grad_ reshape reshape_as
        retain_grad retains_grad round round_ shape short sigmoid sigmoid_ sign sign_ sin sin_ sinh
        sinh_ size softmax split sqrt sqrt_ square squeeze squeeze_ std stride sub sub_ subtract
        subtract_ sum swapaxes swapdims t tan tan_ tanh tanh_ to tolist transpose true_divide
        true_divide_ trunc trunc_ type unbind uniform_ unsqueeze unsqueeze_ var view view_as where zero_""",
    "torch.optim.lr_scheduler": """CosineAnnealingLR ExponentialLR LRScheduler LambdaLR StepLR""",
    # The device idiom on a machine without CUDA: questions answer "no", actions fail as torch's do.
    "torch.cuda": """current_device device_count empty_cache get_device_name is_available is_initialized
        manual_seed manual_seed_all seed seed_all set_device synchronize""",
    "torch.accelerator": "current_accelerator device_count is_available",
    # Datasets hold tensors the program already made; batching stacks them (no sampler sized by a
    # number is exposed).
    "torch.utils": "data",
    "torch.utils.data": "DataLoader Dataset Subset TensorDataset default_collate random_split",
}


ALLOWED_NAMES: dict[str, frozenset[str]] = {path: frozenset(names.split()) for path, names in ALLOWED.items()}
TENSOR_ATTRIBUTES = ALLOWED_NAMES["Tensor"]
