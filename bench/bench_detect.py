#!/usr/bin/env python3
"""The Python side of bench/bench_detect.sh: ultralytics' validation pipeline (load_image,
LetterBox, TorchScript forward, non_max_suppression, scale_boxes) on every image of the given
folders, then match_predictions + ap_per_class, at a fixed thread count. Prints one JSON line:
images, seconds of the detector pipeline, seconds in all.
  bench/bench_detect.py THREADS MODEL LABELS_DIR FOLDER...
"""
import json
import sys
import time
from pathlib import Path

import cv2
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import crosscheck_detect  # noqa: E402

threads, model, labels_dir, folders = int(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), sys.argv[4:]
torch.set_num_threads(threads)
start = time.perf_counter()
images, detect_s = 0, 0.0
for folder in folders:
    paths = sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in (".png", ".jpg"))
    t0 = time.perf_counter()
    found = crosscheck_detect.val_pipeline(model, paths, 0.6, [0, 1, 2])
    detect_s += time.perf_counter() - t0
    cases = []
    for p, dets in zip(paths, found):
        h, w = cv2.imread(str(p), cv2.IMREAD_UNCHANGED).shape[:2]
        cases.append({"labels": crosscheck_detect.read_labels(labels_dir / f"{p.stem}.txt", w, h), "preds": dets})
    crosscheck_detect.scored(cases)
    images += len(paths)
print(json.dumps({"images": images, "detect_s": detect_s, "total_s": time.perf_counter() - start}))
