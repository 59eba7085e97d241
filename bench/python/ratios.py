"""Median of each figure per (model, impl) over rounds, and DJL / torch-eager ratios."""
import json
import statistics
import sys
from collections import defaultdict

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
figures = [k for k in rows[0] if k.endswith("_per_s")]
by = defaultdict(lambda: defaultdict(list))
for r in rows:
    for f in figures:
        if f in r:
            by[(r["model"], r["impl"])][f].append(r[f])
models = sorted({m for m, _ in by})
print("| case | figure | DJL | PyTorch eager | ratio DJL/eager |")
print("|---|---|---|---|---|")
for m in models:
    for f in figures:
        d = by[(m, "djl")].get(f)
        t = by[(m, "torch-eager")].get(f)
        if d and t:
            dm, tm = statistics.median(d), statistics.median(t)
            print(f"| {m} | {f} | {dm:,.0f} | {tm:,.0f} | {dm / tm:.2f} |")
