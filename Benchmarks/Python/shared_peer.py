#!/usr/bin/env python3
"""Python peer of Benchmarks/Shared (shared-benchmark): multiprocessing.Queue,
Value and Lock on the same workloads, printed as one JSON object of medians.

  python3 shared_peer.py [--runs 5] [--items 200000] [--round-trips 20000] [--adds 1000000]
  python3 shared_peer.py --faster-fifo [--runs 5] [--items 200000]

Workloads (each timed RUNS times; the median is printed):
  queue_stream_items_per_s   one process puts ITEMS small ints into an mp.Queue,
                             another gets them one by one
  queue_round_trip_us        put into one mp.Queue, another process gets it and
                             puts it into a second queue, get it back
  value_adds_per_s           two processes each add 1 to an mp.Value('q') under
                             its get_lock(), ADDS times in all
  lock_ns                    mp.Lock acquire + release, uncontended
  faster_fifo_stream_items_per_s   (--faster-fifo) the stream with faster_fifo.Queue
                             (put and get one by one), where that package is installed
  faster_fifo_batched_items_per_s  (--faster-fifo) the same, taken with get_many
                             (up to 256 at once), faster-fifo's own fast path
"""
import argparse
import json
import multiprocessing as mp
import statistics
import time


def stream_producer(queue, start, items):
    start.wait()
    for value in range(items):
        queue.put(value)


def queue_stream(items, make_queue, batched=False):
    queue = make_queue()
    start = mp.Event()
    producer = mp.Process(target=stream_producer, args=(queue, start, items))
    producer.start()
    began = time.perf_counter()
    start.set()
    if batched:
        received = 0
        while received < items:
            received += len(queue.get_many(max_messages_to_get=256))
    else:
        for _ in range(items):
            queue.get()
    elapsed = time.perf_counter() - began
    producer.join()
    return items / elapsed


def echo(requests, replies):
    while True:
        value = requests.get()
        if value is None:
            return
        replies.put(value)


def queue_round_trip(count):
    requests, replies = mp.Queue(), mp.Queue()
    echoer = mp.Process(target=echo, args=(requests, replies))
    echoer.start()
    for value in range(100):  # warm up
        requests.put(value)
        replies.get()
    began = time.perf_counter()
    for value in range(count):
        requests.put(value)
        replies.get()
    elapsed = time.perf_counter() - began
    requests.put(None)
    echoer.join()
    return elapsed / count * 1e6


def add_under_lock(value, start, adds):
    start.wait()
    for _ in range(adds):
        with value.get_lock():
            value.value += 1


def value_adds(adds):
    value = mp.Value('q', 0)
    start = mp.Event()
    other = mp.Process(target=add_under_lock, args=(value, start, adds // 2))
    other.start()
    began = time.perf_counter()
    start.set()
    add_under_lock(value, start, adds - adds // 2)
    other.join()
    elapsed = time.perf_counter() - began
    assert value.value == adds
    return adds / elapsed


def lock_ns(count=1_000_000):
    lock = mp.Lock()
    began = time.perf_counter()
    for _ in range(count):
        lock.acquire()
        lock.release()
    return (time.perf_counter() - began) / count * 1e9


def median(runs, body):
    return statistics.median(body() for _ in range(runs))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--round-trips", type=int, default=20_000)
    parser.add_argument("--adds", type=int, default=1_000_000)
    parser.add_argument("--faster-fifo", action="store_true")
    args = parser.parse_args()
    mp.set_start_method("fork")
    if args.faster_fifo:
        import faster_fifo
        results = {
            "faster_fifo_stream_items_per_s": median(args.runs, lambda: queue_stream(args.items, faster_fifo.Queue)),
            "faster_fifo_batched_items_per_s":
                median(args.runs, lambda: queue_stream(args.items, faster_fifo.Queue, batched=True)),
        }
    else:
        results = {
            "queue_stream_items_per_s": median(args.runs, lambda: queue_stream(args.items, mp.Queue)),
            "queue_round_trip_us": median(args.runs, lambda: queue_round_trip(args.round_trips)),
            "value_adds_per_s": median(args.runs, lambda: value_adds(args.adds)),
            "lock_ns": median(args.runs, lock_ns),
        }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
