"""SARTM-family model: shared encoder for RGB and thermal, SAM2 mask decoder with one token per class
called with a single padding prompt, RGB and thermal masks averaged; training-only auxiliary
multi-scale semantic head over fused features and a text-embedding distillation loss.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from .config import SartmConfig
from .decoder import MLP, MaskDecoder, PromptEncoder, predict_masks_with_features
from .encoder import ImageEncoder

NO_OBJ_SCORE = -1024.0  # SAM2's fill value for masks of a "no object" prediction


class Sam(nn.Module):
    """The ``sam`` of SARTM's LoRA_Sam: image_encoder, sam_prompt_encoder, sam_mask_decoder."""

    def __init__(self, cfg: SartmConfig):
        super().__init__()
        self.image_encoder = ImageEncoder(cfg)
        gh, gw = cfg.grid
        self.sam_prompt_encoder = PromptEncoder(cfg.transformer_dim, (gh, gw), (cfg.input_h, cfg.input_w))
        self.sam_mask_decoder = MaskDecoder(
            cfg.transformer_dim, cfg.num_classes, cfg.decoder_depth, cfg.decoder_heads, cfg.decoder_mlp_dim,
            first_upscale=cfg.token_stride // 8, pred_obj_scores=cfg.pred_obj_scores)

    def forward_image(self, img_batch):
        """SAM2Base.forward_image: encoder, then conv_s0 / conv_s1 on the two high-res levels.

        The neck's lateral 1x1 conv and conv_s0 (conv_s1) are consecutive linear maps, so they are
        applied as one composed 1x1 conv: identical result, far less work at 1/4 resolution.
        """
        enc = self.image_encoder
        xs = enc.trunk(img_batch)
        dec = self.sam_mask_decoder
        fpn = [_compose_1x1(dec.conv_s0, enc.neck.convs[0], xs[0]),
               _compose_1x1(dec.conv_s1, enc.neck.convs[1], xs[1]),
               enc.neck.convs[2](xs[2])]
        return {"vision_features": fpn[2], "vision_pos_enc": None, "backbone_fpn": fpn}


    def _forward_sam_heads(self, backbone_features, point_inputs=None, mask_inputs=None,
                           high_res_features=None, multimask_output=False):
        """SAM2Base._forward_sam_heads for the no-prompt case SARTM uses: a padding point (label -1),
        masks gated by the object score, low-res masks upsampled to the input size.
        Returns (low_res_multimasks, high_res_multimasks, ious, ...) like SAM2."""
        b = backbone_features.size(0)
        coords = torch.zeros(b, 1, 2)
        labels = -torch.ones(b, 1, dtype=torch.int32)
        sparse, dense = self.sam_prompt_encoder(points=(coords, labels), boxes=None, masks=None)
        low, ious, _, obj = self.sam_mask_decoder(
            image_embeddings=backbone_features, image_pe=self.sam_prompt_encoder.get_dense_pe(),
            sparse_prompt_embeddings=sparse, dense_prompt_embeddings=dense, multimask_output=multimask_output,
            repeat_image=False, high_res_features=high_res_features)
        if self.sam_mask_decoder.pred_obj_scores:
            low = torch.where(obj[:, :, None, None] > 0, low, torch.full_like(low, NO_OBJ_SCORE))
        high = F.interpolate(low, size=self.sam_prompt_encoder.input_image_size, mode="bilinear", align_corners=False)
        return low, high, ious, None, None, None, obj


def _compose_1x1(outer: nn.Conv2d, inner: nn.Conv2d, x):
    wo = outer.weight.flatten(1)
    w = (wo @ inner.weight.flatten(1)).reshape(outer.out_channels, inner.in_channels, 1, 1)
    b = outer.bias + wo @ inner.bias
    return F.conv2d(x, w, b)


def semantic_head(sam, rgb, thermal):
    """SARTM's inference path. rgb, thermal: [B,3,H,W] already normalised (thermal replicated to 3).

    Returns logits [B,C,H/4,W/4] (mean of the RGB and thermal mask logits, SAM's first token dropped
    as with multimask output) and features [B,2*d/8,H/4,W/4] (RGB then thermal upscaled embedding),
    the per-pixel vectors the final dot product reads. Also returns the encoder output for training.
    """
    b = rgb.shape[0]
    x = torch.cat([rgb, thermal], dim=0)
    enc = sam.forward_image(x)
    fpn = enc["backbone_fpn"]
    coords = torch.zeros((x.shape[0], 1, 2), dtype=x.dtype)
    labels = -torch.ones((x.shape[0], 1), dtype=torch.int32)
    sparse, dense = sam.sam_prompt_encoder(points=(coords, labels), boxes=None, masks=None)
    masks, up, _, obj, _ = predict_masks_with_features(
        sam.sam_mask_decoder, enc["vision_features"], sam.sam_prompt_encoder.get_dense_pe(), sparse, dense,
        high_res_features=fpn[:2])
    masks = masks[:, 1:]
    if obj is not None:
        masks = torch.where(obj[:, :, None, None] > 0, masks, torch.full_like(masks, NO_OBJ_SCORE))
    logits = 0.5 * (masks[:b] + masks[b:])
    features = torch.cat([up[:b], up[b:]], dim=1)
    return logits, features, enc


class SartmModel(nn.Module):
    """LoRA_Sam-shaped wrapper: ``sam`` plus the training-only fusion, auxiliary head and text table."""

    def __init__(self, cfg: SartmConfig, text_table=None):
        super().__init__()
        self.cfg = cfg
        self.sam = Sam(cfg)
        d = cfg.transformer_dim
        dims = [d // 8, d // 4, d]
        # Fusion of the two modalities per level (SARTM uses FRM/FFM here); feeds the aux head only.
        self.fuse = nn.ModuleList(nn.Conv2d(2 * c, c, 1) for c in dims)
        self.mlp_src = MLP(d, d // 8, d // 8, 3)
        self.mlp_feat_s0 = MLP(d // 8, d // 8, d // 8, 3)
        self.mlp_feat_s1 = MLP(d // 4, d // 8, d // 8, 3)
        self.linear_fuse = nn.Conv2d(d // 8 * 3, d // 8, kernel_size=1)
        self.linear_pred = nn.Conv2d(d // 8, cfg.num_classes, kernel_size=1)
        self.text_proj = nn.Linear(d, cfg.text_dim)
        if text_table is not None:
            self.register_buffer("text_table", torch.as_tensor(text_table, dtype=torch.float32))
        else:
            self.register_buffer("text_table", torch.zeros(cfg.num_classes, cfg.text_dim))

    def forward(self, rgb, thermal):
        logits, features, _ = semantic_head(self.sam, rgb, thermal)
        return logits, features

    def forward_train(self, rgb, thermal):
        logits, features, enc = semantic_head(self.sam, rgb, thermal)
        b = rgb.shape[0]
        fused = [f(torch.cat([x[:b], x[b:]], dim=1)) for f, x in zip(self.fuse, enc["backbone_fpn"])]
        aux = self._aux_head(fused)
        return logits, features, aux, fused[-1]

    def _aux_head(self, fused):
        s0, s1, top = fused
        size = s0.shape[-2:]

        def pix(mlp, x):
            return mlp(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)

        a = F.interpolate(pix(self.mlp_src, top), size=size, mode="bilinear", align_corners=False)
        b = F.interpolate(pix(self.mlp_feat_s1, s1), size=size, mode="bilinear", align_corners=False)
        c = pix(self.mlp_feat_s0, s0)
        return self.linear_pred(F.relu(self.linear_fuse(torch.cat([a, b, c], dim=1))))
