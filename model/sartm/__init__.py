"""PyTorch reference of the SARTM family (SAM/SAM2 adapted to RGB-thermal with LoRA).

Module and parameter names follow the published SARTM code (``LoRA_Sam`` wrapping a SAM2
``sam`` with ``image_encoder.trunk.blocks.N.attn.qkv``, ``sam_prompt_encoder`` and
``sam_mask_decoder``) so that the export path written for this reference also reads real
SARTM modules. See model/README.md.
"""
from .config import SartmConfig, tiny_config, sartm_b_plus_like_config
from .model import SartmModel

__all__ = ["SartmConfig", "tiny_config", "sartm_b_plus_like_config", "SartmModel"]
