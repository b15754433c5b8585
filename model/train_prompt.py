"""Train the tiny package's click/box prompt decoder (SAM2 interface, sartm/prompt.py) on frozen
backbone embeddings of generated scenes with instance maps (losses: masks, IoU prediction, an
auxiliary class head, the instance embedding's discriminative loss and, with --centres, centre
votes), and evaluate click -> mask on held-out car/person objects. model/export_prompt.py then
adds it to a package.

  /usr/bin/python3 model/train_prompt.py --backbone-run model/runs/tiny \
      --train-data model/runs/data/prompt-train-seed3-full --heldout-data model/runs/data/prompt-heldout-seed2 \
      --run-dir model/runs/prompt10 --minutes 45 --batch 8 --seed 0
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import resize_input  # noqa: E402
from export_package import load_run  # noqa: E402
from package import normalise_u8, round_weights_fp16  # noqa: E402
from sartm.model import semantic_head  # noqa: E402
from sartm.prompt import PromptDecoder, backbone_embeddings  # noqa: E402

RGB_NORM = {"scale": 1 / 255, "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}
TH_NORM = {"bits": 8, "scale": 1 / 255, "mean": 0.0, "std": 1.0, "replicateTo3": True}
N_POINTS = 3  # every prompt is padded to 3 points (label -1)


def load_scenes(root, cfg, sam, keep_full=False):
    """Cached next to the data (embeddings of a frozen backbone do not change between runs)."""
    cache = os.path.join(root, f"prompt-embeddings-v4-{'full' if keep_full else 'small'}.pt")
    if os.path.exists(cache):
        c = torch.load(cache)
        return c["embs"], c["insts"], c["objs"], c["full"]
    embs, insts, objs, full = _load_scenes(root, cfg, sam, keep_full)
    torch.save({"embs": embs, "insts": insts, "objs": objs, "full": full}, cache)
    return embs, insts, objs, full


def _load_scenes(root, cfg, sam, keep_full):
    names = sorted(f[:-4] for f in os.listdir(os.path.join(root, "instances")) if f.endswith(".png"))
    embs, insts, objs, full = [], [], [], []
    lw, lh = cfg.input_w // 2, cfg.input_h // 2
    for name in names:
        try:
            im = Image.open(os.path.join(root, "images", name + ".png"))
            inst = np.asarray(Image.open(os.path.join(root, "instances", name + ".png"))).astype(np.int32)
            lab = np.asarray(Image.open(os.path.join(root, "labels", name + ".png")))
            raw = resize_input(im, cfg.input_w, cfg.input_h)
        except Exception as e:  # a file cut short by an interrupted generator run
            print(f"skip {name}: {e}", flush=True)
            continue
        rgb, th = normalise_u8(raw, RGB_NORM, TH_NORM)
        with torch.no_grad():
            _, feats, enc = semantic_head(sam, rgb, th)
            e = [t[0].half() for t in backbone_embeddings(enc, feats, 1, rgb, th)]
        # class labels at the decoder's grid, for its auxiliary class head
        e.append(torch.from_numpy(np.asarray(Image.fromarray(lab).resize((cfg.input_w // 4, cfg.input_h // 4), Image.NEAREST)).copy()))
        small = np.asarray(Image.fromarray(inst.astype(np.uint16)).resize((lw, lh), Image.NEAREST)).astype(np.int32)
        k = len(embs)
        for iid in np.unique(inst):
            if iid == 0:
                continue
            m = inst == iid
            cls = int(np.bincount(lab[m]).argmax())
            if (small == iid).sum() >= 12:
                objs.append((k, int(iid), cls, int(m.sum())))
        embs.append(e)
        insts.append(small)
        if keep_full:
            full.append(inst)
    return embs, np.stack(insts), objs, full


def interior(m):
    """Cells at least half as deep inside the mask as its deepest cell (repeated 3x3 erosion)."""
    layers, cur = [], m
    while cur.any():
        layers.append(cur)
        p = np.pad(cur, 1)
        cur = cur & p[:-2, 1:-1] & p[2:, 1:-1] & p[1:-1, :-2] & p[1:-1, 2:]
    return layers[len(layers) // 2] if layers else m


def sample_prompts(rng, insts, objs, picks, scale, deep=0.0):
    """Per object: points [N,2] in the model-input frame, labels [N], target mask (label-res). With
    probability `deep` a point click lands in the object's interior (as a person clicks, and as the
    first click of the interactive-segmentation protocol), else anywhere on it."""
    coords = np.zeros((len(picks), N_POINTS, 2), np.float32)
    labels = -np.ones((len(picks), N_POINTS), np.float32)  # float32 as in SAM/SAM2 ONNX exports
    tgts = []
    for j, o in enumerate(picks):
        k, iid = objs[o][0], objs[o][1]
        m = insts[k] == iid
        ys, xs = np.nonzero(m)
        r = rng.random()
        if r < 0.25:  # box, corners jittered by up to 10% of the size
            x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
            jw, jh = 0.1 * (x1 - x0), 0.1 * (y1 - y0)
            coords[j, 0] = [(x0 + rng.uniform(-jw, jw)) * scale, (y0 + rng.uniform(-jh, jh)) * scale]
            coords[j, 1] = [(x1 + rng.uniform(-jw, jw)) * scale, (y1 + rng.uniform(-jh, jh)) * scale]
            labels[j, :2] = [2, 3]
        else:
            n = 2 if r > 0.85 else 1
            if rng.random() < deep:
                ys, xs = np.nonzero(interior(m))
            for p in range(n):
                i = rng.integers(len(xs))
                coords[j, p] = [(xs[i] + rng.random()) * scale, (ys[i] + rng.random()) * scale]
                labels[j, p] = 1
        tgts.append(m)
    return torch.from_numpy(coords), torch.from_numpy(labels), torch.from_numpy(np.stack(tgts)).float()


def mask_losses(masks, iou_pred, tgt):
    up = F.interpolate(masks, size=tgt.shape[-2:], mode="bilinear", align_corners=False)
    t = tgt[:, None].expand_as(up)
    bce = F.binary_cross_entropy_with_logits(up, t, reduction="none").mean((2, 3))
    p = up.sigmoid()
    dice = 1 - (2 * (p * t).sum((2, 3)) + 1) / (p.sum((2, 3)) + t.sum((2, 3)) + 1)
    per = bce + dice  # [B, 3]
    # every target is one whole object (no part/whole ambiguity in generated scenes): all three
    # masks learn it, the best one most
    best = 0.5 * per.min(1).values.mean() + 0.5 * per.mean()
    with torch.no_grad():
        hard = (up > 0).float()
        inter = (hard * t).sum((2, 3))
        iou = inter / ((hard + t - hard * t).sum((2, 3))).clamp_min(1)
    # the scores choose the mask: also a cross-entropy towards the best mask by IoU
    pick = F.cross_entropy(torch.logit(iou_pred.clamp(1e-4, 1 - 1e-4)), iou.argmax(1))
    return best + F.mse_loss(iou_pred, iou) + 0.1 * pick, up


def discriminative_loss(e, inst, pull_margin=0.1, push_margin=0.2):
    """Instance embedding loss (De Brabandere et al. 2017, on cosine similarity of unit vectors):
    every cell of an object near its object's mean direction, the means of two objects of one scene
    apart. e [B,C,h,w] unit vectors, inst [B,h,w] instance ids (0 = no object)."""
    total = e.new_zeros(())
    for b in range(e.shape[0]):
        ids = torch.unique(inst[b])
        ids = ids[ids != 0]
        if len(ids) == 0:
            continue
        onehot = (inst[b].reshape(1, -1) == ids[:, None]).float()  # [K, hw]
        v = e[b].reshape(e.shape[1], -1)  # [C, hw]
        mu = onehot @ v.t() / onehot.sum(1, keepdim=True)
        mu = mu / (mu.norm(dim=1, keepdim=True) + 1e-6)
        cos = mu @ v  # [K, hw]
        pull = ((F.relu(1 - cos - pull_margin) ** 2) * onehot).sum(1) / onehot.sum(1)
        total = total + pull.mean()
        if len(ids) > 1:
            mm = mu @ mu.t()
            off = ~torch.eye(len(ids), dtype=torch.bool)
            total = total + (F.relu(mm[off] - push_margin) ** 2).mean()
    return total / e.shape[0]


def centre_loss(centre, inst):
    """L1 (in units of 16 cells) between each object cell's voted centre and its object's centroid.
    centre [B,2,h,w] in cells, inst [B,h,w] instance ids (0 = no object)."""
    b, _, h, w = centre.shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32) + 0.5
    tgt = np.zeros((b, 2, h, w), np.float32)
    valid = inst.numpy() != 0
    for k in range(b):
        ik = inst[k].numpy()
        for j in np.unique(ik[valid[k]]):
            m = ik == j
            tgt[k, 0][m], tgt[k, 1][m] = xs[m].mean(), ys[m].mean()
    v = torch.from_numpy(valid)[:, None].float()
    return ((centre - torch.from_numpy(tgt)).abs() * v).sum() / (16.0 * 2 * v.sum().clamp_min(1))


def decode(pd, embs, idx, coords, labels, mask_in=None, has=None):
    e = [torch.stack([embs[i][k] for i in idx]).float() for k in range(3)]
    b = len(idx)
    if mask_in is None:
        mask_in = torch.zeros(b, 1, *e[1].shape[-2:])
        has = torch.zeros(b)
    return pd.run(e[0], e[1], e[2], coords, labels, mask_in, has)


def deepest_point(mask):
    """A pixel farthest inside the mask (repeated 3x3 erosion), as (x, y)."""
    cur = mask.copy()
    while True:
        p = np.pad(cur, 1)
        er = cur & p[:-2, 1:-1] & p[2:, 1:-1] & p[1:-1, :-2] & p[1:-1, 2:]
        if not er.any():
            ys, xs = np.nonzero(cur)
            i = len(xs) // 2
            return float(xs[i]), float(ys[i])
        cur = er


def evaluate_clicks(pd, embs, full, objs, cfg, n=50, classes=(1, 2), min_area=400):
    """One click at the deepest point of each of the first n car/person objects; the mask with the
    highest predicted IoU, upsampled to the image size, > 0."""
    chosen = [o for o in objs if o[2] in classes and o[3] >= min_area][:n]
    ious = []
    pd.eval()
    for k, iid, cls, _ in chosen:
        gt = full[k] == iid
        H, W = gt.shape
        x, y = deepest_point(gt)
        c = torch.tensor([[[(x + 0.5) * cfg.input_w / W - 0.5, (y + 0.5) * cfg.input_h / H - 0.5], [0.0, 0.0]]])
        lab = torch.tensor([[1.0, -1.0]])
        with torch.no_grad():
            masks, iou, *_ = decode(pd, embs, [k], c, lab)
            m = masks[0, int(iou[0].argmax())][None, None]
            pred = F.interpolate(m, size=(H, W), mode="bilinear", align_corners=False)[0, 0].numpy() > 0
        ious.append(float((pred & gt).sum() / max(1, (pred | gt).sum())))
    ious = np.array(ious)
    return {"objects": len(ious), "meanIou": round(float(ious.mean()), 4) if len(ious) else None,
            "shareIouAtLeast0.7": round(float((ious >= 0.7).mean()), 4) if len(ious) else None,
            "perClass": {str(c): sum(1 for o in chosen if o[2] == c) for c in classes}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backbone-run", required=True)
    ap.add_argument("--train-data", required=True)
    ap.add_argument("--heldout-data", required=True)
    ap.add_argument("--run-dir", required=True)
    ap.add_argument("--minutes", type=float, default=15.0)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--disc", type=float, default=1.0, help="weight of the instance-embedding loss")
    ap.add_argument("--centres", action="store_true", help="cells also vote for their object's centre")
    ap.add_argument("--init", help="a run whose prompt.pt starts the training (new parts start fresh)")
    ap.add_argument("--deep", type=float, default=0.0, help="share of point clicks in the object's interior")
    ap.add_argument("--centre-sigma", type=float, help="start the centre-vote agreement width (cells) here")
    ap.add_argument("--only", help="train only the parameters whose names start with this (the rest frozen)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    os.makedirs(args.run_dir, exist_ok=True)
    cfg, model = load_run(args.backbone_run)
    round_weights_fp16(model)  # the shipped backbone's weights
    t0 = time.time()
    embs, insts, objs, _ = load_scenes(args.train_data, cfg, model.sam)
    h_embs, _, h_objs, h_full = load_scenes(args.heldout_data, cfg, model.sam, keep_full=True)
    print(f"{len(embs)} train scenes / {len(objs)} objects, {len(h_embs)} held-out scenes; {time.time() - t0:.0f}s", flush=True)
    pd = PromptDecoder(cfg, centres=args.centres)
    if args.init:
        missing, _ = pd.load_state_dict(torch.load(os.path.join(args.init, "prompt.pt"))["state_dict"], strict=False)
        print(json.dumps({"init": args.init, "fresh": missing}), flush=True)
    if args.centre_sigma is not None:
        with torch.no_grad():
            pd.centre_sigma.fill_(args.centre_sigma)
    params = [p for n, p in pd.named_parameters() if not args.only or n.startswith(args.only)]
    for p in pd.parameters():
        p.requires_grad_(False)
    for p in params:
        p.requires_grad_(True)
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    t_start, step, progress = time.time(), 0, 0.0
    scale = 2.0  # label-res (input/2) -> model-input pixels
    while progress < 1.0:
        pd.train()
        picks = rng.integers(len(objs), size=args.batch)
        idx = [objs[o][0] for o in picks]
        coords, labels, tgt = sample_prompts(rng, insts, objs, picks, scale, args.deep)
        for g in opt.param_groups:
            g["lr"] = args.lr * min(1.0, (step + 1) / 50) * 0.5 * (1 + np.cos(np.pi * progress))
        mask_in = has = None
        if rng.random() < 0.3:  # refinement round as SAM trains: previous best mask + a corrective click
            with torch.no_grad():
                m0, i0, *_ = decode(pd, embs, idx, coords, labels)
                best = m0[torch.arange(len(idx)), i0.argmax(1)][:, None]
                up = F.interpolate(best, size=tgt.shape[-2:], mode="bilinear", align_corners=False)[:, 0] > 0
            for j in range(len(idx)):
                err = up[j].numpy() != tgt[j].numpy().astype(bool)
                ys, xs = np.nonzero(err)
                if len(xs):
                    i = rng.integers(len(xs))
                    coords[j, 2] = torch.tensor([(xs[i] + 0.5) * scale, (ys[i] + 0.5) * scale])
                    labels[j, 2] = float(tgt[j, ys[i], xs[i]] > 0)
            mask_in, has = best, torch.ones(len(idx))
        masks, iou, class_logits, emb, centre = decode(pd, embs, idx, coords, labels, mask_in, has)
        loss, _ = mask_losses(masks, iou, tgt)
        class_t = torch.stack([embs[i][3] for i in idx]).long()
        loss = loss + 0.5 * F.cross_entropy(class_logits, class_t)
        inst_grid = torch.from_numpy(insts[idx][:, ::2, ::2].copy())
        if args.disc > 0:
            loss = loss + args.disc * discriminative_loss(emb, inst_grid)
        if args.centres:
            loss = loss + centre_loss(centre, inst_grid)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        progress = (time.time() - t_start) / (60 * args.minutes)
        if step % 25 == 0:
            print(json.dumps({"step": step, "loss": round(loss.item(), 4), "elapsed_s": round(time.time() - t_start)}), flush=True)
    ev = evaluate_clicks(pd, h_embs, h_full, h_objs, cfg)
    result = {"steps": step, "minutes": args.minutes, "seed": args.seed, "clickEval": ev,
              "command": " ".join(["/usr/bin/python3"] + sys.argv)}
    torch.save({"state_dict": pd.state_dict(), "config": cfg.to_dict(), "centres": args.centres}, os.path.join(args.run_dir, "prompt.pt"))
    json.dump(result, open(os.path.join(args.run_dir, "result.json"), "w"), indent=2)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
