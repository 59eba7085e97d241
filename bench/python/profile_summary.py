#!/usr/bin/env python3
"""Per-op self time from chrome traces written with BENCH_PROFILE (ScaleBench's libtorch profiler, scale_peer.py's
torch.autograd.profiler), side by side: the ops where the two spend different time are where to look.
Self time = an event's duration minus the durations of the events nested directly inside it on the same thread.
Usage: profile_summary.py OURS.json EAGER.json [TOP]
"""
import collections
import json
import sys


def self_times(path):
    data = json.load(open(path))
    events = data["traceEvents"] if isinstance(data, dict) else data
    by_thread = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and "dur" in e:
            by_thread[(e.get("pid"), e.get("tid"))].append(e)
    totals = collections.defaultdict(lambda: [0.0, 0])
    wall = 0.0
    for evs in by_thread.values():
        evs.sort(key=lambda e: (float(e["ts"]), -float(e["dur"])))
        stack = []   # [end, event, child time]
        def pop():
            end, ev, child = stack.pop()
            t = totals[ev["name"]]
            t[0] += float(ev["dur"]) - child
            t[1] += 1
        for e in evs:
            start, dur = float(e["ts"]), float(e["dur"])
            while stack and stack[-1][0] <= start:
                pop()
            if stack:
                stack[-1][2] += dur
            else:
                wall += dur
            stack.append([start + dur, e, 0.0])
        while stack:
            pop()
    return totals, wall


def main():
    ours, ours_wall = self_times(sys.argv[1])
    eager, eager_wall = self_times(sys.argv[2])
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    names = sorted(set(ours) | set(eager), key=lambda n: -max(ours.get(n, [0])[0], eager.get(n, [0])[0]))
    print(f"op time inside the profiled call: ours {ours_wall / 1e6:.2f} s, eager {eager_wall / 1e6:.2f} s")
    print("| op | ours self s | ours calls | eager self s | eager calls |")
    print("|---|---|---|---|---|")
    for n in names[:top]:
        o, e = ours.get(n, [0.0, 0]), eager.get(n, [0.0, 0])
        print(f"| {n} | {o[0] / 1e6:.2f} | {o[1]} | {e[0] / 1e6:.2f} | {e[1]} |")


if __name__ == "__main__":
    main()
