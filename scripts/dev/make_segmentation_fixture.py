#!/usr/bin/env python3
"""Makes tests/fixtures/segment/: synthetic label maps and predictions with the per-class IoU,
mIoU, pixel accuracy and confusion matrix computed by a small NumPy reference (the usual
`np.bincount(n * label + pred)` confusion matrix, IoU = diag / (rows + cols - diag), mIoU the
nanmean), and a tiny TorchScript segmenter with the label maps it predicts.

  labels/<stem>.png   class ids 0..4 and 255 (ignored); class 4 appears in no label map
  pred/<stem>.png     the labels with 30 % of the pixels replaced by random classes 0..4
  images/<stem>.png   RGB images; segmenter.torchscript labels a pixel 3 where R, G and B are
                      all below 0.5, else the index of its largest channel
  expected.json       {"pred": scores of pred/ vs labels/, "segmenter": scores of the segmenter
                      on images/ vs labels/}
  python3 scripts/dev/make_segmentation_fixture.py   (NumPy, OpenCV, Debian's python3-torch)
"""
import json
from pathlib import Path

import cv2
import numpy as np
import torch

OUT = Path(__file__).resolve().parents[2] / "tests/fixtures/segment"
NC, IGNORE = 5, 255


def scores(labels, preds):
    cm = np.zeros((NC, NC), dtype=np.int64)
    for lab, pred in zip(labels, preds):
        keep = lab != IGNORE
        cm += np.bincount(NC * lab[keep].astype(np.int64) + pred[keep], minlength=NC * NC).reshape(NC, NC)
    diag = np.diag(cm)
    with np.errstate(invalid="ignore", divide="ignore"):
        iou = diag / (cm.sum(0) + cm.sum(1) - diag)
    return {"confusion": cm.tolist(), "iou": [None if np.isnan(v) else float(v) for v in iou],
            "miou": float(np.nanmean(iou)), "pixel_accuracy": float(diag.sum() / cm.sum())}


class Segmenter(torch.nn.Module):
    def forward(self, x):
        dark = torch.full_like(x[:, :1], 0.5)
        return torch.cat((x, dark), 1)  # argmax: largest channel, or 3 when all are below 0.5


def main():
    rng = np.random.default_rng(0)
    for sub in ("labels", "pred", "images"):
        (OUT / sub).mkdir(parents=True, exist_ok=True)
    seg = torch.jit.script(Segmenter())
    seg.save(str(OUT / "segmenter.torchscript"))
    labels, preds, seg_preds = [], [], []
    for k, (h, w) in enumerate([(30, 40), (24, 24), (17, 33)]):
        lab = rng.integers(0, 4, (h, w)).astype(np.uint8)
        lab[rng.random((h, w)) < 0.1] = IGNORE
        pred = lab.copy()
        noisy = rng.random((h, w)) < 0.3
        pred[noisy] = rng.integers(0, NC, noisy.sum())
        pred[pred == IGNORE] = 0
        rgb = rng.integers(0, 256, (h, w, 3)).astype(np.uint8)
        x = torch.from_numpy(rgb.transpose(2, 0, 1).copy()).float()[None] / 255
        seg_pred = seg(x).argmax(1)[0].numpy().astype(np.uint8)
        stem = f"s{k}"
        cv2.imwrite(str(OUT / f"labels/{stem}.png"), lab)
        cv2.imwrite(str(OUT / f"pred/{stem}.png"), pred)
        cv2.imwrite(str(OUT / f"images/{stem}.png"), rgb[..., ::-1])
        labels.append(lab), preds.append(pred), seg_preds.append(seg_pred)
    expected = {"num_classes": NC, "ignore_index": IGNORE, "pred": scores(labels, preds),
                "segmenter": scores(labels, seg_preds)}
    (OUT / "expected.json").write_text(json.dumps(expected, indent=1))
    print(json.dumps({k: v["miou"] for k, v in expected.items() if isinstance(v, dict)}))


if __name__ == "__main__":
    main()
