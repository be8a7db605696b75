# Learner mistake: a negative learning rate for RMSprop.
import torch

params = [torch.nn.Parameter(torch.zeros(2))]
print(torch.optim.AdamW(params).defaults["weight_decay"])
torch.optim.RMSprop(params, lr=-0.01)
