"""The LoRA tier's worker (model/lora_worker.py) end to end on a small random-init source package:
probe line, a short job's package (classes, ONNX checker, model.pt forward == parity fixture),
kill -9 + resume, bad jobs refused with one error line and nothing at `out`; and the recovered tiny
package weights reproducing its parity fixture.

  cd model && /usr/bin/python3 -m unittest tests.test_lora_worker -v
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import torch

MODEL = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, MODEL)
from package import build_manifest, normalise_u8, write_manifest  # noqa: E402
from recover_torch_weights import load_torch_weights, parity_max_abs, save_torch_weights  # noqa: E402
from sartm import SartmConfig, SartmModel  # noqa: E402

PY = "/usr/bin/python3"
WORKER = os.path.join(MODEL, "lora_worker.py")
TINY = os.path.join(os.path.dirname(MODEL), "resources", "models", "tiny-sartm")
SMALL = dict(num_classes=4, input_h=64, input_w=96, stem_channels=[8, 16], embed_dim=32, depth=1, num_heads=2,
             transformer_dim=32, decoder_heads=2, decoder_mlp_dim=64, decoder_depth=1, text_dim=8)
ENV = dict(os.environ, OMP_NUM_THREADS="1")


def run(args, **kw):
    p = subprocess.run([PY, WORKER] + args, capture_output=True, text=True, env=ENV, **kw)
    return p.returncode, [json.loads(l) for l in p.stdout.splitlines()], p.stderr


class LoraWorkerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.set_num_threads(1)
        cls.tmp = tempfile.mkdtemp(prefix="twl-lora-")
        cls.src = os.path.join(cls.tmp, "src")
        os.makedirs(cls.src)
        torch.manual_seed(0)
        cfg = SartmConfig(**SMALL)
        model = SartmModel(cfg).eval()
        save_torch_weights(os.path.join(cls.src, "pytorch", "model.pt"), cfg, 1.5, model)
        rgb_norm = {"scale": 1 / 255, "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}
        thermal_norm = {"bits": 8, "scale": 1 / 255, "mean": 0.0, "std": 1.0, "replicateTo3": True}
        h, w = cfg.out_hw
        write_manifest(cls.src, build_manifest(
            name="small-src", version="0.0.1", description="test source", classes=["bg", "a", "b", "c"],
            palette=[[0, 0, 0], [1, 1, 1], [2, 2, 2], [3, 3, 3]], ignore=set(), input_hw=(64, 96), policy="resize",
            pad_value=0, rgb_norm=rgb_norm, thermal_norm=thermal_norm, logits_shape=[1, 4, h, w],
            features_shape=[1, 8, h, w],
            provenance={"trainedOn": "random init", "command": "test", "seed": 0, "heldOutMiou": None,
                        "perClassIou": [], "pytorch": {"weights": "pytorch/model.pt", "arch": "twinlight-sartm",
                                                       "config": cfg.to_dict()}}))
        rng = np.random.default_rng(0)
        cls.n = 5
        blobs = []
        for i in range(cls.n):
            img = rng.integers(0, 256, (64, 96, 4), dtype=np.uint8)
            lab = np.zeros((64, 96), np.uint8)
            lab[:, 48:] = 1
            lab[20:40, 10:30] = 2
            lab[:4] = 255
            blobs += [img.tobytes(), lab.tobytes()]
        cls.data = b"".join(blobs)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def make_job(self, name, steps=6, data=None, **extra):
        d = os.path.join(self.tmp, name)
        os.makedirs(d)
        open(os.path.join(d, "data.bin"), "wb").write(self.data if data is None else data)
        job = {"version": 1, "source": {"package": self.src, "weights": os.path.join(self.src, "pytorch", "model.pt")},
               "out": os.path.join(self.tmp, name + "-out"),
               "package": {"name": "small-lora", "version": "0.0.1-lora.1", "description": "test"},
               "classes": [{"name": "background", "color": [0, 0, 0], "source": 0},
                           {"name": "B", "color": [9, 9, 9], "source": 2},
                           {"name": "Survivor", "color": [200, 0, 0], "source": None}],
               "data": {"file": "data.bin", "count": self.n, "height": 64, "width": 96},
               "weights": [1.0, 1.0, 1.0, 2.0, 2.0], "steps": steps, "batch": 2, "lr": 1e-3, "seed": 1,
               "threads": 1, "device": "auto", "checkpointEvery": 2}
        job.update(extra)
        json.dump(job, open(os.path.join(d, "job.json"), "w"))
        return d, job["out"]

    def test_probe(self):
        rc, lines, _ = run(["--probe"])
        self.assertEqual(rc, 0)
        self.assertEqual(len(lines), 1)
        self.assertTrue(lines[0]["ok"])
        for k in ("python", "torch", "onnx", "cuda", "device", "deviceName"):
            self.assertIn(k, lines[0])

    def test_job_writes_a_package(self):
        import onnx
        d, out = self.make_job("ok", loss="ce+dice", augment="calibrate")
        rc, lines, err = run(["--job", d])
        self.assertEqual(rc, 0, err[-2000:])
        types = [l["type"] for l in lines]
        self.assertEqual([l["phase"] for l in lines if l["type"] == "phase"], ["load", "train", "export", "done"])
        self.assertIn("progress", types)
        self.assertIn("checkpoint", types)
        done = lines[-1]
        self.assertEqual(done["type"], "done")
        self.assertEqual(done["steps"], 6)
        self.assertEqual(done["out"], out)
        self.assertGreater(done["trainableParams"], 0)
        self.assertTrue(1 <= len(done["lossCurve"]) <= 100)
        self.assertFalse(os.path.exists(out + ".partial"))
        m = json.load(open(os.path.join(out, "manifest.json")))
        self.assertEqual([c["name"] for c in m["classes"]], ["background", "B", "Survivor"])
        self.assertEqual(m["tensors"]["outputs"]["logits"]["shape"], [1, 3, 16, 24])
        self.assertEqual(m["provenance"]["tier"], "lora")
        self.assertEqual(m["provenance"]["loss"], "ce+dice")
        self.assertEqual(m["provenance"]["distill"], 1.0)  # the default
        self.assertEqual(m["provenance"]["parent"], "small-src@0.0.1")
        self.assertEqual(m["provenance"]["pytorch"]["config"]["num_classes"], 3)
        onnx.checker.check_model(onnx.load(os.path.join(out, "backbone.onnx")))
        cfg, t, model = load_torch_weights(os.path.join(out, "pytorch", "model.pt"))
        self.assertEqual(cfg.num_classes, 3)
        self.assertEqual(t, 1.5)
        dl, df = parity_max_abs(out, cfg, t, model)
        self.assertLess(dl, 1e-4)
        self.assertLess(df, 1e-4)

    def test_job_starts_exactly_at_the_source_model(self):
        """Rebuilt classes + merged and re-initialised LoRA: logits of copied classes unchanged."""
        sys.path.insert(0, MODEL)
        from lora.adapt import adapt_classes, reset_lora
        cfg, _, src = load_torch_weights(os.path.join(self.src, "pytorch", "model.pt"))
        with torch.no_grad():
            for m in src.modules():
                if hasattr(m, "linear_b_q"):
                    torch.nn.init.normal_(m.linear_b_q.weight, std=0.1)  # a source with a non-zero LoRA
        _, model = adapt_classes(src, cfg, [0, 1, 2, 3], seed=1)
        reset_lora(model, seed=1)
        rgb, th = normalise_u8(np.random.default_rng(3).integers(0, 256, (64, 96, 4), dtype=np.uint8),
                               {"scale": 1 / 255, "mean": [0.5] * 3, "std": [0.2] * 3},
                               {"bits": 8, "scale": 1 / 255, "mean": 0.0, "std": 1.0})
        with torch.no_grad():
            a, _ = src(rgb, th)
            b, _ = model(rgb, th)
        self.assertLess(float((a - b).abs().max()), 1e-4 * max(1.0, float(a.abs().max())))
        self.assertTrue(all(float(m.linear_b_q.weight.abs().max()) == 0 for m in model.modules()
                            if hasattr(m, "linear_b_q")))

    def test_kill_then_resume_finishes_all_steps(self):
        d, out = self.make_job("resume", steps=150)
        p = subprocess.Popen([PY, WORKER, "--job", d], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True, env=ENV)
        for line in p.stdout:
            if json.loads(line)["type"] == "checkpoint":
                os.kill(p.pid, signal.SIGKILL)
                break
        p.wait()
        self.assertEqual(p.returncode, -signal.SIGKILL)
        self.assertTrue(os.path.exists(os.path.join(d, "checkpoint.pt")))
        self.assertFalse(os.path.exists(out))
        rc, lines, err = run(["--job", d])
        self.assertEqual(rc, 0, err[-2000:])
        resumed = [l for l in lines if l["type"] == "resumed"]
        self.assertEqual(len(resumed), 1)
        self.assertGreaterEqual(resumed[0]["step"], 2)
        self.assertEqual(lines[-1]["type"], "done")
        self.assertEqual(lines[-1]["steps"], 150)
        self.assertEqual(lines[-1]["lossCurve"][-1]["step"], 150)
        self.assertTrue(os.path.exists(os.path.join(out, "manifest.json")))

    def test_short_data_file_is_refused(self):
        d, out = self.make_job("short", data=self.data[:-10])
        rc, lines, _ = run(["--job", d])
        self.assertEqual(rc, 1)
        self.assertEqual(lines[-1]["type"], "error")
        self.assertIn("data.bin", lines[-1]["message"])
        self.assertIn("bytes", lines[-1]["message"])
        self.assertFalse(os.path.exists(out))
        self.assertFalse(os.path.exists(out + ".partial"))

    def test_existing_out_is_refused_and_left_alone(self):
        d, out = self.make_job("exists")
        os.makedirs(out)
        open(os.path.join(out, "keep.txt"), "w").write("mine")
        rc, lines, _ = run(["--job", d])
        self.assertEqual(rc, 1)
        self.assertEqual(lines[-1]["type"], "error")
        self.assertIn("already exists", lines[-1]["message"])
        self.assertEqual(os.listdir(out), ["keep.txt"])

    def test_upstream_sartm_source_is_refused(self):
        src2 = os.path.join(self.tmp, "upstream-src")
        shutil.copytree(self.src, src2)
        m = json.load(open(os.path.join(src2, "manifest.json")))
        m["provenance"]["pytorch"] = {"arch": "sartm-upstream", "checkpoint": "/x.pth", "sartmRoot": "/sartm"}
        json.dump(m, open(os.path.join(src2, "manifest.json"), "w"))
        d, out = self.make_job("upstream", source={"package": src2, "weights": os.path.join(src2, "pytorch", "model.pt")})
        rc, lines, _ = run(["--job", d])
        self.assertEqual(rc, 1)
        self.assertIn("sartm-upstream", lines[-1]["message"])
        self.assertFalse(os.path.exists(out))


    def test_distill_adds_the_lwf_term_on_source_like_samples(self):
        """distill > 0: step 1 equals distill 0 (the teacher is the starting model, KL 0), later steps
        differ (the term is in the loss); distill_loss is 0 against itself and > 0 otherwise."""
        import copy
        from lora.adapt import adapt_classes, reset_lora, set_trainable
        from lora.train import distill_loss, train
        a = torch.randn(2, 3, 4, 5)
        self.assertLess(float(distill_loss(a, a, [0, 1])), 1e-6)
        self.assertGreater(float(distill_loss(a, torch.randn(2, 3, 4, 5), [0, 1])), 0)
        man = json.load(open(os.path.join(self.src, "manifest.json")))
        cfg, _, src = load_torch_weights(os.path.join(self.src, "pytorch", "model.pt"))
        data = np.frombuffer(self.data, np.uint8).reshape(self.n, -1)
        images = data[:, :64 * 96 * 4].reshape(self.n, 64, 96, 4)
        labels = data[:, 64 * 96 * 4:].reshape(self.n, 64, 96)
        curves = {}
        for w in (0.0, 1.0):
            d = os.path.join(self.tmp, f"distill{w}")
            os.makedirs(d)
            jd, _ = self.make_job(f"distill-job{w}", distill=w)
            job = json.load(open(os.path.join(jd, "job.json")))
            job.update(dir=d, hash="x", checkpoint_every=100, augment="calibrate", loss="ce", steps=4, distill=w)
            _, model = adapt_classes(src, cfg, [c["source"] for c in job["classes"]], job["seed"])
            reset_lora(model, job["seed"])
            teacher = copy.deepcopy(model).eval()
            trainable = set_trainable(model)
            drift = {"gain": 0.8, "offset": 0.1, "gradient": 0.05}
            curves[w], _ = train(job, model, trainable, images, labels, man["normalisation"],
                                 int(man["tensors"]["inputs"]["thermal"]["shape"][1]), "cpu",
                                 lambda _: None, "resize", drift, teacher)
        self.assertAlmostEqual(curves[0.0][0][1], curves[1.0][0][1], places=4)
        self.assertNotEqual([l for _, l in curves[0.0][1:]], [l for _, l in curves[1.0][1:]])


class ThermalDriftTest(unittest.TestCase):
    def test_drift_of_a_shifted_copy_of_the_fixture_is_recovered(self):
        """The tiny fixture image shifted by a known gain/offset/gradient, labelled with the source's
        own predictions: the estimate against the fixture's class means gives the shift back."""
        import torch.nn.functional as F
        from lora.calibrate import estimate_thermal_drift
        from lora.train import apply_thermal
        pdir = os.path.join(TINY, "parity")
        raw = np.fromfile(os.path.join(pdir, "input_u8.bin"), np.uint8).reshape(384, 512, 4).copy()
        lg = torch.from_numpy(np.fromfile(os.path.join(pdir, "logits.bin"), "<f4").reshape(1, 9, 96, 128))
        lab = F.interpolate(lg, size=(384, 512), mode="bilinear", align_corners=False).argmax(1)[0].numpy()
        raw[..., 3] = apply_thermal(raw[..., 3], 0.6, 0.25, 0.3)
        d = estimate_thermal_drift(TINY, raw[None], lab[None].astype(np.uint8), list(range(9)))
        self.assertAlmostEqual(d["gain"], 0.6, delta=0.03)
        self.assertAlmostEqual(d["offset"], 0.25, delta=0.02)
        self.assertAlmostEqual(d["gradient"], 0.3, delta=0.05)  # one image: class residuals correlate with x
        # no drift -> near identity (None below the thresholds); new classes only -> None
        raw0 = np.fromfile(os.path.join(pdir, "input_u8.bin"), np.uint8).reshape(1, 384, 512, 4)
        d0 = estimate_thermal_drift(TINY, raw0, lab[None].astype(np.uint8), list(range(9)))
        if d0 is not None:
            self.assertLess(abs(d0["gain"] - 1), 0.05)
            self.assertLess(abs(d0["offset"]), 0.03)
            self.assertLess(abs(d0["gradient"]), 0.08)
        self.assertIsNone(estimate_thermal_drift(TINY, raw[None], lab[None].astype(np.uint8), [0] + [None] * 8))


class RecoveredTinyWeightsTest(unittest.TestCase):
    def test_recovered_weights_reproduce_the_tiny_parity_fixture(self):
        torch.set_num_threads(2)
        cfg, t, model = load_torch_weights(os.path.join(TINY, "pytorch", "model.pt"))
        m = json.load(open(os.path.join(TINY, "manifest.json")))
        self.assertEqual(cfg.to_dict(), m["provenance"]["pytorch"]["config"])
        self.assertEqual(t, m["provenance"]["logitTemperature"]["value"])
        dl, df = parity_max_abs(TINY, cfg, t, model)
        self.assertLessEqual(dl, 1e-4)
        self.assertLessEqual(df, 1e-4)


if __name__ == "__main__":
    unittest.main()
