"""What it takes to import, run and export the upstream SARTM code (github.com/wahaha-debug/SARTM)
on Debian's torch 1.13 as well as torch >= 2, learned from running it (issue #21). Everything here is
scoped to the export process: the import stubs go into this process's sys.modules only, and the torch
patches are context managers that put torch back as it was on exit.

- `install_import_stubs()`: SARTM imports clip, icecream, matplotlib, safetensors, timm, torchvision and
  tqdm at module level, only for training (language distillation, logging, plotting, saving LoRA
  weights). Each is stubbed only when it is not installed. hydra/omegaconf build the model from
  sam2_configs/*.yaml; when missing, a small equivalent (`compose` + `instantiate` of `_target_`
  nodes, `++a.b=c` overrides) reads the same YAML.
- `torch2_calls()`: SAM2 calls F.scaled_dot_product_attention (Hiera, TwoWayTransformer) inside
  `torch.backends.cuda.sdp_kernel(enable_mem_efficient=...)`, both torch 2 (1.13's beta sdp_kernel
  refuses that keyword); on 1.13 a math implementation and a no-op context stand in.
- `onnx_export_fixes()`: Hiera's `Tensor.tile` has no ONNX symbolic in 1.13 (-> `repeat`), and the
  1.13 exporter turns PromptEncoder._embed_points' masked assignments (`pe[labels == -1] = 0`) into
  a `Where` without broadcasting that onnxruntime refuses ('Incompatible dimensions'); during export
  it is computed with broadcasting torch.where / multiplies instead (same values).
"""
import contextlib
import importlib
import importlib.util
import math
import os
import sys
import types

import torch
import torch.nn.functional as F

_MISSING = object()


def _module(name, **attrs):
    mod = types.ModuleType(name)
    mod.__dict__.update(attrs)
    mod.__twinlight_stub__ = True
    return mod


def _stub(name, **attrs):
    """Put a stub for `name` into sys.modules unless the real package imports."""
    try:
        importlib.import_module(name)
        return False
    except ImportError:
        sys.modules[name] = _module(name, **attrs)
        parent, _, child = name.rpartition(".")
        if parent and parent in sys.modules:
            setattr(sys.modules[parent], child, sys.modules[name])
        return True


# ---- hydra / omegaconf equivalent (model construction from sam2_configs/*.yaml) -------------------

_CONFIG_MODULE = {"name": "sam2_configs"}


def _initialize_config_module(config_module, version_base=None):
    _CONFIG_MODULE["name"] = config_module


class _Config(dict):
    """dict with attribute access, as hydra's DictConfig (build_sam2 reads cfg.model)."""

    def __getattr__(self, k):
        try:
            return self[k]
        except KeyError as e:
            raise AttributeError(k) from e


def _number(v):
    if isinstance(v, str):
        try:
            return float(v) if any(c in v for c in ".eE") and not v.isalpha() else v
        except ValueError:
            return v
    if isinstance(v, dict):
        return _Config({k: _number(x) for k, x in v.items()})
    if isinstance(v, list):
        return [_number(x) for x in v]
    return v


def _compose(config_name, overrides=()):
    import yaml
    spec = importlib.util.find_spec(_CONFIG_MODULE["name"])
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"SARTM config package {_CONFIG_MODULE['name']} not found on sys.path")
    path = os.path.join(list(spec.submodule_search_locations)[0], os.path.normpath(config_name))
    if not path.endswith(".yaml"):
        path += ".yaml"
    if not os.path.isfile(path):
        raise SystemExit(f"{path}: SAM2 config not found")
    cfg = _number(yaml.safe_load(open(path)))  # PyYAML reads 1e-6 as a string; OmegaConf as a float
    for o in overrides:
        key, _, val = o.lstrip("+").partition("=")
        node = cfg
        *parents, leaf = key.split(".")
        for p in parents:
            node = node.setdefault(p, _Config())
        node[leaf] = yaml.safe_load(val)
    return cfg


def _instantiate(cfg, _recursive_=True, **kw):
    if isinstance(cfg, list):
        return [_instantiate(x) for x in cfg]
    if not isinstance(cfg, dict):
        return cfg
    args = {k: _instantiate(v) for k, v in cfg.items() if k != "_target_"}
    if "_target_" not in cfg:
        return args
    mod, _, attr = cfg["_target_"].rpartition(".")
    return getattr(importlib.import_module(mod), attr)(**args, **kw)


class _OmegaConf:
    @staticmethod
    def resolve(cfg):  # the SAM2 configs have no interpolations
        return None


def install_import_stubs():
    """Stubs for SARTM's module-level imports that are not installed. Returns the stubbed names."""
    ident = lambda x=None, *a, **k: x  # noqa: E731
    stubs = [
        ("clip", dict(tokenize=None, load=None)),  # training-only language distillation
        ("icecream", dict(ic=ident)),
        ("matplotlib", {}), ("matplotlib.pyplot", {}),
        ("safetensors", dict(safe_open=None)), ("safetensors.torch", dict(save_file=None)),  # LoRA saving
        ("timm", {}), ("timm.models", {}), ("timm.models.layers", dict(trunc_normal_=torch.nn.init.trunc_normal_)),
        ("torchvision", {}), ("torchvision.transforms", dict(Normalize=None, Resize=None, ToTensor=None)),
        ("tqdm", dict(tqdm=ident)),
        ("omegaconf", dict(OmegaConf=_OmegaConf)),
        ("hydra", dict(compose=_compose, initialize_config_module=_initialize_config_module)),
        ("hydra.utils", dict(instantiate=_instantiate)),
    ]
    return [name for name, attrs in stubs if _stub(name, **attrs)]


# ---- torch patches, scoped --------------------------------------------------------------------------

@contextlib.contextmanager
def _patched(patches):
    saved = []
    try:
        for obj, name, value in patches:
            saved.append((obj, name, getattr(obj, name, _MISSING)))
            setattr(obj, name, value)
        yield [f"{getattr(o, '__name__', type(o).__name__)}.{n}" for o, n, _ in patches]
    finally:
        for obj, name, old in reversed(saved):
            if old is _MISSING:
                delattr(obj, name)
            else:
                setattr(obj, name, old)


def sdpa_math(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    """torch 2's F.scaled_dot_product_attention, math path (what SAM2 asks for on CPU)."""
    if is_causal or attn_mask is not None:
        raise NotImplementedError("SAM2's inference path uses neither a mask nor causal attention")
    s = (1.0 / math.sqrt(q.size(-1))) if scale is None else scale
    attn = torch.softmax((q * s) @ k.transpose(-2, -1), dim=-1)
    if dropout_p > 0.0:
        attn = F.dropout(attn, p=dropout_p)
    return attn @ v


@contextlib.contextmanager
def _no_sdp_kernel(**kw):
    yield


def torch2_calls():
    """Context: F.scaled_dot_product_attention and torch.backends.cuda.sdp_kernel where torch lacks them."""
    patches = []
    if not hasattr(F, "scaled_dot_product_attention"):
        # 1.13 has a beta sdp_kernel without enable_mem_efficient=; it selects nothing for the math path
        patches += [(F, "scaled_dot_product_attention", sdpa_math), (torch.backends.cuda, "sdp_kernel", _no_sdp_kernel)]
    elif not hasattr(torch.backends.cuda, "sdp_kernel"):  # removed in later torch 2 releases
        patches.append((torch.backends.cuda, "sdp_kernel", _no_sdp_kernel))
    return _patched(patches)


def _tile_as_repeat(self, *dims):
    dims = tuple(dims[0]) if len(dims) == 1 and isinstance(dims[0], (list, tuple)) else tuple(dims)
    dims = (1,) * (self.dim() - len(dims)) + dims
    return self.repeat(*dims)


def embed_points_broadcast(self, points, labels, pad):
    """SAM2 PromptEncoder._embed_points with broadcasting where/multiplies instead of masked
    assignment; the same values (adding 0 * w where a label does not match)."""
    points = points + 0.5
    if pad:
        points = torch.cat([points, torch.zeros((points.shape[0], 1, 2), dtype=points.dtype, device=points.device)], dim=1)
        labels = torch.cat([labels, -torch.ones((labels.shape[0], 1), dtype=labels.dtype, device=labels.device)], dim=1)
    pe = self.pe_layer.forward_with_coords(points, self.input_image_size)
    lab = labels.unsqueeze(-1)
    pe = torch.where(lab == -1, torch.zeros_like(pe), pe)
    pe = pe + (lab == -1).to(pe.dtype) * self.not_a_point_embed.weight
    for i in range(4):
        pe = pe + (lab == i).to(pe.dtype) * self.point_embeddings[i].weight
    return pe


def onnx_export_fixes(prompt_encoder_cls):
    """Context for torch.onnx.export only: Tensor.tile as repeat (torch < 2 has no tile symbolic) and
    `prompt_encoder_cls._embed_points` computed with broadcasting ops."""
    patches = [(prompt_encoder_cls, "_embed_points", embed_points_broadcast)]
    if int(torch.__version__.split(".")[0]) < 2:
        patches.append((torch.Tensor, "tile", _tile_as_repeat))
    return _patched(patches)
