import Multiprocessing
print("process-vs-thread: coming soon")
