#!/usr/bin/env python3
"""Pairs ScaleBench and scale_peer.py lines (same task, batch, seq, threads) and prints ours/eager ratios."""
import json
import sys
from collections import defaultdict

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
groups = defaultdict(dict)
for r in rows:
    groups[(r["task"], r["batch"], r["seq"], r["threads"])].setdefault(r["impl"], []).append(r)
print("| task | batch x seq | threads | ours tokens/s | eager tokens/s | ratio | ours load s | eager load s"
      " | ours peak RSS GB | eager peak RSS GB | load avg |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for (task, batch, seq, threads), impls in groups.items():
    ours, eager = impls.get("djl", []), impls.get("torch-eager", [])
    if not ours or not eager:
        continue
    med = lambda rs, k: sorted(r[k] for r in rs)[len(rs) // 2]
    o, e = med(ours, "tokens_per_s"), med(eager, "tokens_per_s")
    ratio = "%.2f" % (o / e) if e else "-"
    print("| %s | %d x %d | %d | %.2f | %.2f | %s | %.1f | %.1f | %.2f | %.2f | %s |" % (
        task, batch, seq, threads, o, e, ratio, med(ours, "load_s"), med(eager, "load_s"),
        med(ours, "peak_rss_bytes") / 1e9, med(eager, "peak_rss_bytes") / 1e9,
        "/".join(str(r["loadavg"]) for r in ours + eager)))
