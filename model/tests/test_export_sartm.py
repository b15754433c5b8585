"""export_sartm.py on a generated stand-in SARTM checkout (see fake_sartm.py).

  cd model && /usr/bin/python3 -m unittest discover -s tests -v
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
import fake_sartm  # noqa: E402
from package import normalise_u8  # noqa: E402
from sartm_compat import torch2_calls  # noqa: E402


class ExportSartmTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.set_num_threads(1)
        cls.tmp = tempfile.TemporaryDirectory()
        cls.repo, cls.ck, cls.pkg = fake_sartm.export(cls.tmp.name)
        cls.manifest = json.load(open(os.path.join(cls.pkg, "manifest.json")))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_package_files_and_manifest(self):
        m = self.manifest
        self.assertEqual([c["name"] for c in m["classes"]], ["Background", "Fire-Extinguisher", "Backpack", "Hand-Drill", "Survivor"])
        self.assertEqual(m["input"]["policy"], "pad-bottom-right")
        S = fake_sartm.SIZE
        self.assertEqual(m["tensors"]["inputs"]["rgb"]["shape"], [1, 3, S, S])
        self.assertEqual(m["tensors"]["outputs"]["logits"]["shape"], [1, 5, S // 4, S // 4])
        # features: RGB then thermal upscaled embedding, transformer_dim/8 channels each
        self.assertEqual(m["tensors"]["outputs"]["features"]["shape"], [1, 2 * 64 // 8, S // 4, S // 4])
        self.assertIn("1 CLIP tensors dropped", m["provenance"]["notes"])

    def test_onnx_graph_names_and_shapes(self):
        import onnx
        g = onnx.load(os.path.join(self.pkg, "backbone.onnx")).graph
        dims = lambda v: [d.dim_value for d in v.type.tensor_type.shape.dim]  # noqa: E731
        self.assertEqual({i.name: dims(i) for i in g.input},
                         {k: v["shape"] for k, v in [(t["name"], t) for t in self.manifest["tensors"]["inputs"].values()]})
        self.assertEqual({o.name: dims(o) for o in g.output},
                         {k: v["shape"] for k, v in [(t["name"], t) for t in self.manifest["tensors"]["outputs"].values()]})

    def test_exported_logits_equal_sartm_forward(self):
        """Reference logits in the package, upsampled to the input size, equal the checkpoint's
        LoRA_Sam main-head output (SARTM's forward) on the same image: weights loaded completely
        (LoRA included) and the padding prompt, multimask choice, object-score gating and RGB/T
        averaging reproduced."""
        model = fake_sartm.make_checkpoint(self.repo, os.path.join(self.tmp.name, "again.pth"))
        meta = json.load(open(os.path.join(self.pkg, "parity", "parity.json")))
        raw = np.fromfile(os.path.join(self.pkg, "parity", meta["files"]["rawU8"]), np.uint8).reshape(meta["shapes"]["rawU8"])
        norm = self.manifest["normalisation"]
        rgb, th = normalise_u8(raw, norm["rgb"], norm["thermal"])
        with torch2_calls(), torch.no_grad():  # val_mm.py's call
            sartm_out = model([rgb, th], None, multimask_output=True)[0]
        logits = torch.from_numpy(np.fromfile(os.path.join(self.pkg, "parity", meta["files"]["logits"]), "<f4")
                                  .reshape(meta["shapes"]["logits"]))
        up = F.interpolate(logits, size=sartm_out.shape[-2:], mode="bilinear", align_corners=False)
        self.assertGreater(float(sartm_out.std()), 1e-3)
        self.assertLessEqual(float((up - sartm_out).abs().max()), 1e-4)

    def test_check_upstream_random_lora_sam_parity_vs_val_mm(self):
        """check_sartm_upstream.py, the dev check run on the upstream code at 1280, on the stand-in at
        128: random-init LoRA_Sam saved under its key names, exported (torch-2 calls, tile and the
        masked assignment fixed for ONNX), opened in onnxruntime-node with the memory plan, logits
        within 1e-4 of LoRA_Sam's forward as val_mm.py calls it."""
        work = os.path.join(self.tmp.name, "check")
        record = os.path.join(self.tmp.name, "check.json")
        r = subprocess.run([sys.executable, os.path.join(os.path.dirname(HERE), "check_sartm_upstream.py"), "--sartm-repo", self.repo,
                            "--sam2-config", "fake_sam2.yaml", "--rank", "4", "--image-size", "128", "--work", work,
                            "--threads", "1", "--record", record], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        res = json.load(open(record))["upstreamExport128"]
        self.assertEqual(res["outputs"], {"logits": [1, 5, 32, 32], "features": [1, 16, 32, 32]})
        self.assertGreater(res["parity"]["refStd"], 1e-3)
        self.assertLessEqual(res["parity"]["maxAbsLogitsVsValMm"], 1e-4)
        self.assertLessEqual(res["parity"]["maxAbsFeaturesVsTorch"], 1e-4)
        self.assertEqual(res["onnxruntimeNode"]["plan"]["kind"], "small")

    def test_export_fixes_are_scoped(self):
        """The torch patches are undone on exit: nothing leaks into other code of the process."""
        from sartm_compat import embed_points_broadcast, onnx_export_fixes
        tile, has_sdpa = torch.Tensor.tile, hasattr(F, "scaled_dot_product_attention")
        enc = type("Enc", (), {"_embed_points": lambda self: "original"})
        with torch2_calls():
            self.assertTrue(hasattr(F, "scaled_dot_product_attention"))
            with onnx_export_fixes(enc):
                self.assertIs(enc.__dict__["_embed_points"], embed_points_broadcast)
        self.assertIs(torch.Tensor.tile, tile)
        self.assertEqual(hasattr(F, "scaled_dot_product_attention"), has_sdpa)
        self.assertEqual(enc()._embed_points(), "original")

    def test_rank_mismatch_is_refused(self):
        r = subprocess.run([sys.executable, os.path.join(os.path.dirname(HERE), "export_sartm.py"), "--sartm-repo", self.repo,
                            "--checkpoint", self.ck, "--dataset", "pst900", "--out", os.path.join(self.tmp.name, "x"),
                            "--sam2-config", "fake_sam2.yaml", "--rank", "8", "--image-size", "128"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("rank", r.stderr)

    def test_missing_repo_is_refused(self):
        r = subprocess.run([sys.executable, os.path.join(os.path.dirname(HERE), "export_sartm.py"), "--sartm-repo", self.tmp.name + "/nope",
                            "--checkpoint", self.ck, "--dataset", "pst900", "--out", os.path.join(self.tmp.name, "y")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("no sam2/ package", r.stderr)


if __name__ == "__main__":
    unittest.main()
