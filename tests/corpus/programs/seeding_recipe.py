# A reproducibility recipe from everyday scripts: seed everything, then check two runs agree.
import random

import numpy as np
import torch


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False


def run():
    seed_everything(1234)
    model = torch.nn.Linear(4, 2)
    data = torch.randn(8, 4)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(data), batch_size=3, shuffle=True)
    firsts = [batch[0][0, 0].item() for batch in loader]
    return model.weight.sum().item(), firsts, random.random(), np.random.rand()


first, second = run(), run()
print(first == second)
print([round(v, 4) for v in first[1]], round(first[0], 4))
print(torch.backends.cudnn.deterministic, torch.initial_seed())
