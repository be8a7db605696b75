"""Every text the app shows, in English and Vietnamese, looked up by id: `t(key, lang)` is the one lookup.

The catalogue is one key space kept in three tables, each beside the layer that shows its texts,
because a lower layer cannot import this one:

- `TEXTS` below: the app's pages, lessons, hints and buttons;
- `figures.texts.TEXTS`: the words drawn inside figures (legends, hover cards, chart titles);
- `sandbox.messages.MESSAGES`: the sandbox's own messages (limits, refused constructs).

`t` reads all three (`CATALOGUE`), so a page never needs to know which layer owns a text; the figures
and the sandbox look up their own table with the same key. A test keeps every key unique across the
tables and every entry in both languages. Docs: docs/design.md, "Texts".

PyTorch's own words (grad_fn, backward(), requires_grad, no_grad, detach()) stay untranslated in both
languages, as the seed lesson keeps them. Texts may hold `{name}` placeholders filled by `t(...)`.
Torch's own messages (printed output, errors raised by the engine) are shown as torch prints them and
are not in this catalogue.
"""

from __future__ import annotations

import string
from collections import ChainMap

from explorer.state import LANGS
from figures.texts import TEXTS as FIGURE_TEXTS
from sandbox.messages import MESSAGES as SANDBOX_MESSAGES

TEXTS: dict[str, dict[str, str]] = {
    # --- app frame -------------------------------------------------------------------------------------
    "app.language": {"en": "Language", "vi": "Ngôn ngữ"},
    "app.lang.en": {"en": "English", "vi": "English"},
    "app.lang.vi": {"en": "Tiếng Việt", "vi": "Tiếng Việt"},
    "app.about.title": {"en": "About", "vi": "Giới thiệu"},
    "app.about.body": {
        "en": "See how PyTorch's autograd records a computation graph and runs backward() through it. "
              "The code runs in a sandbox that behaves like PyTorch: same grad_fn names, same values, "
              "same printed output and errors. Every page can be shared with its URL.",
        "vi": "Xem autograd của PyTorch ghi lại đồ thị tính toán và chạy backward() trên đó như thế nào. "
              "Mã được chạy trong một môi trường an toàn hoạt động giống PyTorch: cùng tên grad_fn, cùng "
              "giá trị, cùng kết quả in ra và thông báo lỗi. Mọi trang đều chia sẻ được bằng URL.",
    },
    "app.about.isolation": {
        "en": "Each program runs in its own locked-down worker process. Protections active on this "
              "server: {layers}.",
        "vi": "Mỗi chương trình chạy trong một tiến trình riêng đã bị khóa quyền. Các lớp bảo vệ đang bật "
              "trên máy chủ này: {layers}.",
    },
    "app.about.isolation_off": {
        "en": "Not available on this server: {layers}.",
        "vi": "Không có trên máy chủ này: {layers}.",
    },
    "layer.rlimits": {"en": "resource limits", "vi": "giới hạn tài nguyên"},
    "layer.environment": {"en": "an empty environment", "vi": "môi trường trống"},
    "layer.empty_cwd": {"en": "an empty working directory", "vi": "thư mục làm việc rỗng"},
    "layer.seccomp": {"en": "a system-call filter (seccomp)", "vi": "bộ lọc lời gọi hệ thống (seccomp)"},
    "app.share": {
        "en": "The address bar holds this page's state: Copy link (top right) shares exactly what you see.",
        "vi": "Thanh địa chỉ lưu trạng thái của trang: nút Sao chép liên kết (góc trên bên phải) chia sẻ "
              "đúng những gì bạn đang thấy.",
    },
    "share.copy": {"en": "Copy link", "vi": "Sao chép liên kết"},
    "share.copied": {"en": "Link copied", "vi": "Đã sao chép"},
    "share.teacher": {"en": "For teachers", "vi": "Dành cho giáo viên"},
    "share.teacher.intro": {
        "en": "A link for the class: this page as you see it, with the parts chosen below hidden.",
        "vi": "Liên kết cho cả lớp: trang này đúng như bạn đang thấy, với các phần chọn dưới đây được ẩn đi.",
    },
    "share.hide": {"en": "Hide", "vi": "Ẩn"},
    "share.present": {"en": "Presentation mode (large text for a projector)",
                      "vi": "Chế độ trình chiếu (chữ lớn cho máy chiếu)"},
    "share.copy_lesson": {"en": "Copy lesson link", "vi": "Sao chép liên kết bài học"},
    "share.part.code": {"en": "code", "vi": "mã"},
    "share.part.output": {"en": "output", "vi": "kết quả in ra"},
    "share.part.tools": {"en": "tools and buttons", "vi": "công cụ và nút bấm"},
    "share.part.controls": {"en": "settings", "vi": "thiết lập"},
    "share.part.nav": {"en": "page links", "vi": "liên kết các trang"},
    "share.part.sidebar": {"en": "sidebar", "vi": "thanh bên"},
    "nav.learn": {"en": "Learn", "vi": "Bài học"},
    "nav.playground": {"en": "Playground", "vi": "Thực hành"},
    "nav.backward": {"en": "Backward", "vi": "Lan truyền ngược"},
    "nav.training": {"en": "Training", "vi": "Huấn luyện"},
    "nav.learn.help": {
        "en": "The seed lesson's four sections, each with its code, its graph and a question.",
        "vi": "Bốn phần của bài học gốc, mỗi phần có mã, đồ thị và một câu hỏi.",
    },
    "nav.playground.help": {
        "en": "Write or pick a program, run it, inspect its graph and change it with toggles.",
        "vi": "Viết hoặc chọn một chương trình, chạy nó, xem đồ thị và thay đổi bằng các công tắc.",
    },
    "nav.backward.help": {
        "en": "Step through backward(): each node, its formula and the gradients it passes on.",
        "vi": "Đi từng bước qua backward(): từng nút, công thức và gradient nó truyền đi.",
    },
    "nav.training.help": {
        "en": "Simulated training epochs: what zero_() changes in .grad, weights and loss.",
        "vi": "Mô phỏng các epoch huấn luyện: zero_() thay đổi gì ở .grad, trọng số và hàm mất mát.",
    },
    # --- shared pieces ---------------------------------------------------------------------------------
    "common.open_playground": {"en": "Open in the Playground", "vi": "Mở trong trang Thực hành"},
    "common.output": {"en": "Output", "vi": "Kết quả"},
    "common.no_output": {"en": "(nothing printed)", "vi": "(không có gì được in ra)"},
    "common.graph": {"en": "Graph", "vi": "Đồ thị"},
    "common.graph_alt": {
        "en": "Computation graph of the program",
        "vi": "Đồ thị tính toán của chương trình",
    },
    "common.empty_graph": {
        "en": "No tensor here requires grad, so autograd recorded no graph yet.",
        "vi": "Chưa có tensor nào cần grad nên autograd chưa ghi lại đồ thị nào.",
    },
    "common.did_not_run": {
        "en": "The program did not run (see the error under the code), so there is no graph to draw.",
        "vi": "Chương trình chưa chạy được (xem lỗi bên dưới mã), nên không có đồ thị nào để vẽ.",
    },
    "common.stopped_early": {
        "en": "The program stopped with an error before any tensor that requires grad was made, so there "
              "is no graph to draw.",
        "vi": "Chương trình dừng vì lỗi trước khi có tensor nào cần grad, nên không có đồ thị nào để vẽ.",
    },
    "common.hint": {"en": "What this means", "vi": "Lỗi này nghĩa là gì"},
    "common.fixed": {
        "en": "Fixed. What changed in the code is shown under it; Undo takes it back.",
        "vi": "Đã sửa. Những gì thay đổi trong mã được hiện bên dưới mã; Hoàn tác để quay lại.",
    },
    # --- hints under torch's error messages (torch's own words stay above them, untranslated) ---------
    "hint.backward_twice": {
        "en": "The first backward() freed the values the graph saved for it. To call backward() through "
              "the same graph again, pass retain_graph=True to the earlier call (or rebuild the graph by "
              "running the forward computation again).",
        "vi": "Lần backward() đầu tiên đã giải phóng các giá trị mà đồ thị lưu lại cho nó. Muốn gọi "
              "backward() lần nữa trên cùng đồ thị, hãy truyền retain_graph=True cho lần gọi trước (hoặc "
              "tạo lại đồ thị bằng cách chạy lại phép tính xuôi).",
    },
    "hint.non_scalar": {
        "en": "backward() without an argument only works on a single number (like a loss). For a tensor "
              "with several entries, pass the vector of the vector-Jacobian product, e.g. "
              "gradient=torch.ones_like(y), or reduce it to one number first with .sum() or .mean().",
        "vi": "backward() không đối số chỉ dùng được cho một số duy nhất (như hàm mất mát). Với tensor có "
              "nhiều phần tử, hãy truyền vector của tích vector-Jacobian, ví dụ "
              "gradient=torch.ones_like(y), hoặc rút gọn nó thành một số bằng .sum() hay .mean() trước.",
    },
    "hint.leaf_inplace": {
        "en": "Changing a leaf that requires grad in place (w -= ..., w.add_(...)) would itself be "
              "recorded in the graph. Updates of weights go inside with torch.no_grad():, where autograd "
              "records nothing.",
        "vi": "Thay đổi tại chỗ một tensor lá cần grad (w -= ..., w.add_(...)) sẽ bị ghi vào đồ thị. Việc "
              "cập nhật trọng số phải nằm trong with torch.no_grad():, nơi autograd không ghi lại gì.",
    },
    "hint.saved_modified": {
        "en": "backward() needs a value the graph saved, but an in-place operation (a method ending in _, "
              "or +=) changed it after it was saved. Write the change out of place instead, e.g. "
              "y = y + 1 rather than y.add_(1).",
        "vi": "backward() cần một giá trị mà đồ thị đã lưu, nhưng một phép toán tại chỗ (phương thức kết "
              "thúc bằng _, hoặc +=) đã thay đổi nó sau khi lưu. Hãy viết phép thay đổi dưới dạng không "
              "tại chỗ, ví dụ y = y + 1 thay vì y.add_(1).",
    },
    "hint.int_requires_grad": {
        "en": "Gradients exist only for floating-point tensors: torch.tensor([1, 2]) holds integers. Write "
              "the numbers as floats (1.0, 2.0) or pass dtype=torch.float32.",
        "vi": "Chỉ tensor số thực (dấu phẩy động) mới có gradient: torch.tensor([1, 2]) chứa số nguyên. "
              "Hãy viết các số dưới dạng số thực (1.0, 2.0) hoặc truyền dtype=torch.float32.",
    },
    "hint.matmul_shapes": {
        "en": "A {a}×{b} matrix times a {c}×{d} one needs the inner sizes to match ({b} and {c} differ). "
              "With nn.Linear(in_features, out_features) the second matrix is the layer's weight turned "
              "over, in_features × out_features: the input's last size must equal in_features. Print the "
              "shapes (x.shape) to see which one is off.",
        "vi": "Nhân ma trận {a}×{b} với ma trận {c}×{d} cần hai kích thước ở giữa bằng nhau ({b} và {c} "
              "khác nhau). Với nn.Linear(in_features, out_features), ma trận thứ hai là trọng số của lớp "
              "đã chuyển vị, in_features × out_features: kích thước cuối của đầu vào phải bằng "
              "in_features. Hãy in kích thước (x.shape) để xem cái nào bị sai.",
    },
    "hint.mv_shapes": {
        "en": "A {a}×{b} matrix times a vector needs a vector of {b} entries, not {c}. Print the shapes "
              "(x.shape) to see which one is off.",
        "vi": "Nhân ma trận {a}×{b} với một vector cần vector có {b} phần tử, không phải {c}. Hãy in kích "
              "thước (x.shape) để xem cái nào bị sai.",
    },
    "hint.numpy_requires_grad": {
        "en": "In PyTorch, .numpy() on a tensor that requires grad fails: it would leave the graph without "
              "saying so. Call .detach() first (x.detach().numpy()). This app has no numpy: "
              "x.detach().tolist() gives the numbers.",
        "vi": "Trong PyTorch, gọi .numpy() trên tensor cần grad sẽ báo lỗi: nó sẽ rời khỏi đồ thị mà không "
              "báo trước. Hãy gọi .detach() trước (x.detach().numpy()). Ứng dụng này không có numpy: "
              "x.detach().tolist() cho ra các con số.",
    },
    "fix.retain_graph": {"en": "Add retain_graph=True", "vi": "Thêm retain_graph=True"},
    "fix.ones_like": {"en": "Pass gradient=torch.ones_like(…)", "vi": "Truyền gradient=torch.ones_like(…)"},
    "fix.sum": {"en": "Reduce with .sum() first", "vi": "Rút gọn bằng .sum() trước"},
    "fix.no_grad": {
        "en": "Wrap the update in torch.no_grad()",
        "vi": "Đặt bước cập nhật trong torch.no_grad()",
    },
    "fix.detach_numpy": {"en": "Use .detach().tolist()", "vi": "Dùng .detach().tolist()"},
    "edit_no_call": {
        "en": "Line {line} has no .{method}() call to change.",
        "vi": "Dòng {line} không có lời gọi .{method}() nào để sửa.",
    },
    "edit_has_gradient": {
        "en": "The backward() call on line {line} already passes a gradient.",
        "vi": "Lời gọi backward() ở dòng {line} đã truyền gradient rồi.",
    },
    "common.error_at": {"en": "{kind} on line {line}", "vi": "{kind} ở dòng {line}"},
    "common.error": {"en": "{kind}", "vi": "{kind}"},
    "common.line": {"en": "line {line}", "vi": "dòng {line}"},
    "common.download_py": {"en": "Program (.py)", "vi": "Chương trình (.py)"},
    "common.download_json": {"en": "Graph (JSON)", "vi": "Đồ thị (JSON)"},
    "common.download_dot": {"en": "Graph (DOT)", "vi": "Đồ thị (DOT)"},
    "common.download_html": {"en": "Graph (HTML)", "vi": "Đồ thị (HTML)"},
    "common.downloads": {"en": "Downloads", "vi": "Tải xuống"},
    "common.running": {"en": "Running…", "vi": "Đang chạy…"},
    "common.bad_link": {
        "en": "The code in this link could not be read (the link may be cut short); the default program "
              "is shown instead.",
        "vi": "Không đọc được mã trong đường dẫn này (có thể đường dẫn bị cắt ngắn); chương trình mặc định "
              "được hiển thị thay thế.",
    },
    "common.too_long": {
        "en": "The program is longer than {limit} characters; shorten it to run it.",
        "vi": "Chương trình dài hơn {limit} ký tự; hãy rút ngắn để chạy được.",
    },
    # --- Learn -----------------------------------------------------------------------------------------
    "learn.title": {"en": "Learn autograd in four steps", "vi": "Học autograd qua bốn bước"},
    "learn.intro": {
        "en": "Four short lessons, following the notebook this app was made from. Read the code, predict "
              "what it prints, then check your answer and look at the graph autograd recorded.",
        "vi": "Bốn bài ngắn theo đúng notebook gốc của ứng dụng. Đọc mã, đoán xem nó in ra gì, rồi kiểm tra "
              "câu trả lời và xem đồ thị mà autograd đã ghi lại.",
    },
    "learn.pick": {"en": "Lesson", "vi": "Bài"},
    "learn.question": {"en": "Predict, then reveal", "vi": "Hãy đoán, rồi xem đáp án"},
    "learn.reveal": {"en": "Reveal the answer", "vi": "Xem đáp án"},
    "learn.right": {"en": "Right!", "vi": "Chính xác!"},
    "learn.wrong": {"en": "Not quite. The answer is: {answer}", "vi": "Chưa đúng. Đáp án là: {answer}"},
    "learn.answer": {"en": "The answer is: {answer}", "vi": "Đáp án là: {answer}"},
    "learn.printed": {"en": "What the program printed", "vi": "Chương trình đã in ra"},
    "lesson.grad_fn.title": {"en": "1 · Autograd and grad_fn", "vi": "1 · Autograd và grad_fn"},
    "lesson.grad_fn.body": {
        "en": "Set `requires_grad=True` on a tensor and autograd starts watching it: every operation on it "
              "is recorded in a computation graph. Each result remembers the function that made it in its "
              "`grad_fn` attribute (`AddBackward0` for `+`, `MulBackward0` for `*`). A tensor you create "
              "yourself is a *leaf*: its `grad_fn` is `None`.",
        "vi": "Đặt `requires_grad=True` cho một tensor thì autograd bắt đầu theo dõi nó: mọi phép toán trên "
              "tensor đó được ghi lại trong một đồ thị tính toán. Mỗi kết quả nhớ hàm đã tạo ra nó trong "
              "thuộc tính `grad_fn` (`AddBackward0` cho `+`, `MulBackward0` cho `*`). Tensor do bạn tự tạo "
              "là một *tensor lá*: `grad_fn` của nó là `None`.",
    },
    "lesson.grad_fn.question": {
        "en": "You made `x` yourself, with `requires_grad=True`, and `y = x + 2`. What do `x.grad_fn` and "
              "`y.grad_fn` hold?",
        "vi": "Bạn tự tạo `x` với `requires_grad=True`, và `y = x + 2`. `x.grad_fn` và `y.grad_fn` chứa gì?",
    },
    "lesson.grad_fn.choice.none_add": {
        "en": "x.grad_fn is None, y.grad_fn is <AddBackward0>",
        "vi": "x.grad_fn là None, y.grad_fn là <AddBackward0>",
    },
    "lesson.grad_fn.choice.acc_add": {
        "en": "x.grad_fn is <AccumulateGrad>, y.grad_fn is <AddBackward0>",
        "vi": "x.grad_fn là <AccumulateGrad>, y.grad_fn là <AddBackward0>",
    },
    "lesson.grad_fn.choice.none_none": {
        "en": "both are None: only backward() creates grad_fn",
        "vi": "cả hai đều là None: chỉ backward() mới tạo ra grad_fn",
    },
    "lesson.grad_fn.explain": {
        "en": "`x` is a leaf: you made it, no operation did, so `x.grad_fn` is `None`. The `AccumulateGrad` "
              "node in the graph belongs to the backward pass (it writes into `x.grad`), not to `x.grad_fn`. "
              "`y` was made by an addition, so `y.grad_fn` is an `AddBackward0` node, recorded as soon as "
              "`x + 2` ran.",
        "vi": "`x` là tensor lá: bạn tạo ra nó chứ không phải một phép toán, nên `x.grad_fn` là `None`. Nút "
              "`AccumulateGrad` trên đồ thị thuộc về quá trình lan truyền ngược (nó ghi vào `x.grad`), không "
              "phải `x.grad_fn`. `y` được tạo bởi một phép cộng nên `y.grad_fn` là nút `AddBackward0`, được "
              "ghi lại ngay khi `x + 2` chạy.",
    },
    "lesson.grad_fn.short": {"en": "1 · grad_fn", "vi": "1 · grad_fn"},
    "lesson.vjp.short": {"en": "2 · backward()", "vi": "2 · backward()"},
    "lesson.stop.short": {"en": "3 · Stopping history", "vi": "3 · Dừng theo dõi"},
    "lesson.zero.short": {"en": "4 · Emptying gradients", "vi": "4 · Làm rỗng gradient"},
    "lesson.vjp.title": {
        "en": "2 · backward() and the vector-Jacobian product",
        "vi": "2 · backward() và tích vector-Jacobian",
    },
    "lesson.vjp.body": {
        "en": "When the computation is done, call `.backward()`: autograd walks the graph from the output "
              "back to the leaves and adds each leaf's gradient into its `.grad`. For a scalar output "
              "(`z.mean()`) that is all. A non-scalar output needs a vector `v` of its shape: "
              "`y.backward(v)` computes the vector-Jacobian product vᵀ·J. Here `y = x · 2¹¹`, so the "
              "Jacobian is 2048·I and `x.grad` becomes `2048 * v`.",
        "vi": "Khi tính toán xong, gọi `.backward()`: autograd đi ngược đồ thị từ đầu ra về các tensor lá "
              "và cộng đạo hàm của mỗi lá vào `.grad` của nó. Với đầu ra vô hướng (`z.mean()`) chỉ cần vậy. "
              "Đầu ra không vô hướng cần một vector `v` cùng kích thước: `y.backward(v)` tính tích "
              "vector-Jacobian vᵀ·J. Ở đây `y = x · 2¹¹` nên Jacobian là 2048·I và `x.grad` bằng `2048 * v`.",
    },
    "lesson.vjp.question": {
        "en": "After `y.backward(w)`, what is `x.grad`?",
        "vi": "Sau `y.backward(w)`, `x.grad` bằng bao nhiêu?",
    },
    "lesson.vjp.choice.w": {"en": "w itself", "vi": "chính w"},
    "lesson.vjp.choice.scaled": {"en": "2048 · w", "vi": "2048 · w"},
    "lesson.vjp.choice.error": {
        "en": "an error: grad can be implicitly created only for scalar outputs",
        "vi": "lỗi: grad can be implicitly created only for scalar outputs",
    },
    "lesson.vjp.explain": {
        "en": "The eleven doublings multiply by 2¹¹ = 2048, and passing `w` makes the product vᵀ·J = 2048·w, "
              "so `x.grad` is `[204.8, 2048, 0.2048, 20.48, 2.048]`. Without `w`, backward() on this "
              "non-scalar `y` would fail with that error.",
        "vi": "Mười một lần nhân đôi là nhân với 2¹¹ = 2048, và truyền `w` vào cho tích vᵀ·J = 2048·w, nên "
              "`x.grad` là `[204.8, 2048, 0.2048, 20.48, 2.048]`. Nếu không có `w`, backward() trên `y` "
              "không vô hướng này sẽ báo đúng lỗi đó.",
    },
    "lesson.stop.title": {
        "en": "3 · Stopping history: requires_grad_(), detach(), no_grad",
        "vi": "3 · Dừng theo dõi: requires_grad_(), detach(), no_grad",
    },
    "lesson.stop.body": {
        "en": "Updating weights should not become part of the graph. Three ways to keep autograd out: "
              "`x.requires_grad_(False)` changes the flag in place; `x.detach()` gives a new tensor with "
              "the same data that does not require grad; code inside `with torch.no_grad():` is not "
              "recorded at all.",
        "vi": "Việc cập nhật trọng số không nên trở thành một phần của đồ thị. Có ba cách để autograd "
              "không theo dõi: `x.requires_grad_(False)` đổi cờ ngay tại chỗ; `x.detach()` cho một tensor "
              "mới cùng dữ liệu nhưng không cần grad; mã bên trong `with torch.no_grad():` hoàn toàn không "
              "được ghi lại.",
    },
    "lesson.stop.question": {
        "en": "`d = a + 2` runs inside `with torch.no_grad():`, and `a` requires grad. What does "
              "`print(d.requires_grad)` show?",
        "vi": "`d = a + 2` chạy bên trong `with torch.no_grad():`, và `a` cần grad. Lệnh "
              "`print(d.requires_grad)` in ra gì?",
    },
    "lesson.stop.choice.true": {"en": "True", "vi": "True"},
    "lesson.stop.choice.false": {"en": "False", "vi": "False"},
    "lesson.stop.choice.error": {"en": "an error", "vi": "một lỗi"},
    "lesson.stop.explain": {
        "en": "Under no_grad nothing is recorded: `d` has no grad_fn and `requires_grad` is False, even "
              "though `a` requires grad. In the graph, `d` is drawn apart from `a`.",
        "vi": "Trong no_grad không có gì được ghi lại: `d` không có grad_fn và `requires_grad` là False, "
              "dù `a` cần grad. Trên đồ thị, `d` được vẽ tách khỏi `a`.",
    },
    "lesson.zero.title": {"en": "4 · Emptying gradients", "vi": "4 · Làm rỗng gradient"},
    "lesson.zero.body": {
        "en": "`backward()` adds into `.grad`; it never replaces it. In a training loop the gradient of the "
              "previous step would pile up, so call `weights.grad.zero_()` before the next optimisation "
              "step. The update itself runs under `torch.no_grad()`.",
        "vi": "`backward()` cộng dồn vào `.grad` chứ không thay thế nó. Trong vòng lặp huấn luyện, đạo hàm "
              "của bước trước sẽ bị cộng dồn, vì vậy hãy gọi `weights.grad.zero_()` trước bước tối ưu tiếp "
              "theo. Việc cập nhật trọng số được thực hiện trong `torch.no_grad()`.",
    },
    "lesson.zero.question": {
        "en": "If the line `weights.grad.zero_()` were removed, what would the second `print(weights.grad)` "
              "show?",
        "vi": "Nếu bỏ dòng `weights.grad.zero_()`, lệnh `print(weights.grad)` lần thứ hai sẽ in ra gì?",
    },
    "lesson.zero.choice.five": {"en": "tensor([5., 5., 5., 5.])", "vi": "tensor([5., 5., 5., 5.])"},
    "lesson.zero.choice.ten": {"en": "tensor([10., 10., 10., 10.])", "vi": "tensor([10., 10., 10., 10.])"},
    "lesson.zero.choice.zero": {"en": "tensor([0., 0., 0., 0.])", "vi": "tensor([0., 0., 0., 0.])"},
    "lesson.zero.explain": {
        "en": "Each backward() adds 5 to every entry of `.grad`. Without zero_() the second epoch shows "
              "`[10., 10., 10., 10.]`, the third 15, … — a staircase. The Training page draws it.",
        "vi": "Mỗi lần backward() cộng thêm 5 vào mọi phần tử của `.grad`. Không có zero_() thì epoch thứ "
              "hai in `[10., 10., 10., 10.]`, epoch thứ ba 15, … — một bậc thang. Trang Huấn luyện vẽ "
              "nó ra.",
    },
    # --- Playground ------------------------------------------------------------------------------------
    "pg.title": {"en": "Playground", "vi": "Thực hành"},
    "pg.intro": {
        "en": "Write PyTorch, run it, and look at the graph autograd records. Toggles and the form below "
              "edit the code, so what you see always comes from code you can read.",
        "vi": "Viết mã PyTorch, chạy nó và xem đồ thị mà autograd ghi lại. Các công tắc và biểu mẫu bên "
              "dưới sửa trực tiếp mã, nên những gì bạn thấy luôn đến từ mã mà bạn đọc được.",
    },
    "pg.preset": {"en": "Load a preset", "vi": "Nạp chương trình mẫu"},
    "pg.preset.placeholder": {"en": "Choose a program…", "vi": "Chọn một chương trình…"},
    "pg.code": {"en": "Code", "vi": "Mã"},
    "pg.code.help": {
        "en": "Press Ctrl+Enter (or click outside the box) to run.",
        "vi": "Nhấn Ctrl+Enter (hoặc bấm ra ngoài ô) để chạy.",
    },
    "pg.run": {"en": "Run", "vi": "Chạy"},
    "pg.undo": {"en": "Undo last change", "vi": "Hoàn tác thay đổi vừa rồi"},
    "pg.changed": {"en": "What changed in the code", "vi": "Những gì đã thay đổi trong mã"},
    "pg.view": {"en": "View", "vi": "Chế độ xem"},
    "pg.view.autograd": {"en": "Autograd graph", "vi": "Đồ thị autograd"},
    "pg.view.tensor": {"en": "Tensors and ops", "vi": "Tensor và phép toán"},
    "pg.click_hint": {
        "en": "Click a node to inspect it.",
        "vi": "Bấm vào một nút để xem chi tiết.",
    },
    "pg.values": {"en": "Show values", "vi": "Hiện giá trị"},
    "pg.values.help": {
        "en": "Each tensor shows its data and its .grad, as micrograd draws them.",
        "vi": "Mỗi tensor hiện dữ liệu và .grad của nó, như micrograd vẽ.",
    },
    "pg.reading": {"en": "Reading", "vi": "Chiều đọc"},
    "pg.reading.forward": {"en": "inputs first", "vi": "đầu vào trước"},
    "pg.reading.backward": {"en": "output first", "vi": "đầu ra trước"},
    "pg.reading.help": {
        "en": "Inputs first: data flows along the arrows, as the lessons explain. Output first: the arrows "
              "follow grad_fn.next_functions, as torchviz draws the graph.",
        "vi": "Đầu vào trước: dữ liệu đi theo mũi tên, như trong bài học. Đầu ra trước: mũi tên đi theo "
              "grad_fn.next_functions, như torchviz vẽ đồ thị.",
    },
    "pg.present": {"en": "Presentation mode", "vi": "Chế độ trình chiếu"},
    "pg.present.help": {
        "en": "The graph first, across the page, with big labels for a projector. The link keeps it.",
        "vi": "Đồ thị lên đầu, rộng hết trang, chữ lớn để chiếu lên màn hình. Đường liên kết giữ chế độ này.",
    },
    "pg.graph_of": {"en": "Graph of", "vi": "Đồ thị của"},
    "pg.graph_of.call": {"en": "backward call {k} of {n} (line {line})",
                         "vi": "lần gọi backward {k} trên {n} (dòng {line})"},
    "pg.graph_of.all": {"en": "the whole program (every call at once)",
                        "vi": "cả chương trình (mọi lần gọi cùng lúc)"},
    "pg.graph_of.help": {
        "en": "Each backward() call walks the graph built since the last one. Shown one at a time, "
              "a training loop's graph is the same small graph each iteration.",
        "vi": "Mỗi lần gọi backward() đi qua đồ thị được tạo từ lần gọi trước. Xem từng lần một, "
              "đồ thị của một vòng lặp huấn luyện là cùng một đồ thị nhỏ ở mỗi vòng.",
    },
    "pg.graph_of.missing": {
        "en": "The run did not keep this call's graph. Choose a later call or the whole program.",
        "vi": "Lần chạy không giữ đồ thị của lần gọi này. Hãy chọn một lần gọi sau hoặc cả chương trình.",
    },
    "pg.inspect": {"en": "Inspect node", "vi": "Xem chi tiết nút"},
    "pg.inspect.placeholder": {"en": "Click a node or choose one…", "vi": "Bấm vào một nút hoặc chọn…"},
    "pg.inspector": {"en": "Inspector", "vi": "Chi tiết"},
    "pg.field": {"en": "field", "vi": "thuộc tính"},
    "pg.value": {"en": "value", "vi": "giá trị"},
    "pg.field.kind": {"en": "kind", "vi": "loại"},
    "pg.field.name": {"en": "name", "vi": "tên"},
    "pg.field.value": {"en": "value", "vi": "giá trị"},
    "pg.field.grad": {"en": ".grad", "vi": ".grad"},
    "pg.field.shape": {"en": "shape", "vi": "kích thước"},
    "pg.field.dtype": {"en": "dtype", "vi": "dtype"},
    "pg.field.requires_grad": {"en": "requires_grad", "vi": "requires_grad"},
    "pg.field.is_leaf": {"en": "is_leaf", "vi": "is_leaf"},
    "pg.field.grad_fn": {"en": "grad_fn", "vi": "grad_fn"},
    "pg.field.saved": {"en": "saved for backward", "vi": "giá trị lưu cho backward"},
    "pg.field.formula": {"en": "formula", "vi": "công thức"},
    "pg.field.line": {"en": "made on line", "vi": "được tạo ở dòng"},
    "pg.field.no_grad": {"en": "made under no_grad", "vi": "được tạo trong no_grad"},
    "pg.field.detached": {"en": "made by detach()", "vi": "được tạo bởi detach()"},
    "pg.panel": {"en": "Tools", "vi": "Công cụ"},
    "pg.panel.toggles": {"en": "Toggles", "vi": "Công tắc"},
    "pg.panel.form": {"en": "Form builder", "vi": "Tạo dòng lệnh"},
    "pg.panel.check": {"en": "Gradient check", "vi": "Kiểm tra gradient"},
    "pg.panel.downloads": {"en": "Downloads", "vi": "Tải xuống"},
    "pg.toggles.intro": {
        "en": "Each toggle edits your code; the change is shown above the code box.",
        "vi": "Mỗi công tắc sửa mã của bạn; thay đổi được hiện phía trên ô mã.",
    },
    "pg.toggles.leaves": {"en": "requires_grad of each leaf", "vi": "requires_grad của từng tensor lá"},
    "pg.toggles.detach": {"en": "detach() here", "vi": "detach() tại đây"},
    "pg.toggles.no_grad": {"en": "Run the statement under no_grad", "vi": "Chạy câu lệnh trong no_grad"},
    "pg.toggles.none": {"en": "Nothing to toggle here.", "vi": "Không có gì để bật tắt ở đây."},
    "pg.toggles.more": {
        "en": "Showing the first {shown} of {total}.",
        "vi": "Đang hiện {shown} trên tổng số {total}.",
    },
    "pg.toggles.run_first": {
        "en": "Fix the error first: toggles need a program that parses.",
        "vi": "Hãy sửa lỗi trước: các công tắc cần một chương trình đúng cú pháp.",
    },
    "pg.form.intro": {
        "en": "Pick an operation and its operands; the line is added at the end of your code.",
        "vi": "Chọn phép toán và toán hạng; dòng lệnh sẽ được thêm vào cuối mã của bạn.",
    },
    "pg.form.op": {"en": "Operation", "vi": "Phép toán"},
    "pg.form.a": {"en": "First operand", "vi": "Toán hạng thứ nhất"},
    "pg.form.b": {"en": "Second operand", "vi": "Toán hạng thứ hai"},
    "pg.form.values": {"en": "Values (for a new tensor)", "vi": "Giá trị (cho tensor mới)"},
    "pg.form.target": {"en": "Store the result in", "vi": "Lưu kết quả vào biến"},
    "pg.form.where": {"en": "Where the line goes", "vi": "Vị trí đặt dòng lệnh"},
    "pg.form.before": {"en": "before line {line}: {text}", "vi": "trước dòng {line}: {text}"},
    "pg.form.end": {"en": "at the end", "vi": "ở cuối chương trình"},
    "pg.form.add": {"en": "Add the line", "vi": "Thêm dòng lệnh"},
    "pg.form.operand.help": {
        "en": "A tensor of your program, or a number.",
        "vi": "Một tensor trong chương trình của bạn, hoặc một số.",
    },
    "pg.form.operand.placeholder": {
        "en": "Pick a tensor or type a number",
        "vi": "Chọn một tensor hoặc nhập một số",
    },
    "form.op.tensor": {"en": "new leaf tensor", "vi": "tensor lá mới"},
    "form.op.add": {"en": "a + b", "vi": "a + b"},
    "form.op.sub": {"en": "a - b", "vi": "a - b"},
    "form.op.mul": {"en": "a * b", "vi": "a * b"},
    "form.op.div": {"en": "a / b", "vi": "a / b"},
    "form.op.pow": {"en": "a ** b", "vi": "a ** b"},
    "form.op.matmul": {"en": "a @ b (matrix product)", "vi": "a @ b (nhân ma trận)"},
    "form.op.sum": {"en": "a.sum()", "vi": "a.sum()"},
    "form.op.mean": {"en": "a.mean()", "vi": "a.mean()"},
    "form.op.exp": {"en": "torch.exp(a)", "vi": "torch.exp(a)"},
    "form.op.log": {"en": "torch.log(a)", "vi": "torch.log(a)"},
    "form.op.relu": {"en": "torch.relu(a)", "vi": "torch.relu(a)"},
    "form.op.sigmoid": {"en": "torch.sigmoid(a)", "vi": "torch.sigmoid(a)"},
    "form.op.tanh": {"en": "torch.tanh(a)", "vi": "torch.tanh(a)"},
    "form.op.detach": {"en": "a.detach()", "vi": "a.detach()"},
    "form.op.backward": {"en": "a.backward()", "vi": "a.backward()"},
    "form.op.print": {"en": "print(a)", "vi": "print(a)"},
    "form.op.print_grad": {"en": "print(a.grad)", "vi": "print(a.grad)"},
    "form.op.zero_grad": {"en": "a.grad.zero_()", "vi": "a.grad.zero_()"},
    "pg.check.intro": {
        "en": "Finite differences: each element of a leaf is nudged by ±h, the program is run again, and "
              "(f(x+h) − f(x−h)) / 2h is set next to the gradient backward() computed.",
        "vi": "Sai phân hữu hạn: mỗi phần tử của tensor lá được dịch đi ±h, chương trình được chạy lại, "
              "và (f(x+h) − f(x−h)) / 2h được đặt cạnh gradient mà backward() đã tính.",
    },
    "pg.check.call": {"en": "backward() call to check", "vi": "Lần gọi backward() cần kiểm tra"},
    "pg.check.call_label": {"en": "line {line}: {text}", "vi": "dòng {line}: {text}"},
    "pg.check.none": {
        "en": "The program calls no backward(), so there is no gradient to check.",
        "vi": "Chương trình không gọi backward() nên không có gradient nào để kiểm tra.",
    },
    "pg.check.failed_call": {
        "en": "This backward() call failed, so there is no gradient to check.",
        "vi": "Lần gọi backward() này bị lỗi nên không có gradient nào để kiểm tra.",
    },
    "pg.check.leaf": {"en": "leaf", "vi": "tensor lá"},
    "pg.check.autograd": {"en": "autograd (.grad)", "vi": "autograd (.grad)"},
    "pg.check.numeric": {"en": "finite differences", "vi": "sai phân hữu hạn"},
    "pg.check.error": {"en": "largest difference", "vi": "chênh lệch lớn nhất"},
    "pg.check.verdict": {"en": "agree?", "vi": "khớp?"},
    "pg.check.yes": {"en": "yes", "vi": "có"},
    "pg.check.no": {"en": "no", "vi": "không"},
    "pg.check.partial": {
        "en": "{label}: the first {checked} of {total} elements were checked.",
        "vi": "{label}: đã kiểm tra {checked} phần tử đầu trên tổng số {total}.",
    },
    "pg.check.contribution": {
        "en": "For a program that calls backward() more than once, the autograd column is what this call "
              "added to .grad.",
        "vi": "Với chương trình gọi backward() nhiều lần, cột autograd là phần mà lần gọi này cộng vào "
              ".grad.",
    },
    "gc_nested": {
        "en": "made inside a loop or block (line {line}); a nudge there would repeat",
        "vi": "được tạo trong vòng lặp hoặc khối lệnh (dòng {line}); dịch giá trị ở đó sẽ bị lặp lại",
    },
    "gc_unnamed": {"en": "has no variable name to nudge", "vi": "không có tên biến để dịch giá trị"},
    "gc_not_float": {"en": "is not a floating-point tensor", "vi": "không phải tensor số thực"},
    "gc_run_failed": {
        "en": "the nudged program did not reach this backward()",
        "vi": "chương trình sau khi dịch giá trị không chạy tới lần backward() này",
    },
    "gc_no_grad": {"en": "backward() left no gradient here", "vi": "backward() không để lại gradient ở đây"},
    "gc_budget": {
        "en": "the time for the check ran out (each element runs the program twice)",
        "vi": "đã hết thời gian kiểm tra (mỗi phần tử phải chạy chương trình hai lần)",
    },
    "pg.check.not_checked": {"en": "not checked: {reason}", "vi": "không kiểm tra được: {reason}"},
    # --- code-edit errors ------------------------------------------------------------------------------
    "edit_syntax": {
        "en": "The code has a syntax error on line {line}; fix it before using the toggles.",
        "vi": "Mã có lỗi cú pháp ở dòng {line}; hãy sửa trước khi dùng các công tắc.",
    },
    "edit_no_statement": {
        "en": "No statement starts on line {line}.",
        "vi": "Không có câu lệnh nào bắt đầu ở dòng {line}.",
    },
    "edit_not_assignment": {
        "en": "Line {line} does not assign {name}, so it cannot be changed there.",
        "vi": "Dòng {line} không gán {name} nên không thể sửa ở đó.",
    },
    "edit_shared_line": {
        "en": "Line {line} holds more than one statement; put the statement on its own line first.",
        "vi": "Dòng {line} chứa nhiều hơn một câu lệnh; hãy tách câu lệnh ra một dòng riêng trước.",
    },
    "edit_multiline_string": {
        "en": "The statement on line {line} contains a multi-line string, which cannot be re-indented.",
        "vi": "Câu lệnh ở dòng {line} chứa chuỗi nhiều dòng nên không thể thụt lề lại.",
    },
    "form_unknown_op": {"en": "Unknown operation {op}.", "vi": "Phép toán không xác định: {op}."},
    "form_missing_operand": {"en": "An operand is missing.", "vi": "Thiếu toán hạng."},
    "form_bad_operand": {
        "en": "“{text}” is not a tensor name or a number.",
        "vi": "“{text}” không phải tên tensor hay một số.",
    },
    "form_bad_target": {
        "en": "“{text}” cannot be a variable name.",
        "vi": "“{text}” không thể dùng làm tên biến.",
    },
    "form_bad_numbers": {
        "en": "“{text}” is not a list of numbers such as 1, 2.5, -3.",
        "vi": "“{text}” không phải một dãy số, ví dụ 1, 2.5, -3.",
    },
    "bad_numbers": {
        "en": "“{text}” is not a list of numbers such as 1, 0.5, -2.",
        "vi": "“{text}” không phải một dãy số, ví dụ 1, 0.5, -2.",
    },
    # --- Backward --------------------------------------------------------------------------------------
    "bw.title": {"en": "Backward, step by step", "vi": "Lan truyền ngược từng bước"},
    "bw.intro": {
        "en": "Choose the tensor to call backward() on and walk through the pass: each step runs one node, "
              "multiplies the gradient arriving from the output's side by the node's local derivative and "
              "sends the result on to its inputs.",
        "vi": "Chọn tensor để gọi backward() và đi qua từng bước: mỗi bước chạy một nút, nhân gradient đến "
              "từ phía đầu ra với đạo hàm cục bộ của nút đó và gửi kết quả tới các đầu vào của nó.",
    },
    "bw.program": {
        "en": "Program (shared with the Playground)",
        "vi": "Chương trình (dùng chung với trang Thực hành)",
    },
    "bw.root": {"en": "Call backward() on", "vi": "Gọi backward() trên"},
    "bw.root.option": {"en": "{name}  ({shape})", "vi": "{name}  ({shape})"},
    "bw.no_roots": {
        "en": "No tensor in this program has a grad_fn, so there is nothing to run backward() on. Make a "
              "leaf with requires_grad=True in the Playground.",
        "vi": "Không có tensor nào trong chương trình có grad_fn nên chưa thể gọi backward(). Hãy tạo một "
              "tensor lá với requires_grad=True ở trang Thực hành.",
    },
    "bw.gradient": {
        "en": "gradient vector (for a non-scalar root)",
        "vi": "Vector gradient (cho gốc không vô hướng)",
    },
    "bw.gradient.help": {
        "en": "Numbers separated by commas, one per element of the root ({n} here). Leave empty to see what "
              "torch says.",
        "vi": "Các số cách nhau bằng dấu phẩy, mỗi số ứng với một phần tử của gốc (ở đây là {n}). Để trống "
              "để xem torch báo gì.",
    },
    "bw.gradient.count": {
        "en": "The root has {n} elements but {m} numbers were given.",
        "vi": "Gốc có {n} phần tử nhưng bạn nhập {m} số.",
    },
    "bw.implicit": {
        "en": "Teaching moment: backward() without a gradient only works for a scalar. torch says:",
        "vi": "Điều cần nhớ: backward() không có gradient chỉ dùng được cho đại lượng vô hướng. torch báo:",
    },
    "bw.retain": {"en": "retain_graph=True", "vi": "retain_graph=True"},
    "bw.twice": {"en": "Call backward() again", "vi": "Gọi backward() thêm lần nữa"},
    "bw.call": {"en": "Show the steps of", "vi": "Xem các bước của"},
    "bw.scalar": {"en": "a scalar", "vi": "vô hướng"},
    "bw.own_calls": {
        "en": "This program calls backward() where no single tensor can be picked (inside a loop, for "
              "instance), so its own backward() calls are shown, as they ran.",
        "vi": "Chương trình này gọi backward() ở chỗ không thể chọn riêng một tensor (ví dụ bên trong vòng "
              "lặp), nên các lần gọi backward() của chính nó được hiển thị, đúng như khi chạy.",
    },
    "bw.call.own": {
        "en": "backward() call {k} (line {line})",
        "vi": "lần gọi backward() thứ {k} (dòng {line})",
    },
    "bw.call.first": {"en": "the first backward()", "vi": "lần backward() thứ nhất"},
    "bw.call.second": {"en": "the second backward()", "vi": "lần backward() thứ hai"},
    "bw.code": {"en": "The code that runs", "vi": "Mã được chạy"},
    "bw.second_error": {
        "en": "The second backward() failed: the first one freed the graph's saved values. Turn on "
              "retain_graph=True to keep them. torch says:",
        "vi": "Lần backward() thứ hai bị lỗi: lần thứ nhất đã giải phóng các giá trị lưu trong đồ thị. Bật "
              "retain_graph=True để giữ chúng lại. torch báo:",
    },
    "bw.accumulated": {
        "en": "With retain_graph=True the second backward() works, and each leaf's .grad is added to, not "
              "replaced: compare the ledger before and after.",
        "vi": "Với retain_graph=True, lần backward() thứ hai chạy được, và .grad của mỗi tensor lá được cộng "
              "dồn chứ không bị thay thế: so sánh sổ ghi trước và sau.",
    },
    "bw.first": {"en": "First step", "vi": "Bước đầu"},
    "bw.prev": {"en": "Previous", "vi": "Bước trước"},
    "bw.next": {"en": "Next", "vi": "Bước sau"},
    "bw.last": {"en": "Last step", "vi": "Bước cuối"},
    "bw.play": {"en": "Play", "vi": "Phát"},
    "bw.pause": {"en": "Pause", "vi": "Tạm dừng"},
    "bw.speed": {"en": "Speed", "vi": "Tốc độ"},
    "bw.speed.slow": {"en": "slow", "vi": "chậm"},
    "bw.speed.normal": {"en": "normal", "vi": "vừa"},
    "bw.speed.fast": {"en": "fast", "vi": "nhanh"},
    "bw.step": {"en": "Step", "vi": "Bước"},
    "bw.step_of": {"en": "Step {k} of {n}", "vi": "Bước {k} / {n}"},
    "bw.active": {"en": "Running node", "vi": "Nút đang chạy"},
    "bw.formula": {"en": "Forward formula", "vi": "Công thức chiều xuôi"},
    "bw.grad_in": {"en": "Gradient arriving (upstream)", "vi": "Gradient đến (từ phía đầu ra)"},
    "bw.edges": {"en": "upstream × local = contribution", "vi": "gradient đến × đạo hàm cục bộ = đóng góp"},
    "bw.edge.to": {"en": "to input", "vi": "tới đầu vào"},
    "bw.edge.upstream": {"en": "upstream", "vi": "gradient đến"},
    "bw.edge.local": {"en": "local derivative", "vi": "đạo hàm cục bộ"},
    "bw.edge.contribution": {"en": "contribution", "vi": "đóng góp"},
    "bw.accumulate": {
        "en": "AccumulateGrad adds the arriving gradient into {name}.grad.",
        "vi": "AccumulateGrad cộng gradient đến vào {name}.grad.",
    },
    "bw.ledger": {"en": "Ledger of leaf .grad", "vi": "Sổ ghi .grad của tensor lá"},
    "bw.ledger.leaf": {"en": "leaf", "vi": "tensor lá"},
    "bw.ledger.before": {"en": ".grad before this backward()", "vi": ".grad trước lần backward() này"},
    "bw.ledger.now": {"en": ".grad after this step", "vi": ".grad sau bước này"},
    "bw.done": {
        "en": "Done: every leaf's .grad is final. x.grad is what print(x.grad) would show.",
        "vi": "Xong: .grad của mọi tensor lá đã có giá trị cuối cùng, đúng như print(x.grad) sẽ in ra.",
    },
    # --- Training --------------------------------------------------------------------------------------
    "tr.title": {"en": "Training, epoch by epoch", "vi": "Huấn luyện qua từng epoch"},
    "tr.intro": {
        "en": "A training loop calls backward() once per epoch. Where (and whether) the gradients are "
              "emptied decides whether .grad is this epoch's gradient or the sum of all so far.",
        "vi": "Vòng lặp huấn luyện gọi backward() một lần mỗi epoch. Làm rỗng gradient ở đâu (và có làm "
              "hay không) quyết định .grad là gradient của epoch này hay tổng của mọi epoch từ trước tới "
              "giờ.",
    },
    "tr.model": {"en": "Model", "vi": "Mô hình"},
    "tr.model.weights": {"en": "weights = torch.ones(4)", "vi": "weights = torch.ones(4)"},
    "tr.model.linear": {"en": "linear regression", "vi": "hồi quy tuyến tính"},
    "tr.model.help": {
        "en": "The lesson's loop: model_output = (weights * 5).sum(), so every .grad entry is 5. Linear "
              "regression: w and b fitted to y = 2·x with a mean squared error.",
        "vi": "Vòng lặp trong bài học: model_output = (weights * 5).sum(), nên mọi phần tử .grad đều bằng 5. "
              "Hồi quy tuyến tính: tìm w và b khớp với y = 2·x theo sai số bình phương trung bình.",
    },
    "tr.epochs": {"en": "Epochs", "vi": "Số epoch"},
    "tr.lr": {"en": "Learning rate", "vi": "Tốc độ học (learning rate)"},
    "tr.zero": {"en": "Where zero_() is called", "vi": "Vị trí gọi zero_()"},
    "tr.zero.before_backward": {"en": "before backward()", "vi": "trước backward()"},
    "tr.zero.after_step": {"en": "after the update", "vi": "sau bước cập nhật"},
    "tr.zero.never": {"en": "never", "vi": "không bao giờ"},
    "tr.update": {"en": "Update", "vi": "Cập nhật trọng số"},
    "tr.update.manual": {"en": "by hand, under no_grad", "vi": "thủ công, trong no_grad"},
    "tr.update.sgd": {"en": "torch.optim.SGD", "vi": "torch.optim.SGD"},
    "tr.progress": {"en": "Epoch {k} of {n}", "vi": "Epoch {k} / {n}"},
    "tr.charts": {"en": "Per epoch", "vi": "Theo từng epoch"},
    "tr.compare.what": {
        "en": "The other line is the same run {other}.",
        "vi": "Đường còn lại là cùng lần chạy đó nhưng {other}.",
    },
    "tr.compare.flat": {
        "en": "With zero_(), .grad holds only this epoch's gradient: here it is the same every epoch, so "
              "that line is flat.",
        "vi": "Có zero_() thì .grad chỉ chứa gradient của epoch này: ở đây nó như nhau ở mọi epoch nên "
              "đường đó nằm ngang.",
    },
    "tr.compare.moving": {
        "en": "With zero_(), .grad holds only this epoch's gradient: here it changes as the weights learn, "
              "so that line moves too.",
        "vi": "Có zero_() thì .grad chỉ chứa gradient của epoch này: ở đây nó thay đổi khi trọng số học, "
              "nên đường đó cũng thay đổi.",
    },
    "tr.compare.piles": {
        "en": "Without zero_(), every backward() adds onto what .grad already held, so that line piles the "
              "gradients of all epochs up.",
        "vi": "Không có zero_() thì mỗi lần backward() cộng thêm vào giá trị .grad đang có, nên đường đó "
              "cộng dồn gradient của mọi epoch.",
    },
    "tr.compare.same": {
        "en": "So far the two lines coincide: nothing has piled up yet.",
        "vi": "Đến giờ hai đường vẫn trùng nhau: chưa có gì bị cộng dồn.",
    },
    "tr.play": {"en": "Play", "vi": "Chạy"},
    "tr.pause": {"en": "Pause", "vi": "Tạm dừng"},
    "tr.step": {"en": "One epoch", "vi": "Một epoch"},
    "tr.reset": {"en": "Reset", "vi": "Làm lại"},
    "tr.player.help": {
        "en": "Play runs the loop one epoch at a time; One epoch shows the next; Reset starts again.",
        "vi": "Chạy thực hiện vòng lặp từng epoch một; Một epoch hiện epoch tiếp theo; Làm lại bắt đầu lại "
              "từ đầu.",
    },
    "tr.not_started": {
        "en": "No epoch has run yet: press Play or One epoch.",
        "vi": "Chưa chạy epoch nào: hãy bấm Chạy hoặc Một epoch.",
    },
    "tr.epoch_ledger": {"en": ".grad in epoch {k}", "vi": ".grad ở epoch {k}"},
    "tr.epoch_ledger.intro": {
        "en": "backward() adds its contribution to what .grad held before it.",
        "vi": "backward() cộng phần đóng góp của nó vào giá trị .grad đang có trước đó.",
    },
    "tr.col.param": {"en": "parameter", "vi": "tham số"},
    "tr.col.before": {"en": ".grad before backward()", "vi": ".grad trước backward()"},
    "tr.col.contribution": {"en": "added by this backward()", "vi": "backward() này cộng thêm"},
    "tr.col.after": {"en": ".grad after backward()", "vi": ".grad sau khi gọi backward()"},
    "tr.compare.never": {"en": "without zero_()", "vi": "không có zero_()"},
    "tr.compare.with": {"en": "with zero_() after the update", "vi": "có zero_() sau bước cập nhật"},
    "tr.ledger": {"en": "Ledger", "vi": "Sổ ghi"},
    "tr.col.epoch": {"en": "epoch", "vi": "epoch"},
    "tr.col.loss": {"en": "loss", "vi": "hàm mất mát"},
    "tr.col.grad": {"en": "{name}.grad", "vi": "{name}.grad"},
    "tr.col.value": {"en": "{name} after the update", "vi": "{name} sau cập nhật"},
    "tr.code": {"en": "The code for these settings", "vi": "Mã ứng với các lựa chọn này"},
    "tr.error": {"en": "The training run stopped with an error:", "vi": "Lần huấn luyện dừng lại vì lỗi:"},
    # --- presets ---------------------------------------------------------------------------------------
    "preset.seed3": {"en": "In [3] · x requires grad, y = x + 2", "vi": "In [3] · x cần grad, y = x + 2"},
    "preset.seed5": {"en": "In [5] · print x, y and y.grad_fn", "vi": "In [5] · in x, y và y.grad_fn"},
    "preset.seed7": {"en": "In [7] · z = y * 3, z = z + 3", "vi": "In [7] · z = y * 3, z = z + 3"},
    "preset.seed10": {
        "en": "In [10] · z.mean().backward(), x.grad",
        "vi": "In [10] · z.mean().backward(), x.grad",
    },
    "preset.seed14": {
        "en": "In [14] · y = x * 2, doubled ten times",
        "vi": "In [14] · y = x * 2, nhân đôi mười lần",
    },
    "preset.seed15": {
        "en": "In [15] · y.backward(w): vector-Jacobian product",
        "vi": "In [15] · y.backward(w): tích vector-Jacobian",
    },
    "preset.seed16": {"en": "In [16] · requires_grad_()", "vi": "In [16] · requires_grad_()"},
    "preset.seed18": {"en": "In [18] · detach()", "vi": "In [18] · detach()"},
    "preset.seed19": {"en": "In [19] · with torch.no_grad()", "vi": "In [19] · with torch.no_grad()"},
    "preset.seed_zero": {
        "en": "Last cell · training loop with zero_()",
        "vi": "Ô cuối · vòng lặp huấn luyện với zero_()",
    },
    "preset.training": {
        "en": "Training · nn.Linear, MSELoss, optim.SGD",
        "vi": "Huấn luyện · nn.Linear, MSELoss, optim.SGD",
    },
}


# The one key space: the app's texts, the figures' words and the sandbox's messages.
CATALOGUE: ChainMap[str, dict[str, str]] = ChainMap(TEXTS, FIGURE_TEXTS, SANDBOX_MESSAGES)


def t(key: str, lang: str, **params: object) -> str:
    """The text `key` in `lang` ("en" or "vi"), with `{name}` placeholders filled from `params`.

    Any key of the catalogue works: an app text (`tr.title`), a figure word (`chart.loss`) or a sandbox
    message (`numpy_forbidden`). An unknown key is returned as is, so a missing text shows up on screen
    instead of breaking the page (a test checks that every key the app uses exists).
    """
    entry = CATALOGUE.get(key)
    if entry is None:
        return key
    template = entry.get(lang) or entry["en"]
    return template.format(**params) if params else template


def placeholders(template: str) -> set[str]:
    """The `{name}` fields of a template."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def language_name(lang: str) -> str:
    """The name of a language, written in that language (what the picker shows)."""
    return TEXTS[f"app.lang.{lang}"][lang]


__all__ = ["CATALOGUE", "LANGS", "TEXTS", "language_name", "placeholders", "t"]
