# Learner mistake: a batch size of 0.
import torch
from torch.utils.data import DataLoader, TensorDataset

ds = TensorDataset(torch.arange(6.0))
print(len(DataLoader(ds, batch_size=4)), len(DataLoader(ds, batch_size=4, drop_last=True)))
loader = DataLoader(ds, batch_size=0)
