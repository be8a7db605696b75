# Learner mistake: set_default_device("cuda") is accepted, and the next tensor fails.
import torch

torch.set_default_device("cuda")
print("default device set")
x = torch.zeros(3)
