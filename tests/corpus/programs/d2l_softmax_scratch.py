# d2l 4.4: softmax regression from scratch on a toy dataset, with an accuracy helper.
import torch
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
num_inputs, num_outputs = 4, 3
X_all = torch.randn(60, num_inputs)
y_all = X_all[:, :3].argmax(dim=1)
train_iter = DataLoader(TensorDataset(X_all, y_all), batch_size=12, shuffle=True)
W = torch.normal(0, 0.01, size=(num_inputs, num_outputs), requires_grad=True)
b = torch.zeros(num_outputs, requires_grad=True)


def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition


X = torch.normal(0, 1, (2, 5))
X_prob = softmax(X)
print(X_prob.shape)


def net(X):
    return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)


def cross_entropy(y_hat, y):
    return -torch.log(y_hat[range(len(y_hat)), y])


y = torch.tensor([0, 2])
y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
print(y_hat[[0, 1], y], cross_entropy(y_hat, y))


def accuracy(y_hat, y):
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


print(accuracy(y_hat, y) / len(y))
lr = 0.5
for epoch in range(5):
    for Xb, yb in train_iter:
        l = cross_entropy(net(Xb), yb)
        l.mean().backward()
        with torch.no_grad():
            for param in (W, b):
                param -= lr * param.grad
                param.grad.zero_()
    with torch.no_grad():
        print(f"epoch {epoch + 1}, accuracy {accuracy(net(X_all), y_all) / len(y_all):.3f}")
