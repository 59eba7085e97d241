#!/usr/bin/python3
"""PyTorch eager peer of EvalScoringBench: the same stories260K forward (HF LLaMA math), the same batches
(read from the Java bench's eval_batches.json), the same right padding + attention mask, float64 log-softmax
over the scored positions, 2 threads (EVAL_BENCH_THREADS overrides).  Usage: eval_scoring_peer.py MODEL_DIR BATCHES_JSON [repeats]"""
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", (name, info["dtype"])
        start, end = info["data_offsets"]
        arr = np.frombuffer(data, dtype="<f4", count=(end - start) // 4, offset=start).reshape(info["shape"])
        tensors[name] = torch.from_numpy(arr.copy())
    return tensors


class Llama:
    def __init__(self, model_dir):
        self.cfg = json.load(open(f"{model_dir}/config.json"))
        self.w = load_safetensors(f"{model_dir}/model.safetensors")
        c = self.cfg
        self.heads = c["num_attention_heads"]
        self.kv = c["num_key_value_heads"]
        self.hd = c["hidden_size"] // self.heads
        self.eps = c["rms_norm_eps"]
        self.layers = c["num_hidden_layers"]
        self.inv = 1.0 / (c.get("rope_theta", 10000.0) ** (torch.arange(0, self.hd, 2, dtype=torch.int64).float() / self.hd))
        self.head = self.w.get("lm_head.weight", self.w["model.embed_tokens.weight"])

    def norm(self, x, weight):
        return weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))

    def forward(self, ids, mask):
        b, t = ids.shape
        w = self.w
        x = w["model.embed_tokens.weight"][ids]
        pos = torch.arange(t, dtype=torch.float32)
        freqs = torch.outer(pos, self.inv)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos(), emb.sin()
        causal = torch.full((t, t), -1e9).triu(1)
        bias = causal[None, None] + (mask[:, None, None, :].float() - 1) * 1e9
        bias = bias.clamp(min=-1e9)
        rep = self.heads // self.kv

        def rot(v):
            h = v.shape[-1] // 2
            return torch.cat((-v[..., h:], v[..., :h]), dim=-1)

        for i in range(self.layers):
            p = f"model.layers.{i}."
            h = self.norm(x, w[p + "input_layernorm.weight"])
            q = (h @ w[p + "self_attn.q_proj.weight"].T).view(b, t, self.heads, self.hd).transpose(1, 2)
            k = (h @ w[p + "self_attn.k_proj.weight"].T).view(b, t, self.kv, self.hd).transpose(1, 2)
            v = (h @ w[p + "self_attn.v_proj.weight"].T).view(b, t, self.kv, self.hd).transpose(1, 2)
            q = q * cos + rot(q) * sin
            k = k * cos + rot(k) * sin
            k = k.repeat_interleave(rep, dim=1)
            v = v.repeat_interleave(rep, dim=1)
            s = (q @ k.transpose(-1, -2)) / math.sqrt(self.hd) + bias
            o = (s.softmax(-1) @ v).transpose(1, 2).reshape(b, t, self.heads * self.hd)
            x = x + o @ w[p + "self_attn.o_proj.weight"].T
            h = self.norm(x, w[p + "post_attention_layernorm.weight"])
            g = torch.nn.functional.silu(h @ w[p + "mlp.gate_proj.weight"].T) * (h @ w[p + "mlp.up_proj.weight"].T)
            x = x + g @ w[p + "mlp.down_proj.weight"].T
        return self.norm(x, w["model.norm.weight"]) @ self.head.T


def score_batch(model, batch):
    rows = len(batch)
    width = max(len(r["window"]) - 1 for r in batch)
    ids = torch.zeros((rows, width), dtype=torch.int64)
    mask = torch.zeros((rows, width), dtype=torch.int64)
    sel, tgt, owner = [], [], []
    for bi, r in enumerate(batch):
        win = r["window"]
        n = len(win) - 1
        ids[bi, :n] = torch.tensor(win[:-1])
        mask[bi, :n] = 1
        for p in range(n - r["scored"], n):
            sel.append(bi * width + p)
            tgt.append(win[p + 1])
            owner.append(bi)
    logits = model.forward(ids, mask)
    picked = logits.reshape(rows * width, -1)[torch.tensor(sel)]
    logp = picked.double().log_softmax(-1).gather(1, torch.tensor(tgt)[:, None]).squeeze(1)
    greedy = picked.argmax(-1) == torch.tensor(tgt)
    out = torch.zeros(rows, dtype=torch.float64).index_add_(0, torch.tensor(owner), logp)
    return out, greedy


def main():
    torch.set_num_threads(int(os.environ.get("EVAL_BENCH_THREADS", "2")))
    model_dir, batches_file = sys.argv[1], sys.argv[2]
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    batches = json.load(open(batches_file))
    model = Llama(model_dir)
    tokens = sum(len(r["window"]) - 1 for b in batches for r in b)
    requests = sum(len(b) for b in batches)
    with torch.inference_mode():
        checksum = sum(score_batch(model, b)[0].sum().item() for b in batches)  # warm-up
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            for b in batches:
                score_batch(model, b)
            best = min(best, time.perf_counter() - start)
    print(f"pytorch-eager requests={requests} batches={len(batches)} tokens={tokens} best_s={best:.3f} "
          f"tokens_per_s={tokens / best:.0f} loglik_sum={checksum:.6f} torch={torch.__version__} threads={torch.get_num_threads()}")


if __name__ == "__main__":
    main()
