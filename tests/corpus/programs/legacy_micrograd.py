# micrograd's sanity check, written the way its test suite writes torch code.
import torch

x = torch.Tensor([-4.0]).double()
x.requires_grad = True
z = 2 * x + 2 + x
q = z.relu() + z * x
h = (z * z).relu()
y = h + q + q * x
y.backward()
xpt, ypt = x, y
print(ypt.data.item(), xpt.grad.item())
print(torch.Tensor([1, 2]), torch.FloatTensor([[1], [2]]), torch.LongTensor([3, 4]))
print(torch.Tensor(2, 3).shape, torch.Tensor().shape, type(torch.Tensor([1])))
print(isinstance(torch.ones(2), torch.FloatTensor), isinstance(torch.ones(2), torch.LongTensor))
