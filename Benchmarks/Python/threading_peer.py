#!/usr/bin/env python3
"""Python peer of Benchmarks/ThreadingBenchmarks: the same workloads with
Python's own thread toolkit, printed as one JSON object of medians.

  python3 threading_peer.py [--runs 5] [--jobs 20000] [--map-jobs 100000] [--locks 200000] [--items 100000]

Workloads (each timed RUNS times, median reported):
  pool_submit_jobs_per_s   ThreadPoolExecutor(2): submit JOBS tiny tasks one by one, then wait all
  pool_map_jobs_per_s      ThreadPoolExecutor(2).map over MAP_JOBS tiny tasks, every result consumed
  lock_uncontended_ns      threading.Lock acquire+release, one thread
  lock_contended_ns        threading.Lock acquire+increment+release, 2 threads, per operation
  queue_handoff_ns         queue.Queue put on one thread, get on another, per item
"""
import argparse
import json
import queue
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait


def tiny():
    return 1


def pool_submit(jobs):
    with ThreadPoolExecutor(2) as pool:
        pool.submit(tiny).result()  # threads started before timing
        start = time.perf_counter()
        futures = [pool.submit(tiny) for _ in range(jobs)]
        wait(futures)
        elapsed = time.perf_counter() - start
    return jobs / elapsed


def square(x):
    return x * x


def pool_map(jobs):
    with ThreadPoolExecutor(2) as pool:
        pool.submit(tiny).result()  # threads started before timing
        start = time.perf_counter()
        total = sum(pool.map(square, range(jobs)))
        elapsed = time.perf_counter() - start
    assert total == sum(x * x for x in range(jobs))
    return jobs / elapsed


def lock_uncontended(n):
    lock = threading.Lock()
    start = time.perf_counter()
    for _ in range(n):
        lock.acquire()
        lock.release()
    return (time.perf_counter() - start) / n * 1e9


def lock_contended(n):
    lock = threading.Lock()
    counter = [0]

    def worker():
        for _ in range(n):
            with lock:
                counter[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(2)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    assert counter[0] == 2 * n
    return elapsed / (2 * n) * 1e9


def queue_handoff(n):
    q = queue.Queue(maxsize=1024)

    def consumer():
        for _ in range(n):
            q.get()

    t = threading.Thread(target=consumer)
    start = time.perf_counter()
    t.start()
    for i in range(n):
        q.put(i)
    t.join()
    return (time.perf_counter() - start) / n * 1e9


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=20000)
    parser.add_argument("--map-jobs", type=int, default=100000)
    parser.add_argument("--locks", type=int, default=200000)
    parser.add_argument("--items", type=int, default=100000)
    args = parser.parse_args()
    runs = range(args.runs)
    result = {
        "pool_submit_jobs_per_s": statistics.median(pool_submit(args.jobs) for _ in runs),
        "pool_map_jobs_per_s": statistics.median(pool_map(args.map_jobs) for _ in runs),
        "lock_uncontended_ns": statistics.median(lock_uncontended(args.locks) for _ in runs),
        "lock_contended_ns": statistics.median(lock_contended(args.locks // 4) for _ in runs),
        "queue_handoff_ns": statistics.median(queue_handoff(args.items // 4) for _ in runs),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
