# Learner mistake: features and labels of different lengths in one TensorDataset.
import torch
from torch.utils.data import TensorDataset

X = torch.randn(10, 3)
y = torch.randint(0, 2, (9,))
print(X.shape, y.shape)
ds = TensorDataset(X, y)
