"""Confusion-matrix IoU, MFNet style: mean over all classes 0..C-1 (unlabeled included)."""
import numpy as np


def confusion(pred, gt, n):
    k = gt.astype(np.int64) * n + pred.astype(np.int64)
    return np.bincount(k.ravel(), minlength=n * n).reshape(n, n)


def iou_from_confusion(cm):
    tp = np.diag(cm).astype(np.float64)
    denom = cm.sum(0) + cm.sum(1) - tp
    iou = np.where(denom > 0, tp / np.maximum(denom, 1), np.nan)
    return iou, float(np.nanmean(iou))


def evaluate(model, images_u8, full_labels, n_classes, batch=4):
    """Logits at the model's output size, bilinearly upsampled to the label size, then argmax
    (what the app does after the adapter)."""
    import torch
    import torch.nn.functional as F
    from data import to_tensors
    cm = np.zeros((n_classes, n_classes), np.int64)
    model.eval()
    with torch.no_grad():
        for i in range(0, len(images_u8), batch):
            rgb, th = to_tensors(images_u8[i:i + batch])
            logits, _ = model(rgb, th)
            gt = full_labels[i:i + batch]
            up = F.interpolate(logits, size=gt.shape[-2:], mode="bilinear", align_corners=False)
            cm += confusion(up.argmax(1).numpy(), gt, n_classes)
    return iou_from_confusion(cm)
