#!/usr/bin/env python3
"""Cross-check tesg-detect against ultralytics (pip `ultralytics`, a dev tool; tesg never runs
Python):

  1. scoring: each row's own detections (<out>/<row>/detections.csv) and the labels are matched
     with ultralytics' DetectionValidator.match_predictions and scored with ap_per_class; every
     AP, P and R is compared with tesg-detect's summary.json;
  2. detection (with --model): every image of every row is run through ultralytics' validation
     pipeline in Python on the same TorchScript file (load_image, LetterBox, non_max_suppression,
     scale_boxes); each Python detection must have a tesg-detect detection of its class within
     0.5 px and 1e-4 in score.

  scripts/crosscheck_detect.py OUT_DIR LABELS_DIR [--model FILE]
prints the largest differences and exits non-zero when a tolerance is exceeded.
"""
import argparse
import csv
import json
import math
import sys
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

import cv2
import numpy as np
import torch
from ultralytics.data.augment import LetterBox
from ultralytics.engine.validator import BaseValidator
from ultralytics.utils.metrics import ap_per_class, box_iou
from ultralytics.utils.nms import non_max_suppression
from ultralytics.utils.ops import scale_boxes

IOUV = torch.linspace(0.5, 0.95, 10)
SCORE_TOL, BOX_TOL, AP_TOL = 1e-4, 0.5, 1e-6


def match(pred_cls, true_cls, iou):
    return BaseValidator.match_predictions(SimpleNamespace(iouv=IOUV), pred_cls, true_cls, iou)


def scored(images):
    """ultralytics' stats over images of {labels: [[c,x1,y1,x2,y2]], preds: [[c,conf,x1,..]]}."""
    tp, conf, pred_cls, target_cls = [], [], [], []
    for im in images:
        labels = torch.tensor(im["labels"], dtype=torch.float32).reshape(-1, 5)
        preds = torch.tensor(im["preds"], dtype=torch.float32).reshape(-1, 6)
        target_cls.append(labels[:, 0].numpy())
        if len(preds) == 0:
            continue
        if len(labels) == 0:
            correct = torch.zeros(len(preds), 10, dtype=torch.bool)
        else:
            correct = match(preds[:, 0], labels[:, 0], box_iou(labels[:, 1:], preds[:, 2:]))
        tp.append(correct.numpy())
        conf.append(preds[:, 1].numpy())
        pred_cls.append(preds[:, 0].numpy())
    cat = lambda xs, shape: np.concatenate(xs, 0) if xs else np.zeros(shape)
    out = ap_per_class(cat(tp, (0, 10)), cat(conf, (0,)), cat(pred_cls, (0,)), cat(target_cls, (0,)))
    _, _, p, r, f1, ap, classes = out[:7]
    return {"classes": classes.tolist(), "precision": p.tolist(), "recall": r.tolist(), "ap": ap.tolist(),
            "mp": float(p.mean()) if len(p) else 0.0, "mr": float(r.mean()) if len(r) else 0.0,
            "map50": float(ap[:, 0].mean()) if len(ap) else 0.0,
            "map75": float(ap[:, 5].mean()) if len(ap) else 0.0,
            "map50_95": float(ap.mean()) if len(ap) else 0.0}


def val_pipeline(model_path, image_paths, iou, classes):
    """Detections per image [[cls, conf, x1, y1, x2, y2]] as ultralytics' validator makes them."""
    extra = {"config.txt": ""}
    model = torch.jit.load(model_path, _extra_files=extra).eval()
    meta = json.loads(extra["config.txt"])
    size = meta["shape"][2]
    out = []
    for path in image_paths:
        im = cv2.imread(str(path))  # BGR, gray replicated to 3 channels
        h0, w0 = im.shape[:2]
        r = size / max(h0, w0)  # BaseDataset.load_image (rect_mode)
        if r != 1:
            im = cv2.resize(im, (min(math.ceil(w0 * r), size), min(math.ceil(h0 * r), size)),
                            interpolation=cv2.INTER_LINEAR)
        h1, w1 = im.shape[:2]
        lb = LetterBox(new_shape=(size, size), scaleup=False)
        params = lb.get_params({"img": im})
        img = lb(image=im)
        x = torch.from_numpy(np.ascontiguousarray(img[..., ::-1].transpose(2, 0, 1))).float()[None] / 255
        with torch.no_grad():
            raw = model(x)
        raw = raw[0] if isinstance(raw, (list, tuple)) else raw
        if raw.shape[2] == 5 + len(meta["names"]):  # YOLOv5 layout -> scores = obj x cls, [B, 4 + C, N]
            raw = torch.cat((raw[..., :4], raw[..., 5:] * raw[..., 4:5]), 2).transpose(1, 2)
        det = non_max_suppression(raw, 0.001, iou, classes=classes, multi_label=True, max_det=300)[0]
        ratio = params["ratio"]
        boxes = scale_boxes((size, size), det[:, :4].clone(), (h0, w0),
                            ratio_pad=((h1 / h0 * ratio[1], w1 / w0 * ratio[0]), (params["left"], params["top"])))
        out.append([[int(c), float(s)] + [float(v) for v in b] for b, s, c in zip(boxes, det[:, 4], det[:, 5])])
    return out


def read_labels(path, w, h):
    if not path.exists():
        return []
    rows = {tuple(np.float32(v) for v in line.split()) for line in path.read_text().splitlines() if line.split()}
    return [[int(c), float(np.float32((cx - bw / 2.0) * w)), float(np.float32((cy - bh / 2.0) * h)),
             float(np.float32((cx + bw / 2.0) * w)), float(np.float32((cy + bh / 2.0) * h))]
            for c, cx, cy, bw, bh in (tuple(float(v) for v in r) for r in rows)]


def read_detections(csv_path):
    per_stem = defaultdict(list)
    with open(csv_path) as f:
        for row in csv.DictReader(f):
            per_stem[row["stem"]].append([int(row["class"]), float(row["conf"]), float(row["x1"]),
                                          float(row["y1"]), float(row["x2"]), float(row["y2"])])
    return per_stem


def check_scoring(row, dets, labels_dir):
    images = []
    for stem, path, (w, h) in zip(row["stems"], row["paths"], row["sizes"]):
        images.append({"labels": read_labels(labels_dir / f"{stem}.txt", w, h), "preds": dets.get(stem, [])})
    ref = scored(images)
    diffs = [abs(row[k] - ref[m]) for k, m in
             [("precision", "mp"), ("recall", "mr"), ("map50", "map50"), ("map75", "map75"), ("map50_95", "map50_95")]]
    for c, cls in enumerate(row["classes"]):
        k = ref["classes"].index(cls["class"])
        diffs += [abs(cls["precision"] - ref["precision"][k]), abs(cls["recall"] - ref["recall"][k])]
        diffs += [abs(a - b) for a, b in zip(cls["ap"], ref["ap"][k])]
    return max(diffs)


def check_detections(row, dets, model, iou, classes, label_of):
    python = val_pipeline(model, row["paths"], iou, classes)
    total = matched = 0
    worst_box = worst_score = 0.0
    for stem, found in zip(row["stems"], python):
        ours = dets.get(stem, [])
        total += len(found)
        for c, s, *box in found:
            best = None
            for oc, os_, *obox in ours:
                if oc == label_of[c] and abs(os_ - s) < SCORE_TOL:
                    d = max(abs(a - b) for a, b in zip(box, obox))
                    if best is None or d < best[0]:
                        best = (d, abs(os_ - s))
            if best and best[0] < BOX_TOL:
                matched += 1
                worst_box, worst_score = max(worst_box, best[0]), max(worst_score, best[1])
        if len(found) != len(ours):
            print(f"  {row['name']}/{stem}: {len(found)} Python detections, {len(ours)} tesg-detect")
    return total, matched, worst_box, worst_score


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("labels_dir", type=Path)
    ap.add_argument("--model")
    args = ap.parse_args()
    summary = json.loads((args.out_dir / "summary.json").read_text())
    label_of = {c["detector_id"]: c["label_id"] for c in summary["classes"]}
    classes = sorted(label_of)
    ok = True
    for row in summary["rows"]:
        dets = read_detections(args.out_dir / row["dir"] / "detections.csv")
        worst = check_scoring(row, dets, args.labels_dir)
        ok &= worst <= AP_TOL
        line = f"{row['name']}: scoring max |diff| {worst:.2e} vs ultralytics ap_per_class"
        if args.model:
            total, matched, box, score = check_detections(row, dets, args.model, summary["iou"], classes, label_of)
            ok &= matched == total
            line += f"; detections {matched}/{total} matched (max box diff {box:.4f} px, score {score:.2e})"
        print(line)
    print("agreement" if ok else "DISAGREEMENT")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
