"""Write a Twinlight model package: manifest.json + backbone.onnx + parity fixture.

Shared by export_package.py (the tiny model trained here) and export_sartm.py (the published
SARTM checkpoint). The graph is (rgb [1,3,H,W], thermal [1,3|1,H,W]) -> (logits [1,C,h,w],
features [1,D,h,w]); see docs/model-package.md.
"""
import datetime
import json
import os

import numpy as np
import torch

FORMAT = "twinlight-model-package"
OPSET = 17


class SemanticExport(torch.nn.Module):
    """Wraps any module whose forward(rgb, thermal) returns (logits, features, *extra)."""

    def __init__(self, fn_module):
        super().__init__()
        self.m = fn_module

    def forward(self, rgb, thermal):
        return tuple(self.m(rgb, thermal))


def export_onnx(module, rgb, thermal, path, opset=OPSET, output_names=("logits", "features")):
    """Export with static shapes. The 1.13 exporter sometimes leaves an output's dims unknown (e.g.
    after torch.where); the graph is static, so the traced output shapes are written onto it."""
    import onnx
    module.eval()
    with torch.no_grad():
        outs = module(rgb, thermal)
        torch.onnx.export(SemanticExport(module), (rgb, thermal), path, input_names=["rgb", "thermal"],
                          output_names=list(output_names), opset_version=opset, do_constant_folding=True)
    model = onnx.load(path)
    for value, t in zip(model.graph.output, outs):
        dims = value.type.tensor_type.shape.dim
        del dims[:]
        for n in t.shape:
            dims.add().dim_value = int(n)
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return [tuple(t.shape) for t in outs]


def write_f32(path, t):
    np.ascontiguousarray(t.detach().cpu().numpy().astype("<f4")).tofile(path)


def normalise_u8(raw_u8, rgb_norm, thermal_norm, thermal_channels=3):
    """Manifest normalisation in float32, op by op: x = (raw * scale - mean) / std (8-bit thermal).
    Every step is one correctly rounded float32 operation, so a TypeScript port using Math.fround
    produces bit-identical inputs."""
    x = torch.from_numpy(np.ascontiguousarray(raw_u8)).permute(2, 0, 1)[None].float()
    f32 = lambda v: torch.tensor(v, dtype=torch.float32)  # noqa: E731
    rgb = x[:, :3] * f32(rgb_norm["scale"])
    rgb = (rgb - f32(rgb_norm["mean"]).view(1, 3, 1, 1)) / f32(rgb_norm["std"]).view(1, 3, 1, 1)
    if thermal_norm["bits"] != 8:
        raise ValueError("parity fixtures are written from 8-bit images")
    th = (x[:, 3:4] * f32(thermal_norm["scale"]) - f32(thermal_norm["mean"])) / f32(thermal_norm["std"])
    return rgb, th.expand(-1, thermal_channels, -1, -1).contiguous()


def write_parity(module, raw_u8, rgb_norm, thermal_norm, out_dir, source=None, thermal_channels=3):
    """Reference outputs from PyTorch for one image. The fixture stores the resized HxWx4 uint8 image
    (channels R, G, B, thermal); the graph inputs are that image normalised as the manifest says
    (normalise_u8), so the test also proves the manifest's normalisation."""
    pdir = os.path.join(out_dir, "parity")
    os.makedirs(pdir, exist_ok=True)
    rgb, thermal = normalise_u8(raw_u8, rgb_norm, thermal_norm, thermal_channels)
    module.eval()
    with torch.no_grad():
        logits, features = tuple(module(rgb, thermal))[:2]
    files = {"rawU8": "input_u8.bin", "logits": "logits.bin", "features": "features.bin"}
    np.ascontiguousarray(raw_u8, dtype=np.uint8).tofile(os.path.join(pdir, files["rawU8"]))
    write_f32(os.path.join(pdir, files["logits"]), logits)
    write_f32(os.path.join(pdir, files["features"]), features)
    meta = {"dtype": "float32", "byteOrder": "little", "layout": "NCHW", "files": files,
            "shapes": {"rawU8": list(raw_u8.shape), "logits": list(logits.shape), "features": list(features.shape)},
            "rawLayout": "HWC uint8, channels R,G,B,thermal, already at the model input size",
            "tolerance": 1e-4, "source": source, "producedBy": "model/package.py (PyTorch " + torch.__version__ + ")"}
    json.dump(meta, open(os.path.join(pdir, "parity.json"), "w"), indent=2)
    return logits, features


def build_manifest(*, name, version, description, classes, palette, ignore, input_hw, policy, pad_value,
                   rgb_norm, thermal_norm, logits_shape, features_shape, provenance, thermal_channels=3,
                   opset=OPSET, parity=True, prompt_decoder=None, extra_outputs=None):
    h, w = input_hw
    return {
        "format": FORMAT, "formatVersion": 1, "id": f"{name}@{version}", "name": name, "version": version,
        "description": description,
        "classes": [{"index": i, "name": n, "color": list(map(int, c)), "ignore": bool(i in ignore)}
                    for i, (n, c) in enumerate(zip(classes, palette))],
        "input": {"width": w, "height": h, "policy": policy, "padValue": pad_value, "resizeKernel": "bilinear"},
        "normalisation": {"rgb": rgb_norm, "thermal": thermal_norm},
        "tensors": {
            "inputs": {"rgb": {"name": "rgb", "shape": [1, 3, h, w]},
                       "thermal": {"name": "thermal", "shape": [1, thermal_channels, h, w]}},
            "outputs": dict({"logits": {"name": "logits", "shape": list(logits_shape)},
                             "features": {"name": "features", "shape": list(features_shape)}},
                            **({"extra": extra_outputs} if extra_outputs else {})),
        },
        "parts": dict({"backbone": "backbone.onnx"}, **({"promptDecoder": prompt_decoder} if prompt_decoder else {})),
        "opset": opset,
        **({"parity": "parity/parity.json"} if parity else {}),
        "provenance": dict(provenance, date=provenance.get("date") or datetime.date.today().isoformat(),
                           torchVersion=torch.__version__),
    }


def write_manifest(out_dir, manifest):
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


def round_weights_fp16(module):
    """Round every float parameter and buffer to float16 precision (kept as float32), in place. The
    PyTorch reference then computes exactly with the weights an fp16-stored graph holds."""
    with torch.no_grad():
        for t in list(module.parameters()) + list(module.buffers()):
            if t.dtype == torch.float32:
                t.copy_(t.half().float())
    return module


def store_initializers_fp16(path, min_elems=256):
    """Store large float32 initializers as float16 followed by a Cast to float32: half the file size,
    same arithmetic (float32) in the runtime. Only exact when the weights were rounded to fp16
    first (round_weights_fp16), which the caller asserts."""
    import onnx
    from onnx import helper, numpy_helper
    model = onnx.load(path)
    g = model.graph
    casts = []
    for init in list(g.initializer):
        if init.data_type != onnx.TensorProto.FLOAT:
            continue
        arr = numpy_helper.to_array(init)
        if arr.size < min_elems:
            continue
        half = arr.astype(np.float16)
        if not np.array_equal(half.astype(np.float32), arr):
            raise ValueError(f"initializer {init.name} is not fp16-exact; call round_weights_fp16 first")
        new = numpy_helper.from_array(half, init.name + "__fp16")
        g.initializer.remove(init)
        g.initializer.append(new)
        casts.append(helper.make_node("Cast", [new.name], [init.name], to=onnx.TensorProto.FLOAT,
                                      name=init.name + "__cast"))
    for node in reversed(casts):
        g.node.insert(0, node)
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return len(casts)
