"""ResNet-style CNNs for the report tests and benchmarks/report_scale.py: a small one, and
ResNet-18 written out with torchvision's module names.

BasicBlocks (conv-BN-ReLU-conv-BN plus an identity or 1x1-projection shortcut, one ReLU
module reused twice as in torchvision), stride-2 downsampling between stages, global
average pooling and a linear head; the stem convolution has stride 2.  ``digits32`` gives scikit-learn's digits upsampled to
1x32x32 images.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


class BasicBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                          nn.BatchNorm2d(cout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + self.shortcut(x))


class SmallResNet(nn.Module):
    def __init__(self, widths=(8, 16, 32), blocks: int = 2, in_ch: int = 1,
                 classes: int = 10) -> None:
        super().__init__()
        # a stride-2 stem, as ResNet's stem downsamples (there by 4: conv 7x7/2 + max-pool)
        self.stem = nn.Sequential(nn.Conv2d(in_ch, widths[0], 3, 2, 1, bias=False),
                                  nn.BatchNorm2d(widths[0]), nn.ReLU())
        stages, cin = [], widths[0]
        for i, w in enumerate(widths):
            layer = [BasicBlock(cin, w, 1 if i == 0 else 2)]
            layer += [BasicBlock(w, w) for _ in range(blocks - 1)]
            stages.append(nn.Sequential(*layer))
            cin = w
        self.layer1, self.layer2, self.layer3 = stages
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.layer3(self.layer2(self.layer1(self.stem(x))))
        return self.fc(self.pool(x).flatten(1))


class _Block(nn.Module):
    """ResNet's basic block with torchvision's attribute names (``conv1``, ``bn1``,
    ``relu``, ``conv2``, ``bn2``, ``downsample``), so that its state dicts match."""

    def __init__(self, cin: int, cout: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                            nn.BatchNorm2d(cout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skip = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        return self.relu(self.bn2(self.conv2(out)) + skip)


class ResNet18(nn.Module):
    """ResNet-18 (He et al. 2016, Table 1): a 7x7/2 convolution and 3x3/2 max-pool stem,
    four stages of two basic blocks with 64, 128, 256 and 512 channels (stride 2 from the
    second stage on), global average pooling and a linear head; 11.2 M parameters at 10
    classes.  The module names and shapes are torchvision's ``resnet18``, so its state dict
    loads here and back.  On 32x32 inputs the last stage works on 1x1 maps, as torchvision's
    does."""

    def __init__(self, in_ch: int = 3, classes: int = 10) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_ch, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        cin = 64
        for i, w in enumerate((64, 128, 256, 512)):
            stride = 1 if i == 0 else 2
            setattr(self, f"layer{i + 1}", nn.Sequential(_Block(cin, w, stride), _Block(w, w)))
            cin = w
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def make_resnet() -> SmallResNet:
    return SmallResNet()


def digits32(n: int | None = None, channels: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn digits as (N, channels, 32, 32) float32 images in [0, 1] (bilinear)."""
    from sklearn.datasets import load_digits

    d = load_digits()
    x = torch.as_tensor(d.images[:n] / 16.0, dtype=torch.float32)[:, None]
    x = torch.nn.functional.interpolate(x, size=(32, 32), mode="bilinear", align_corners=False)
    return x.repeat(1, channels, 1, 1).numpy(), d.target[:n].astype(np.int64)


def train(model: nn.Module, x: np.ndarray, y: np.ndarray, *, epochs: int = 3,
          batch: int = 32, seed: int = 0, lr: float = 3e-3) -> nn.Module:
    """A few epochs of Adam on minibatches; returns the model in eval mode.

    Run on one thread: with BatchNorm and few steps the result depends on the summation
    order, and one thread makes it the same on every machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _train(model, x, y, epochs=epochs, batch=batch, seed=seed, lr=lr)
    finally:
        torch.set_num_threads(threads)


def _train(model, x, y, *, epochs, batch, seed, lr):
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr)
    xt, yt = torch.as_tensor(x), torch.as_tensor(y)
    model.train()
    for _ in range(epochs):
        perm = torch.randperm(len(xt), generator=g)
        for i in range(0, len(xt), batch):
            b = perm[i:i + batch]
            opt.zero_grad()
            nn.functional.cross_entropy(model(xt[b]), yt[b]).backward()
            opt.step()
    return model.eval()
