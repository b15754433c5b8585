"""The LoRA training loop: weighted sampling, thermal photometric augmentation, CE (ignore 255) on
logits upsampled to the label size, AdamW with warm-up + cosine, and atomic checkpoints that let a
killed job resume to the same total step count."""
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from package import normalise_u8  # noqa: E402
from sartm.model import semantic_head  # noqa: E402

CKPT = "checkpoint.pt"


def lr_at(step, steps, lr):
    """Linear warm-up over the first 10% (at least 1 step), then cosine to 5% of lr."""
    warm = max(1, steps // 10)
    if step < warm:
        return lr * (step + 1) / warm
    t = (step - warm) / max(1, steps - warm)
    return lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * t)))


def thermal_shift(th_u8, gen):
    """Random thermal photometric drift (a re-calibrated or different camera) on the uint8 thermal
    plane [H,W]: clamp(g*T + o + gradient*(x/(W-1) - 1/2)) with g log-uniform in [0.5, 2], o chosen so
    the image mean lands uniformly in [0.2, 0.7], gradient uniform in [-0.35, 0.35]. Wide enough that
    a shifted camera's data also covers the unshifted one (and back)."""
    u = torch.rand(3, generator=gen).tolist()
    gain = 0.5 * 4.0 ** u[0]
    offset = (0.2 + 0.5 * u[1]) - gain * float((th_u8.astype(np.float32) / 255.0).mean())
    return apply_thermal(th_u8, gain, offset, 0.7 * u[2] - 0.35)


def apply_thermal(th_u8, gain, offset, grad):
    """clamp(gain*T + offset + grad*(x/(W-1) - 1/2)) on a uint8 thermal plane [H,W], rounded back."""
    h, w = th_u8.shape
    ramp = (np.arange(w, dtype=np.float32) / max(1, w - 1) - 0.5)[None, :]
    t = th_u8.astype(np.float32) / 255.0 * gain + offset + grad * ramp
    return np.clip(np.rint(t * 255.0), 0, 255).astype(np.uint8)


def make_batch(images, labels, idx, norm, thermal_channels, gen, augment, flip, drift=None, flags=None):
    """flags (a list) receives, per sample, whether it got the inverse calibration (a source-like view)."""
    raws, ys = [], []
    for i in idx:
        raw = np.array(images[i])
        y = np.array(labels[i])
        inv = drift is not None and float(torch.rand(1, generator=gen)) < 0.4
        if flags is not None:
            flags.append(inv)
        if inv:
            g = drift["gain"]  # the inverse: source-like thermal, same labels
            raw[..., 3] = apply_thermal(raw[..., 3], 1 / g, -drift["offset"] / g, -drift["gradient"] / g)
        elif augment == "thermal" and float(torch.rand(1, generator=gen)) < 0.5:
            raw[..., 3] = thermal_shift(raw[..., 3], gen)
        if flip and float(torch.rand(1, generator=gen)) < 0.5:
            raw, y = raw[:, ::-1].copy(), y[:, ::-1].copy()
        raws.append(raw)
        ys.append(y)
    pairs = [normalise_u8(r, norm["rgb"], norm["thermal"], thermal_channels) for r in raws]
    rgb = torch.cat([p[0] for p in pairs])
    th = torch.cat([p[1] for p in pairs])
    return rgb, th, torch.from_numpy(np.stack(ys)).long()


def loss_fn(logits, y, dice=False):
    """CE (ignore 255) on logits bilinearly upsampled to the label size; with dice, + 0.5 x soft-IoU
    (losses.soft_iou_loss's form, over the labelled pixels and the classes present in the batch)."""
    up = F.interpolate(logits, size=y.shape[-2:], mode="bilinear", align_corners=False)
    loss = F.cross_entropy(up, y, ignore_index=255)
    if dice:
        valid = (y != 255).unsqueeze(1).to(up.dtype)
        p = up.softmax(1) * valid
        t = F.one_hot(torch.where(y == 255, torch.zeros_like(y), y), up.shape[1]).permute(0, 3, 1, 2).to(up.dtype)
        t = t * valid
        inter = (p * t).sum((0, 2, 3))
        union = (p + t - p * t).sum((0, 2, 3))
        present = t.sum((0, 2, 3)) > 0
        if present.any():
            loss = loss + 0.5 * (1 - inter[present] / union[present].clamp_min(1e-6)).mean()
    return loss


def distill_loss(logits, teacher_logits, channels, temperature=2.0):
    """Learning without forgetting: KL(softmax(teacher/T) || softmax(student/T)) x T^2 over the output
    channels that have a source class (renormalised over those), mean over pixels, at logit resolution."""
    s = logits[:, channels] / temperature
    t = teacher_logits[:, channels] / temperature
    lt = t.log_softmax(1)
    return (lt.exp() * (lt - s.log_softmax(1))).sum(1).mean() * temperature ** 2


def save_checkpoint(job_dir, state):
    path = os.path.join(job_dir, CKPT)
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


def train(job, model, trainable, images, labels, norm, thermal_channels, device, emit, policy, drift=None,
          teacher=None):
    """Runs job['steps'] optimiser steps (resuming from DIR/checkpoint.pt when its job hash matches).
    With teacher (the frozen source model adapted to the job's classes) and job['distill'] > 0, the
    inverse-calibrated (source-like) samples of a batch also get distill x distill_loss against it.
    Returns (loss curve [(step, loss)], train seconds incl. earlier runs)."""
    params = dict(model.named_parameters())
    opt = torch.optim.AdamW([params[n] for n in trainable], lr=job["lr"], weight_decay=1e-4)
    gen = torch.Generator().manual_seed(job["seed"])
    torch.manual_seed(job["seed"])
    weights = torch.tensor(job["weights"], dtype=torch.float64)
    steps, curve, start, prior = job["steps"], [], 0, 0.0
    ck_path = os.path.join(job["dir"], CKPT)
    if os.path.exists(ck_path):
        ck = torch.load(ck_path, map_location="cpu")
        if ck.get("jobHash") == job["hash"] and ck.get("step", 0) <= steps:
            with torch.no_grad():
                for n, v in ck["trainable"].items():
                    params[n].copy_(v.to(params[n].device))
            opt.load_state_dict(ck["optimizer"])
            gen.set_state(ck["rng"]["gen"])
            torch.set_rng_state(ck["rng"]["torch"])
            start, curve, prior = ck["step"], [tuple(p) for p in ck["lossCurve"]], ck["seconds"]
            emit({"type": "resumed", "step": start})
        else:
            print(f"ignoring {ck_path}: it belongs to a different job.json", file=sys.stderr)
    channels = [k for k, c in enumerate(job["classes"]) if c.get("source") is not None]
    distill = job.get("distill", 0.0) if teacher is not None and drift is not None and len(channels) >= 2 else 0.0
    flip = policy == "resize"  # padded inputs keep their padding at the bottom/right
    model.train()
    t0, last = time.time(), 0.0
    for step in range(start, steps):
        for gp in opt.param_groups:
            gp["lr"] = lr_at(step, steps, job["lr"])
        idx = torch.multinomial(weights, job["batch"], replacement=True, generator=gen).tolist()
        flags = []
        rgb, th, y = make_batch(images, labels, idx, norm, thermal_channels, gen, job["augment"], flip, drift, flags)
        rgb, th = rgb.to(device), th.to(device)
        logits, _, _ = semantic_head(model.sam, rgb, th)
        loss = loss_fn(logits, y.to(device), dice=job["loss"] == "ce+dice")
        if distill > 0 and any(flags):
            sel = torch.tensor(flags, device=device)
            with torch.no_grad():
                t_logits, _, _ = semantic_head(teacher.sam, rgb[sel], th[sel])
            loss = loss + distill * distill_loss(logits[sel], t_logits, channels)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_([params[n] for n in trainable], 1.0)
        opt.step()
        done = step + 1
        curve.append((done, round(float(loss), 5)))
        now = time.time()
        if now - last >= 0.5 or done == steps or done == start + 1:
            rate = (now - t0) / (done - start)
            emit({"type": "progress", "step": done, "steps": steps, "loss": curve[-1][1],
                  "etaSeconds": round(rate * (steps - done), 1)})
            last = now
        if done % job["checkpoint_every"] == 0 and done < steps:
            save_checkpoint(job["dir"], {
                "jobHash": job["hash"], "step": done,
                "trainable": {n: params[n].detach().cpu().clone() for n in trainable},
                "optimizer": opt.state_dict(), "rng": {"gen": gen.get_state(), "torch": torch.get_rng_state()},
                "lossCurve": curve, "seconds": prior + now - t0})
            emit({"type": "checkpoint", "step": done})
    model.eval()
    return curve, prior + time.time() - t0


def thin_curve(curve, n=100):
    """≤ n points: the mean loss of consecutive bins, at each bin's last step."""
    if len(curve) <= n:
        return [{"step": s, "loss": l} for s, l in curve]
    out = []
    for b in range(n):
        part = curve[b * len(curve) // n:(b + 1) * len(curve) // n]
        out.append({"step": part[-1][0], "loss": round(sum(p[1] for p in part) / len(part), 5)})
    return out
