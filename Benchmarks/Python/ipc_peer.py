#!/usr/bin/env python3
"""Python's side of the IPC benchmark (Benchmarks/IPC): the same three
workloads as the Swift benchmark, over multiprocessing.Pipe with the fork
start method, measured by Python itself.

  (a) round trip of a small object (the Swift benchmark's small Codable struct)
  (b) round trip of 4 KiB of bytes (send_bytes / recv_bytes)
  (c) one-way throughput of 1 MiB send_bytes messages

With --json it prints one JSON object of medians (microseconds per round trip,
GB/s) over --runs runs, which `ipc-benchmark` parses. --pin pins this process
(and so its forked peer) to CPU 0.
"""
import argparse
import json
import multiprocessing as mp
import os
import statistics
import time

SMALL = {"id": 42, "name": "sample-record", "values": [1.5, 2.5, 3.5, 4.5], "flag": True}


def echo_objects(conn):
    try:
        while True:
            conn.send(conn.recv())
    except EOFError:
        pass


def echo_bytes(conn):
    try:
        while True:
            conn.send_bytes(conn.recv_bytes())
    except EOFError:
        pass


def sink(conn, messages, runs):
    for _ in range(runs):
        for _ in range(messages):
            conn.recv_bytes()
        conn.send_bytes(b"\x01")


def run_peer(parent, child, target, *args):
    parent.close()  # the child's copy of the parent's end, or it never sees EOF
    target(child, *args)


def start(ctx, target, *args):
    parent, child = ctx.Pipe()
    process = ctx.Process(target=run_peer, args=(parent, child, target, *args))
    process.start()
    child.close()  # the parent's copy of the child's end
    return parent, process


def round_trips(ctx, target, send, recv, payload, iterations, runs, warmup):
    conn, process = start(ctx, target)
    for _ in range(warmup):
        send(conn, payload)
        recv(conn)
    results = []
    for _ in range(runs):
        begin = time.perf_counter()
        for _ in range(iterations):
            send(conn, payload)
            recv(conn)
        results.append((time.perf_counter() - begin) / iterations * 1e6)
    conn.close()
    process.join()
    return statistics.median(results)


def throughput(ctx, size, messages, runs):
    payload = bytes(size)
    conn, process = start(ctx, sink, messages, runs + 1)
    results = []
    for run in range(runs + 1):  # the first run warms up
        begin = time.perf_counter()
        for _ in range(messages):
            conn.send_bytes(payload)
        conn.recv_bytes()
        if run > 0:
            results.append(size * messages / (time.perf_counter() - begin) / 1e9)
    conn.close()
    process.join()
    return statistics.median(results)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=5000, help="round trips per run")
    parser.add_argument("--messages", type=int, default=1000, help="1 MiB messages per throughput run")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pin", action="store_true", help="pin to CPU 0")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if args.pin:
        os.sched_setaffinity(0, {0})
    ctx = mp.get_context("fork")
    warmup = max(args.iterations // 10, 10)
    results = {
        "small_rtt_us": round_trips(ctx, echo_objects, lambda c, p: c.send(p), lambda c: c.recv(),
                                    SMALL, args.iterations, args.runs, warmup),
        "bytes4k_rtt_us": round_trips(ctx, echo_bytes, lambda c, p: c.send_bytes(p), lambda c: c.recv_bytes(),
                                      bytes(4096), args.iterations, args.runs, warmup),
        "throughput_gbps": throughput(ctx, 1 << 20, args.messages, args.runs),
        "python": ".".join(map(str, os.sys.version_info[:3])),
    }
    if args.json:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
