"""Turn the source package's PyTorch model into the model a LoRA job trains: per-class decoder parts
rebuilt for the job's classes, the existing LoRA merged into qkv and re-initialised (so training
starts exactly at the source model), and everything but LoRA q/v + mask decoder frozen."""
import math
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from recover_torch_weights import load_torch_weights  # noqa: E402
from sartm import SartmConfig, SartmModel  # noqa: E402
from sartm.encoder import LoRAQKV  # noqa: E402

DEC = "sam.sam_mask_decoder."
NEW_CLASS_NOISE = 0.02  # relative to the background token's RMS


def load_source(weights_path, manifest):
    prov = manifest.get("provenance", {}).get("pytorch") or {}
    arch = prov.get("arch")
    if arch == "sartm-upstream":
        raise ValueError("source package is the published SARTM model (arch sartm-upstream): LoRA training of the "
                         "1280x1280 Hiera-B+ model on CPU is out of scope for this worker")
    if arch not in (None, "twinlight-sartm"):
        raise ValueError(f"source manifest: provenance.pytorch.arch {arch!r} is not supported (twinlight-sartm only)")
    return load_torch_weights(weights_path)


def adapt_classes(src_model, cfg, sources, seed):
    """A SartmModel with len(sources) classes. Class k copies source class sources[k] (its mask token,
    hypernetwork MLP, IoU-head row, aux-head row, text row); a new class (None) starts from the source
    background class 0 (token + small noise so it can separate from it, MLP copied)."""
    p = len(sources)
    cfg_p = SartmConfig(**dict(cfg.to_dict(), num_classes=p))
    g = torch.Generator().manual_seed(seed + 7919)
    torch.manual_seed(seed)
    model = SartmModel(cfg_p)
    src = src_model.state_dict()
    dst = model.state_dict()
    tok_src = [0] + [(0 if s is None else s) + 1 for s in sources]  # SAM's token 0 kept
    cls_src = [0 if s is None else s for s in sources]
    for k, v in src.items():
        if k == DEC + "mask_tokens.weight":
            t = v[tok_src].clone()
            for j, s in enumerate(sources):
                if s is None:
                    rms = float(t[j + 1].pow(2).mean().sqrt())
                    t[j + 1] += NEW_CLASS_NOISE * rms * torch.randn(t.shape[1], generator=g)
            dst[k] = t
        elif k.startswith(DEC + "output_hypernetworks_mlps."):
            i = int(k.split(".")[3])
            for j, s in enumerate(tok_src):
                if s == i:
                    dst[k.replace(f"mlps.{i}.", f"mlps.{j}.", 1)] = v.clone()
        elif k.startswith(DEC + "iou_prediction_head.layers.") and v.shape[0] == cfg.num_classes + 1:
            dst[k] = v[tok_src].clone()
        elif k in ("linear_pred.weight", "linear_pred.bias", "text_table"):
            dst[k] = v[cls_src].clone()
        elif k in dst and dst[k].shape == v.shape:
            dst[k] = v.clone()
        else:
            raise ValueError(f"source weights: {k} {tuple(v.shape)} does not fit the model for {p} classes")
    model.load_state_dict(dst)
    return cfg_p, model


def lora_modules(model):
    return [m for m in model.modules() if isinstance(m, LoRAQKV)]


def merge_lora(model):
    """qkv.weight += [B_q A_q; 0; B_v A_v], then B = 0: same function, LoRA folded into qkv."""
    with torch.no_grad():
        for m in lora_modules(model):
            d = m.dim
            m.qkv.weight[:d] += m.linear_b_q.weight @ m.linear_a_q.weight
            m.qkv.weight[2 * d:] += m.linear_b_v.weight @ m.linear_a_v.weight
            m.linear_b_q.weight.zero_()
            m.linear_b_v.weight.zero_()


def reset_lora(model, seed):
    """Merge the current LoRA, then a fresh rank-r LoRA: A kaiming-uniform (as LoRAQKV), B zero."""
    merge_lora(model)
    torch.manual_seed(seed + 104729)
    with torch.no_grad():
        for m in lora_modules(model):
            for a in (m.linear_a_q, m.linear_a_v):
                nn.init.kaiming_uniform_(a.weight, a=math.sqrt(5))


def set_trainable(model):
    """LoRA A/B on q and v of every encoder block + the whole mask decoder (class tokens included)."""
    names = []
    for n, p in model.named_parameters():
        train = n.startswith(DEC) or ".linear_a_" in n or ".linear_b_" in n
        if n.startswith(DEC + "iou_prediction_head") or n.startswith(DEC + "iou_token"):
            train = n.startswith(DEC + "iou_token")  # the IoU head never reaches the logits
        p.requires_grad_(train)
        if train:
            names.append(n)
    return names
