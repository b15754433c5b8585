"""Add the trained prompt decoder (train_prompt.py) to a package made by export_package.py:
prompt_decoder.onnx (SAM2/samexporter input names), a parity fixture that chains the package's
backbone and decoder, and the manifest's parts.promptDecoder + provenance.

  /usr/bin/python3 model/export_prompt.py --prompt-run model/runs/prompt --backbone-run model/runs/tiny \
      --package resources/models/tiny-sartm
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_package import load_run  # noqa: E402
from package import normalise_u8, round_weights_fp16, store_initializers_fp16, write_f32, write_manifest  # noqa: E402
from sartm.model import semantic_head  # noqa: E402
from sartm.prompt import PromptDecoder, backbone_embeddings  # noqa: E402

# decoder input -> backbone output (sartm/prompt.py backbone_embeddings)
EMBEDDING_OUTPUTS = {"image_embed": "high_res_feats_0", "high_res_feats_0": "features", "high_res_feats_1": "high_res_feats_1"}
INPUTS = ["image_embed", "high_res_feats_0", "high_res_feats_1", "point_coords", "point_labels", "mask_input",
          "has_mask_input"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--prompt-run", required=True)
    ap.add_argument("--backbone-run", required=True)
    ap.add_argument("--package", required=True)
    args = ap.parse_args()
    torch.set_num_threads(1)
    cfg, model = load_run(args.backbone_run)
    round_weights_fp16(model)
    pd = PromptDecoder(cfg)
    pd.load_state_dict(torch.load(os.path.join(args.prompt_run, "prompt.pt"), map_location="cpu")["state_dict"])
    round_weights_fp16(pd).eval()
    result = json.load(open(os.path.join(args.prompt_run, "result.json")))
    mpath = os.path.join(args.package, "manifest.json")
    manifest = json.load(open(mpath))
    pmeta = json.load(open(os.path.join(args.package, manifest["parity"])))
    pdir = os.path.dirname(os.path.join(args.package, manifest["parity"]))
    raw = np.fromfile(os.path.join(pdir, pmeta["files"]["rawU8"]), np.uint8).reshape(pmeta["shapes"]["rawU8"])
    rgb, th = normalise_u8(raw, manifest["normalisation"]["rgb"], manifest["normalisation"]["thermal"])
    with torch.no_grad():
        logits, feats, enc = semantic_head(model.sam, rgb, th)
        emb = backbone_embeddings(enc, feats, 1)
    # Fixture click: the cell where the car logit leads the others by most (any click would do).
    margin = logits[0, 1] - torch.cat([logits[0, :1], logits[0, 2:]]).max(0).values
    cell = int(margin.flatten().argmax())
    oh, ow = logits.shape[-2:]
    sx, sy = cfg.input_w / ow, cfg.input_h / oh
    coords = torch.tensor([[[(cell % ow + 0.5) * sx, (cell // ow + 0.5) * sy], [0.0, 0.0]]])
    labels = torch.tensor([[1.0, -1.0]])
    mask_in = torch.zeros(1, 1, oh, ow)
    has = torch.zeros(1)
    feeds = (emb[0], emb[1], emb[2], coords, labels, mask_in, has)
    path = os.path.join(args.package, "prompt_decoder.onnx")
    with torch.no_grad():
        masks, iou = pd(*feeds)
        torch.onnx.export(pd, feeds, path, input_names=INPUTS, output_names=["masks", "iou_predictions"],
                          dynamic_axes={"point_coords": {1: "num_points"}, "point_labels": {1: "num_points"}},
                          opset_version=manifest["opset"], do_constant_folding=True)
    n16 = store_initializers_fp16(path)
    write_f32(os.path.join(pdir, "prompt_masks.bin"), masks)
    write_f32(os.path.join(pdir, "prompt_iou.bin"), iou)
    fixture = {"pointCoords": coords.tolist(), "pointLabels": labels.tolist(), "maskInput": "zeros", "hasMaskInput": 0,
               "files": {"masks": "prompt_masks.bin", "iou": "prompt_iou.bin"},
               "shapes": {"masks": list(masks.shape), "iou": list(iou.shape)}, "tolerance": 1e-4,
               "note": "embeddings come from running backbone.onnx on parity/input_u8.bin"}
    json.dump(fixture, open(os.path.join(pdir, "prompt.json"), "w"), indent=2)
    manifest["parts"]["promptDecoder"] = {
        "file": "prompt_decoder.onnx", "format": "sam2",
        "embeddings": EMBEDDING_OUTPUTS,
        "coordinateFrame": {"width": cfg.input_w, "height": cfg.input_h},
        "multimask": int(masks.shape[1]), "maskSize": [int(oh), int(ow)], "parity": "parity/prompt.json"}
    manifest["provenance"]["promptDecoder"] = dict(result, exportCommand="/usr/bin/python3 " + " ".join(sys.argv),
                                                   weights=f"rounded to fp16 ({n16} initializers fp16 + Cast)")
    write_manifest(args.package, manifest)
    print(json.dumps({"onnxBytes": os.path.getsize(path), "masks": list(masks.shape), "clickEval": result["clickEval"]}))


if __name__ == "__main__":
    main()
