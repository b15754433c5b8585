"""Size presets of the reference model, from the embedded tiny model to SARTM's published size."""
from dataclasses import dataclass, field, asdict
from typing import List


@dataclass
class SartmConfig:
    num_classes: int = 9
    # Input frame of the encoder (height, width), after the package's resize / pad policy.
    input_h: int = 384
    input_w: int = 512
    # Patchify stem channels at 1/4 and 1/8 (backbone_fpn[0] and [1], SAM2's high-res features).
    stem_channels: List[int] = field(default_factory=lambda: [32, 64])
    # Tokens are made from the 1/8 stem output with this extra patch stride (total stride 8*p).
    patch_stride: int = 4
    embed_dim: int = 128
    depth: int = 4
    num_heads: int = 4
    mlp_ratio: float = 2.0
    lora_rank: int = 4
    # SAM/SAM2 mask decoder (transformer_dim = d_model of the neck).
    transformer_dim: int = 128
    decoder_depth: int = 2
    decoder_heads: int = 4
    decoder_mlp_dim: int = 256
    pred_obj_scores: bool = False
    # Auxiliary / distillation (training only).
    text_dim: int = 32

    @property
    def token_stride(self) -> int:
        return 8 * self.patch_stride

    @property
    def grid(self):
        return self.input_h // self.token_stride, self.input_w // self.token_stride

    @property
    def out_hw(self):
        return self.input_h // 4, self.input_w // 4

    @property
    def feature_dim_per_modality(self) -> int:
        return self.transformer_dim // 8

    def to_dict(self):
        return asdict(self)


def tiny_config(**kw) -> SartmConfig:
    return SartmConfig(**kw)


def sartm_b_plus_like_config(num_classes: int = 5, **kw) -> SartmConfig:
    """Published SARTM scale: 1280x1280 input, 80x80 embedding, 256-d SAM2 decoder, rank-16 LoRA.

    The trunk here is a plain patch ViT at Hiera-B+'s width, not Hiera itself: the real checkpoint
    is exported with SARTM's own modules (model/export_sartm.py), never with this trunk.
    """
    base = dict(num_classes=num_classes, input_h=1280, input_w=1280, stem_channels=[128, 256],
                patch_stride=2, embed_dim=896, depth=24, num_heads=8, mlp_ratio=4.0, lora_rank=16,
                transformer_dim=256, decoder_depth=2, decoder_heads=8, decoder_mlp_dim=2048,
                pred_obj_scores=True, text_dim=512)
    base.update(kw)
    return SartmConfig(**base)
