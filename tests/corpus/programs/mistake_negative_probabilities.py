# Learner mistake: sampling from logits instead of probabilities.
import torch

torch.manual_seed(0)
logits = torch.randn(1, 5)
probs = torch.softmax(logits, dim=1)
print(probs.sum(dim=1) > 0.99, torch.multinomial(probs, 1))
print(torch.multinomial(logits, 1))
