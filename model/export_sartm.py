"""Export the published SARTM checkpoint (SAM2 Hiera-B+ + LoRA, github.com/wahaha-debug/SARTM) as a
Twinlight model package, using the user's local SARTM code.

  python model/export_sartm.py --sartm-repo ~/src/SARTM --checkpoint ~/SARMT_PST_89.88.pth \
      --dataset pst900 --out ~/twinlight-models/sartm-pst900

Runs on Debian's torch 1.13 and on torch >= 2 (sartm_compat.py: torch-2 calls, export fixes and stubs
for SARTM's training-only imports, all scoped to this process). CLIP is not needed: the checkpoint's `model_clip.*` weights are only used by the training-time language
distillation and are dropped here. What the graph computes (SARTM's inference path):
  both modalities through the shared encoder as one batch of 2 -> SAM2 mask decoder with a single
  padding prompt -> multimask outputs (one per class) gated by the object score -> RGB and thermal
  logits averaged. Outputs logits [1,C,S/4,S/4] and features [1,64,S/4,S/4] (RGB then thermal
  upscaled embedding; logits are linear in them given the image's tokens).
"""
import argparse
import importlib
import json
import os
import sys
import types

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from package import build_manifest, export_onnx, normalise_u8, write_manifest, write_parity  # noqa: E402
from sartm.model import semantic_head  # noqa: E402
from sartm_compat import install_import_stubs, onnx_export_fixes, torch2_calls  # noqa: E402

DATASETS = {
    # Official PST900 index order (label values). SARTM's config prints the names in another order
    # (Background, Hand-Drill, BackPack, Fire-Extinguisher, Survivor); the label values rule.
    "pst900": {"classes": ["Background", "Fire-Extinguisher", "Backpack", "Hand-Drill", "Survivor"],
               "palette": [[0, 0, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]],
               "publishedMiou": 0.8988},
}
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


class SartmSemantic(torch.nn.Module):
    """(rgb, thermal) -> (logits, features) over a SARTM LoRA_Sam's `sam`."""

    def __init__(self, sam):
        super().__init__()
        self.sam = sam

    def forward(self, rgb, thermal):
        logits, features, _ = semantic_head(self.sam, rgb, thermal)
        return logits, features


class CpuPrototypes:
    """SARTM's PrototypeSegmentation allocates its EMA prototypes with .to('cuda'); training-only state."""

    def __init__(self, num_classes, feature_dim):
        self.num_classes, self.feature_dim = num_classes, feature_dim


def import_sartm(repo):
    """Import SARTM's build_sam2 and LoRA_Sam from a local checkout, without CLIP or CUDA (stubs for
    the training-only imports that are not installed: sartm_compat.install_import_stubs)."""
    repo = os.path.abspath(repo)
    if not os.path.isdir(os.path.join(repo, "sam2")):
        raise SystemExit(f"--sartm-repo {repo}: no sam2/ package there (expected a SARTM checkout)")
    if repo not in sys.path:
        sys.path.insert(0, repo)
    install_import_stubs()
    build = importlib.import_module("sam2.build_sam").build_sam2
    lora_mod = importlib.import_module("sam2.sam_lora_language")
    lora_mod.PrototypeSegmentation = CpuPrototypes
    return build, lora_mod.LoRA_Sam


def build_lora_sam(repo, sam2_config, rank, image_size):
    """SARTM's model as val_mm.py builds it (LoRA_Sam(model_clip, build_sam2(cfg), r)), CLIP left out,
    with SAM2's image_size set to the export size (1280 in SARTM's configs)."""
    build_sam2, LoRA_Sam = import_sartm(repo)
    overrides = [f"++model.image_size={int(image_size)}"]
    try:
        sam2 = build_sam2(sam2_config, None, device="cpu", hydra_overrides_extra=overrides)
    except TypeError:
        sam2 = build_sam2(sam2_config, None)
    return LoRA_Sam(None, sam2, r=rank)


def load_sartm(repo, checkpoint, sam2_config, rank, image_size=1280):
    model = build_lora_sam(repo, sam2_config, rank, image_size)
    state = torch.load(checkpoint, map_location="cpu")
    if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    state = {k[7:] if k.startswith("module.") else k: v for k, v in state.items()}
    dropped = [k for k in state if k.startswith("model_clip.")]
    state = {k: v for k, v in state.items() if not k.startswith("model_clip.")}
    res = model.load_state_dict(state, strict=False)
    if res.missing_keys or res.unexpected_keys:
        raise SystemExit(f"checkpoint does not fit SARTM's LoRA_Sam (rank {rank}, config {sam2_config}): "
                         f"missing {res.missing_keys[:8]} unexpected {res.unexpected_keys[:8]}")
    return model.eval(), len(dropped)


def main(argv=None):
    with torch2_calls():  # SAM2's torch-2 calls, for this process only
        return _main(argv)


def _main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sartm-repo", required=True)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--dataset", required=True, choices=sorted(DATASETS))
    ap.add_argument("--out", required=True)
    ap.add_argument("--sam2-config", default="sam2_hiera_b+.yaml", help="as MODEL_CONFIG in SARTM's configs/pst_rgbt.yaml")
    ap.add_argument("--rank", type=int, default=16, help="TRAIN.RANK of the checkpoint's config")
    ap.add_argument("--image-size", type=int, default=1280)
    ap.add_argument("--name", default=None)
    ap.add_argument("--version", default="1.0.0")
    ap.add_argument("--parity-image", default=None, help="optional 4-channel PNG (R,G,B,thermal) for the parity fixture")
    args = ap.parse_args(argv)
    ds = DATASETS[args.dataset]
    model, n_clip = load_sartm(args.sartm_repo, args.checkpoint, args.sam2_config, args.rank, args.image_size)
    n_cls = model.sam.sam_mask_decoder.num_mask_tokens - 1
    if n_cls != len(ds["classes"]):
        raise SystemExit(f"checkpoint decodes {n_cls} classes but --dataset {args.dataset} has {len(ds['classes'])}")
    S = args.image_size
    rgb_norm = {"scale": 1 / 255, "mean": IMAGENET_MEAN, "std": IMAGENET_STD}
    thermal_norm = {"bits": 8, "scale": 1 / 255, "mean": 0.0, "std": 1.0, "replicateTo3": True}
    if args.parity_image:
        from PIL import Image
        raw = np.asarray(Image.open(args.parity_image).convert("RGBA"))
        pad = np.zeros((S, S, 4), np.uint8)
        pad[:min(S, raw.shape[0]), :min(S, raw.shape[1])] = raw[:S, :S]
        raw = pad
    else:
        raw = np.random.default_rng(0).integers(0, 256, (S, S, 4), dtype=np.uint8)
    wrapper = SartmSemantic(model.sam).eval()
    rgb, thermal = normalise_u8(raw, rgb_norm, thermal_norm)
    os.makedirs(args.out, exist_ok=True)
    with onnx_export_fixes(type(model.sam.sam_prompt_encoder)):
        export_onnx(wrapper, rgb, thermal, os.path.join(args.out, "backbone.onnx"))
    logits, features = write_parity(wrapper, raw, rgb_norm, thermal_norm, args.out,
                                    source=args.parity_image or "uniform random uint8 image, numpy seed 0")
    name = args.name or f"sartm-{args.dataset}"
    provenance = {
        "trainedOn": f"{args.dataset} (published SARTM checkpoint {os.path.basename(args.checkpoint)}; "
                     f"authors report {ds['publishedMiou']} mIoU, not re-measured by this export)",
        "command": "python " + " ".join([os.path.relpath(__file__)] + (argv if argv is not None else sys.argv[1:])),
        "seed": None, "heldOutMiou": None,
        "perClassIou": [{"index": i, "name": n, "iou": None} for i, n in enumerate(ds["classes"])],
        "date": None,
        "notes": f"Exported by model/export_sartm.py from SARTM code at {os.path.abspath(args.sartm_repo)}; "
                 f"{n_clip} CLIP tensors dropped (training-only). Eval pads bottom/right to {S} (fill 0).",
        # Where the PyTorch weights are, for the LoRA tier: model/lora_worker.py refuses this arch (training
        # the 1280 Hiera-B+ model on CPU is out of scope) with a clear sentence instead of failing late.
        "pytorch": {"arch": "sartm-upstream", "checkpoint": os.path.abspath(args.checkpoint),
                    "sartmRoot": os.path.abspath(args.sartm_repo)},
    }
    manifest = build_manifest(
        name=name, version=args.version,
        description="SARTM (SAM2 Hiera-B+ with LoRA, RGB-thermal) exported from the authors' checkpoint.",
        classes=ds["classes"], palette=ds["palette"], ignore=set(), input_hw=(S, S), policy="pad-bottom-right",
        pad_value=0, rgb_norm=rgb_norm, thermal_norm=thermal_norm, logits_shape=logits.shape,
        features_shape=features.shape, provenance=provenance)
    write_manifest(args.out, manifest)
    print(json.dumps({"out": args.out, "logits": list(logits.shape), "features": list(features.shape),
                      "onnxBytes": os.path.getsize(os.path.join(args.out, "backbone.onnx"))}))


if __name__ == "__main__":
    main()
