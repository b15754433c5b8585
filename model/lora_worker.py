"""The LoRA fine-tuning tier's worker (issue 19): the app spawns it as a supervised child process.

  /usr/bin/python3 model/lora_worker.py --probe
  /usr/bin/python3 model/lora_worker.py --job DIR

Trains SARTM's recipe (a fresh LoRA on q and v of every encoder block + the mask decoder + class
tokens) on a project's accepted masks, from a package's PyTorch weights, and writes a new model
package with the LoRA merged. stdout carries JSON lines only (protocol: docs/lora-worker.md);
free text goes to stderr.
"""
import argparse
import json
import os
import platform
import shutil
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def probe():
    try:
        import onnx
        import torch
    except Exception as e:  # noqa: BLE001 - any import failure means "cannot train here"
        emit({"ok": False, "reason": str(e)})
        return 3
    cuda = bool(torch.cuda.is_available())
    emit({"ok": True, "python": platform.python_version(), "torch": torch.__version__, "onnx": onnx.__version__,
          "cuda": cuda, "device": "cuda" if cuda else "cpu",
          "deviceName": torch.cuda.get_device_name(0) if cuda else "cpu"})
    return 0


def run_job(job_dir):
    t_start = time.time()
    emit({"type": "phase", "phase": "load", "message": "reading the job and the source weights"})
    try:
        import torch
        import onnx  # noqa: F401
    except Exception as e:  # noqa: BLE001
        emit({"type": "error", "message": f"cannot import torch/onnx in {sys.executable}: {e}"})
        return 3
    from lora.adapt import adapt_classes, load_source, reset_lora, set_trainable
    from lora.export import export_package
    from lora.job import JobError, check_against_source, load_data, read_job
    from lora.calibrate import estimate_thermal_drift
    from lora.train import thin_curve, train

    job = None
    try:
        job = read_job(os.path.abspath(job_dir))
        src_dir = job["source"]["package"]
        manifest = json.load(open(os.path.join(src_dir, "manifest.json")))
        images, labels = load_data(job)
        check_against_source(job, manifest, labels)
        torch.set_num_threads(job["threads"])
        if job["device"] == "cuda" and not torch.cuda.is_available():
            raise JobError("job.json: device is cuda but torch sees no GPU")
        device = "cuda" if job["device"] != "cpu" and torch.cuda.is_available() else "cpu"
        try:
            cfg, temperature, src_model = load_source(job["source"]["weights"], manifest)
        except (ValueError, KeyError, RuntimeError) as e:
            raise JobError(f"source.weights {job['source']['weights']}: {e}")
        if cfg.num_classes != len(manifest["classes"]):
            raise JobError(f"source.weights has {cfg.num_classes} classes but the source manifest lists "
                           f"{len(manifest['classes'])}")
        sources = [c["source"] for c in job["classes"]]
        cfg_p, model = adapt_classes(src_model, cfg, sources, job["seed"])
        del src_model
        reset_lora(model, job["seed"])
        trainable = set_trainable(model)
        n_train = sum(p.numel() for n, p in model.named_parameters() if n in trainable)
        model.to(device)
        emit({"type": "phase", "phase": "train",
              "message": f"{job['steps']} steps of batch {job['batch']} on {job['count']} images, {device}, "
                         f"{n_train} trainable parameters"})
        thermal_channels = int(manifest["tensors"]["inputs"]["thermal"]["shape"][1])
        drift = None
        if job["augment"] == "calibrate":
            drift = estimate_thermal_drift(src_dir, images, labels, sources)
            print(f"thermal drift vs the source's parity image: {drift}", file=sys.stderr)
        teacher = None
        if drift is not None and job["distill"] > 0:
            import copy
            teacher = copy.deepcopy(model).eval()  # step 0 = the source model on the job's classes
            for p in teacher.parameters():
                p.requires_grad_(False)
        curve, train_seconds = train(job, model, trainable, images, labels, manifest["normalisation"],
                                     thermal_channels, device, emit, manifest["input"]["policy"], drift, teacher)
        del teacher
        emit({"type": "phase", "phase": "export", "message": f"writing {job['out']}"})
        provenance = {
            "trainedOn": f"{job['count']} accepted project masks (LoRA tier, parent {manifest['id']})",
            "command": "/usr/bin/python3 model/lora_worker.py --job " + os.path.abspath(job_dir),
            "seed": job["seed"], "heldOutMiou": None,
            "perClassIou": [{"index": i, "name": c["name"], "iou": None} for i, c in enumerate(job["classes"])],
            "date": None,
            "tier": "lora", "parent": manifest["id"], "steps": job["steps"], "batch": job["batch"], "lr": job["lr"],
            "augment": job["augment"], "loss": job["loss"], "distill": job["distill"], "trainImages": job["count"], "device": device,
            "trainSeconds": round(train_seconds, 1), "loraRank": cfg.lora_rank,
            "classSources": sources, "thermalDrift": drift,
        }
        export_package(job, manifest, cfg_p, temperature, model, images[0], provenance)
        ck = os.path.join(job["dir"], "checkpoint.pt")
        if os.path.exists(ck):
            os.remove(ck)
        emit({"type": "phase", "phase": "done", "message": f"wrote {job['out']}"})
        emit({"type": "done", "out": job["out"], "steps": job["steps"], "seconds": round(time.time() - t_start, 1),
              "device": device, "trainableParams": n_train, "lossCurve": thin_curve(curve)})
        return 0
    except JobError as e:
        emit({"type": "error", "message": str(e)})
    except Exception as e:  # noqa: BLE001 - reported as one line, traceback on stderr
        traceback.print_exc(file=sys.stderr)
        emit({"type": "error", "message": f"{type(e).__name__}: {e}"})
    if job is not None and os.path.isdir(job["out"] + ".partial"):
        shutil.rmtree(job["out"] + ".partial", ignore_errors=True)
    return 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--probe", action="store_true")
    g.add_argument("--job", metavar="DIR")
    args = ap.parse_args()
    sys.exit(probe() if args.probe else run_job(args.job))


if __name__ == "__main__":
    main()
