"""Reading and validating a LoRA job directory (job.json + data.bin) before any work starts, so the
app gets one sentence naming the file/field that is wrong instead of a traceback mid-training."""
import hashlib
import json
import os

import numpy as np

DISTILL = 1.0  # default weight of the LwF term on the source-like (inverse-calibrated) samples


class JobError(Exception):
    """A problem with the job the app wrote; the message names the file/field."""


def _need(cond, msg):
    if not cond:
        raise JobError(msg)


# Used when job.json leaves them out (the app sends them only when the user sets them): the
# measured defaults of docs/lora-worker.md.
DEFAULT_STEPS, DEFAULT_BATCH, DEFAULT_LR = 150, 4, 1e-3


def _num(job, key, kind, lo=None, default=None):
    v = job.get(key, default)
    _need(isinstance(v, (int, float)) and not isinstance(v, bool) and (kind is float or float(v).is_integer()),
          f"job.json: '{key}' must be a {'number' if kind is float else 'whole number'}, got {v!r}")
    v = kind(v)
    _need(lo is None or v >= lo, f"job.json: '{key}' must be at least {lo}, got {v}")
    return v


def job_hash(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def read_job(job_dir):
    path = os.path.join(job_dir, "job.json")
    _need(os.path.isfile(path), f"{path} does not exist")
    try:
        job = json.load(open(path))
    except ValueError as e:
        raise JobError(f"{path} is not valid JSON ({e})")
    _need(isinstance(job, dict), f"{path}: expected a JSON object")
    _need(job.get("version") == 1, f"job.json: 'version' must be 1, got {job.get('version')!r}")
    src = job.get("source")
    _need(isinstance(src, dict) and isinstance(src.get("package"), str) and isinstance(src.get("weights"), str),
          "job.json: 'source' must be {\"package\": dir, \"weights\": file}")
    _need(os.path.isfile(os.path.join(src["package"], "manifest.json")),
          f"job.json: source.package {src['package']} has no manifest.json")
    _need(os.path.isfile(src["weights"]), f"job.json: source.weights {src['weights']} does not exist")
    out = job.get("out")
    _need(isinstance(out, str) and os.path.isabs(out), f"job.json: 'out' must be an absolute path, got {out!r}")
    _need(not os.path.exists(out), f"job.json: out {out} already exists; the worker never overwrites a package")
    _need(os.path.isdir(os.path.dirname(out)), f"job.json: the folder of out ({os.path.dirname(out)}) does not exist")
    pk = job.get("package")
    _need(isinstance(pk, dict) and all(isinstance(pk.get(k), str) and pk.get(k) for k in ("name", "version")),
          "job.json: 'package' must have non-empty strings 'name' and 'version'")
    classes = job.get("classes")
    _need(isinstance(classes, list) and len(classes) >= 2, "job.json: 'classes' must be a list of at least 2 classes")
    for i, c in enumerate(classes):
        _need(isinstance(c, dict) and isinstance(c.get("name"), str) and c["name"],
              f"job.json: classes[{i}] needs a non-empty 'name'")
        col = c.get("color")
        _need(isinstance(col, list) and len(col) == 3 and all(isinstance(v, int) and 0 <= v <= 255 for v in col),
              f"job.json: classes[{i}].color must be 3 integers 0..255")
        s = c.get("source")
        _need(s is None or (isinstance(s, int) and not isinstance(s, bool) and s >= 0),
              f"job.json: classes[{i}].source must be a class index of the source package or null")
    _need(len(classes) < 255, "job.json: at most 254 classes (label 255 means not trained on)")
    data = job.get("data")
    _need(isinstance(data, dict) and isinstance(data.get("file"), str), "job.json: 'data' must name a 'file'")
    n = _num(data, "count", int, 1)
    h = _num(data, "height", int, 1)
    w = _num(data, "width", int, 1)
    dpath = data["file"] if os.path.isabs(data["file"]) else os.path.join(job_dir, data["file"])
    _need(os.path.isfile(dpath), f"data file {dpath} does not exist")
    want = n * h * w * 5
    got = os.path.getsize(dpath)
    _need(got == want, f"{dpath} has {got} bytes but data.count={n} images of {w}x{h} need {want} "
                       f"(H*W*4 image + H*W labels each)")
    weights = job.get("weights", [1.0] * n)
    _need(isinstance(weights, list) and len(weights) == n, f"job.json: 'weights' must have data.count={n} numbers")
    _need(all(isinstance(v, (int, float)) and v >= 0 for v in weights) and sum(weights) > 0,
          "job.json: 'weights' must be non-negative numbers with a positive sum")
    dev = job.get("device", "auto")
    _need(dev in ("auto", "cpu", "cuda"), f"job.json: 'device' must be auto, cpu or cuda, got {dev!r}")
    aug = job.get("augment", "calibrate")
    _need(aug in ("none", "thermal", "calibrate"),
          f"job.json: 'augment' must be none, thermal or calibrate, got {aug!r}")
    loss = job.get("loss", "ce+dice")
    _need(loss in ("ce", "ce+dice"), f"job.json: 'loss' must be ce or ce+dice, got {loss!r}")
    return dict(loss=loss, 
        path=path, dir=job_dir, hash=job_hash(path), source=src, out=out, package=pk, classes=classes,
        data_path=dpath, count=n, height=h, width=w, weights=[float(v) for v in weights],
        steps=_num(job, "steps", int, 1, default=DEFAULT_STEPS), batch=_num(job, "batch", int, 1, default=DEFAULT_BATCH),
        lr=_num(job, "lr", float, 0, default=DEFAULT_LR),
        seed=_num(job, "seed", int, default=0), threads=_num(job, "threads", int, 1, default=1),
        device=dev, checkpoint_every=_num(job, "checkpointEvery", int, 1, default=20), augment=aug,
        rank=job.get("rank"), distill=_num(job, "distill", float, 0, default=DISTILL))


def load_data(job):
    """(images [N,H,W,4] uint8, labels [N,H,W] uint8) as views of one memory-mapped file."""
    n, h, w = job["count"], job["height"], job["width"]
    mm = np.memmap(job["data_path"], np.uint8, "r", shape=(n, h * w * 5))
    images = mm[:, :h * w * 4].reshape(n, h, w, 4)
    labels = mm[:, h * w * 4:].reshape(n, h, w)
    return images, labels


def check_against_source(job, manifest, labels):
    """Fields that need the source manifest: input size, 8-bit thermal, class sources, label range."""
    inp = manifest["input"]
    _need((job["height"], job["width"]) == (inp["height"], inp["width"]),
          f"job.json: data is {job['width']}x{job['height']} but the source package's input is "
          f"{inp['width']}x{inp['height']}")
    th = manifest["normalisation"]["thermal"]
    _need(th.get("bits") == 8, f"source manifest: thermal normalisation is {th.get('bits')}-bit; the LoRA worker "
                               f"handles 8-bit thermal packages only")
    n_src = len(manifest["classes"])
    for i, c in enumerate(job["classes"]):
        _need(c["source"] is None or c["source"] < n_src,
              f"job.json: classes[{i}].source={c['source']} but the source package has {n_src} classes")
    p = len(job["classes"])
    top = int(np.max(np.where(labels == 255, 0, labels)))
    _need(top < p, f"data.bin: label value {top} but job.json has {p} classes (255 = not trained on)")
