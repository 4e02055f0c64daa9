"""A Python client of the Swift listener in main.swift beside this file.

Run by `swift run python-client` (which passes the address and key), or by
hand while `swift run python-client serve` listens:
    python3 Examples/python-client/client.py /tmp/swift-multiprocessing-python-client.sock 707974686f6e2d636c69656e74
"""
import sys
from multiprocessing.connection import Client

address, key = sys.argv[1], bytes.fromhex(sys.argv[2])
with Client(address, authkey=key) as connection:
    for word in ["hello", "from", "python", sys.version.split()[0]]:
        connection.send_bytes(word.encode())
        print(f"python: sent {word!r}, got {connection.recv_bytes().decode()!r}")
