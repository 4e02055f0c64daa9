#!/usr/bin/env python3
"""Python peer of Benchmarks/Connections (connection-benchmark):
multiprocessing.connection's Listener and Client, and Manager().dict(), on
the same workloads, printed as one JSON object of medians.

  python3 connection_peer.py [--runs 5] [--round-trips 20000] [--connections 5000] [--clients 4] [--manager-calls 5000]

Workloads (each timed RUNS times; the median is printed):
  listener_round_trip_us   a 32-byte send_bytes/recv_bytes round trip over a
                           Listener/Client connection on a Unix socket with an
                           authkey, to a forked echo process
  accept_rate_per_s        connections accepted and authenticated per second:
                           CLIENTS forked client processes connect (with the
                           authkey) and close, CONNECTIONS times in all
  manager_set_get_us       d[key] = value, then d[key], on a Manager().dict()
"""
import argparse
import json
import multiprocessing as mp
import os
import statistics
import tempfile
import time
from multiprocessing.connection import Client, Listener

KEY = b"connection benchmark key"


def fresh_path():
    return os.path.join(tempfile.gettempdir(), f"mp-bench-{os.getpid()}-{time.monotonic_ns()}.sock")


def echo(address):
    with Client(address, authkey=KEY) as connection:
        while True:
            try:
                connection.send_bytes(connection.recv_bytes())
            except EOFError:
                return


def listener_round_trip(count):
    address = fresh_path()
    with Listener(address, family="AF_UNIX", authkey=KEY) as listener:
        child = mp.Process(target=echo, args=(address,))
        child.start()
        with listener.accept() as connection:
            message = b"x" * 32
            for _ in range(100):
                connection.send_bytes(message)
                connection.recv_bytes()
            began = time.perf_counter()
            for _ in range(count):
                connection.send_bytes(message)
                connection.recv_bytes()
            elapsed = time.perf_counter() - began
        child.join()
    return elapsed / count * 1e6


def connect_repeatedly(address, times):
    for _ in range(times):
        Client(address, authkey=KEY).close()


def accept_rate(connections, clients):
    address = fresh_path()
    with Listener(address, family="AF_UNIX", authkey=KEY, backlog=128) as listener:
        children = [mp.Process(target=connect_repeatedly, args=(address, connections // clients)) for _ in range(clients)]
        for child in children:
            child.start()
        accepted = 0
        began = None
        while accepted < connections // clients * clients:
            connection = listener.accept()
            if began is None:
                began = time.perf_counter()
            accepted += 1
            connection.close()
        elapsed = time.perf_counter() - began
        for child in children:
            child.join()
    return (accepted - 1) / elapsed


def manager_set_get(count):
    with mp.Manager() as manager:
        d = manager.dict()
        for index in range(100):
            d[index] = index
            d[index]
        began = time.perf_counter()
        for index in range(count):
            d[index] = index
            d[index]
        elapsed = time.perf_counter() - began
    return elapsed / count * 1e6


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--round-trips", type=int, default=20000)
    parser.add_argument("--connections", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--manager-calls", type=int, default=5000)
    options = parser.parse_args()
    mp.set_start_method("fork")

    def median(function, *arguments):
        return statistics.median(function(*arguments) for _ in range(options.runs))

    print(json.dumps({
        "listener_round_trip_us": median(listener_round_trip, options.round_trips),
        "accept_rate_per_s": median(accept_rate, options.connections, options.clients),
        "manager_set_get_us": median(manager_set_get, options.manager_calls),
    }))


if __name__ == "__main__":
    main()
