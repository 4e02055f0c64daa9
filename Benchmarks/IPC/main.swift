import Multiprocessing
print("ipc-benchmark: coming soon")
