"""Python-side parity check of a package: ONNX (python onnxruntime) vs the PyTorch reference outputs
stored in the package's parity fixture.

  /usr/bin/python3 model/parity.py resources/models/tiny-sartm

Debian has no python3-onnxruntime package and PyPI is not reachable here, so on this machine the
check runs through onnxruntime-node instead, the code path the app uses:
  npx vitest run test/model/parity.test.ts
When python onnxruntime is importable, this script does the same comparison itself.
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def main(pkg_dir):
    try:
        import onnxruntime as ort
    except ImportError:
        print("python onnxruntime is not installed; run the parity check through onnxruntime-node:\n"
              "  npx vitest run test/model/parity.test.ts", file=sys.stderr)
        return 3
    import torch
    from package import normalise_u8
    m = json.load(open(os.path.join(pkg_dir, "manifest.json")))
    meta = json.load(open(os.path.join(pkg_dir, m["parity"])))
    pdir = os.path.dirname(os.path.join(pkg_dir, m["parity"]))
    raw = np.fromfile(os.path.join(pdir, meta["files"]["rawU8"]), np.uint8).reshape(meta["shapes"]["rawU8"])
    th_ch = 3 if m["normalisation"]["thermal"]["replicateTo3"] else 1
    rgb, th = normalise_u8(raw, m["normalisation"]["rgb"], m["normalisation"]["thermal"], th_ch)
    sess = ort.InferenceSession(os.path.join(pkg_dir, m["parts"]["backbone"]), providers=["CPUExecutionProvider"])
    t = m["tensors"]
    out = sess.run([t["outputs"]["logits"]["name"], t["outputs"]["features"]["name"]],
                   {t["inputs"]["rgb"]["name"]: rgb.numpy(), t["inputs"]["thermal"]["name"]: th.numpy()})
    worst = 0.0
    for key, arr in zip(["logits", "features"], out):
        ref = np.fromfile(os.path.join(pdir, meta["files"][key]), "<f4").reshape(arr.shape)
        d = float(np.abs(arr - ref).max())
        worst = max(worst, d)
        print(f"{key}: max abs diff {d:.3e}")
    ok = worst <= meta.get("tolerance", 1e-4)
    print("parity OK" if ok else "parity FAILED")
    del torch
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "resources/models/tiny-sartm"))
