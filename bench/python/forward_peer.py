"""PyTorch eager peer of ForwardBench: python3 forward_peer.py MODEL_DIR|7b-layer BATCH SEQ ITERATIONS"""
import json
import sys

import torch

from llama_peer import DEVICE, median_seconds, open_model

which, batch, seq, iterations = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(int(__import__("os").environ.get("BENCH_THREADS", "2")))
model = open_model(which)
g = torch.Generator().manual_seed(0)
ids = torch.randint(0, model.cfg["vocab_size"], (batch, seq), generator=g, device="cpu").to(DEVICE)


def forward():
    with torch.no_grad():
        model.logits(ids).sum().item()


for p in model.params():
    p.requires_grad_(True)


def forward_backward():
    logp = model.logits(ids).log_softmax(-1).gather(-1, ids[..., None]).squeeze(-1)
    loss = -logp.mean()
    loss.backward()
    for p in model.params():
        p.grad = None


f = median_seconds(iterations, forward)
fb = median_seconds(iterations, forward_backward)
tokens = batch * seq
print(json.dumps({"impl": "torch-eager", "torch": torch.__version__, "model": which.rstrip("/").split("/")[-1],
                  "batch": batch, "seq": seq, "threads": torch.get_num_threads(), "device": DEVICE,
                  "forward_tokens_per_s": round(tokens / f, 1), "forward_backward_tokens_per_s": round(tokens / fb, 1)}))
