#!/usr/bin/env python3
"""Python peer of Benchmarks/Codec (codec-benchmark): pickle on the values the
Swift side codes, printed as one JSON object of median nanoseconds per
operation.

  python3 codec_peer.py [--quick]

Payloads (the same values as Benchmarks/Codec/main.swift; structs are
dataclasses, an enum with associated values a tuple):
  message     Message(id=42, name="job-42", values=[0.0, 1.5, ... 10.5], flag=True)
  addone      AddOne(x=12345)
  addones     10,000 AddOne(x=i)
  bytes4k     4 KiB of bytes ((i * 31) mod 256)
  names       10,000 file names "dir{i % 100}/file_{i}.txt"
  records     1,000 Record(...) with a nested Point, an optional score and a kind
Operations: encode (pickle.dumps), decode (pickle.loads), roundtrip (both),
with pickle's highest protocol.
"""
import json
import pickle
import statistics
import sys
import time
from dataclasses import dataclass
from typing import Optional


@dataclass
class Message:
    id: int
    name: str
    values: list
    flag: Optional[bool]


@dataclass
class AddOne:
    x: int


@dataclass
class Point:
    x: float
    y: float


@dataclass
class Record:
    id: int
    name: str
    tags: list
    position: Point
    score: Optional[float]
    kind: tuple


def record(index):
    kinds = [("plain",), ("weighted", float(index)), ("labeled", "l", index)]
    return Record(index, f"record {index}", ["a", f"tag-{index % 7}"], Point(index * 0.5, -float(index)),
                  None if index % 3 == 0 else index / 7, kinds[index % 3])


PAYLOADS = {
    "message": Message(42, "job-42", [i * 1.5 for i in range(8)], True),
    "addone": AddOne(12_345),
    "addones": [AddOne(i) for i in range(10_000)],
    "bytes4k": bytes((i * 31) & 0xFF for i in range(4096)),
    "names": [f"dir{i % 100}/file_{i}.txt" for i in range(10_000)],
    "records": [record(i) for i in range(1000)],
}


def median_ns(body, samples, target):
    """Median nanoseconds per call of body over `samples` batches of about `target` seconds."""
    iterations = 1
    while True:
        start = time.perf_counter()
        for _ in range(iterations):
            body()
        if time.perf_counter() - start >= target / 4 or iterations >= 1 << 24:
            break
        iterations *= 2
    iterations *= 4
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        for _ in range(iterations):
            body()
        times.append((time.perf_counter() - start) / iterations * 1e9)
    return statistics.median(times)


def main():
    quick = "--quick" in sys.argv
    samples, target = (7, 0.002) if quick else (31, 0.01)
    protocol = pickle.HIGHEST_PROTOCOL
    result = {}
    for name, value in PAYLOADS.items():
        data = pickle.dumps(value, protocol)
        assert pickle.loads(data) == value
        result[name] = {
            "encode": median_ns(lambda: pickle.dumps(value, protocol), samples, target),
            "decode": median_ns(lambda: pickle.loads(data), samples, target),
            "roundtrip": median_ns(lambda: pickle.loads(pickle.dumps(value, protocol)), samples, target),
            "bytes": len(data),
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
