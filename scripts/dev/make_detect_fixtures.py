#!/usr/bin/env python3
"""Makes the golden files of tests/fixtures/detect/ with ultralytics' own code (a dev tool;
tesg never runs Python):

  ap_cases.json        random labels and detections on 40 images (jittered, duplicated, missed,
                       wrongly classed and spurious boxes, a class without labels), matched with
                       ultralytics' DetectionValidator.match_predictions and scored with
                       ultralytics.utils.metrics.ap_per_class.
  yolov5n_expected.json  the shared COCO YOLOv5n run through ultralytics' validation pipeline
                       (load_image, LetterBox, non_max_suppression at conf 0.001 / IoU 0.6 on the
                       person, bicycle and car classes, multi-label, scale_boxes) on bundled
                       sample images of three sizes, gray and colour.
  yolov8_tiny_expected.json  the same for tests/fixtures/detect/yolov8_tiny.torchscript (v8
                       layout, IoU 0.7) on two bundled samples.

  python3 scripts/dev/make_detect_fixtures.py ../shared/models/yolov5n_coco.torchscript
(ultralytics 8.4.190 with Debian's python3-torch 1.13 and python3-opencv 4.6 made the files.)
"""
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests/fixtures/detect"
sys.path.insert(0, str(ROOT / "scripts"))
import crosscheck_detect  # noqa: E402  (ultralytics' pipeline and scoring, shared)

scored = crosscheck_detect.scored


def f32(v):
    return float(np.float32(v))


def random_case(rng, n_images=40, w=640, h=480):
    images = []
    for _ in range(n_images):
        labels, preds = [], []
        for _ in range(int(rng.integers(0, 7))):
            c = int(rng.choice([0, 0, 0, 1, 2]))
            bw, bh = rng.uniform(8, 160), rng.uniform(16, 200)
            x1, y1 = rng.uniform(0, w - bw), rng.uniform(0, h - bh)
            labels.append([c, f32(x1), f32(y1), f32(x1 + bw), f32(y1 + bh)])
            if rng.random() < 0.85:  # found, jittered by up to 25 % of the size
                jx, jy = rng.uniform(-0.25, 0.25, 2) * [bw, bh]
                s = rng.uniform(0.8, 1.2)
                pc = c if rng.random() > 0.1 else int(rng.integers(0, 3))
                conf = rng.uniform(0.2, 1.0)
                box = [x1 + jx, y1 + jy, x1 + jx + bw * s, y1 + jy + bh * s]
                preds.append([pc, f32(conf)] + [f32(v) for v in box])
                if rng.random() < 0.2:  # a duplicate, less confident
                    preds.append([pc, f32(conf * rng.uniform(0.3, 0.95))] + [f32(v + rng.uniform(-3, 3)) for v in box])
        for _ in range(int(rng.integers(0, 5))):  # spurious, class 3 has no labels at all
            bw, bh = rng.uniform(8, 120), rng.uniform(8, 120)
            x1, y1 = rng.uniform(0, w - bw), rng.uniform(0, h - bh)
            preds.append([int(rng.integers(0, 4)), f32(rng.uniform(0.001, 0.7)), f32(x1), f32(y1), f32(x1 + bw), f32(y1 + bh)])
        preds.sort(key=lambda p: -p[1])
        images.append({"labels": labels, "preds": preds})
    return images


def val_pipeline(model_path, image_paths, iou, classes):
    return [{"image": str(Path(p).relative_to(ROOT)), "detections": dets}
            for p, dets in zip(image_paths, crosscheck_detect.val_pipeline(model_path, image_paths, iou, classes))]


def main(yolov5_path):
    rng = np.random.default_rng(0)
    cases = {"perfect_and_noisy": random_case(rng)}
    (OUT / "ap_cases.json").write_text(json.dumps(
        {name: {"images": imgs, "expected": scored(imgs)} for name, imgs in cases.items()}, indent=1))
    samples = ROOT / "data/samples"
    (OUT / "yolov5n_expected.json").write_text(json.dumps(val_pipeline(
        yolov5_path, [samples / "vi/00004N.png", samples / "ir/00055D.png", samples / "vi/200002.jpg",
                      samples / "vi/FLIR_05102.jpg"], 0.6, [0, 1, 2]), indent=1))
    (OUT / "yolov8_tiny_expected.json").write_text(json.dumps(val_pipeline(
        str(OUT / "yolov8_tiny.torchscript"), [samples / "vi/00004N.png", samples / "ir/190001.jpg"], 0.7,
        None), indent=1))


if __name__ == "__main__":
    main(sys.argv[1])
