# Changing how tensors are made and shown: set_default_dtype and set_printoptions.
import torch

torch.set_default_dtype(torch.float64)
a = torch.tensor([1.5, 2.25])
print(a, a.dtype, torch.ones(2).dtype, torch.tensor([1.0], dtype=torch.float32))
torch.set_default_dtype(torch.float32)
print(torch.tensor([1.5]).dtype, torch.get_default_dtype())
torch.set_printoptions(precision=2)
print(torch.tensor([3.14159, 2.71828]))
torch.set_printoptions(sci_mode=False)
print(torch.tensor([1e-6, 1.0, 1000.0]))
torch.set_printoptions(profile="default")
print(torch.tensor([3.14159, 2.71828]))
