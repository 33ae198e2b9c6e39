"""Summarises benches/worker_pool.sh's pool.jsonl: per concurrency, each side's median wall time,
its speed-up over concurrency 1, and Heimdex's speed over the peer's.

    pool_report.py POOL.jsonl VIDEOS
"""

import json
import statistics
import sys
from collections import defaultdict


def main(path, videos):
    walls = defaultdict(list)
    failed = 0
    with open(path) as f:
        for line in f:
            rec = json.loads(line)
            walls[(rec["side"], rec["concurrency"])].append(rec["wall_s"])
            failed += rec["failed"]
    wall = {key: statistics.median(values) for key, values in walls.items()}
    levels = sorted({c for _, c in wall})
    print(f"{videos} videos; rounds: {max(len(v) for v in walls.values())}; "
          f"failed videos: {failed}")
    print()
    print("| concurrency | Heimdex s | videos/min | × its c = 1 | peer s | videos/min | "
          "× its c = 1 | Heimdex speed ÷ peer |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for c in levels:
        h, p = wall.get(("heimdex", c)), wall.get(("peer", c))
        h1, p1 = wall.get(("heimdex", levels[0])), wall.get(("peer", levels[0]))
        cells = [str(c)]
        for ours, first in ((h, h1), (p, p1)):
            cells += [f"{ours:.1f}", f"{60 * videos / ours:.1f}", f"{first / ours:.2f}×"]
        cells.append(f"{p / h:.2f}×")
        print("| " + " | ".join(cells) + " |")
    best_h = min(v for (side, _), v in wall.items() if side == "heimdex")
    best_p = min(v for (side, _), v in wall.items() if side == "peer")
    print()
    print(f"best against best: Heimdex {best_h:.1f} s, peer {best_p:.1f} s, "
          f"{best_p / best_h:.2f}×")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]))
