"""Export the trained tiny model (model/train.py's run dir) as the embedded package.

  /usr/bin/python3 model/export_package.py --run-dir model/runs/tiny \
      --heldout-data model/runs/data/heldout-seed2 --out resources/models/tiny-sartm
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import MFNET_CLASSES, MFNET_PALETTE, RGB_MEAN, RGB_STD, list_names, read_pair, resize_input  # noqa: E402
from data import build_cache  # noqa: E402
from metrics import evaluate  # noqa: E402
from package import (build_manifest, export_onnx, normalise_u8, round_weights_fp16,  # noqa: E402
                     store_initializers_fp16, write_manifest, write_parity)
from sartm import SartmConfig, SartmModel  # noqa: E402
from sartm.model import semantic_head  # noqa: E402
from sartm.prompt import encoder_levels  # noqa: E402

GEN_TRAIN = "npx tsx scripts/generateSynthetic.ts --out model/runs/data/train-seed1 --count 2500 --seed 1 --quiet"
GEN_HELDOUT = "npx tsx scripts/generateSynthetic.ts --out model/runs/data/heldout-seed2 --count 300 --seed 2 --quiet"


# image_embed / high_res_feats_*: RGB|thermal concatenated encoder levels, read by the prompt decoder.
OUTPUTS = ("logits", "features", "image_embed", "high_res_feats_0", "high_res_feats_1")


class WithEmbeddings(torch.nn.Module):
    """The shipped graph: logits divided by a fitted temperature (argmax unchanged, logits still
    linear in features), features, and the embeddings the prompt decoder reads."""

    def __init__(self, sam, temperature=1.0):
        super().__init__()
        self.sam = sam
        self.register_buffer("inv_t", torch.tensor(1.0 / temperature))

    def forward(self, rgb, thermal):
        logits, features, enc = semantic_head(self.sam, rgb, thermal)
        return (logits * self.inv_t, features) + encoder_levels(enc, rgb.shape[0])


def fit_temperature(model, images, labels, n=100):
    """Temperature scaling (Guo et al. 2017): the T minimising held-out pixel NLL of softmax(logits/T),
    logits bilinearly upsampled to the label grid. Calibrates the app's confidence maps."""
    import torch.nn.functional as F
    from data import to_tensors
    ls, ys = [], []
    with torch.no_grad():
        for i in range(0, min(n, len(images)), 4):
            rgb, th = to_tensors(images[i:i + 4])
            lg, _ = model(rgb, th)
            y = torch.from_numpy(labels[i:i + 4]).long()
            up = F.interpolate(lg, size=y.shape[-2:], mode="bilinear", align_corners=False)
            ls.append(up[:, :, ::4, ::4].permute(0, 2, 3, 1).reshape(-1, lg.shape[1]))
            ys.append(y[:, ::4, ::4].reshape(-1))
    L, Y = torch.cat(ls), torch.cat(ys)
    grid = [round(0.5 + 0.05 * k, 2) for k in range(111)]  # 0.5 .. 6.0
    nll = [float(F.cross_entropy(L / t, Y)) for t in grid]
    k = int(np.argmin(nll))
    return grid[k], nll[k], float(F.cross_entropy(L, Y))


def load_run(run_dir):
    ck = torch.load(os.path.join(run_dir, "model.pt"), map_location="cpu")
    cfg = SartmConfig(**ck["config"])
    model = SartmModel(cfg)
    model.load_state_dict(ck["state_dict"])
    return cfg, model.eval()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run-dir", required=True)
    ap.add_argument("--heldout-data", required=True, help="parity fixture image comes from here")
    ap.add_argument("--out", required=True)
    ap.add_argument("--version", default="0.1.0")
    ap.add_argument("--fp32-weights", action="store_true",
                    help="keep float32 initializers (default: weights rounded to fp16 and stored as fp16 + Cast, "
                         "half the size; held-out IoU is re-measured with the rounded weights)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    cfg, model = load_run(args.run_dir)
    result = json.load(open(os.path.join(args.run_dir, "result.json")))
    if not args.fp32_weights:
        round_weights_fp16(model)
    # Held-out IoU of exactly the weights that ship (same images and protocol as train.py's final eval).
    ho = build_cache(args.heldout_data, cfg.input_w, cfg.input_h, os.path.join(args.run_dir, "heldout_cache.npz"),
                     keep_full_labels=True)
    ious, miou = evaluate(model, ho["images"], ho["full_labels"], cfg.num_classes)
    ious = [None if np.isnan(v) else round(float(v), 4) for v in ious]
    temperature, nll_t, nll_1 = fit_temperature(model, ho["images"], ho["labels"])
    print(json.dumps({"temperature": temperature, "heldOutNllAtT": round(nll_t, 4), "heldOutNllAt1": round(nll_1, 4)}))
    gen_sha = open(os.path.join(args.run_dir, "generator.sha256")).read().split()[0] \
        if os.path.exists(os.path.join(args.run_dir, "generator.sha256")) else None
    os.makedirs(args.out, exist_ok=True)
    name = list_names(args.heldout_data)[0]
    im, _ = read_pair(args.heldout_data, name)
    raw = resize_input(im, cfg.input_w, cfg.input_h)
    rgb_norm = {"scale": 1 / 255, "mean": RGB_MEAN, "std": RGB_STD}
    thermal_norm = {"bits": 8, "scale": 1 / 255, "mean": 0.0, "std": 1.0, "replicateTo3": True}
    rgb, thermal = normalise_u8(raw, rgb_norm, thermal_norm)
    onnx_path = os.path.join(args.out, "backbone.onnx")
    shipped = WithEmbeddings(model.sam, temperature).eval()
    shapes = export_onnx(shipped, rgb, thermal, onnx_path, output_names=OUTPUTS)
    extra = [{"name": n, "shape": list(s)} for n, s in zip(OUTPUTS[2:], shapes[2:])]
    n_fp16 = 0 if args.fp32_weights else store_initializers_fp16(onnx_path)
    logits, features = write_parity(shipped, raw, rgb_norm, thermal_norm, args.out,
                                    source=f"heldout-seed2/{name}.png resized to {cfg.input_w}x{cfg.input_h}")
    per_class = [{"index": i, "name": n, "iou": ious[i]} for i, n in enumerate(MFNET_CLASSES)]
    provenance = {
        "trainedOn": f"Twinlight synthetic RGB-T street scenes (scripts/generateSynthetic.ts), {result['trainImages']} "
                     f"images of seed 1; held-out: {result['heldOutImages']} images of seed 2, IoU at 640x480 "
                     f"(logits bilinearly upsampled), mean over the 9 classes 0..8 as in MFNet",
        "command": result["command"],
        "seed": result["seed"],
        "heldOutMiou": round(miou, 4),
        "heldOutMiouFp32Training": result["heldOutMiou"],
        "logitTemperature": {"value": temperature, "heldOutPixelNll": round(nll_t, 4), "heldOutPixelNllAtT1": round(nll_1, 4),
                             "note": "logits in the graph = reference logits / T, fitted by NLL on 100 held-out images "
                                     "(temperature scaling); argmax and IoU unchanged"},
        "weights": "fp32" if args.fp32_weights else f"rounded to fp16 ({n_fp16} initializers stored as fp16 + Cast)",
        "perClassIou": per_class,
        "date": None,
        "dataCommands": [GEN_TRAIN, GEN_HELDOUT],
        "generatorSha256": gen_sha,
        "exportCommand": "/usr/bin/python3 " + " ".join(sys.argv),
        "steps": result["steps"], "batch": result["batch"], "trainWallSeconds": result["trainWallSeconds"],
        "config": cfg.to_dict(),
    }
    manifest = build_manifest(
        name="tiny-sartm", version=args.version,
        description="Tiny SARTM-family RGB-T model (patch ViT shared by RGB and thermal, LoRA on q/v, SAM2 "
                    "two-way mask decoder with one token per MFNet class, RGB/thermal logits averaged), trained "
                    "on Twinlight's synthetic scenes only: a demo and test model, not for real data.",
        classes=MFNET_CLASSES, palette=MFNET_PALETTE, ignore=set(), input_hw=(cfg.input_h, cfg.input_w),
        policy="resize", pad_value=0,
        rgb_norm=rgb_norm, thermal_norm=thermal_norm,
        logits_shape=logits.shape, features_shape=features.shape, provenance=provenance, extra_outputs=extra)
    write_manifest(args.out, manifest)
    print(json.dumps({"out": args.out, "onnxBytes": os.path.getsize(os.path.join(args.out, "backbone.onnx")),
                      "logits": list(logits.shape), "features": list(features.shape), "heldOutMiou": round(miou, 4),
                      "perClassIou": ious}))


if __name__ == "__main__":
    main()
