# Learner mistake: more samples than categories without replacement.
import torch

g = torch.Generator().manual_seed(42)
probs = torch.tensor([0.2, 0.5, 0.3])
print(torch.multinomial(probs, 3, generator=g))
print(torch.multinomial(probs, 5, replacement=True, generator=g))
print(torch.multinomial(probs, 5, generator=g))
