"""Image encoder shared by RGB and thermal: conv stem + patch ViT trunk with LoRA on qkv + FPN neck.

Names mirror SAM2 / SARTM: ``trunk.blocks.N.attn.qkv`` is SARTM's ``_LoRA_qkv`` (``qkv``,
``linear_a_q``, ``linear_b_q``, ``linear_a_v``, ``linear_b_v``) and the encoder returns SAM2's
dict ``{vision_features, vision_pos_enc, backbone_fpn}`` with backbone_fpn at 1/4, 1/8 and the
token stride.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .config import SartmConfig


class LoRAQKV(nn.Module):
    """qkv projection plus rank-r updates of q and v (B zero-initialised), as SARTM's _LoRA_qkv."""

    def __init__(self, qkv: nn.Linear, rank: int):
        super().__init__()
        self.qkv = qkv
        self.dim = qkv.in_features
        self.linear_a_q = nn.Linear(self.dim, rank, bias=False)
        self.linear_b_q = nn.Linear(rank, self.dim, bias=False)
        self.linear_a_v = nn.Linear(self.dim, rank, bias=False)
        self.linear_b_v = nn.Linear(rank, self.dim, bias=False)
        for a in (self.linear_a_q, self.linear_a_v):
            nn.init.kaiming_uniform_(a.weight, a=math.sqrt(5))
        for b in (self.linear_b_q, self.linear_b_v):
            nn.init.zeros_(b.weight)

    def forward(self, x):
        out = self.qkv(x)
        d = self.dim
        q = out[..., :d] + self.linear_b_q(self.linear_a_q(x))
        k = out[..., d:2 * d]
        v = out[..., 2 * d:] + self.linear_b_v(self.linear_a_v(x))
        return torch.cat([q, k, v], dim=-1)


class Attention(nn.Module):
    def __init__(self, dim: int, heads: int, rank: int):
        super().__init__()
        self.heads = heads
        self.qkv = LoRAQKV(nn.Linear(dim, 3 * dim), rank)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(c // self.heads))
        x = (attn.softmax(dim=-1) @ v).transpose(1, 2).reshape(b, n, c)
        return self.proj(x)


class Block(nn.Module):
    def __init__(self, dim: int, heads: int, mlp_ratio: float, rank: int):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads, rank)
        self.norm2 = nn.LayerNorm(dim)
        hidden = int(dim * mlp_ratio)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class Trunk(nn.Module):
    """Patchify conv stem (high-res features at 1/4 and 1/8) then a global-attention patch ViT.

    Non-overlapping stride-4 then stride-2 convs are cheap on CPU (they are matmuls) and give the
    1/4 and 1/8 levels SAM2 adds back in its mask decoder's upscaling.
    """

    def __init__(self, cfg: SartmConfig):
        super().__init__()
        c0, c1 = cfg.stem_channels
        self.stem = nn.ModuleList([
            nn.Sequential(nn.Conv2d(3, c0, 4, stride=4), nn.GELU()),
            nn.Sequential(nn.Conv2d(c0, c1, 2, stride=2), nn.GELU())])
        self.patch_embed = nn.Conv2d(c1, cfg.embed_dim, cfg.patch_stride, stride=cfg.patch_stride)
        gh, gw = cfg.grid
        self.pos_embed = nn.Parameter(torch.zeros(1, gh * gw, cfg.embed_dim))
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        self.blocks = nn.ModuleList(Block(cfg.embed_dim, cfg.num_heads, cfg.mlp_ratio, cfg.lora_rank)
                                    for _ in range(cfg.depth))
        self.norm = nn.LayerNorm(cfg.embed_dim)
        self.channel_list = [c0, c1, cfg.embed_dim]  # at 1/4, 1/8, token stride

    def forward(self, x):
        s0 = self.stem[0](x)
        s1 = self.stem[1](s0)
        t = self.patch_embed(s1)
        b, c, h, w = t.shape
        t = t.flatten(2).transpose(1, 2) + self.pos_embed
        for blk in self.blocks:
            t = blk(t)
        t = self.norm(t).transpose(1, 2).reshape(b, c, h, w)
        return [s0, s1, t]


class Neck(nn.Module):
    """1x1 lateral convs to d_model. Like SAM2's FpnNeck with fpn_top_down_levels on the token level
    only: the high-res levels get their context later, in the mask decoder's upscaling."""

    def __init__(self, in_channels, d_model: int):
        super().__init__()
        self.convs = nn.ModuleList(nn.Conv2d(c, d_model, 1) for c in in_channels)

    def forward(self, xs):
        return [conv(x) for conv, x in zip(self.convs, xs)]


class ImageEncoder(nn.Module):
    def __init__(self, cfg: SartmConfig):
        super().__init__()
        self.trunk = Trunk(cfg)
        self.neck = Neck(self.trunk.channel_list, cfg.transformer_dim)

    def forward(self, x):
        fpn = self.neck(self.trunk(x))
        return {"vision_features": fpn[-1], "vision_pos_enc": None, "backbone_fpn": fpn}
