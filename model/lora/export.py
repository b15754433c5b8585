"""Writing the LoRA job's result as a new model package (backbone.onnx with the LoRA merged, parity
fixture, manifest, pytorch/model.pt for the next round), into out + '.partial' then renamed, so the
app never sees a half-written package."""
import os
import shutil
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from export_package import WithEmbeddings  # noqa: E402
from package import build_manifest, export_onnx, normalise_u8, write_manifest, write_parity  # noqa: E402
from recover_torch_weights import ARCH, save_torch_weights  # noqa: E402

from .adapt import merge_lora  # noqa: E402


class LogitsFeatures(WithEmbeddings):
    """The source graph's logits / T and features, without the prompt decoder's embeddings (the app
    serves clicks from the base package)."""

    def forward(self, rgb, thermal):
        return super().forward(rgb, thermal)[:2]


def export_package(job, src_manifest, cfg, temperature, model, first_raw, provenance):
    out, partial = job["out"], job["out"] + ".partial"
    if os.path.exists(partial):
        shutil.rmtree(partial)
    os.makedirs(partial)
    merge_lora(model)
    model = model.cpu().eval()
    norm = src_manifest["normalisation"]
    tc = int(src_manifest["tensors"]["inputs"]["thermal"]["shape"][1])
    module = LogitsFeatures(model.sam, temperature).eval()
    raw = np.ascontiguousarray(first_raw)
    rgb, th = normalise_u8(raw, norm["rgb"], norm["thermal"], tc)
    export_onnx(module, rgb, th, os.path.join(partial, "backbone.onnx"))
    logits, features = write_parity(module, raw, norm["rgb"], norm["thermal"], partial,
                                    source="first training image of the LoRA job", thermal_channels=tc)
    save_torch_weights(os.path.join(partial, "pytorch", "model.pt"), cfg, temperature, model, fp16=False)
    inp = src_manifest["input"]
    classes = job["classes"]
    pk = job["package"]
    manifest = build_manifest(
        name=pk["name"], version=pk["version"],
        description=pk.get("description") or f"LoRA fine-tune of {src_manifest['id']} on {job['count']} project images.",
        classes=[c["name"] for c in classes], palette=[c["color"] for c in classes], ignore=set(),
        input_hw=(inp["height"], inp["width"]), policy=inp["policy"], pad_value=inp["padValue"],
        rgb_norm=norm["rgb"], thermal_norm=norm["thermal"], logits_shape=logits.shape,
        features_shape=features.shape, thermal_channels=tc,
        provenance=dict(provenance, pytorch={"weights": "pytorch/model.pt", "arch": ARCH, "config": cfg.to_dict()}))
    write_manifest(partial, manifest)
    os.replace(partial, out)
    return manifest
