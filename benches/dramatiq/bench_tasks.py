"""The Dramatiq side of the queue comparison: one no-op actor on the local Redis.

The broker uses Redis database 15 on 127.0.0.1:6379 (override with HEIMDEX_BENCH_REDIS_URL), so
the benchmark never touches other databases on the same server.
"""

import os

import dramatiq
from dramatiq.brokers.redis import RedisBroker

REDIS_URL = os.environ.get("HEIMDEX_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")

broker = RedisBroker(url=REDIS_URL)
dramatiq.set_broker(broker)


@dramatiq.actor(max_retries=0, queue_name="heimdex_bench")
def noop(i):
    """The same no-op job the Heimdex side runs: does nothing and succeeds."""
    return None
