"""Estimate how the project's thermal camera differs from the source model's training data, so the
trainer can also show the model source-like thermal (the inverse of that difference) and the
fine-tuned package keeps working on the source domain (forgetting was the LoRA tier's main loss).

Reference for the source domain: the package's parity fixture, an image of its held-out data, with
the source model's own per-class predictions (logits.bin). Per class c present there, its mean
thermal level mu_c; the job's labelled pixels of class c at column x are then fitted by least
squares as T' = gain * mu_c + offset + gradient * (x/(W-1) - 1/2)."""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

MIN_PIXELS = 200


def fixture_class_means(package_dir):
    man = json.load(open(os.path.join(package_dir, "manifest.json")))
    meta_path = os.path.join(package_dir, man.get("parity") or "parity/parity.json")
    if not os.path.exists(meta_path):
        return {}
    meta = json.load(open(meta_path))
    pdir = os.path.dirname(meta_path)
    h, w, _ = meta["shapes"]["rawU8"]
    raw = np.fromfile(os.path.join(pdir, meta["files"]["rawU8"]), np.uint8).reshape(h, w, 4)
    lg = torch.from_numpy(np.fromfile(os.path.join(pdir, meta["files"]["logits"]), "<f4")
                          .reshape(meta["shapes"]["logits"]))
    pred = F.interpolate(lg, size=(h, w), mode="bilinear", align_corners=False).argmax(1)[0].numpy()
    th = raw[..., 3].astype(np.float64) / 255.0
    return {c: float(th[pred == c].mean()) for c in np.unique(pred) if (pred == c).sum() >= MIN_PIXELS}


def estimate_thermal_drift(package_dir, images, labels, sources, stride=20):
    """{gain, offset, gradient} of the job's thermal relative to the source's, or None when fewer
    than 3 source classes are seen in both (not identifiable) or the fit is implausible / identity."""
    mu = fixture_class_means(package_dir)
    # job output channel k with source s: its pixels are compared with the fixture's class s
    pairs = [(k, mu[s]) for k, s in enumerate(sources) if s is not None and s in mu]
    n, h, w = labels.shape
    ramp = (np.arange(w) / max(1, w - 1) - 0.5)[None, :].repeat(h, 0).ravel()
    rows, ys, seen = [], [], set()
    for i in range(n):
        lab = np.asarray(labels[i]).ravel()
        th = np.asarray(images[i][..., 3]).astype(np.float64).ravel() / 255.0
        for k, m in pairs:
            idx = np.flatnonzero(lab == k)[::stride]
            if len(idx) < 10:
                continue
            seen.add(k)
            rows.append(np.stack([np.full(len(idx), m), np.ones(len(idx)), ramp[idx]], 1))
            ys.append(th[idx])
    if len(seen) < 3:
        return None
    gain, offset, grad = np.linalg.lstsq(np.concatenate(rows), np.concatenate(ys), rcond=None)[0]
    if not 0.3 <= gain <= 3.0:
        return None
    if abs(gain - 1) < 0.05 and abs(offset) < 0.03 and abs(grad) < 0.03:
        return None
    return {"gain": round(float(gain), 4), "offset": round(float(offset), 4), "gradient": round(float(grad), 4),
            "classesUsed": sorted(int(k) for k in seen)}
