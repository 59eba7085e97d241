#!/usr/bin/env python3
"""PyTorch eager peer of bench/java/org/rankadaptor/bench/LoraTrainBench.java.

Same math and shapes: HF LLaMA forward (RMSNorm, rotate-half RoPE, GQA attention, SwiGLU), LoRA rank 8 on all seven
projections (A kaiming-uniform, B zero, dropout 0.05 on the LoRA input, scale alpha/r = 16/8), next-token NLL,
backward, torch.optim.AdamW (lr 1e-4). Base weights frozen. Random weights of the stories260K shapes (throughput does
not depend on the values) and one 7B-shaped layer. torch.set_num_threads(2).
Usage: lora_train_peer.py [timed steps]
"""
import math
import sys
import time

import torch
import torch.nn.functional as F

from llama_peer import sync

torch.set_num_threads(2)
torch.manual_seed(1)


class Config:
    def __init__(self, hidden, layers, heads, kv_heads, ffn, vocab, tied):
        self.hidden, self.layers, self.heads, self.kv_heads = hidden, layers, heads, kv_heads
        self.ffn, self.vocab, self.tied = ffn, vocab, tied
        self.head_dim = hidden // heads


def shapes(c):
    hd = c.head_dim
    return {"q": (c.heads * hd, c.hidden), "k": (c.kv_heads * hd, c.hidden), "v": (c.kv_heads * hd, c.hidden),
            "o": (c.hidden, c.heads * hd), "gate": (c.ffn, c.hidden), "up": (c.ffn, c.hidden), "down": (c.hidden, c.ffn)}


def random_model(c):
    w = {"embed": torch.randn(c.vocab, c.hidden) * 0.02, "norm": torch.ones(c.hidden), "layers": []}
    w["head"] = w["embed"] if c.tied else torch.randn(c.vocab, c.hidden) * 0.02
    for _ in range(c.layers):
        layer = {name: torch.randn(*shape) * 0.02 for name, shape in shapes(c).items()}
        layer["in_norm"] = torch.ones(c.hidden)
        layer["post_norm"] = torch.ones(c.hidden)
        w["layers"].append(layer)
    return w


def make_lora(c, rank=8):
    params = []
    adapters = []
    for _ in range(c.layers):
        layer = {}
        for name, (out, inp) in shapes(c).items():
            a = torch.empty(rank, inp).uniform_(-1 / math.sqrt(inp), 1 / math.sqrt(inp)).requires_grad_()
            b = torch.zeros(out, rank, requires_grad=True)
            layer[name] = (a, b)
            params += [a, b]
        adapters.append(layer)
    return adapters, params


def proj(x, weight, lora, scale=16 / 8, dropout=0.05):
    a, b = lora
    return F.linear(x, weight) + F.linear(F.linear(F.dropout(x, dropout, True), a) * scale, b)


def rms_norm(x, weight, eps=1e-5):
    return x / torch.sqrt(x.pow(2).mean(-1, keepdim=True) + eps) * weight


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), -1)


def forward(c, w, adapters, ids):
    bsz, seq = ids.shape
    hd, rep = c.head_dim, c.heads // c.kv_heads
    inv = 1.0 / (10000 ** (torch.arange(0, hd, 2).float() / hd))
    ang = torch.arange(seq).float()[:, None] * inv[None, :]
    cos, sin = torch.cat((ang.cos(), ang.cos()), -1), torch.cat((ang.sin(), ang.sin()), -1)
    mask = torch.full((seq, seq), -1e9).triu(1)
    x = F.embedding(ids, w["embed"])
    for lw, la in zip(w["layers"], adapters):
        h = rms_norm(x, lw["in_norm"])
        q = proj(h, lw["q"], la["q"]).view(bsz, seq, c.kv_heads, rep, hd).permute(0, 2, 3, 1, 4)
        k = proj(h, lw["k"], la["k"]).view(bsz, seq, c.kv_heads, 1, hd).permute(0, 2, 3, 1, 4)
        v = proj(h, lw["v"], la["v"]).view(bsz, seq, c.kv_heads, 1, hd).permute(0, 2, 3, 1, 4)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        probs = ((q @ k.transpose(-1, -2)) / math.sqrt(hd) + mask).softmax(-1)
        att = (probs @ v).permute(0, 3, 1, 2, 4).reshape(bsz, seq, c.heads * hd)
        x = x + proj(att, lw["o"], la["o"])
        h = rms_norm(x, lw["post_norm"])
        x = x + proj(F.silu(proj(h, lw["gate"], la["gate"])) * proj(h, lw["up"], la["up"]), lw["down"], la["down"])
    return F.linear(rms_norm(x, w["norm"]), w["head"])


def measure(c, batch, seq, steps):
    w = random_model(c)
    adapters, params = make_lora(c)
    opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.0)
    ids = torch.randint(0, c.vocab, (batch, seq))
    start = 0.0
    for step in range(steps + 2):
        if step == 2:
            sync()
            start = time.perf_counter()
        logits = forward(c, w, adapters, ids)
        loss = F.cross_entropy(logits[:, :-1].reshape(-1, c.vocab), ids[:, 1:].reshape(-1))
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=False)
    sync()
    return batch * seq * steps / (time.perf_counter() - start)


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    print("torch %-26s %10.1f tokens/s" % ("stories260K b4 s256",
                                         measure(Config(64, 5, 8, 4, 172, 512, True), 4, 256, steps * 4)))
    print("torch %-26s %10.1f tokens/s" % ("7B-shaped layer b1 s256",
                                         measure(Config(4096, 1, 32, 32, 11008, 512, False), 1, 256, steps)))


if __name__ == "__main__":
    main()
