"""Recover the embedded tiny package's PyTorch weights from its backbone.onnx.

Why: the LoRA fine-tuning tier (model/lora_worker.py) trains from a package's PyTorch weights, and
the tiny model's training checkpoint (model/runs/, gitignored) is gone. The graph holds every weight
the semantic path uses, so: export a fresh copy of the same model with the SAME code path
(export_package.WithEmbeddings + package.export_onnx) with every parameter and buffer set to a
distinct value, map each element of each fresh initializer back to the (tensor, index) it came from
(this sees through transposes, reshapes and folded concatenations), then copy the shipped graph's
initializers (stored as <name>__fp16 + Cast) into those elements. Verified against the package's
parity fixture.

  /usr/bin/python3 model/recover_torch_weights.py [--package resources/models/tiny-sartm]

Training-only modules (fusion, auxiliary head, text projection) are not in the graph; they keep
their seed-0 initialisation and are not used by the LoRA tier.
"""
import argparse
import json
import os
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_package import OUTPUTS, WithEmbeddings  # noqa: E402
from package import export_onnx, normalise_u8  # noqa: E402
from sartm import SartmConfig, SartmModel  # noqa: E402

TORCH_FORMAT = "twinlight-sartm-torch"
ARCH = "twinlight-sartm"


def _graph_arrays(path):
    """Initializer name -> float32 array; '<name>__fp16' initializers are returned as <name>."""
    import onnx
    from onnx import numpy_helper
    out = {}
    for init in onnx.load(path).graph.initializer:
        a = numpy_helper.to_array(init)
        name = init.name[:-len("__fp16")] if init.name.endswith("__fp16") else init.name
        out[name] = a.astype(np.float32) if a.dtype in (np.float16, np.float32) else a
    return out


def _unique_fill(module):
    """Give every float element of every parameter / buffer the value offset+k (k = its global index).
    Values are exact float32 integers in [N, 2N): products or sums of them fall outside the range, so
    a folded combination can never be mistaken for a copied element."""
    tensors = [(n, t) for n, t in list(module.named_parameters()) + list(module.named_buffers())
               if t.dtype == torch.float32]
    total = sum(t.numel() for _, t in tensors)
    assert 2 * total < 2 ** 24, "too many elements for exact float32 integer codes"
    lookup, k = {}, total
    with torch.no_grad():
        for n, t in tensors:
            t.copy_(torch.arange(k, k + t.numel(), dtype=torch.float32).reshape(t.shape))
            lookup[n] = (k, t.numel())
            k += t.numel()
    return tensors, total


def recover(package_dir, seed=0):
    manifest = json.load(open(os.path.join(package_dir, "manifest.json")))
    prov = manifest["provenance"]
    cfg = SartmConfig(**prov["config"])
    temperature = float(prov["logitTemperature"]["value"])
    torch.manual_seed(seed)
    model = SartmModel(cfg).eval()
    wrapper = WithEmbeddings(model.sam, temperature).eval()
    init = {k: v.clone() for k, v in wrapper.state_dict().items()}
    tensors, total = _unique_fill(wrapper)
    h, w = cfg.input_h, cfg.input_w
    rgb, th = torch.zeros(1, 3, h, w), torch.zeros(1, 3, h, w)
    with tempfile.TemporaryDirectory() as tmp:
        fresh_path = os.path.join(tmp, "fresh.onnx")
        export_onnx(wrapper, rgb, th, fresh_path, output_names=OUTPUTS)
        fresh = _graph_arrays(fresh_path)
    shipped = _graph_arrays(os.path.join(package_dir, "backbone.onnx"))
    # flat code -> value from the shipped graph
    values = np.full(total, np.nan, np.float64)
    unmapped = []
    for name, a in fresh.items():
        if a.dtype != np.float32:
            continue
        codes = a.astype(np.float64).ravel() - total
        is_code = (codes >= 0) & (codes < total) & (codes == np.round(codes))
        if not is_code.any():
            continue
        if not is_code.all():
            unmapped.append(name)
            continue
        if name not in shipped or shipped[name].shape != a.shape:
            raise SystemExit(f"{name}: in the fresh export {a.shape} but the shipped graph has "
                             f"{None if name not in shipped else shipped[name].shape}; not the same export path")
        values[codes.astype(np.int64)] = shipped[name].ravel()
    sd, missing = {}, []
    off = total
    for n, t in tensors:
        v = values[off - total:off - total + t.numel()]
        off += t.numel()
        if np.isnan(v).any():
            missing.append((n, int(np.isnan(v).sum())))
        sd[n] = torch.from_numpy(v.astype(np.float32)).reshape(t.shape)
    # Not in the graph at all (the semantic path never reads them: point embeddings for labels 0..3,
    # the IoU head): they keep their seed-`seed` initialisation. Partly-recovered tensors are an error.
    partial = [(n, c) for n, c in missing if c != dict(tensors)[n].numel()]
    if partial:
        raise SystemExit(f"partly recovered (a folded initializer?): {partial}")
    with torch.no_grad():
        for n, t in tensors:
            t.copy_(init[n] if n in dict(missing) else sd[n])
    return cfg, temperature, model, wrapper, [n for n, _ in missing], unmapped


def load_torch_weights(path, map_location="cpu"):
    """Load a twinlight-sartm-torch file: (cfg, temperature, SartmModel in float32, eval mode)."""
    ck = torch.load(path, map_location=map_location)
    if ck.get("format") != TORCH_FORMAT:
        raise ValueError(f"{path}: format {ck.get('format')!r}, expected {TORCH_FORMAT!r}")
    if ck.get("arch") != ARCH:
        raise ValueError(f"{path}: arch {ck.get('arch')!r}, expected {ARCH!r}")
    cfg = SartmConfig(**ck["config"])
    model = SartmModel(cfg)
    model.load_state_dict({k: v.float() for k, v in ck["state_dict"].items()})
    return cfg, float(ck["temperature"]), model.eval()


def save_torch_weights(path, cfg, temperature, model, fp16=True):
    """fp16 storage of every float tensor (the tiny package's weights are fp16-exact already)."""
    sd = {k: (v.detach().half() if fp16 and v.dtype == torch.float32 else v.detach()).cpu().clone()
          for k, v in model.state_dict().items()}
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    torch.save({"format": TORCH_FORMAT, "arch": ARCH, "config": cfg.to_dict(), "temperature": temperature,
                "state_dict": sd}, tmp)
    os.replace(tmp, path)


def parity_max_abs(package_dir, cfg, temperature, model):
    """Max |Δ| of logits (graph-scaled by 1/T) and features against the package's parity fixture."""
    manifest = json.load(open(os.path.join(package_dir, "manifest.json")))
    pdir = os.path.join(package_dir, "parity")
    meta = json.load(open(os.path.join(pdir, "parity.json")))
    raw = np.fromfile(os.path.join(pdir, meta["files"]["rawU8"]), np.uint8).reshape(meta["shapes"]["rawU8"])
    norm = manifest["normalisation"]
    rgb, th = normalise_u8(raw, norm["rgb"], norm["thermal"])
    with torch.no_grad():
        logits, features = model(rgb, th)
        logits = logits * torch.tensor(1.0 / temperature)
    ref_l = np.fromfile(os.path.join(pdir, meta["files"]["logits"]), "<f4").reshape(meta["shapes"]["logits"])
    ref_f = np.fromfile(os.path.join(pdir, meta["files"]["features"]), "<f4").reshape(meta["shapes"]["features"])
    return float(np.abs(logits.numpy() - ref_l).max()), float(np.abs(features.numpy() - ref_f).max())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--package", default="resources/models/tiny-sartm")
    ap.add_argument("--no-manifest", action="store_true", help="write model.pt only, leave manifest.json alone")
    args = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("TWL_THREADS", "2")))
    cfg, temperature, model, wrapper, unused, unmapped = recover(args.package)
    out = os.path.join(args.package, "pytorch", "model.pt")
    save_torch_weights(out, cfg, temperature, model)
    # Parity from the saved file (fp16 round trip included).
    cfg2, t2, model2 = load_torch_weights(out)
    dl, df = parity_max_abs(args.package, cfg2, t2, model2)
    print(json.dumps({"out": out, "bytes": os.path.getsize(out), "parityMaxAbsLogits": dl,
                      "parityMaxAbsFeatures": df, "foldedInitializers": unmapped,
                      "notInGraph": unused}))
    if max(dl, df) > 1e-4:
        raise SystemExit(f"recovered weights miss the parity fixture: logits {dl:.3g}, features {df:.3g}")
    if not args.no_manifest:
        mpath = os.path.join(args.package, "manifest.json")
        m = json.load(open(mpath))
        m["provenance"]["pytorch"] = {"weights": "pytorch/model.pt", "arch": ARCH, "config": cfg.to_dict(),
                                      "recoveredBy": "model/recover_torch_weights.py",
                                      "parityMaxAbs": float(f"{max(dl, df):.3g}")}
        with open(mpath, "w") as f:
            json.dump(m, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
