"""The sandbox's own messages (limits, refused constructs), in English and Vietnamese.

Each entry is keyed by a message id and formatted with `str.format(**params)`. Torch's and Python's own
error texts are never translated: they reach the user exactly as the engine raised them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LANGUAGES = ("en", "vi")

MESSAGES: dict[str, dict[str, str]] = {
    # -- parsing and the language subset --------------------------------------------------------------
    "syntax_error": {
        "en": "{detail}",
        "vi": "Lỗi cú pháp: {detail}",
    },
    "unsupported_syntax": {
        "en": "{construct} is not supported in the sandbox",
        "vi": "Sandbox không hỗ trợ {construct}",
    },
    "star_import": {
        "en": "'from {module} import *' is not supported in the sandbox; import the names you need",
        "vi": "Sandbox không hỗ trợ 'from {module} import *'; hãy import từng tên cần dùng",
    },
    "class_keyword": {
        "en": "class {name}: keyword arguments in a class statement ({keyword}=...) are not allowed",
        "vi": "class {name}: không được dùng đối số từ khóa trong câu lệnh class ({keyword}=...)",
    },
    "class_base": {
        "en": "class {name}: a class may only derive from nn.Module (or a module class), from "
        "torch.utils.data.Dataset or from a class defined in this program, not from {base}",
        "vi": "class {name}: lớp chỉ được kế thừa nn.Module (hoặc một lớp module), "
        "torch.utils.data.Dataset hoặc một lớp định nghĩa trong chương trình này, không được kế thừa {base}",
    },
    "class_decorator": {
        "en": "class {name}: decorators on classes are not supported in the sandbox",
        "vi": "class {name}: sandbox không hỗ trợ decorator cho lớp",
    },
    "class_body_statement": {
        "en": "class {name}: only method definitions and simple assignments are allowed in a class body",
        "vi": "class {name}: thân lớp chỉ được chứa định nghĩa phương thức và phép gán đơn giản",
    },
    "special_method": {
        "en": "defining the special method '{name}' is not allowed in the sandbox; allowed: {allowed}",
        "vi": "không được định nghĩa phương thức đặc biệt '{name}' trong sandbox; được phép: {allowed}",
    },
    "super_outside_method": {
        "en": "super() without arguments can only be used inside a method of a class",
        "vi": "super() không đối số chỉ dùng được bên trong phương thức của một lớp",
    },
    # -- security -------------------------------------------------------------------------------------
    "import_forbidden": {
        "en": "import of '{module}' is not allowed in the sandbox; allowed modules: {allowed}",
        "vi": "không được phép import '{module}' trong sandbox; các module được phép: {allowed}",
    },
    "name_forbidden": {
        "en": "the name '{name}' is not available in the sandbox",
        "vi": "tên '{name}' không có trong sandbox",
    },
    "builtin_forbidden": {
        "en": "'{name}' is not available in the sandbox",
        "vi": "'{name}' không có trong sandbox",
    },
    "type_forbidden": {
        "en": "type() takes one argument in the sandbox (type(x)); to make a class, use a class statement",
        "vi": "trong sandbox, type() chỉ nhận một đối số (type(x)); để tạo lớp, hãy dùng câu lệnh class",
    },
    "private_attribute": {
        "en": "access to the private or special attribute '{name}' is not allowed in the sandbox",
        "vi": "không được truy cập thuộc tính riêng hoặc đặc biệt '{name}' trong sandbox",
    },
    "attribute_forbidden": {
        "en": "the attribute '{name}' of {owner} is not available in the sandbox",
        "vi": "thuộc tính '{name}' của {owner} không có trong sandbox",
    },
    "numpy_forbidden": {
        "en": "'{name}' would leave the engine (numpy is not available in the sandbox); "
        "use .tolist() or .item() instead",
        "vi": "'{name}' sẽ đi ra ngoài engine (sandbox không có numpy); hãy dùng .tolist() hoặc .item()",
    },
    "attribute_on_forbidden_type": {
        "en": "attributes of {owner} objects are not available in the sandbox (asked for '{name}')",
        "vi": "thuộc tính của đối tượng {owner} không dùng được trong sandbox (yêu cầu '{name}')",
    },
    "assign_forbidden": {
        "en": "cannot set or delete the attribute '{name}' of {owner} in the sandbox",
        "vi": "không được gán hoặc xóa thuộc tính '{name}' của {owner} trong sandbox",
    },
    "module_member_hidden": {
        "en": "'{module}.{name}' is not available in the sandbox",
        "vi": "'{module}.{name}' không có trong sandbox",
    },
    "codec_forbidden": {
        "en": "the codec '{encoding}' is not available in the sandbox; use one of {allowed}",
        "vi": "sandbox không hỗ trợ bộ mã '{encoding}'; hãy dùng một trong {allowed}",
    },
    "tensor_member_hidden": {
        "en": "Tensor.{name} is not available in the sandbox",
        "vi": "Tensor.{name} không có trong sandbox",
    },
    "value_forbidden": {
        "en": "a value of type '{type}' is not available in the sandbox",
        "vi": "giá trị kiểu '{type}' không dùng được trong sandbox",
    },
    "format_map_forbidden": {
        "en": "str.format_map is not available in the sandbox; use an f-string",
        "vi": "sandbox không có str.format_map; hãy dùng f-string",
    },
    "print_file_forbidden": {
        "en": "print(file=...) is not available in the sandbox; output always goes to the console",
        "vi": "sandbox không hỗ trợ print(file=...); kết quả luôn được in ra màn hình",
    },
    "super_arguments": {
        "en": "super() takes no arguments here, or a class of this program and an instance of it",
        "vi": "super() ở đây không nhận đối số, hoặc nhận một lớp của chương trình này và một thể hiện "
        "của nó",
    },
    "program_finished": {
        "en": "this function belongs to a sandbox program that has already finished",
        "vi": "hàm này thuộc một chương trình sandbox đã kết thúc",
    },
    # -- limits ---------------------------------------------------------------------------------------
    "limit_source": {
        "en": "the program is longer than the limit of {limit} characters (max_source_chars)",
        "vi": "chương trình dài hơn giới hạn {limit} ký tự (max_source_chars)",
    },
    "limit_nesting": {
        "en": "the program is nested more than {limit} levels deep (max_nesting)",
        "vi": "chương trình lồng nhau sâu hơn {limit} mức (max_nesting)",
    },
    "limit_steps": {
        "en": "the program ran more than {limit} steps (max_steps); is there an endless loop?",
        "vi": "chương trình chạy quá {limit} bước (max_steps); có vòng lặp vô hạn không?",
    },
    "limit_time": {
        "en": "the program ran longer than {limit} seconds (max_seconds)",
        "vi": "chương trình chạy lâu hơn {limit} giây (max_seconds)",
    },
    "module_private_name": {
        "en": "a module's child, buffer or parameter may not have a name starting with '_' in the sandbox "
        "('{name}'); choose a name without the underscore",
        "vi": "trong sandbox, module con, buffer hay tham số không được đặt tên bắt đầu bằng '_' ('{name}'); "
        "hãy chọn tên không có dấu gạch dưới",
    },
    "worker_unavailable": {
        "en": "the server could not start a process to run this program; please try again in a moment",
        "vi": "máy chủ chưa khởi động được tiến trình để chạy chương trình này; hãy thử lại sau giây lát",
    },
    "limit_worker": {
        "en": "the program used more memory or processor time than its worker process may use, "
        "and the worker was stopped",
        "vi": "chương trình dùng nhiều bộ nhớ hoặc thời gian xử lý hơn mức tiến trình chạy nó được phép, "
        "nên tiến trình đã bị dừng",
    },
    "limit_recursion": {
        "en": "function calls are nested more than {limit} deep (max_recursion_depth); "
        "is there an endless recursion?",
        "vi": "lời gọi hàm lồng sâu quá {limit} mức (max_recursion_depth); có đệ quy vô hạn không?",
    },
    "limit_tensor_elements": {
        "en": "a tensor of {size} elements is larger than the limit of {limit} elements "
        "(max_tensor_elements)",
        "vi": "tensor có {size} phần tử, vượt giới hạn {limit} phần tử (max_tensor_elements)",
    },
    "limit_tensor_memory": {
        "en": "tensors use more than {limit} bytes in total (max_tensor_bytes)",
        "vi": "tổng bộ nhớ các tensor vượt quá {limit} byte (max_tensor_bytes)",
    },
    "limit_memory": {
        "en": "the program uses more memory than the limit of {limit} bytes (max_memory_bytes)",
        "vi": "chương trình dùng nhiều bộ nhớ hơn giới hạn {limit} byte (max_memory_bytes)",
    },
    "limit_graph": {
        "en": "the autograd graph has more than {limit} nodes (max_graph_nodes)",
        "vi": "đồ thị autograd có hơn {limit} nút (max_graph_nodes)",
    },
    "limit_output": {
        "en": "the program printed more than {limit} characters (max_output_chars)",
        "vi": "chương trình in ra hơn {limit} ký tự (max_output_chars)",
    },
    "limit_int": {
        "en": "an integer would have more than {limit} bits (max_int_bits)",
        "vi": "một số nguyên sẽ có hơn {limit} bit (max_int_bits)",
    },
    "limit_string": {
        "en": "a string of {size} characters is longer than the limit of {limit} (max_string_length)",
        "vi": "chuỗi có {size} ký tự, dài hơn giới hạn {limit} (max_string_length)",
    },
    "limit_sequence": {
        "en": "a {kind} of {size} items is longer than the limit of {limit} (max_sequence_length)",
        "vi": "{kind} có {size} phần tử, dài hơn giới hạn {limit} (max_sequence_length)",
    },
    "limit_iterators": {
        "en": "iterators are nested more than {limit} deep (an iterator over an iterator over ...; "
        "max_recursion_depth)",
        "vi": "các iterator lồng nhau sâu hơn {limit} mức (iterator trên iterator trên ...; "
        "max_recursion_depth)",
    },
    "limit_optimizer": {
        "en": "one optimizer step would update {size} numbers in {entries} parameters (a parameter counts "
        "each time it is listed), more than the limit of {limit} (4 × max_tensor_elements)",
        "vi": "một bước optimizer sẽ cập nhật {size} số trong {entries} tham số (mỗi lần một tham số được "
        "liệt kê đều được tính), vượt giới hạn {limit} (4 × max_tensor_elements)",
    },
    "limit_compare": {
        "en": "comparing, hashing or sorting these containers would visit more than {limit} items "
        "(max_compare_items)",
        "vi": "so sánh, băm hoặc sắp xếp các container này sẽ phải duyệt hơn {limit} phần tử "
        "(max_compare_items)",
    },
    "limit_matmul": {
        "en": "a matrix product of {size} multiply-adds on {dtype} tensors is more than the limit of "
        "{limit} (max_matmul_work)",
        "vi": "phép nhân ma trận cần {size} phép nhân-cộng trên tensor {dtype}, vượt giới hạn {limit} "
        "(max_matmul_work)",
    },
    "limit_int_power": {
        "en": "pow(base, exp, mod) would run too long on numbers this large: the exponent has {exp_bits} "
        "bits and the modulus {mod_bits} (max_int_bits)",
        "vi": "pow(base, exp, mod) sẽ chạy quá lâu với số lớn như vậy: số mũ có {exp_bits} bit và số chia "
        "có {mod_bits} bit (max_int_bits)",
    },
}


def render(message_id: str, params: Mapping[str, Any] | None = None, lang: str = "en") -> str:
    """The message `message_id` in `lang` ("en" or "vi"), with `params` filled in."""
    entry = MESSAGES[message_id]
    template = entry.get(lang, entry["en"])
    return template.format(**(params or {}))
