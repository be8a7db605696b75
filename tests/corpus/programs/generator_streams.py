# Independent random streams: a seeded Generator does not disturb the global one.
import torch

torch.manual_seed(123)
g = torch.Generator().manual_seed(7)
print(torch.rand(2), torch.rand(2, generator=g))
print(torch.randn(3, generator=g), torch.randint(0, 10, (5,), generator=g))
print(torch.randperm(6, generator=g), torch.randperm(6))
print(g.initial_seed(), torch.initial_seed())
g2 = torch.Generator(device="cpu")
g2.manual_seed(7)
print(torch.rand(2, generator=g2))
weights = torch.tensor([0.1, 0.0, 0.6, 0.3])
print(torch.multinomial(weights, 8, replacement=True, generator=g))
print(torch.multinomial(weights, 3, generator=g))
print(torch.multinomial(torch.tensor([[1.0, 2.0, 3.0], [3.0, 0.0, 1.0]]), 2))
print(torch.empty(4).exponential_())
