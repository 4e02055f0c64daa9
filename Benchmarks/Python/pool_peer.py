#!/usr/bin/env python3
"""Python peer of Benchmarks/Pool (pool-benchmark): the same workloads with
concurrent.futures.ProcessPoolExecutor and multiprocessing.Pool, printed as one
JSON object of medians.

  python3 pool_peer.py [--runs 5] [--submits 5000] [--maps 200000] [--busy-seconds 0.1] [--only-transfer]

Workloads (2 workers, f(x) = x + 1 unless said; each timed RUNS times, median):
  submit_jobs_per_s        ProcessPoolExecutor(2): submit SUBMITS jobs one by one, wait all
  map_ints_per_s           Pool(2).map(f, range(MAPS)) with its default chunking
  map_strings_per_s        Pool(2).map(len, file_names(MAPS)): the same strings as the Swift side
  map_records_per_s        Pool(2).map(g, records(MAPS)): dataclasses with the Swift records'
                           fields and values, g(r) = r.x + len(r.tags)
  map_*_cpu_ns             for each map: CPU nanoseconds per item of the parent and its workers
                           (scheduler statistics: steadier than rates on a busy machine)
  busy_serial_s            8 CPU-bound jobs of ~BUSY seconds, one after another in this process
  busy_pool_s              the same 8 jobs through Pool(2).map (chunksize 1)
  start_fork_ms            Pool(2) with the fork context: creation to first result
  start_forkserver_ms      the same with forkserver
  start_spawn_ms           the same with spawn
  death_to_error_ms        ProcessPoolExecutor(1): SIGKILL of the worker running a job
                           until its future raises
"""
import argparse
import json
import multiprocessing as mp
import os
import signal
import statistics
import time
from concurrent.futures import ProcessPoolExecutor, wait
from dataclasses import dataclass


def add_one(x):
    return x + 1


@dataclass
class Record:
    name: str
    x: int
    tags: list


def record_size(record):
    return record.x + len(record.tags)


def file_names(n):
    """The strings of the Swift side's `fileName(_:)`."""
    return [f"dir{i % 100}/file_{i}.txt" for i in range(n)]


def records(n):
    """The records of the Swift side's `record(_:)`."""
    return [Record(f"record-{i}", i, [f"tag{i % 7}", f"group{i % 13}"]) for i in range(n)]


def busy(iterations):
    total = 0
    for i in range(iterations):
        total = (total + i * i) % 1000003
    return total


def sleep_forever(_):
    time.sleep(3600)


def submit_rate(n):
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(add_one, range(4)))  # workers started before timing
        start = time.perf_counter()
        futures = [pool.submit(add_one, i) for i in range(n)]
        wait(futures)
        elapsed = time.perf_counter() - start
    return n / elapsed


def cpu_ns(pids):
    """Nanoseconds the threads of the processes `pids` have run on a CPU
    (/proc/PID/task/TID/schedstat, first field)."""
    total = 0
    for pid in pids:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/schedstat") as stat:
                    total += int(stat.read().split()[0])
            except OSError:
                pass
    return total


def map_figures(function, data):
    """Pool(2).map of `function` over `data` with its default chunking: items
    per second, and CPU nanoseconds per item of this process and the workers."""
    with mp.get_context("fork").Pool(2) as pool:
        pool.map(function, data[:8])
        processes = [os.getpid()] + [process.pid for process in pool._pool]
        cpu_before = cpu_ns(processes)
        start = time.perf_counter()
        outputs = pool.map(function, data)
        elapsed = time.perf_counter() - start
        cpu = cpu_ns(processes) - cpu_before
    assert outputs == [function(item) for item in data]
    return len(data) / elapsed, cpu / len(data)


def median_map(runs, function, data):
    """Medians of `map_figures` over `runs` runs."""
    figures = [map_figures(function, data) for _ in range(runs)]
    return statistics.median(rate for rate, _ in figures), statistics.median(cpu for _, cpu in figures)


def calibrate(seconds):
    iterations = 100_000
    while True:
        start = time.perf_counter()
        busy(iterations)
        elapsed = time.perf_counter() - start
        if elapsed > 0.02:
            return int(iterations * seconds / elapsed)
        iterations *= 2


def busy_serial(iterations):
    start = time.perf_counter()
    for _ in range(8):
        busy(iterations)
    return time.perf_counter() - start


def busy_pool(iterations):
    with mp.get_context("fork").Pool(2) as pool:
        pool.map(add_one, range(2))
        start = time.perf_counter()
        pool.map(busy, [iterations] * 8, chunksize=1)
        return time.perf_counter() - start


def start_to_first_result(method):
    context = mp.get_context(method)
    start = time.perf_counter()
    pool = context.Pool(2)
    pool.apply(add_one, (1,))
    elapsed = time.perf_counter() - start
    pool.terminate()
    pool.join()
    return elapsed * 1000


def death_to_error():
    with ProcessPoolExecutor(1) as pool:
        pool.submit(add_one, 1).result()
        future = pool.submit(sleep_forever, 0)
        time.sleep(0.05)
        pid = next(iter(pool._processes))
        start = time.perf_counter()
        os.kill(pid, signal.SIGKILL)
        try:
            future.result()
        except Exception:
            pass
        return (time.perf_counter() - start) * 1000


def median(runs, body):
    return statistics.median(body() for _ in range(runs))


def main():
    # A parent may start us with signals blocked (Foundation's Process does,
    # from a Dispatch thread); Pool.terminate() needs SIGTERM to reach workers.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--submits", type=int, default=5000)
    parser.add_argument("--maps", type=int, default=200_000)
    parser.add_argument("--busy-seconds", type=float, default=0.1)
    parser.add_argument("--only-transfer", action="store_true")
    args = parser.parse_args()
    ints, strings, dataclasses = list(range(args.maps)), file_names(args.maps), records(args.maps)
    result = {}
    for name, function, data in (("ints", add_one, ints), ("strings", len, strings), ("records", record_size, dataclasses)):
        result[f"map_{name}_per_s"], result[f"map_{name}_cpu_ns"] = median_map(args.runs, function, data)
    if args.only_transfer:
        print(json.dumps(result))
        return
    iterations = calibrate(args.busy_seconds)
    result |= {
        "submit_jobs_per_s": median(args.runs, lambda: submit_rate(args.submits)),
        "busy_serial_s": median(args.runs, lambda: busy_serial(iterations)),
        "busy_pool_s": median(args.runs, lambda: busy_pool(iterations)),
        "start_fork_ms": median(args.runs, lambda: start_to_first_result("fork")),
        "start_forkserver_ms": median(args.runs, lambda: start_to_first_result("forkserver")),
        "start_spawn_ms": median(args.runs, lambda: start_to_first_result("spawn")),
        "death_to_error_ms": median(args.runs, death_to_error),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
