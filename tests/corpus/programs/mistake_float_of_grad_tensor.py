# Learner slip: float() on a tensor that requires grad warns (on stderr) and still gives the number.
import torch

w = torch.tensor([0.5], requires_grad=True)
loss = (w * 3 - 1) ** 2
history = []
for step in range(3):
    history.append(float(loss))
    print(f"step {step}: {float(w):.3f}")
print(history[0], type(history[0]))
