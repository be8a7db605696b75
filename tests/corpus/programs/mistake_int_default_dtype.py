# Learner mistake: an integer default dtype.
import torch

torch.set_default_dtype(torch.float64)
print(torch.tensor([1.0]).dtype)
torch.set_default_dtype(torch.int64)
