"""SAM/SAM2 prompt encoder and two-way mask decoder, with SAM2's module names and maths.

One mask token per class (plus SAM's first "single-mask" token, dropped with multimask output),
high-res features added during upscaling as in SAM2. ``predict_masks_with_features`` is written
against these names only, so it runs on this reference and on SAM2's own MaskDecoder.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class MLP(nn.Module):
    def __init__(self, input_dim, hidden_dim, output_dim, num_layers, activation=nn.ReLU, sigmoid_output=False):
        super().__init__()
        self.num_layers = num_layers
        h = [hidden_dim] * (num_layers - 1)
        self.layers = nn.ModuleList(nn.Linear(n, k) for n, k in zip([input_dim] + h, h + [output_dim]))
        self.sigmoid_output = sigmoid_output
        self.act = activation()

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = self.act(layer(x)) if i < self.num_layers - 1 else layer(x)
        return torch.sigmoid(x) if self.sigmoid_output else x


class LayerNorm2d(nn.Module):
    def __init__(self, num_channels, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(num_channels))
        self.bias = nn.Parameter(torch.zeros(num_channels))
        self.eps = eps

    def forward(self, x):
        u = x.mean(1, keepdim=True)
        s = (x - u).pow(2).mean(1, keepdim=True)
        x = (x - u) / torch.sqrt(s + self.eps)
        return self.weight[:, None, None] * x + self.bias[:, None, None]


class Attention(nn.Module):
    def __init__(self, embedding_dim, num_heads, downsample_rate=1):
        super().__init__()
        self.internal_dim = embedding_dim // downsample_rate
        self.num_heads = num_heads
        self.q_proj = nn.Linear(embedding_dim, self.internal_dim)
        self.k_proj = nn.Linear(embedding_dim, self.internal_dim)
        self.v_proj = nn.Linear(embedding_dim, self.internal_dim)
        self.out_proj = nn.Linear(self.internal_dim, embedding_dim)

    def _sep(self, x):
        b, n, c = x.shape
        return x.reshape(b, n, self.num_heads, c // self.num_heads).transpose(1, 2)

    def forward(self, q, k, v):
        q, k, v = self._sep(self.q_proj(q)), self._sep(self.k_proj(k)), self._sep(self.v_proj(v))
        attn = (q @ k.transpose(-2, -1)) / math.sqrt(q.shape[-1])
        out = attn.softmax(dim=-1) @ v
        b, h, n, c = out.shape
        return self.out_proj(out.transpose(1, 2).reshape(b, n, h * c))


class TwoWayAttentionBlock(nn.Module):
    def __init__(self, dim, heads, mlp_dim, downsample_rate=2, skip_first_layer_pe=False):
        super().__init__()
        self.self_attn = Attention(dim, heads)
        self.norm1 = nn.LayerNorm(dim)
        self.cross_attn_token_to_image = Attention(dim, heads, downsample_rate)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = MLP(dim, mlp_dim, dim, num_layers=2)
        self.norm3 = nn.LayerNorm(dim)
        self.norm4 = nn.LayerNorm(dim)
        self.cross_attn_image_to_token = Attention(dim, heads, downsample_rate)
        self.skip_first_layer_pe = skip_first_layer_pe

    def forward(self, queries, keys, query_pe, key_pe):
        if self.skip_first_layer_pe:
            queries = self.self_attn(queries, queries, queries)
        else:
            q = queries + query_pe
            queries = queries + self.self_attn(q, q, queries)
        queries = self.norm1(queries)
        q, k = queries + query_pe, keys + key_pe
        queries = self.norm2(queries + self.cross_attn_token_to_image(q, k, keys))
        queries = self.norm3(queries + self.mlp(queries))
        q, k = queries + query_pe, keys + key_pe
        keys = self.norm4(keys + self.cross_attn_image_to_token(k, q, queries))
        return queries, keys


class TwoWayTransformer(nn.Module):
    def __init__(self, depth, embedding_dim, num_heads, mlp_dim, downsample_rate=2):
        super().__init__()
        self.layers = nn.ModuleList(
            TwoWayAttentionBlock(embedding_dim, num_heads, mlp_dim, downsample_rate, skip_first_layer_pe=(i == 0))
            for i in range(depth))
        self.final_attn_token_to_image = Attention(embedding_dim, num_heads, downsample_rate)
        self.norm_final_attn = nn.LayerNorm(embedding_dim)

    def forward(self, image_embedding, image_pe, point_embedding):
        image_embedding = image_embedding.flatten(2).permute(0, 2, 1)
        image_pe = image_pe.flatten(2).permute(0, 2, 1)
        queries, keys = point_embedding, image_embedding
        for layer in self.layers:
            queries, keys = layer(queries, keys, point_embedding, image_pe)
        q, k = queries + point_embedding, keys + image_pe
        queries = self.norm_final_attn(queries + self.final_attn_token_to_image(q, k, keys))
        return queries, keys


class PositionEmbeddingRandom(nn.Module):
    def __init__(self, num_pos_feats, scale=1.0):
        super().__init__()
        self.register_buffer("positional_encoding_gaussian_matrix", scale * torch.randn((2, num_pos_feats)))

    def _pe_encoding(self, coords):
        coords = 2 * coords - 1
        coords = coords @ self.positional_encoding_gaussian_matrix
        coords = 2 * np.pi * coords
        return torch.cat([torch.sin(coords), torch.cos(coords)], dim=-1)

    def forward(self, size):
        h, w = size
        grid = torch.ones((h, w), dtype=self.positional_encoding_gaussian_matrix.dtype)
        y = (grid.cumsum(dim=0) - 0.5) / h
        x = (grid.cumsum(dim=1) - 0.5) / w
        return self._pe_encoding(torch.stack([x, y], dim=-1)).permute(2, 0, 1)

    def forward_with_coords(self, coords_input, image_size):
        size = torch.tensor([float(image_size[1]), float(image_size[0])], dtype=torch.float)
        return self._pe_encoding(coords_input.to(torch.float) / size)


class PromptEncoder(nn.Module):
    """SAM2 prompt encoder without the mask-input branch (semantic use never feeds a mask)."""

    def __init__(self, embed_dim, image_embedding_size, input_image_size):
        super().__init__()
        self.embed_dim = embed_dim
        self.image_embedding_size = image_embedding_size
        self.input_image_size = input_image_size
        self.pe_layer = PositionEmbeddingRandom(embed_dim // 2)
        self.point_embeddings = nn.ModuleList(nn.Embedding(1, embed_dim) for _ in range(4))
        self.not_a_point_embed = nn.Embedding(1, embed_dim)
        self.no_mask_embed = nn.Embedding(1, embed_dim)

    def get_dense_pe(self):
        return self.pe_layer(self.image_embedding_size).unsqueeze(0)

    def _embed_points(self, points, labels, pad):
        points = points + 0.5
        if pad:
            points = torch.cat([points, torch.zeros((points.shape[0], 1, 2), dtype=points.dtype)], dim=1)
            labels = torch.cat([labels, -torch.ones((labels.shape[0], 1), dtype=labels.dtype)], dim=1)
        pe = self.pe_layer.forward_with_coords(points, self.input_image_size)
        lab = labels.unsqueeze(-1)
        pe = torch.where(lab == -1, torch.zeros_like(pe), pe)
        pe = pe + (lab == -1).to(pe.dtype) * self.not_a_point_embed.weight
        for i in range(4):
            pe = pe + (lab == i).to(pe.dtype) * self.point_embeddings[i].weight
        return pe

    def forward(self, points, boxes=None, masks=None):
        coords, labels = points
        sparse = self._embed_points(coords, labels, pad=boxes is None)
        h, w = self.image_embedding_size
        dense = self.no_mask_embed.weight.reshape(1, -1, 1, 1).expand(coords.shape[0], -1, h, w)
        return sparse, dense


class MaskDecoder(nn.Module):
    def __init__(self, transformer_dim, num_multimask_outputs, depth, heads, mlp_dim, first_upscale=2,
                 iou_head_depth=3, iou_head_hidden_dim=256, pred_obj_scores=False):
        super().__init__()
        self.transformer_dim = transformer_dim
        self.transformer = TwoWayTransformer(depth, transformer_dim, heads, mlp_dim)
        self.num_multimask_outputs = num_multimask_outputs
        self.num_mask_tokens = num_multimask_outputs + 1
        self.iou_token = nn.Embedding(1, transformer_dim)
        self.mask_tokens = nn.Embedding(self.num_mask_tokens, transformer_dim)
        self.pred_obj_scores = pred_obj_scores
        if pred_obj_scores:
            self.obj_score_token = nn.Embedding(1, transformer_dim)
        d4, d8 = transformer_dim // 4, transformer_dim // 8
        self.output_upscaling = nn.Sequential(
            nn.ConvTranspose2d(transformer_dim, d4, kernel_size=first_upscale, stride=first_upscale),
            LayerNorm2d(d4), nn.GELU(),
            nn.ConvTranspose2d(d4, d8, kernel_size=2, stride=2), nn.GELU())
        self.use_high_res_features = True
        self.conv_s0 = nn.Conv2d(transformer_dim, d8, kernel_size=1, stride=1)
        self.conv_s1 = nn.Conv2d(transformer_dim, d4, kernel_size=1, stride=1)
        self.output_hypernetworks_mlps = nn.ModuleList(
            MLP(transformer_dim, transformer_dim, d8, 3) for _ in range(self.num_mask_tokens))
        self.iou_prediction_head = MLP(transformer_dim, iou_head_hidden_dim, self.num_mask_tokens, iou_head_depth)
        if pred_obj_scores:
            self.pred_obj_score_head = nn.Linear(transformer_dim, 1)

    def forward(self, image_embeddings, image_pe, sparse_prompt_embeddings, dense_prompt_embeddings,
                multimask_output, repeat_image=False, high_res_features=None):
        """SAM2 MaskDecoder.forward (without dynamic multimask stability): masks, iou, token, obj score."""
        masks, _, _, obj, iou_token_out = predict_masks_with_features(
            self, image_embeddings, image_pe, sparse_prompt_embeddings, dense_prompt_embeddings, high_res_features)
        iou_pred = self.iou_prediction_head(iou_token_out)
        if multimask_output:
            masks, iou_pred = masks[:, 1:], iou_pred[:, 1:]
        else:
            masks, iou_pred = masks[:, 0:1], iou_pred[:, 0:1]
        if obj is None:
            obj = 10.0 * masks.new_ones(masks.shape[0], 1)
        return masks, iou_pred, None, obj


def predict_masks_with_features(dec, image_embeddings, image_pe, sparse, dense, high_res_features):
    """SAM2 MaskDecoder.predict_masks, also returning the upscaled embedding the masks are read from.

    Returns (masks [B, num_mask_tokens, h, w], upscaled [B, d/8, h, w], hyper_in [B, T, d/8],
    object_score_logits [B, 1] or None, iou token output [B, dim]). masks = hyper_in @ upscaled, so masks are linear in the
    upscaled embedding once the image's tokens are fixed.
    """
    s = 0
    if getattr(dec, "pred_obj_scores", False):
        output_tokens = torch.cat([dec.obj_score_token.weight, dec.iou_token.weight, dec.mask_tokens.weight], dim=0)
        s = 1
    else:
        output_tokens = torch.cat([dec.iou_token.weight, dec.mask_tokens.weight], dim=0)
    output_tokens = output_tokens.unsqueeze(0).expand(sparse.size(0), -1, -1)
    tokens = torch.cat((output_tokens, sparse), dim=1)
    src = image_embeddings + dense
    pos_src = torch.repeat_interleave(image_pe, tokens.shape[0], dim=0)
    b, c, h, w = src.shape
    hs, src = dec.transformer(src, pos_src, tokens)
    mask_tokens_out = hs[:, s + 1:(s + 1 + dec.num_mask_tokens), :]
    src = src.transpose(1, 2).reshape(b, c, h, w)
    dc1, ln1, act1, dc2, act2 = dec.output_upscaling
    feat_s0, feat_s1 = high_res_features
    up = act1(ln1(dc1(src) + feat_s1))
    up = act2(dc2(up) + feat_s0)
    hyper_in = torch.stack([dec.output_hypernetworks_mlps[i](mask_tokens_out[:, i, :])
                            for i in range(dec.num_mask_tokens)], dim=1)
    b, c, h, w = up.shape
    masks = (hyper_in @ up.reshape(b, c, h * w)).reshape(b, -1, h, w)
    obj = dec.pred_obj_score_head(hs[:, 0, :]) if s == 1 else None
    return masks, up, hyper_in, obj, hs[:, s, :]
