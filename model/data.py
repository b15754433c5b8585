"""MFNet-layout synthetic data: read 4-channel PNGs (RGB + thermal in channel 3) and labels,
resize to the model input once, cache as uint8 arrays (.npz) for fast epochs on one CPU thread.
"""
import os

import numpy as np
from PIL import Image

MFNET_CLASSES = ["unlabeled", "car", "person", "bike", "curve", "car_stop", "guardrail", "color_cone", "bump"]
MFNET_PALETTE = [[0, 0, 0], [64, 0, 128], [64, 64, 0], [0, 128, 192], [0, 0, 192], [128, 128, 0],
                 [64, 64, 128], [192, 128, 128], [192, 64, 0]]
# SARTM's normalisation: RGB /255 then ImageNet mean/std; thermal /255, replicated to 3, no mean/std.
RGB_MEAN = [0.485, 0.456, 0.406]
RGB_STD = [0.229, 0.224, 0.225]


def list_names(root, splits=("train", "val", "test")):
    names = []
    for s in splits:
        p = os.path.join(root, f"{s}.txt")
        if os.path.exists(p):
            names += [n.strip() for n in open(p) if n.strip()]
    return sorted(set(names))


def read_pair(root, name):
    im = Image.open(os.path.join(root, "images", name + ".png"))
    if im.mode != "RGBA":
        raise ValueError(f"{name}: expected a 4-channel PNG, got mode {im.mode}")
    lab = np.asarray(Image.open(os.path.join(root, "labels", name + ".png")))
    return im, lab


def resize_input(im: Image.Image, w: int, h: int) -> np.ndarray:
    """Bilinear (antialiased) resize of each channel independently; returns HxWx4 uint8."""
    chans = [c.resize((w, h), Image.BILINEAR) for c in im.split()]
    return np.stack([np.asarray(c) for c in chans], axis=-1)


def build_cache(root, w, h, cache_path, keep_full_labels=False, label_div=2):
    """Inputs at (h, w); training labels at (h/label_div, w/label_div), nearest."""
    if os.path.exists(cache_path):
        z = np.load(cache_path)
        return {k: z[k] for k in z.files}
    names = list_names(root)
    imgs = np.zeros((len(names), h, w, 4), np.uint8)
    lh, lw = h // label_div, w // label_div
    labs = np.zeros((len(names), lh, lw), np.uint8)
    full = []
    for i, n in enumerate(names):
        im, lab = read_pair(root, n)
        imgs[i] = resize_input(im, w, h)
        labs[i] = np.asarray(Image.fromarray(lab).resize((lw, lh), Image.NEAREST))
        if keep_full_labels:
            full.append(lab)
    out = {"images": imgs, "labels": labs, "names": np.array(names)}
    if keep_full_labels:
        out["full_labels"] = np.stack(full)
    np.savez(cache_path, **out)
    return out


def to_tensors(batch_u8):
    """uint8 [B,H,W,4] -> (rgb [B,3,H,W], thermal [B,3,H,W]) float32, normalised as the manifest says."""
    import torch
    x = torch.from_numpy(batch_u8).permute(0, 3, 1, 2).float() / 255.0
    mean = torch.tensor(RGB_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(RGB_STD).view(1, 3, 1, 1)
    rgb = (x[:, :3] - mean) / std
    thermal = x[:, 3:4].expand(-1, 3, -1, -1).contiguous()
    return rgb, thermal
