#!/usr/bin/python3
"""Cross-check tesg-eval against the field's evaluator, recomputed with the Python libraries it
uses (numpy, scipy, scikit-image 0.19, scikit-learn, OpenCV; Debian: python3-numpy
python3-scipy python3-skimage python3-sklearn python3-opencv). A development tool: tesg itself
never runs Python.

The metric definitions follow ../shared/docs/METRICS.md (CDDFuse's Evaluator.py and the Python
port of analysis_nabf.m). Usage:
  scripts/crosscheck_metrics.py DATA_DIR FUSED_DIR TESG_PER_IMAGE_CSV
prints, per metric, the largest absolute and relative difference over the images.
"""
import csv
import math
import os
import sys

import cv2
import numpy as np
from scipy.signal import convolve2d
from skimage.metrics import structural_similarity
from sklearn.metrics import mutual_info_score


def read_gray(path):
    img = np.float32(cv2.imread(path))
    return np.round(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY))


def en(f):
    a = np.uint8(np.round(f)).flatten()
    h = np.bincount(a) / a.shape[0]
    return -sum(h * np.log2(h + (h == 0)))


def sf(f):
    return np.sqrt(np.mean((f[:, 1:] - f[:, :-1]) ** 2) + np.mean((f[1:, :] - f[:-1, :]) ** 2))


def ag(f):
    gy, gx = np.gradient(f)
    return np.mean(np.sqrt((gx ** 2 + gy ** 2) / 2))


def corr(x, y):
    dx, dy = x - np.mean(x), y - np.mean(y)
    return np.sum(dx * dy) / np.sqrt(np.sum(dx ** 2) * np.sum(dy ** 2))


def vif_pair(ref, dist):
    sigma_nsq, eps, num, den = 2, 1e-10, 0.0, 0.0
    ref, dist = ref.astype(np.float64), dist.astype(np.float64)
    for scale in range(1, 5):
        n = 2 ** (4 - scale + 1) + 1
        sd = n / 5.0
        m = (n - 1.0) / 2.0
        y, x = np.ogrid[-m:m + 1, -m:m + 1]
        h = np.exp(-(x * x + y * y) / (2.0 * sd * sd))
        h[h < np.finfo(h.dtype).eps * h.max()] = 0
        win = h / h.sum()
        if scale > 1:
            ref = convolve2d(ref, np.rot90(win, 2), mode='valid')[::2, ::2]
            dist = convolve2d(dist, np.rot90(win, 2), mode='valid')[::2, ::2]
        mu1 = convolve2d(ref, np.rot90(win, 2), mode='valid')
        mu2 = convolve2d(dist, np.rot90(win, 2), mode='valid')
        s1 = convolve2d(ref * ref, np.rot90(win, 2), mode='valid') - mu1 * mu1
        s2 = convolve2d(dist * dist, np.rot90(win, 2), mode='valid') - mu2 * mu2
        s12 = convolve2d(ref * dist, np.rot90(win, 2), mode='valid') - mu1 * mu2
        s1[s1 < 0] = 0
        s2[s2 < 0] = 0
        g = s12 / (s1 + eps)
        sv = s2 - g * s12
        g[s1 < eps] = 0
        sv[s1 < eps] = s2[s1 < eps]
        s1[s1 < eps] = 0
        g[s2 < eps] = 0
        sv[s2 < eps] = 0
        sv[g < 0] = s2[g < 0]
        g[g < 0] = 0
        sv[sv <= eps] = eps
        num += np.sum(np.log10(1.0 + (g ** 2.0) * s1 / (sv + sigma_nsq)))
        den += np.sum(np.log10(1.0 + s1 / sigma_nsq))
    v = num / den
    return 1.0 if np.isnan(v) else v


def qabf(f, a, b):
    h1 = np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]]).astype(np.float32)
    h3 = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]).astype(np.float32)

    def arrays(img):
        sx = convolve2d(img, h3, mode='same')
        sy = convolve2d(img, h1, mode='same')
        g = np.sqrt(sx * sx + sy * sy)
        al = np.zeros_like(img)
        al[sx == 0] = math.pi / 2
        al[sx != 0] = np.arctan(sy[sx != 0] / sx[sx != 0])
        return g, al

    def q(aX, gX, aF, gF):
        G = np.zeros_like(aX)
        G[gX > gF] = gF[gX > gF] / gX[gX > gF]
        G[gX == gF] = gF[gX == gF]
        G[gX < gF] = gX[gX < gF] / gF[gX < gF]
        A = 1 - np.abs(aX - aF) / (math.pi / 2)
        return 0.9994 / (1 + np.exp(-15 * (G - 0.5))) * (0.9879 / (1 + np.exp(-22 * (A - 0.8))))

    gA, aA = arrays(a)
    gB, aB = arrays(b)
    gF, aF = arrays(f)
    return np.sum(q(aA, gA, aF, gF) * gA + q(aB, gB, aF, gF) * gB) / np.sum(gA + gB)


def nabf(f, a, b):
    def sobel(x):
        x = x.astype(np.float64)
        ext = np.pad(x, 1, mode='reflect')  # mirror without edge repeat
        gv = convolve2d(ext, np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]) / 8, mode='valid')
        gh = convolve2d(ext, np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]) / 8, mode='valid')
        return gv, gh

    def strength_angle(x):
        gv, gh = sobel(x)
        with np.errstate(divide='ignore', invalid='ignore'):
            al = np.where((gv == 0) & (gh == 0), 0, np.arctan(gv / gh))
        return np.sqrt(gh ** 2 + gv ** 2), al

    gA, aA = strength_angle(a)
    gB, aB = strength_angle(b)
    gF, aF = strength_angle(f)

    def q(gX, aX):
        G = np.zeros(gX.shape)
        mask = (gX == 0) | (gF == 0)
        with np.errstate(divide='ignore', invalid='ignore'):
            G[~mask] = np.where(gX > gF, gF / gX, gX / gF)[~mask]
        A = np.abs(np.abs(aX - aF) - np.pi / 2) * 2 / np.pi
        return np.sqrt(0.9999 / (1 + np.exp(-19 * (G - 0.5))) * 0.9995 / (1 + np.exp(-22 * (A - 0.5))))

    QAF, QBF = q(gA, aA), q(gB, aB)
    wA = np.where(gA >= 2, gA ** 1.5, 0)
    wB = np.where(gB >= 2, gB ** 1.5, 0)
    na = np.where((gF > gA) & (gF > gB), 1, 0)
    return np.sum(na * ((1 - QAF) * wA + (1 - QBF) * wB)) / np.sum(wA + wB)


def evaluator(f, a, b):
    mse = (np.mean((a - f) ** 2) + np.mean((b - f) ** 2)) / 2
    return {
        'EN': en(f), 'SD': np.std(f), 'SF': sf(f), 'AG': ag(f),
        'MI': mutual_info_score(f.flatten(), a.flatten()) + mutual_info_score(f.flatten(), b.flatten()),
        'SCD': corr(a, f - b) + corr(b, f - a),
        'VIF': vif_pair(a, f) + vif_pair(b, f),
        'Qabf': qabf(f, a, b), 'Nabf': nabf(f, a, b),
        'SSIM': structural_similarity(f, a) + structural_similarity(f, b),
        'PSNR': 10 * np.log10(np.max(f) ** 2 / mse), 'MSE': mse,
        'CC': (corr(a, f) + corr(b, f)) / 2,
    }


def main(data_dir, fused_dir, tesg_csv):
    with open(tesg_csv) as fh:
        rows = list(csv.DictReader(fh))
    worst = {}
    for row in rows:
        stem = row['stem']
        find = lambda d: next(os.path.join(d, n) for n in os.listdir(d) if os.path.splitext(n)[0] == stem)
        ref = evaluator(read_gray(find(fused_dir)), read_gray(find(os.path.join(data_dir, 'ir'))),
                        read_gray(find(os.path.join(data_dir, 'vi'))))
        for name, value in ref.items():
            if name not in row:
                continue
            diff = abs(float(row[name]) - float(value))
            rel = diff / max(abs(float(value)), 1e-12)
            old = worst.get(name, (0, 0, ''))
            worst[name] = (max(old[0], diff), max(old[1], rel), stem if rel >= old[1] else old[2])
    print(f'{len(rows)} images; metric: max |tesg - evaluator|, max relative, worst image')
    for name, (diff, rel, stem) in worst.items():
        print(f'{name:5s} {diff:.3e} {rel:.3e} {stem}')


if __name__ == '__main__':
    main(*sys.argv[1:4])
