# Learner mistake: moving a batch to "cuda" without checking torch.cuda.is_available().
import torch

batch = torch.ones(2, 3)
print(torch.cuda.is_available(), torch.cuda.device_count())
batch = batch.to("cpu")
print(batch.device)
batch = batch.to("cuda")
