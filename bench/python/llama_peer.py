"""Equivalent PyTorch eager LLaMA (HF math: RMSNorm, rotate-half RoPE, repeat_kv GQA, SwiGLU) for side-by-side benchmarks."""
import json
import math
import os
import struct

import numpy as np
import torch

DTYPES = {"F32": np.float32, "F16": np.float16}
# PEER_DEVICE=cuda runs the peer on the GPU (torch >= 2.0), for side-by-side runs on a GPU machine
DEVICE = os.environ.get("PEER_DEVICE", "cpu")
if DEVICE != "cpu":
    torch.set_default_device(DEVICE)


def sync():
    """Waits for queued GPU work, so timings cover it."""
    if DEVICE != "cpu":
        torch.cuda.synchronize()


def load_checkpoint(model_dir):
    """All tensors of a checkpoint directory (one file or shards with an index) as float32, memory-mapped and
    converted one tensor at a time, as a careful PyTorch loader does."""
    index = os.path.join(model_dir, "model.safetensors.index.json")
    if not os.path.exists(index):
        return load_safetensors(os.path.join(model_dir, "model.safetensors"), mapped=True)
    files = sorted(set(json.load(open(index))["weight_map"].values()))
    out = {}
    for f in files:
        out.update(load_safetensors(os.path.join(model_dir, f), mapped=True))
    return out


def load_safetensors(path, mapped=False):
    if mapped:
        with open(path, "rb") as f:
            n = struct.unpack("<Q", f.read(8))[0]
            header = json.loads(f.read(n))
        data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + n)
        out = {}
        for name, e in header.items():
            if name == "__metadata__":
                continue
            b, t = e["data_offsets"]
            raw = data[b:t]
            if e["dtype"] == "BF16":
                arr = (raw.view(np.uint16).astype(np.uint32) << 16).view(np.float32)
            else:
                arr = raw.view(DTYPES[e["dtype"]]).astype(np.float32)
            out[name] = torch.from_numpy(arr.reshape(e["shape"]))
        del data
        return out
    return load_safetensors_read(path)


def load_safetensors_read(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, t = e["data_offsets"]
        arr = np.frombuffer(data[b:t], dtype=DTYPES[e["dtype"]]).reshape(e["shape"]).astype(np.float32)
        out[name] = torch.from_numpy(arr.copy())
    return out


class Llama:
    def __init__(self, cfg, w):
        w = {k: v.to(DEVICE) for k, v in w.items()}
        self.cfg, self.w = cfg, w
        self.L = cfg["num_hidden_layers"]
        self.hd = cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]
        self.h, self.kv = cfg["num_attention_heads"], cfg.get("num_key_value_heads", cfg["num_attention_heads"])
        inv = 1.0 / (cfg.get("rope_theta", 10000.0) ** (torch.arange(0, self.hd, 2, dtype=torch.int64).float() / self.hd))
        rs = cfg.get("rope_scaling")
        if rs and rs.get("rope_type", rs.get("type")) == "llama3":
            low, high, orig, factor = rs["low_freq_factor"], rs["high_freq_factor"], rs["original_max_position_embeddings"], rs["factor"]
            wavelen = 2 * math.pi / inv
            smooth = (orig / wavelen - low) / (high - low)
            scaled = torch.where(wavelen > orig / low, inv / factor, inv)
            mid = (wavelen >= orig / high) & (wavelen <= orig / low)
            inv = torch.where(mid, (1 - smooth) * inv / factor + smooth * inv, scaled)
        self.inv = inv
        self.head = w.get("lm_head.weight", w["model.embed_tokens.weight"])

    def params(self):
        return list(self.w.values())

    def proj(self, layer, name, x):
        """x W^T of one projection; subclasses add adapters."""
        return torch.nn.functional.linear(x, self.w[f"model.layers.{layer}.{name}.weight"])

    def rms(self, x, g):
        v = x.pow(2).mean(-1, keepdim=True)
        return x * torch.rsqrt(v + self.cfg.get("rms_norm_eps", 1e-6)) * g

    def logits(self, ids):
        B, T = ids.shape
        w = self.w
        x = torch.nn.functional.embedding(ids, w["model.embed_tokens.weight"])
        t = torch.arange(T).float()
        f = torch.outer(t, self.inv)
        emb = torch.cat([f, f], -1)
        cos, sin = emb.cos(), emb.sin()
        mask = torch.full((T, T), float("-inf")).triu(1)

        def rot(u):
            a, b = u[..., : self.hd // 2], u[..., self.hd // 2:]
            return torch.cat([-b, a], -1)

        for i in range(self.L):
            p = f"model.layers.{i}."
            h = self.rms(x, w[p + "input_layernorm.weight"])
            q = self.proj(i, "self_attn.q_proj", h).view(B, T, self.h, self.hd).transpose(1, 2)
            k = self.proj(i, "self_attn.k_proj", h).view(B, T, self.kv, self.hd).transpose(1, 2)
            v = self.proj(i, "self_attn.v_proj", h).view(B, T, self.kv, self.hd).transpose(1, 2)
            q = q * cos + rot(q) * sin
            k = k * cos + rot(k) * sin
            rep = self.h // self.kv
            k = k[:, :, None].expand(B, self.kv, rep, T, self.hd).reshape(B, self.h, T, self.hd)
            v = v[:, :, None].expand(B, self.kv, rep, T, self.hd).reshape(B, self.h, T, self.hd)
            s = q @ k.transpose(2, 3) / math.sqrt(self.hd) + mask
            o = (s.softmax(-1) @ v).transpose(1, 2).reshape(B, T, self.h * self.hd)
            x = x + self.proj(i, "self_attn.o_proj", o)
            h = self.rms(x, w[p + "post_attention_layernorm.weight"])
            g = self.proj(i, "mlp.gate_proj", h)
            u = self.proj(i, "mlp.up_proj", h)
            x = x + self.proj(i, "mlp.down_proj", torch.nn.functional.silu(g) * u)
        x = self.rms(x, w["model.norm.weight"])
        return torch.nn.functional.linear(x, self.head)


def open_model(which):
    if which != "7b-layer":
        cfg = json.load(open(os.path.join(which, "config.json")))
        return Llama(cfg, load_checkpoint(which))
    cfg = {"hidden_size": 4096, "num_hidden_layers": 1, "num_attention_heads": 32, "num_key_value_heads": 32,
           "intermediate_size": 11008, "vocab_size": 256, "rms_norm_eps": 1e-5}
    g = torch.Generator().manual_seed(0)
    w = {"model.embed_tokens.weight": torch.randn(256, 4096, generator=g, device="cpu") * 0.02,
         "lm_head.weight": torch.randn(256, 4096, generator=g, device="cpu") * 0.02, "model.norm.weight": torch.ones(4096)}
    p = "model.layers.0."
    for n, shape in [("self_attn.q_proj", (4096, 4096)), ("self_attn.k_proj", (4096, 4096)), ("self_attn.v_proj", (4096, 4096)),
                     ("self_attn.o_proj", (4096, 4096)), ("mlp.gate_proj", (11008, 4096)), ("mlp.up_proj", (11008, 4096)),
                     ("mlp.down_proj", (4096, 11008))]:
        w[p + n + ".weight"] = torch.randn(*shape, generator=g, device="cpu") * 0.02
    w[p + "input_layernorm.weight"] = torch.ones(4096)
    w[p + "post_attention_layernorm.weight"] = torch.ones(4096)
    return Llama(cfg, w)


def median_seconds(iterations, body):
    import time
    body()
    body()
    s = []
    for _ in range(iterations):
        sync()
        t0 = time.perf_counter()
        body()
        sync()
        s.append(time.perf_counter() - t0)
    s.sort()
    return s[len(s) // 2]
