# Learner mistake: casting a model to an integer dtype.
import torch

model = torch.nn.Linear(2, 1).to(torch.float64)
print(model.weight.dtype)
model.to(torch.int64)
