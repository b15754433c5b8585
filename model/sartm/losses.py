"""Training losses: weighted cross-entropy + soft-IoU on the main (averaged) logits, CE on the
auxiliary head, and SARTM-style language distillation (class-prototype similarity matrix pulled
towards the class-name embedding similarity matrix by KL)."""
import torch
import torch.nn.functional as F


def soft_iou_loss(logits, labels, n_classes):
    p = logits.softmax(1)
    y = F.one_hot(labels.long(), n_classes).permute(0, 3, 1, 2).to(p.dtype)
    inter = (p * y).sum((0, 2, 3))
    union = (p + y - p * y).sum((0, 2, 3))
    present = y.sum((0, 2, 3)) > 0
    iou = inter / union.clamp_min(1e-6)
    return (1 - iou[present]).mean() if present.any() else logits.sum() * 0


def seg_loss(logits, labels, class_weights):
    """logits [B,C,h,w] at output resolution, labels [B,H,W] (2x the output on the tiny model:
    the loss sees the bilinear upsampling the app applies, at a quarter of the input-size cost)."""
    up = F.interpolate(logits, size=labels.shape[-2:], mode="bilinear", align_corners=False)
    ce = F.cross_entropy(up, labels.long(), weight=class_weights)
    return ce + 0.5 * soft_iou_loss(up, labels, logits.shape[1])


def class_prototypes(feat, labels, n_classes):
    """Area-weighted class means of feat [B,D,h,w] under labels [B,H,W]; returns [C,D] and presence."""
    small = F.interpolate(labels[:, None].float(), scale_factor=0.25, mode="nearest")[:, 0].long()
    y = F.one_hot(small, n_classes).permute(0, 3, 1, 2).float()
    w = F.adaptive_avg_pool2d(y, feat.shape[-2:])  # soft class share per feature cell
    num = torch.einsum("bchw,bdhw->cd", w, feat)
    den = w.sum((0, 2, 3))
    return num / den.clamp_min(1e-6)[:, None], den > 1e-3


def text_distill_loss(fused_top, labels, text_table, tau=0.1):
    protos, present = class_prototypes(fused_top, labels, text_table.shape[0])
    if present.sum() < 2:
        return fused_top.sum() * 0
    pv = F.normalize(protos[present], dim=-1)
    pt = F.normalize(text_table[present], dim=-1)
    vis = (pv @ pv.t()) / tau
    txt = (pt @ pt.t()) / tau
    return F.kl_div(F.log_softmax(vis, -1), F.softmax(txt, -1), reduction="batchmean")
