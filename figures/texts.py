"""Every human text the figures show, in English and Vietnamese (one catalogue, looked up by id)."""

from __future__ import annotations

LANGUAGES = ("en", "vi")

TEXTS: dict[str, dict[str, str]] = {
    # node kinds (legend entries)
    "kind.grad_fn": {"en": "backward node (grad_fn)", "vi": "nút lan truyền ngược (grad_fn)"},
    "kind.accumulate": {"en": "AccumulateGrad (writes .grad)", "vi": "AccumulateGrad (ghi vào .grad)"},
    "kind.leaf": {"en": "leaf tensor", "vi": "tensor lá"},
    "kind.root": {"en": "output (root)", "vi": "đầu ra (gốc)"},
    "kind.tensor": {"en": "tensor", "vi": "tensor"},
    "kind.constant": {"en": "constant (no grad)", "vi": "hằng số (không có grad)"},
    "kind.saved": {"en": "saved for backward", "vi": "giá trị lưu cho backward"},
    "kind.op": {"en": "operation", "vi": "phép toán"},
    "kind.collapsed": {"en": "collapsed chain", "vi": "chuỗi được thu gọn"},
    # node names and caption words (a node with a name of its own shows that name)
    "node.constant": {"en": "constant", "vi": "hằng số"},
    "node.tensor": {"en": "tensor", "vi": "tensor"},
    "node.value": {"en": "data", "vi": "giá trị"},
    "node.grad": {"en": "grad", "vi": "grad"},
    # regions and edges
    "region.no_grad": {"en": "no_grad region", "vi": "vùng no_grad"},
    "edge.detach": {"en": "detach()", "vi": "detach()"},
    "edge.gradient": {"en": "gradient flow", "vi": "dòng gradient"},
    "edge.start": {"en": "starting gradient", "vi": "gradient khởi đầu"},
    # hover card fields
    "field.kind": {"en": "kind", "vi": "loại"},
    "field.line": {"en": "line", "vi": "dòng"},
    "field.shape": {"en": "shape", "vi": "kích thước"},
    "field.dtype": {"en": "dtype", "vi": "kiểu dữ liệu"},
    "field.value": {"en": "value", "vi": "giá trị"},
    "field.grad": {"en": ".grad", "vi": ".grad"},
    "field.requires_grad": {"en": "requires_grad", "vi": "requires_grad"},
    "field.is_leaf": {"en": "is_leaf", "vi": "is_leaf"},
    "field.grad_fn": {"en": "grad_fn", "vi": "grad_fn"},
    "field.formula": {"en": "formula", "vi": "công thức"},
    "field.local": {"en": "local derivatives", "vi": "đạo hàm cục bộ"},
    "field.saved": {"en": "saved", "vi": "giá trị đã lưu"},
    "field.attrs": {"en": "attributes", "vi": "thuộc tính"},
    "field.members": {"en": "nodes inside", "vi": "số nút bên trong"},
    "field.expand": {"en": "select to expand", "vi": "chọn để mở rộng"},
    "flag.no_grad": {"en": "made under torch.no_grad()", "vi": "được tạo trong torch.no_grad()"},
    "flag.detached": {"en": "made by detach()", "vi": "được tạo bởi detach()"},
    "flag.muted": {"en": "does not require grad", "vi": "không cần grad"},
    "flag.parameter": {"en": "nn.Parameter", "vi": "nn.Parameter"},
    "flag.retains_grad": {"en": "retain_grad() was called", "vi": "đã gọi retain_grad()"},
    "value.unknown": {"en": "not kept", "vi": "không được lưu lại"},
    "value.none": {"en": "None", "vi": "None"},
    # backward animation
    "anim.step": {"en": "Step {k}/{n}", "vi": "Bước {k}/{n}"},
    "anim.play": {"en": "Play", "vi": "Phát"},
    "anim.pause": {"en": "Pause", "vi": "Tạm dừng"},
    "anim.slider": {"en": "step ", "vi": "bước "},
    "anim.start": {"en": "backward(gradient={value})", "vi": "backward(gradient={value})"},
    "anim.implicit": {"en": "backward(): implicit gradient 1", "vi": "backward(): gradient ngầm định 1"},
    "anim.fan_in": {"en": "sum of {n} contributions", "vi": "tổng của {n} đóng góp"},
    "anim.grad_in": {"en": "gradient in", "vi": "gradient vào"},
    "anim.accumulate": {"en": ".grad += {value}", "vi": ".grad += {value}"},
    "anim.executed": {"en": "already run", "vi": "đã chạy"},
    "anim.active": {"en": "running now", "vi": "đang chạy"},
    "anim.no_steps": {"en": "backward ran no steps", "vi": "backward không chạy bước nào"},
    # training charts
    "chart.loss": {"en": "loss", "vi": "hàm mất mát"},
    "chart.grad": {"en": "gradient", "vi": "gradient"},
    "chart.weight": {"en": "weight", "vi": "trọng số"},
    "chart.epoch": {"en": "epoch", "vi": "epoch (vòng lặp)"},
    "chart.norm": {"en": "‖{name}‖", "vi": "‖{name}‖"},
    "chart.staircase": {"en": ".grad after each backward()", "vi": ".grad sau mỗi lần backward()"},
    "chart.with_zero": {"en": "with .grad.zero_()", "vi": "có .grad.zero_()"},
    "chart.without_zero": {"en": "without .grad.zero_()", "vi": "không có .grad.zero_()"},
    "chart.backward_call": {"en": "backward() call", "vi": "lần gọi backward()"},
}


def text(key: str, lang: str = "en", **values: object) -> str:
    """The text `key` in `lang`, with `{name}` placeholders filled from `values`.

    Args:
        key: an id of TEXTS, e.g. "region.no_grad".
        lang: "en" or "vi".
        values: replacements for the placeholders.

    Returns:
        The formatted text.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, got {lang!r}")
    template = TEXTS[key][lang]
    return template.format(**values) if values else template
