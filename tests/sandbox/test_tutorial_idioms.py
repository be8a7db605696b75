"""Tutorial idioms through the sandbox print what torch prints: the device line, datasets, loaders."""

from __future__ import annotations

import pytest

from sandbox import interpret
from tests.sandbox.helpers import python_output

PROGRAMS = {
    "device_and_dataloader": """
import torch
from torch.utils.data import Dataset, DataLoader, TensorDataset
device = "cuda" if torch.cuda.is_available() else "cpu"
print(f"Using {device} device", torch.accelerator.is_available())
class Squares(Dataset):
    def __init__(self, n):
        self.x = torch.arange(n, dtype=torch.float32)
    def __len__(self):
        return len(self.x)
    def __getitem__(self, i):
        return self.x[i], self.x[i] ** 2
torch.manual_seed(0)
for xb, yb in DataLoader(Squares(10), batch_size=4, shuffle=True):
    print(xb, yb)
ds = TensorDataset(torch.randn(6, 2), torch.randn(6))
print(len(DataLoader(ds, batch_size=4)), type(ds[0][0]))
model = torch.nn.Linear(2, 1).to(device)
print(model, next(model.parameters()).device)
""",
    "optimizer_and_scheduler": """
import torch
torch.manual_seed(0)
w = torch.randn(3, requires_grad=True)
opt = torch.optim.AdamW([w], lr=0.1)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
for epoch in range(4):
    opt.zero_grad()
    loss = (w ** 2).sum()
    loss.backward()
    opt.step()
    sched.step()
    print(epoch, round(loss.item(), 4), sched.get_last_lr())
""",
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_tutorial_idiom_prints_what_torch_prints(name: str) -> None:
    record = interpret(PROGRAMS[name])
    assert record.error is None, record.error
    assert record.output == python_output(PROGRAMS[name])[0]


def test_a_class_may_not_derive_from_an_engine_class_other_than_module_or_dataset() -> None:
    record = interpret("import torch\nclass Sneaky(torch.optim.SGD):\n    pass\n")
    assert record.error is not None and record.error.message_id == "class_base"
