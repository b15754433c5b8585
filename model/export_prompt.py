"""Add the trained prompt decoder (train_prompt.py) to a package made by export_package.py: its
per-image part as the backbone output prompt_embed, its per-click part as prompt_decoder.onnx
(SAM2/samexporter input names), a parity fixture that chains the two, and the manifest's
parts.promptDecoder + provenance.

  /usr/bin/python3 model/export_prompt.py --prompt-run model/runs/prompt17 --backbone-run model/runs/tiny \
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
from sartm.prompt import PromptClickDecoder, PromptDecoder, PromptEmbedder, encoder_levels  # noqa: E402

# decoder input -> backbone output (prompt_embed: sartm/prompt.py PromptEmbedder, added to the backbone graph)
EMBEDDING_OUTPUTS = {"image_embed": "prompt_embed"}
INPUTS = ["image_embed", "point_coords", "point_labels", "mask_input", "has_mask_input"]


def _drop(field, gone):
    """Removes the items of a repeated protobuf field for which gone(item) holds."""
    keep = [x for x in field if not gone(x)]
    del field[:]
    field.extend(keep)


def add_prompt_embed_output(package, manifest, pd, opset):
    """Puts the decoder's per-image part (sartm/prompt.py PromptEmbedder) into the package's backbone
    graph as one more output, prompt_embed, so it is computed once per image with the other
    embeddings and cached. Only nodes and weights are added, all prefixed "pe/"; the backbone's own
    outputs are untouched (prefill fetches only logits and features, so it does not run them). A
    previous prompt_embed is replaced."""
    import onnx
    path = os.path.join(package, manifest["parts"]["backbone"])
    shapes = {o["name"]: o["shape"] for o in manifest["tensors"]["outputs"]["extra"]}
    shapes.update({k: v["shape"] for k, v in manifest["tensors"]["inputs"].items()})
    shapes["features"] = manifest["tensors"]["outputs"]["features"]["shape"]
    names = ["rgb", "thermal", "high_res_feats_0", "features", "high_res_feats_1"]
    feeds = tuple(torch.zeros(shapes[n]) for n in names)
    tmp = path + ".pe.onnx"
    emb = PromptEmbedder(pd).eval()
    with torch.no_grad():
        torch.onnx.export(emb, feeds, tmp, input_names=names, output_names=["prompt_embed"],
                          opset_version=opset, do_constant_folding=True)
    store_initializers_fp16(tmp)
    sub = onnx.load(tmp).graph
    os.remove(tmp)
    ren = lambda n: n if n in names or n == "prompt_embed" or n == "" else "pe/" + n  # noqa: E731
    m = onnx.load(path)
    g = m.graph
    _drop(g.node, lambda n: n.name.startswith("pe/"))  # a previous export's prompt_embed
    _drop(g.initializer, lambda i: i.name.startswith("pe/"))
    _drop(g.output, lambda o: o.name == "prompt_embed")
    for i in sub.initializer:
        i.name = ren(i.name)
        g.initializer.append(i)
    for k, n in enumerate(sub.node):
        n.input[:] = [ren(x) for x in n.input]
        n.output[:] = [ren(x) for x in n.output]
        n.name = "pe/" + (n.name or f"node{k}")
        g.node.append(n)
    out = sub.output[0]
    g.output.append(out)
    onnx.checker.check_model(m)
    onnx.save(m, path)
    shape = [d.dim_value for d in out.type.tensor_type.shape.dim]
    extra = [o for o in manifest["tensors"]["outputs"]["extra"] if o["name"] != "prompt_embed"]
    manifest["tensors"]["outputs"]["extra"] = extra + [{"name": "prompt_embed", "shape": shape}]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--prompt-run", required=True)
    ap.add_argument("--backbone-run", required=True)
    ap.add_argument("--package", required=True)
    args = ap.parse_args()
    torch.set_num_threads(1)
    cfg, model = load_run(args.backbone_run)
    round_weights_fp16(model)
    ck = torch.load(os.path.join(args.prompt_run, "prompt.pt"), map_location="cpu")
    pd = PromptDecoder(cfg, centres=ck.get("centres", False))
    pd.load_state_dict(ck["state_dict"])
    round_weights_fp16(pd).eval()
    result = json.load(open(os.path.join(args.prompt_run, "result.json")))
    mpath = os.path.join(args.package, "manifest.json")
    manifest = json.load(open(mpath))
    add_prompt_embed_output(args.package, manifest, pd, manifest["opset"])
    pmeta = json.load(open(os.path.join(args.package, manifest["parity"])))
    pdir = os.path.dirname(os.path.join(args.package, manifest["parity"]))
    raw = np.fromfile(os.path.join(pdir, pmeta["files"]["rawU8"]), np.uint8).reshape(pmeta["shapes"]["rawU8"])
    rgb, th = normalise_u8(raw, manifest["normalisation"]["rgb"], manifest["normalisation"]["thermal"])
    with torch.no_grad():
        logits, feats, enc = semantic_head(model.sam, rgb, th)
        _, s4, s8 = encoder_levels(enc, 1)
        prompt_embed = PromptEmbedder(pd)(rgb, th, s4, feats, s8)
    # Fixture click: the cell where the car logit leads the others by most (any click would do).
    margin = logits[0, 1] - torch.cat([logits[0, :1], logits[0, 2:]]).max(0).values
    cell = int(margin.flatten().argmax())
    oh, ow = logits.shape[-2:]
    sx, sy = cfg.input_w / ow, cfg.input_h / oh
    coords = torch.tensor([[[(cell % ow + 0.5) * sx, (cell // ow + 0.5) * sy], [0.0, 0.0]]])
    labels = torch.tensor([[1.0, -1.0]])
    mask_in = torch.zeros(1, 1, oh, ow)
    has = torch.zeros(1)
    feeds = (prompt_embed, coords, labels, mask_in, has)
    path = os.path.join(args.package, "prompt_decoder.onnx")
    dec = PromptClickDecoder(pd).eval()
    with torch.no_grad():
        masks, iou = dec(*feeds)
        torch.onnx.export(dec, feeds, path, input_names=INPUTS, output_names=["masks", "iou_predictions"],
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
