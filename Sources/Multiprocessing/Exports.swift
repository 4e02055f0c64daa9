// `import Multiprocessing` is enough to use threads and thread pools too.
@_exported public import Threading
