#!/usr/bin/env python3
"""Drain throughput of Dramatiq (Redis broker) with the no-op job, for benches/dramatiq_compare.sh.

Enqueues --jobs messages with no worker running, starts `dramatiq bench_tasks` with the given
processes x threads, and times the drain from the first acknowledged message to the empty queue
(worker start-up is not counted; the Heimdex side is timed the same way). Prints one line:
`dramatiq processes=P threads=T jobs=N drain_s=S jobs_per_s=R enqueue_per_s=E`.
"""

import argparse
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bench_tasks  # noqa: E402  (sets the broker)

QUEUE = "heimdex_bench"


def qsize(broker):
    # Messages stored plus messages in flight: 0 once every message has been processed and acked.
    return broker.do_qsize(QUEUE)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--jobs", type=int, default=5000)
    ap.add_argument("--processes", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=300.0, help="give up after this many seconds")
    args = ap.parse_args()

    broker = bench_tasks.broker
    broker.client.flushdb()  # database 15 only: the benchmark's own

    t = time.perf_counter()
    for i in range(args.jobs):
        bench_tasks.noop.send(i)
    enqueue_s = time.perf_counter() - t
    start = qsize(broker)
    assert start >= args.jobs, f"expected {args.jobs} queued messages, found {start}"

    worker = subprocess.Popen(
        [sys.executable, "-m", "dramatiq", "bench_tasks", "--path", HERE,
         "--processes", str(args.processes), "--threads", str(args.threads)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + args.timeout
    try:
        while qsize(broker) >= start:
            if time.monotonic() > deadline:
                raise SystemExit("dramatiq never started processing")
            time.sleep(0.0005)
        t0 = time.perf_counter()
        while qsize(broker) > 0:
            if time.monotonic() > deadline:
                raise SystemExit("dramatiq did not drain the queue in time")
            time.sleep(0.0005)
        drain_s = time.perf_counter() - t0
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    print(
        f"dramatiq processes={args.processes} threads={args.threads} jobs={args.jobs} "
        f"drain_s={drain_s:.3f} jobs_per_s={args.jobs / drain_s:.0f} "
        f"enqueue_per_s={args.jobs / enqueue_s:.0f}"
    )


if __name__ == "__main__":
    main()
