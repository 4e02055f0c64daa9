#!/usr/bin/env python3
"""Python's threads against the GIL, for process-vs-thread's CPU-bound experiment.

Counts the primes in consecutive ranges by trial division -- the jobs of the
demo's PrimeCount, in Python -- first one after another, then on a
ThreadPoolExecutor, with each job sized to take about --milliseconds here.
The global interpreter lock lets one thread run Python code at a time, so
the threads are no faster than the loop (Python 3.13's free-threaded build
would differ; this runs the python3 on PATH).

Prints one JSON object on standard output:
    {"python": "3.11.7", "jobs": 8, "threads": 2, "start": 10000000,
     "lengthEach": 1800, "serialSeconds": 0.4, "threadsSeconds": 0.41,
     "serialAnswer": 1083, "threadsAnswer": 1083}
The demo counts the same ranges itself and checks both answers.
"""
import argparse
import json
import platform
import time
from concurrent.futures import ThreadPoolExecutor

START = 10_000_000  # the demo's CPUSpeedup.base: every job costs about the same


def is_prime(n):
    if n < 4:
        return n >= 2
    if n % 2 == 0:
        return False
    divisor = 3
    while divisor * divisor <= n:
        if n % divisor == 0:
            return False
        divisor += 2
    return True


def count_primes(bounds):
    start, stop = bounds
    return sum(1 for n in range(start, stop) if is_prime(n))


def calibrated_length(milliseconds):
    """How many numbers one job must test to take about `milliseconds` here."""
    probe = 500
    best = min(timed(lambda: count_primes((START, START + probe))) for _ in range(3))
    return max(10, int(probe * milliseconds / 1000 / max(best, 1e-6)))


def timed(body):
    started = time.perf_counter()
    body()
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--milliseconds", type=float, default=50)
    arguments = parser.parse_args()

    length = calibrated_length(arguments.milliseconds)
    jobs = [(START + i * length, START + (i + 1) * length) for i in range(arguments.jobs)]

    started = time.perf_counter()
    serial_answer = sum(count_primes(job) for job in jobs)
    serial_seconds = time.perf_counter() - started

    with ThreadPoolExecutor(max_workers=arguments.threads) as pool:
        list(pool.map(lambda x: x, range(arguments.threads)))  # start the threads first
        started = time.perf_counter()
        threads_answer = sum(pool.map(count_primes, jobs))
        threads_seconds = time.perf_counter() - started

    print(json.dumps({
        "python": platform.python_version(),
        "jobs": arguments.jobs,
        "threads": arguments.threads,
        "start": START,
        "lengthEach": length,
        "serialSeconds": serial_seconds,
        "threadsSeconds": threads_seconds,
        "serialAnswer": serial_answer,
        "threadsAnswer": threads_answer,
    }))


if __name__ == "__main__":
    main()
