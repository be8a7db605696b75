# Learner mistake: seeding a generator with a float.
import torch

g = torch.Generator().manual_seed(42)
print(torch.randint(0, 10, (4,), generator=g))
g.manual_seed(3.5)
