"""pgqueuer on the same workloads as Benchmarks/Postgres (postgres-benchmark).

    pgqueuer_peer.py throughput URL BATCH WORKERS JOBS   -> jobs per second
    pgqueuer_peer.py latency URL SAMPLES                 -> median enqueue-to-start, ms

Throughput: WORKERS consumer processes (QueueManager.run(batch_size=BATCH),
an async no-op entrypoint) are started and ready; then the clock starts, the
producer enqueues JOBS jobs in batches of 500 and waits with pgqueuer's
CompletionWatcher (LISTEN/NOTIFY) until every job is done; the clock stops.
Latency: one idle consumer; the producer enqueues one job at a time and the
entrypoint reports the wall-clock time it started.

Prints one JSON object on standard output. Needs `pip install pgqueuer asyncpg`
(postgres-benchmark installs both in a virtual environment of its own).
"""

import asyncio
import json
import multiprocessing
import statistics
import sys
import time

import asyncpg
from pgqueuer import AsyncpgDriver, Queries, QueueManager
from pgqueuer.core.completion import CompletionWatcher


def consumer(url, batch, ready, started):
    async def main():
        connection = await asyncpg.connect(url)
        manager = QueueManager(Queries(AsyncpgDriver(connection)))

        @manager.entrypoint("noop")
        async def noop(job):
            if started is not None:
                started.put(time.time())

        ready.set()
        await manager.run(batch_size=batch)

    asyncio.run(main())


def start_consumers(url, batch, count, started=None):
    context = multiprocessing.get_context("spawn")
    processes = []
    for _ in range(count):
        ready = context.Event()
        process = context.Process(target=consumer, args=(url, batch, ready, started), daemon=True)
        process.start()
        if not ready.wait(60):
            raise RuntimeError("a pgqueuer consumer did not start")
        processes.append(process)
    time.sleep(0.5)  # let each consumer reach its LISTEN and first dequeue
    return processes


async def install(url):
    """A fresh pgqueuer schema: what a previous run left is removed first."""
    connection = await asyncpg.connect(url)
    queries = Queries(AsyncpgDriver(connection))
    try:
        await queries.uninstall()
    except asyncpg.PostgresError:
        pass  # nothing installed yet
    await queries.install()
    await connection.close()


async def produce(url, jobs):
    connection = await asyncpg.connect(url)
    driver = AsyncpgDriver(connection)
    queries = Queries(driver)
    async with CompletionWatcher(driver, queries=queries) as watcher:
        start = time.perf_counter()
        ids = []
        for first in range(0, jobs, 500):
            count = min(500, jobs - first)
            ids += await queries.enqueue(["noop"] * count, [None] * count, [0] * count)
        await asyncio.wait_for(asyncio.gather(*(watcher.wait_for(job_id) for job_id in ids)), 600)
        elapsed = time.perf_counter() - start
    await connection.close()
    return jobs / elapsed


async def measure_latency(url, samples, started):
    connection = await asyncpg.connect(url)
    queries = Queries(AsyncpgDriver(connection))
    latencies = []
    loop = asyncio.get_running_loop()
    for _ in range(samples):
        await asyncio.sleep(0.02)  # the consumer is idle, waiting on its channel
        submitted = time.time()
        await queries.enqueue("noop", None)
        began = await loop.run_in_executor(None, started.get, True, 30)
        latencies.append((began - submitted) * 1000)
    await connection.close()
    return statistics.median(latencies)


def main():
    mode, url = sys.argv[1], sys.argv[2]
    asyncio.run(install(url))
    if mode == "throughput":
        batch, workers, jobs = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
        processes = start_consumers(url, batch, workers)
        result = {"jobs_per_second": asyncio.run(produce(url, jobs))}
    elif mode == "latency":
        samples = int(sys.argv[3])
        started = multiprocessing.get_context("spawn").Queue()
        processes = start_consumers(url, 10, 1, started)
        result = {"median_ms": asyncio.run(measure_latency(url, samples, started))}
    else:
        raise SystemExit(f"unknown mode {mode}")
    for process in processes:
        process.kill()
        process.join()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
