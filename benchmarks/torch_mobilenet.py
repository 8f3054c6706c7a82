"""MobileNetV2 feature extraction speed in PyTorch on the CPU, for comparison with TF.js.

Random weights (no download): the speed of a network does not depend on its weights. Prints one
JSON line: images per second with one thread and with every core.
"""
import json
import os
import sys
import time

import torch
import torchvision


def images_per_second(model, size, batch, batches, threads):
    torch.set_num_threads(threads)
    x = torch.rand(batch, 3, size, size)
    with torch.inference_mode():
        model(x)  # warm-up
        started = time.perf_counter()
        for _ in range(batches):
            model(x)
        return batch * batches / (time.perf_counter() - started)


def main():
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 224
    batches = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    net = torchvision.models.mobilenet_v2(weights=None).eval()
    # Same cut as Curio: the last 1280-channel feature map averaged over height and width.
    model = torch.nn.Sequential(net.features, torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten())
    cores = os.cpu_count() or 1
    print(json.dumps({
        "torch": torch.__version__,
        "size": size,
        "one_thread": images_per_second(model, size, 16, batches, 1),
        "all_threads": images_per_second(model, size, 16, batches, cores),
        "threads": cores,
    }))


if __name__ == "__main__":
    main()
