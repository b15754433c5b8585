"""Train the embedded tiny SARTM-family model on the synthetic generator's scenes (one CPU thread).

  /usr/bin/python3 model/train.py --train-data model/runs/data/train-seed1 \
      --heldout-data model/runs/data/heldout-seed2 --run-dir model/runs/tiny --seed 0

See model/README.md for the full reproducible recipe (data generation commands included).
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import MFNET_CLASSES, build_cache, to_tensors  # noqa: E402
from metrics import evaluate  # noqa: E402
from sartm import SartmModel, tiny_config  # noqa: E402
from sartm.losses import seg_loss, text_distill_loss  # noqa: E402
from sartm.text_table import class_text_table  # noqa: E402


def class_weights(labels, n):
    freq = np.bincount(labels.ravel(), minlength=n).astype(np.float64)
    freq = freq / freq.sum()
    w = np.sqrt(np.median(freq[freq > 0]) / np.maximum(freq, 1e-12))
    return torch.tensor(np.clip(w, 0.5, 5.0), dtype=torch.float32)


def lr_at(step, progress, base, warmup):
    """Linear warm-up over `warmup` steps, then cosine decay over progress in [0, 1]."""
    if step < warmup:
        return base * (step + 1) / warmup
    return base * 0.5 * (1 + np.cos(np.pi * min(1.0, progress)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train-data", required=True)
    ap.add_argument("--heldout-data", required=True)
    ap.add_argument("--run-dir", required=True)
    ap.add_argument("--steps", type=int, default=0,
                    help="fixed step budget (deterministic schedule); 0 = use --minutes")
    ap.add_argument("--minutes", type=float, default=45.0,
                    help="wall-clock budget: the cosine schedule runs on elapsed time (the CPU here is shared, "
                         "so a step count cannot be planned); the steps actually done are recorded")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--eval-every", type=int, default=400)
    ap.add_argument("--eval-subset", type=int, default=60)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    os.makedirs(args.run_dir, exist_ok=True)
    cfg = tiny_config()
    t0 = time.time()
    tr = build_cache(args.train_data, cfg.input_w, cfg.input_h, os.path.join(args.run_dir, "train_cache.npz"))
    ho = build_cache(args.heldout_data, cfg.input_w, cfg.input_h, os.path.join(args.run_dir, "heldout_cache.npz"),
                     keep_full_labels=True)
    print(f"data: {len(tr['images'])} train, {len(ho['images'])} held-out, cached in {time.time() - t0:.0f}s", flush=True)
    cw = class_weights(tr["labels"], cfg.num_classes)
    print("class weights", cw.numpy().round(2).tolist(), flush=True)
    model = SartmModel(cfg, text_table=class_text_table(MFNET_CLASSES, cfg.text_dim))
    decay = [p for n, p in model.named_parameters() if p.ndim >= 2 and "pos_embed" not in n and "token" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.ndim >= 2 and "pos_embed" not in n and "token" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.999))
    n = len(tr["images"])
    order = rng.permutation(n)
    pos = 0
    log = open(os.path.join(args.run_dir, "train_log.jsonl"), "a")
    t_start = time.time()
    step = 0
    progress = 0.0
    while progress < 1.0:
        if pos + args.batch > n:
            order, pos = rng.permutation(n), 0
        idx = np.sort(order[pos:pos + args.batch])
        pos += args.batch
        imgs, labs = tr["images"][idx], tr["labels"][idx]
        flip = rng.random(len(idx)) < 0.5
        imgs = np.where(flip[:, None, None, None], imgs[:, :, ::-1], imgs)
        labs = np.where(flip[:, None, None], labs[:, :, ::-1], labs)
        rgb, th = to_tensors(np.ascontiguousarray(imgs))
        y = torch.from_numpy(np.ascontiguousarray(labs))
        for g in opt.param_groups:
            g["lr"] = lr_at(step, progress, args.lr, warmup=100)
        model.train()
        logits, _, aux, fused_top = model.forward_train(rgb, th)
        l_main = seg_loss(logits, y, cw)
        l_aux = seg_loss(aux, y, cw)
        l_txt = text_distill_loss(fused_top, y, model.text_table)
        loss = l_main + 0.4 * l_aux + 0.1 * l_txt
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        elapsed = time.time() - t_start
        progress = step / args.steps if args.steps else elapsed / (60.0 * args.minutes)
        rec = {"step": step, "progress": round(progress, 4), "loss": loss.item(), "main": l_main.item(), "aux": l_aux.item(), "text": l_txt.item(),
               "lr": opt.param_groups[0]["lr"], "elapsed_s": round(time.time() - t_start, 1)}
        log.write(json.dumps(rec) + "\n")
        if step % 20 == 0:
            print(json.dumps(rec), flush=True)
            log.flush()
        last = progress >= 1.0
        if step % args.eval_every == 0 or last:
            k = len(ho["images"]) if last else args.eval_subset
            ious, miou = evaluate(model, ho["images"][:k], ho["full_labels"][:k], cfg.num_classes)
            print(json.dumps({"step": step, "heldout_images": k, "miou": miou,
                              "iou": [None if np.isnan(v) else round(float(v), 4) for v in ious]}), flush=True)
            torch.save({"config": cfg.to_dict(), "state_dict": model.state_dict(), "step": step},
                       os.path.join(args.run_dir, "model.pt"))
    per_class = {c: (None if np.isnan(v) else round(float(v), 4)) for c, v in zip(MFNET_CLASSES, ious)}
    result = {"heldOutMiou": round(miou, 4), "perClassIou": per_class, "heldOutImages": int(len(ho["images"])),
              "trainImages": int(n), "steps": step, "minutes": None if args.steps else args.minutes, "batch": args.batch, "lr": args.lr, "seed": args.seed,
              "trainWallSeconds": round(time.time() - t_start, 1),
              "processCpuSeconds": round(time.process_time(), 1), "torchVersion": torch.__version__,
              "command": " ".join(["/usr/bin/python3"] + sys.argv)}
    json.dump(result, open(os.path.join(args.run_dir, "result.json"), "w"), indent=2)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
