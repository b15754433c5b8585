"""Dev check of export_sartm.py on the upstream SARTM code (issue #21): fetches nothing; takes a SARTM
checkout, builds a random-init LoRA_Sam (SARTM's classes, real key names; LoRA B weights random too so
the LoRA path counts), saves it as a checkpoint, exports it with export_sartm.py (peak RSS and time via
/usr/bin/time -v), opens the package in onnxruntime-node (model/run_package_ort.ts, memory-plan
options) and compares its logits with SARTM's own forward as tools/val_mm.py calls it
(`m_output, output, _, _ = model(images, labels, multimask_output=True)`).

  git --git-dir="$(fetched SARTM mirror)" archive HEAD | tar -x -C ~/src/SARTM   # outside this repo
  nice -n 10 /usr/bin/python3 model/check_sartm_upstream.py --sartm-repo ~/src/SARTM \
      --image-size 1280 --work /tmp/sartm-1280 --record bench/results/sartm.json [--commit SHA]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from export_sartm import build_lora_sam  # noqa: E402
from package import normalise_u8  # noqa: E402
from sartm_compat import torch2_calls  # noqa: E402


def random_lora_sam(repo, config, rank, size, seed=0):
    torch.manual_seed(seed)
    model = build_lora_sam(repo, config, rank, size)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if re.search(r"linear_b_(q|v)\d?\.weight$", name):  # SARTM zero-inits LoRA B
                p.copy_(0.02 * torch.randn_like(p))
        # both modalities "object present", so the masks are not all SAM2's NO_OBJ_SCORE fill
        head = model.sam.sam_mask_decoder.pred_obj_score_head
        last = head.layers[-1] if hasattr(head, "layers") else head
        last.bias.fill_(20.0)
    return model.eval()


def val_mm_forward(model, rgb, thermal, size):
    """tools/val_mm.py evaluate(): model(images, labels, multimask_output=True)[0]. LoRA_Sam.forward
    also runs its aux head fpn_fuse (fresh random convs per call, output hard-coded to 1280x1280, which
    only lends m_output its reshape size); at other sizes it is given the export size for the reshape."""
    if size != 1280:
        model.fpn_fuse = lambda feat, h0, h1: torch.zeros(feat.shape[0], 5, size, size)
    with torch.no_grad():
        m_output, _output, _p, _k = model([rgb, thermal], None, multimask_output=True)
    return m_output


def peak_rss_mb(time_v):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", time_v)
    return round(int(m.group(1)) / 1024, 1) if m else None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sartm-repo", required=True)
    ap.add_argument("--image-size", type=int, default=1280)
    ap.add_argument("--work", required=True, help="folder for the checkpoint and the package")
    ap.add_argument("--sam2-config", default="sam2_hiera_b+.yaml")
    ap.add_argument("--rank", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2, help="onnxruntime-node intra-op threads")
    ap.add_argument("--commit", default=None, help="upstream commit of the checkout, recorded")
    ap.add_argument("--record", default=None, help="JSON file to write the result to")
    ap.add_argument("--reuse", action="store_true", help="keep the export a previous run left in --work")
    args = ap.parse_args(argv)
    S = args.image_size
    os.makedirs(args.work, exist_ok=True)
    ck, pkg = os.path.join(args.work, "lora_sam_random.pth"), os.path.join(args.work, "package")
    stats_path = os.path.join(args.work, "export_stats.json")
    if args.reuse and os.path.exists(stats_path):  # a finished export of an earlier run (1280 takes long)
        stats = json.load(open(stats_path))
    else:
        with torch2_calls():
            model = random_lora_sam(args.sartm_repo, args.sam2_config, args.rank, S)
            torch.save(model.state_dict(), ck)
            n_keys = len(model.state_dict())
            del model
        cmd = ["/usr/bin/time", "-v", sys.executable, os.path.join(HERE, "export_sartm.py"), "--sartm-repo", args.sartm_repo,
               "--checkpoint", ck, "--dataset", "pst900", "--out", pkg, "--sam2-config", args.sam2_config,
               "--rank", str(args.rank), "--image-size", str(S), "--name", f"sartm-random-{S}"]
        t0 = time.time()
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            raise SystemExit(f"export failed ({r.returncode}):\n{r.stderr[-4000:]}")
        stats = {"seconds": round(time.time() - t0, 1), "peakRssMb": peak_rss_mb(r.stderr), "stateDictKeys": n_keys,
                 "backboneBytes": os.path.getsize(os.path.join(pkg, "backbone.onnx"))}
        json.dump(stats, open(stats_path, "w"))
    manifest = json.load(open(os.path.join(pkg, "manifest.json")))
    meta = json.load(open(os.path.join(pkg, "parity", "parity.json")))
    raw = np.fromfile(os.path.join(pkg, "parity", meta["files"]["rawU8"]), np.uint8).reshape(meta["shapes"]["rawU8"])
    norm = manifest["normalisation"]
    rgb, th = normalise_u8(raw, norm["rgb"], norm["thermal"])
    io = os.path.join(args.work, "ort")
    os.makedirs(io, exist_ok=True)
    rgb.numpy().astype("<f4").tofile(os.path.join(io, "rgb.bin"))
    th.numpy().astype("<f4").tofile(os.path.join(io, "thermal.bin"))
    # SARTM's forward, checkpoint loaded strictly into a fresh LoRA_Sam as val_mm.py does
    with torch2_calls():
        fresh = build_lora_sam(args.sartm_repo, args.sam2_config, args.rank, S)
        fresh.load_state_dict(torch.load(ck, map_location="cpu"))
        ref = val_mm_forward(fresh.eval(), rgb, th, S)
        del fresh
    node = ["/usr/bin/time", "-v", os.path.join(HERE, "..", "node_modules", ".bin", "tsx"), os.path.join(HERE, "run_package_ort.ts"), pkg, io, str(args.threads)]
    r = subprocess.run(node, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise SystemExit(f"onnxruntime-node could not run the package ({r.returncode}):\n{r.stderr[-4000:]}")
    ort_info = json.loads(r.stdout.strip().splitlines()[-1])
    ort_info["peakRssMb"] = peak_rss_mb(r.stderr)
    shapes = {k: v["shape"] for k, v in manifest["tensors"]["outputs"].items()}
    logits = torch.from_numpy(np.fromfile(os.path.join(io, "logits.bin"), "<f4").reshape(shapes["logits"]))
    feats = np.fromfile(os.path.join(io, "features.bin"), "<f4")
    fixture = np.fromfile(os.path.join(pkg, "parity", meta["files"]["features"]), "<f4")
    up = F.interpolate(logits, size=ref.shape[-2:], mode="bilinear", align_corners=False)
    result = {
        "what": "export_sartm.py on the upstream SARTM code, random-init LoRA_Sam (real key names), parity of "
                "onnxruntime-node logits (bilinear to the input size) vs SARTM's val_mm.py forward m_output",
        "upstream": {"repo": "github.com/wahaha-debug/SARTM", "commit": args.commit, "config": args.sam2_config,
                     "rank": args.rank, "stateDictKeys": stats["stateDictKeys"]},
        "torch": torch.__version__, "imageSize": S,
        "outputs": shapes,
        "parity": {"maxAbsLogitsVsValMm": float((up - ref).abs().max()), "refStd": float(ref.std()),
                   "argmaxAgreement": float((up.argmax(1) == ref.argmax(1)).float().mean()),
                   "maxAbsFeaturesVsTorch": float(np.abs(feats - fixture).max()), "tolerance": 1e-4},
        "export": {k: stats[k] for k in ("seconds", "peakRssMb", "backboneBytes")},
        "onnxruntimeNode": ort_info,
        "command": "python model/check_sartm_upstream.py " + " ".join(argv if argv is not None else sys.argv[1:]),
    }
    print(json.dumps(result, indent=2))
    if args.record:
        os.makedirs(os.path.dirname(os.path.abspath(args.record)), exist_ok=True)
        old = json.load(open(args.record)) if os.path.exists(args.record) else {}
        old[f"upstreamExport{S}"] = result
        json.dump(old, open(args.record, "w"), indent=2)
    if result["parity"]["maxAbsLogitsVsValMm"] > 1e-4:
        raise SystemExit(f"parity {result['parity']['maxAbsLogitsVsValMm']:.3g} over 1e-4")


if __name__ == "__main__":
    main()
