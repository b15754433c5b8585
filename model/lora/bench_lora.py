"""Benchmark of the LoRA tier against issue 19's goals: builds job dirs from generated synthetic data
(street MFNet layout or PST900 layout), runs model/lora_worker.py under /usr/bin/time -v, and scores
base vs tuned held-out mIoU with the PyTorch model of the written package (metrics.py protocol: IoU
at the dataset's image size, logits bilinearly upsampled).

  /usr/bin/python3 model/lora/bench_lora.py --task shift --work /tmp/lora-bench/shift [--steps N ...]
  /usr/bin/python3 model/lora/bench_lora.py --task pst --work /tmp/lora-bench/pst
Data (not in the repo), see docs/lora-worker.md:
  npx tsx scripts/generateSynthetic.ts --out /tmp/lora-data/shift21 --count 90 --seed 21 --width 640 --height 480 \
      --thermal-gain 0.6 --thermal-offset 0.25 --thermal-gradient 0.3
  npx tsx scripts/generateSynthetic.ts --out /tmp/lora-data/plain22 --count 40 --seed 22 --width 640 --height 480
  npx tsx scripts/generateSynthetic.ts --out /tmp/lora-data/pst31 --count 90 --family pst900 --width 640 --height 360 --seed 31
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np
from PIL import Image

MODEL = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, MODEL)
from data import MFNET_CLASSES, MFNET_PALETTE, list_names, read_pair, resize_input  # noqa: E402
from metrics import evaluate  # noqa: E402
from recover_torch_weights import load_torch_weights  # noqa: E402

TINY = os.path.join(os.path.dirname(MODEL), "resources", "models", "tiny-sartm")
PST_CLASSES = ["Background", "Fire-Extinguisher", "Backpack", "Hand-Drill", "Survivor"]
PST_PALETTE = [[0, 0, 0], [255, 0, 0], [0, 0, 255], [0, 255, 0], [255, 255, 255]]


def street_items(root):
    return [read_pair(root, n) for n in list_names(root)]


def pst_items(root):
    out = []
    for split in ("train", "test"):
        d = os.path.join(root, split)
        for f in sorted(os.listdir(os.path.join(d, "rgb"))):
            rgb = Image.open(os.path.join(d, "rgb", f)).convert("RGB")
            th = Image.open(os.path.join(d, "thermal", f)).convert("L")
            lab = np.asarray(Image.open(os.path.join(d, "labels", f)))
            out.append((Image.merge("RGBA", (*rgb.split(), th)), lab))
    return out


def to_model(items, w, h):
    ims = np.stack([resize_input(im, w, h) for im, _ in items])
    labs = np.stack([np.asarray(Image.fromarray(lab).resize((w, h), Image.NEAREST)) for _, lab in items])
    return ims, labs


def write_job(job_dir, out, ims, labs, classes, palette, sources, args):
    if os.path.exists(job_dir):
        shutil.rmtree(job_dir)
    os.makedirs(job_dir)
    n = len(ims)
    with open(os.path.join(job_dir, "data.bin"), "wb") as f:
        for i in range(n):
            f.write(ims[i].tobytes())
            f.write(labs[i].tobytes())
    # Newest corrections weigh more: a ramp 1 .. 2 over the images in order.
    weights = [round(1.0 + i / max(1, n - 1), 3) for i in range(n)]
    job = {"version": 1, "source": {"package": TINY, "weights": os.path.join(TINY, "pytorch", "model.pt")},
           "out": out, "package": {"name": "bench-lora", "version": "0.1.0-lora.1", "description": "bench"},
           "classes": [{"name": c, "color": p, "source": s} for c, p, s in zip(classes, palette, sources)],
           "data": {"file": "data.bin", "count": n, "height": ims.shape[1], "width": ims.shape[2]},
           "weights": weights, "steps": args.steps, "batch": args.batch, "lr": args.lr, "seed": args.seed,
           "threads": args.threads, "device": "cpu", "checkpointEvery": max(1, args.steps // 4),
           "augment": args.augment, "loss": args.loss}
    if args.distill is not None:
        job["distill"] = args.distill
    json.dump(job, open(os.path.join(job_dir, "job.json"), "w"), indent=1)


def run_worker(job_dir):
    cmd = ["/usr/bin/time", "-v", "/usr/bin/python3", os.path.join(MODEL, "lora_worker.py"), "--job", job_dir]
    p = subprocess.run(cmd, capture_output=True, text=True)
    lines = [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", p.stderr)
    secs = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall.group(1).split(":")))) if wall else None
    if p.returncode != 0:
        sys.stderr.write(p.stderr[-3000:])
        raise SystemExit(f"worker failed: {lines[-1] if lines else p.returncode}")
    return lines, (int(rss.group(1)) / 1024 if rss else None), secs


def score(weights, ims, full_labels, n_classes):
    _, _, model = load_torch_weights(weights)
    _, miou = evaluate(model, ims, full_labels, n_classes)
    return round(miou, 4)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--task", choices=["shift", "pst"], required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--data", default="/tmp/lora-data")
    ap.add_argument("--train", type=int, default=50)
    ap.add_argument("--steps", type=int, default=150)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--augment", default="calibrate")
    ap.add_argument("--loss", default="ce+dice")
    ap.add_argument("--distill", type=float, default=None, help="job.json distill (default: the worker's)")
    ap.add_argument("--no-base", action="store_true", help="skip scoring the base model")
    args = ap.parse_args()
    import torch
    torch.set_num_threads(args.threads)
    tiny = json.load(open(os.path.join(TINY, "manifest.json")))
    w, h = tiny["input"]["width"], tiny["input"]["height"]
    if args.task == "shift":
        items = street_items(os.path.join(args.data, "shift21"))
        plain = street_items(os.path.join(args.data, "plain22"))
        classes, palette, sources = MFNET_CLASSES, MFNET_PALETTE, list(range(9))
    else:
        items = pst_items(os.path.join(args.data, "pst31"))
        plain = None
        classes, palette, sources = PST_CLASSES, PST_PALETTE, [0, None, None, None, None]
    train_items, held = items[:args.train], items[args.train:]
    ims, labs = to_model(train_items, w, h)
    job_dir, out = os.path.join(args.work, "job"), os.path.join(args.work, "out")
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(args.work, exist_ok=True)
    write_job(job_dir, out, ims, labs, classes, palette, sources, args)
    lines, rss, wall = run_worker(job_dir)
    done = lines[-1]
    res = {"task": args.task, "train": len(train_items), "steps": args.steps, "batch": args.batch, "lr": args.lr,
           "augment": args.augment, "loss": args.loss, "distill": args.distill, "wallSeconds": wall, "peakRssMiB": round(rss, 1) if rss else None,
           "workerSeconds": done["seconds"], "trainableParams": done["trainableParams"],
           "finalLoss": done["lossCurve"][-1]["loss"]}
    tuned = os.path.join(out, "pytorch", "model.pt")
    hi, hl = to_model(held, w, h)[0], np.stack([lab for _, lab in held])
    res["heldOut"] = len(held)
    res["tunedMiou"] = score(tuned, hi, hl, len(classes))
    if not args.no_base and args.task == "shift":
        res["baseMiou"] = score(os.path.join(TINY, "pytorch", "model.pt"), hi, hl, 9)
    if plain is not None:
        pi, pl = to_model(plain, w, h)[0], np.stack([lab for _, lab in plain])
        res["tunedUnshiftedMiou"] = score(tuned, pi, pl, 9)
        if not args.no_base:
            res["baseUnshiftedMiou"] = score(os.path.join(TINY, "pytorch", "model.pt"), pi, pl, 9)
    print(json.dumps(res))


if __name__ == "__main__":
    main()
