# Learner mistake: "gpu" is not a device type torch knows.
import torch

print(torch.device("cpu"), torch.device("cuda:0"))
device = torch.device("gpu")
