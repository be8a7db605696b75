import torch

x = torch.tensor([0.8886, 0.0518, -0.0723], requires_grad=True)
y = x + 2
"""
  - ở cell trên y đã được tạo ra bởi kết quả của phép tính x + 2, vì vậy nó sẽ tạo một thuộc tính grad_fn.
  - grad_fn: tham chiếu đến một hàm đã tạo tensor
"""
print(x) # Đã được tạo ở cell tren -> grad_fn lúc này là None
print(y)
print(y.grad_fn)
# Thực hiện các phép tính khác trên y
z = y * 3
print(z)
z =  z + 3
print(z)
z = z.mean()
z.backward()
print(x.grad) # dz/dx
x = torch.tensor([-1.1477,  1.2997,  0.3202, -0.8102, -1.2584], requires_grad=True)
print(x)
y = x*2
for _ in range(10):
  y = y * 2

print(y)
print(y.shape)
w = torch.tensor([0.1, 1.0, 0.0001, 0.01, 0.001], dtype=torch.float32)
y.backward(w)
print(x.grad)
# requires_grad_()
a = torch.tensor([[0.2102, 0.7872], [0.6593, 0.0418]])
print(a.requires_grad) # Kiểm tra a đã được yêu cầu tính đạo hàm hay chưa
b = (a*5) / (a-1)
print(b.grad_fn) # Do a chưa tính đạo hàm nên grad_fn lúc này sẽ là None
a.requires_grad_(True) # thiết lập tính đạo hàm cho a
print(a.requires_grad)
b = (a**2).sum()
print(b.grad_fn) # Sau khi thiết lập đạo hàm cho a. Thì phép tính b trên a sẽ nhận được grad_fn
a = torch.tensor([[0.2102, 0.7872], [0.6593, 0.0418]], requires_grad=True)
print(a.requires_grad)
print(a)
b = a.detach()
print(b.requires_grad)
print(b)
a = torch.tensor([[0.2102, 0.7872], [0.6593, 0.0418]], requires_grad=True)
print(a.requires_grad)
with torch.no_grad():
  print((x + 2).requires_grad)
weights = torch.ones(4, requires_grad=True)

for epoch in range(5):
  model_output = (weights*5).sum()
  model_output.backward()

  print(weights.grad)
  # Tối ưu model bằng cách cập nhật trọng số sau khi đạo hàm
  with torch.no_grad():
    weights -= 0.001 * weights.grad

  weights.grad.zero_() # sử dụng empty gradients trước khi bắt đầu một lần tối ưu tiếp theo.
