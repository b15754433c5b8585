"""Fixed class-name embedding table standing in for CLIP text embeddings (no download possible).

Each vector = hand-set semantic attributes (so related classes are close, as CLIP would put them)
plus a hashed character-trigram part (so any class name gets a deterministic vector). Normalised.
"""
import hashlib

import numpy as np

# vehicle, human, rides, on-ground-flat, road-edge, barrier, small, traffic-device, hot, background
ATTRIBUTES = {
    "unlabeled":  [0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    "background": [0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    "car":        [1, 0, 0, 0, 0, 0, 0, 0, 1, 0],
    "person":     [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
    "bike":       [1, 0.5, 1, 0, 0, 0, 1, 0, 0, 0],
    "curve":      [0, 0, 0, 1, 1, 0.5, 0, 0, 0, 0],
    "car_stop":   [0, 0, 0, 1, 0, 1, 1, 1, 0, 0],
    "guardrail":  [0, 0, 0, 0, 1, 1, 0, 1, 0, 0],
    "color_cone": [0, 0, 0, 0, 0, 1, 1, 1, 0, 0],
    "bump":       [0, 0, 0, 1, 0, 0.5, 0, 1, 0, 0],
}


def _trigram_vector(name: str, dim: int) -> np.ndarray:
    v = np.zeros(dim, dtype=np.float64)
    s = f"  {name.lower()}  "
    for i in range(len(s) - 2):
        h = hashlib.sha256(s[i:i + 3].encode()).digest()
        v[int.from_bytes(h[:4], "little") % dim] += 1.0 if h[4] & 1 else -1.0
    n = np.linalg.norm(v)
    return v / n if n > 0 else v


def class_text_table(names, dim: int = 32) -> np.ndarray:
    n_attr = len(next(iter(ATTRIBUTES.values())))
    out = np.zeros((len(names), dim), dtype=np.float32)
    for i, name in enumerate(names):
        attr = np.zeros(n_attr)
        if name.lower() in ATTRIBUTES:
            attr = np.asarray(ATTRIBUTES[name.lower()], dtype=np.float64)
            attr = attr / max(np.linalg.norm(attr), 1e-9)
        v = 0.3 * _trigram_vector(name, dim)
        v[:n_attr] += attr
        out[i] = v / np.linalg.norm(v)
    return out
