# Learner mistake: the legacy constructor takes no requires_grad (torch.tensor does).
import torch

good = torch.tensor([1.0, 2.0], requires_grad=True)
print(good)
bad = torch.Tensor([1.0, 2.0], requires_grad=True)
