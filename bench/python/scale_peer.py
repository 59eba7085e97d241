#!/usr/bin/env python3
"""PyTorch eager peer of bench/java/org/rankadaptor/bench/ScaleBench.java on a real-size checkpoint.

Loads the same shards (memory-mapped, bf16/fp16 widened per tensor to float32), then runs one task with the same
shapes and math: load, forward (logits + target log-probs), score (the same forward with the last 16 positions of
each row scored in float64), importance (Taylor element1: per-sample forward+backward with every decoder weight
requiring grad, |w * mean g| summed per attention group / MLP channel) or lora (rank 8 on all seven projections,
dropout 0.05, alpha 16, AdamW lr 1e-4, frozen base).
Usage: scale_peer.py MODEL_DIR TASK BATCH SEQ ITERATIONS   (threads: BENCH_THREADS)
"""
import json
import math
import os
import resource
import sys
import time

import torch
import torch.nn.functional as F

from llama_peer import DEVICE, Llama, load_checkpoint, median_seconds

SCORED = 16


class LoraLlama(Llama):
    def __init__(self, cfg, w, rank=8, alpha=16, dropout=0.05):
        super().__init__(cfg, w)
        self.scale, self.dropout, self.lora = alpha / rank, dropout, {}
        for key, weight in w.items():
            if key.startswith("model.layers.") and key.endswith("_proj.weight"):
                out, inp = weight.shape
                a = torch.empty(rank, inp).uniform_(-1 / math.sqrt(inp), 1 / math.sqrt(inp)).requires_grad_()
                b = torch.zeros(out, rank, requires_grad=True)
                self.lora[key] = (a, b)

    def proj(self, layer, name, x):
        key = f"model.layers.{layer}.{name}.weight"
        a, b = self.lora[key]
        return F.linear(x, self.w[key]) + F.linear(F.linear(F.dropout(x, self.dropout, True), a) * self.scale, b)

    def lora_params(self):
        return [p for pair in self.lora.values() for p in pair]


def median_tokens_per_s(iterations, tokens, body):
    """Median rate after two warm-ups; with BENCH_PROFILE=FILE one call after one warm-up runs under the autograd
    profiler instead, written as a chrome trace to FILE (as ScaleBench does) for profile_summary.py."""
    profile = os.environ.get("BENCH_PROFILE")
    if not profile:
        return tokens / median_seconds(iterations, body)
    body()
    t0 = time.perf_counter()
    with torch.autograd.profiler.profile(record_shapes=True) as prof:
        body()
    seconds = time.perf_counter() - t0
    prof.export_chrome_trace(profile)
    return tokens / seconds


def main():
    model_dir, task, batch, seq, iterations = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "2")))
    torch.manual_seed(1)
    cfg = json.load(open(os.path.join(model_dir, "config.json")))
    t0 = time.perf_counter()
    weights = load_checkpoint(model_dir)
    model = LoraLlama(cfg, weights) if task == "lora" else Llama(cfg, weights)
    load_s = time.perf_counter() - t0
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(0, cfg["vocab_size"], (batch, seq + 1), generator=g, device="cpu").to(DEVICE)
    inputs, targets = ids[:, :-1], ids[:, 1:]
    tokens = batch * seq

    def forward():
        with torch.no_grad():
            logits = model.logits(inputs)
            logits.log_softmax(-1).gather(-1, targets[..., None]).double().sum().item()

    def score():
        with torch.no_grad():
            logits = model.logits(inputs)[:, -SCORED:]
            logits.double().log_softmax(-1).gather(-1, targets[:, -SCORED:, None]).sum().item()

    layer_weights = [v for k, v in model.w.items() if k.startswith("model.layers.")]

    def importance():
        for p in layer_weights:
            p.requires_grad_(True)
        for j in range(batch):
            logits = model.logits(inputs[j:j + 1])
            loss = -logits.log_softmax(-1).gather(-1, targets[j:j + 1, :, None]).mean()
            loss.backward()
        hd, kv = model.hd, model.kv
        with torch.no_grad():
            for i in range(model.L):
                p = f"model.layers.{i}."
                s = lambda n: (model.w[p + n + ".weight"] * (model.w[p + n + ".weight"].grad / batch)).abs()
                heads = (s("self_attn.q_proj").sum(1).view(kv, -1).sum(1) + s("self_attn.k_proj").sum(1).view(kv, -1).sum(1)
                         + s("self_attn.v_proj").sum(1).view(kv, -1).sum(1) + s("self_attn.o_proj").sum(0).view(kv, -1).sum(1))
                mlp = s("mlp.gate_proj").sum(1) + s("mlp.up_proj").sum(1) + s("mlp.down_proj").sum(0)
                heads.tolist(), mlp.tolist()
        for p in layer_weights:
            p.grad = None
            p.requires_grad_(False)

    if task == "load":
        rate = 0.0
    elif task == "forward":
        rate = median_tokens_per_s(iterations, tokens, forward)
    elif task == "score":
        rate = median_tokens_per_s(iterations, tokens, score)
    elif task == "importance":
        rate = median_tokens_per_s(iterations, tokens, importance)
    elif task == "lora":
        opt = torch.optim.AdamW(model.lora_params(), lr=1e-4, weight_decay=0.0)

        def step():
            logits = model.logits(inputs)
            loss = -logits.log_softmax(-1).gather(-1, targets[..., None]).mean()
            loss.backward()
            opt.step()
            opt.zero_grad(set_to_none=False)

        step()
        rate = median_tokens_per_s(iterations, tokens, step)
    else:
        raise SystemExit("unknown task " + task)
    print(json.dumps({"impl": "torch-eager", "task": task, "model": os.path.basename(model_dir.rstrip("/")),
                      "batch": batch, "seq": seq, "threads": torch.get_num_threads(), "tokens_per_s": round(rate, 2),
                      "load_s": round(load_s, 2), "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                      "loadavg": float(open("/proc/loadavg").read().split()[0]), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
