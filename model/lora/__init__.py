"""The LoRA fine-tuning tier's Python side (issue 19), split out of model/lora_worker.py so each part
stays short: job.py (job.json + data.bin validation), adapt.py (source model -> trainable model for
the job's classes), train.py (loop, checkpoint/resume), export.py (the new package)."""
