"""Click/box prompt decoder over the tiny backbone's embedding outputs, with SAM2's ONNX interface
(samexporter names): image_embed, high_res_feats_0, high_res_feats_1, point_coords [1,N,2] (model
input frame, pixels), point_labels [1,N] (1 positive, 0 negative, 2/3 box corners, -1 padding),
mask_input [1,1,h,w] (a previous low-res mask logit), has_mask_input [1] -> masks [1,3,h,w]
(low-res logits, > 0 is inside), iou_predictions [1,3].

The backbone's embedding outputs concatenate RGB and thermal channels (so they have SAM2's 256 /
32 / 64 channels at transformer_dim 128); 1x1 projections, initialised to the RGB/T mean, bring
them to the decoder's width. The decoder is SAM2's, warm-started from the semantic decoder.
"""
import torch
import torch.nn as nn

from .config import SartmConfig
from .decoder import LayerNorm2d, MaskDecoder, PromptEncoder, predict_masks_with_features


def backbone_embeddings(enc, b):
    """RGB|thermal channel concatenation of the encoder levels: (image_embed, hr0, hr1)."""
    fpn = enc["backbone_fpn"]
    cat = lambda x: torch.cat([x[:b], x[b:]], dim=1)  # noqa: E731
    return cat(fpn[2]), cat(fpn[0]), cat(fpn[1])


def _mean_init(conv: nn.Conv2d):
    c = conv.out_channels
    with torch.no_grad():
        w = torch.zeros(c, 2 * c, 1, 1)
        idx = torch.arange(c)
        w[idx, idx] = 0.5
        w[idx, idx + c] = 0.5
        conv.weight.copy_(w)
        conv.bias.zero_()


class PromptDecoder(nn.Module):
    def __init__(self, cfg: SartmConfig):
        super().__init__()
        d = cfg.transformer_dim
        self.proj_embed = nn.Conv2d(2 * d, d, 1)
        self.proj_s0 = nn.Conv2d(2 * (d // 8), d // 8, 1)
        self.proj_s1 = nn.Conv2d(2 * (d // 4), d // 4, 1)
        for c in (self.proj_embed, self.proj_s0, self.proj_s1):
            _mean_init(c)
        gh, gw = cfg.grid
        self.sam_prompt_encoder = PromptEncoder(d, (gh, gw), (cfg.input_h, cfg.input_w))
        # mask_input is at the low-res mask size (4x the features' stride-8 grid... i.e. out_hw);
        # three stride-2 convs bring it to the token grid when token stride is 32 (8x).
        steps = {16: 2, 32: 3}[cfg.token_stride]
        chans = [1, 4, 16, 32][:steps + 1]
        layers = []
        for i in range(steps):
            layers += [nn.Conv2d(chans[i], chans[i + 1], 2, stride=2), LayerNorm2d(chans[i + 1]), nn.GELU()]
        layers.append(nn.Conv2d(chans[steps], d, 1))
        self.mask_downscaling = nn.Sequential(*layers)
        self.sam_mask_decoder = MaskDecoder(d, 3, cfg.decoder_depth, cfg.decoder_heads, cfg.decoder_mlp_dim,
                                            first_upscale=cfg.token_stride // 8)

    def warm_start(self, sam):
        """Copy the semantic decoder's transformer, upscaling, first 4 tokens/hypernetworks, image PE."""
        src, dst = sam.sam_mask_decoder, self.sam_mask_decoder
        with torch.no_grad():
            dst.transformer.load_state_dict(src.transformer.state_dict())
            dst.output_upscaling.load_state_dict(src.output_upscaling.state_dict())
            dst.iou_token.weight.copy_(src.iou_token.weight)
            dst.mask_tokens.weight.copy_(src.mask_tokens.weight[:4])
            for i in range(4):
                dst.output_hypernetworks_mlps[i].load_state_dict(src.output_hypernetworks_mlps[i + 1].state_dict())
            pe = self.sam_prompt_encoder.pe_layer.positional_encoding_gaussian_matrix
            pe.copy_(sam.sam_prompt_encoder.pe_layer.positional_encoding_gaussian_matrix)
            self.sam_prompt_encoder.no_mask_embed.weight.copy_(sam.sam_prompt_encoder.no_mask_embed.weight)

    def forward(self, image_embed, high_res_feats_0, high_res_feats_1, point_coords, point_labels, mask_input,
                has_mask_input):
        emb = self.proj_embed(image_embed)
        s0 = self.proj_s0(high_res_feats_0)
        s1 = self.proj_s1(high_res_feats_1)
        pe_enc = self.sam_prompt_encoder
        sparse = pe_enc._embed_points(point_coords, point_labels, pad=False)
        has = has_mask_input.reshape(-1, 1, 1, 1)
        dense = has * self.mask_downscaling(mask_input) + (1 - has) * pe_enc.no_mask_embed.weight.reshape(1, -1, 1, 1)
        masks, _, _, _, iou_tok = predict_masks_with_features(
            self.sam_mask_decoder, emb.expand(sparse.shape[0], -1, -1, -1), pe_enc.get_dense_pe(), sparse, dense,
            [s0.expand(sparse.shape[0], -1, -1, -1), s1.expand(sparse.shape[0], -1, -1, -1)])
        iou = self.sam_mask_decoder.iou_prediction_head(iou_tok)
        return masks[:, 1:], iou[:, 1:]
