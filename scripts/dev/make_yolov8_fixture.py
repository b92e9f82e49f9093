#!/usr/bin/env python3
"""Makes tests/fixtures/detect/yolov8_tiny.torchscript: a tiny random-weight detector of the
YOLOv8 / YOLO11 output layout ([B, 4 + C, N], no objectness), built with the ultralytics package
(a dev tool; tesg never runs Python) and traced the way ultralytics' TorchScript export traces,
with the same `config.txt` metadata. Three classes named like MSRS's (person, bicycle, car),
input 1x3x64x64, width and depth scaled down.

  python3 scripts/dev/make_yolov8_fixture.py tests/fixtures/detect/yolov8_tiny.torchscript
(ultralytics 8.4.190 with Debian's python3-torch 1.13 made the committed file; seed 0.)
"""
import json
import sys
from pathlib import Path

import cv2
import torch
from ultralytics.nn.tasks import DetectionModel

ROOT = Path(__file__).resolve().parents[2]
NAMES = {0: "person", 1: "bicycle", 2: "car"}
SIZE = 64
# yolov8.yaml's layout at 1/32 of its width and one block per stage.
CFG = {
    "nc": len(NAMES),
    "depth_multiple": 0.1,
    "width_multiple": 0.03125,
    "max_channels": 32,
    "backbone": [
        [-1, 1, "Conv", [64, 3, 2]], [-1, 1, "Conv", [128, 3, 2]], [-1, 3, "C2f", [128, True]],
        [-1, 1, "Conv", [256, 3, 2]], [-1, 6, "C2f", [256, True]], [-1, 1, "Conv", [512, 3, 2]],
        [-1, 6, "C2f", [512, True]], [-1, 1, "Conv", [1024, 3, 2]], [-1, 3, "C2f", [1024, True]],
        [-1, 1, "SPPF", [1024, 5]],
    ],
    "head": [
        [-1, 1, "nn.Upsample", [None, 2, "nearest"]], [[-1, 6], 1, "Concat", [1]],
        [-1, 3, "C2f", [512]], [-1, 1, "nn.Upsample", [None, 2, "nearest"]],
        [[-1, 4], 1, "Concat", [1]], [-1, 3, "C2f", [256]], [-1, 1, "Conv", [256, 3, 2]],
        [[-1, 12], 1, "Concat", [1]], [-1, 3, "C2f", [512]], [-1, 1, "Conv", [512, 3, 2]],
        [[-1, 9], 1, "Concat", [1]], [-1, 3, "C2f", [1024]], [[15, 18, 21], 1, "Detect", ["nc"]],
    ],
}


def calibrate_batch_norm(model, size):
    """Batch-norm statistics from the bundled sample images: at ultralytics' random
    initialisation every candidate is the same low-scoring box, which no test can tell apart;
    normalised features make boxes and scores vary with the image as a trained model's do."""
    images = []
    for path in sorted((ROOT / "data/samples/vi").iterdir()):
        im = cv2.resize(cv2.imread(str(path)), (size, size))
        images.append(torch.from_numpy(im[..., ::-1].copy()).permute(2, 0, 1).float() / 255)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None  # cumulative average over the calibration batch
    model.train()
    with torch.no_grad():
        model(torch.stack(images))
    model.eval()


def moderate_head(model, score_bias=-1.5, bin_decay=0.6):
    """Head biases for scores around sigmoid(-1.5) and box sides of a few strides (the default
    init gives scores near 0.004 and boxes twice the input), so NMS and the thresholds matter."""
    detect = model.model[-1]
    with torch.no_grad():
        for box_branch, cls_branch in zip(detect.cv2, detect.cv3):
            box_conv, cls_conv = box_branch[-1], cls_branch[-1]
            box_conv.weight.mul_(0.5)
            bins = -bin_decay * torch.arange(detect.reg_max, dtype=torch.float32)
            box_conv.bias.copy_(bins.repeat(4))
            cls_conv.bias.fill_(score_bias)


def main(out_path):
    torch.manual_seed(0)
    model = DetectionModel(CFG, ch=3, nc=len(NAMES), verbose=False).eval()
    calibrate_batch_norm(model, SIZE)
    moderate_head(model)
    for m in model.modules():  # export mode: inference output only, as `yolo export` sets it
        if hasattr(m, "export"):
            m.export = True
            m.format = "torchscript"
    example = torch.rand(1, 3, SIZE, SIZE)
    traced = torch.jit.trace(model, example, strict=False, check_trace=False)
    meta = {"shape": [1, 3, SIZE, SIZE], "stride": int(model.stride.max()), "names": NAMES,
            "task": "detect", "description": "tesg test fixture: random weights, YOLOv8 layout"}
    torch.jit.save(traced, out_path, _extra_files={"config.txt": json.dumps(meta)})
    out = traced(example)
    out = out[0] if isinstance(out, (list, tuple)) else out
    print(out_path, "output", list(out.shape), "params", sum(p.numel() for p in model.parameters()))


if __name__ == "__main__":
    main(sys.argv[1])
