# Learner mistake: split lengths that do not add up to the dataset size.
import torch
from torch.utils.data import TensorDataset, random_split

torch.manual_seed(0)
ds = TensorDataset(torch.arange(10))
train, test = random_split(ds, [8, 2])
print(len(train), len(test), train.indices)
train, test = random_split(ds, [7, 2])
