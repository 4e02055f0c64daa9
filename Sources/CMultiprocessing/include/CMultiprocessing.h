//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-multiprocessing open source project
//
// Copyright (c) 2026 the swift-multiprocessing project authors
// Licensed under Apache License v2.0
//
// See LICENSE.txt for license information
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

// The little C that must be C: the package's one fork(2) (stdio and locks
// around it), process-wide hooks that must exist before `main`, the pool
// worker's spawn and post-fork set-up, and addresses across processes.
#ifndef C_MULTIPROCESSING_H
#define C_MULTIPROCESSING_H

#include <sys/types.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: fork

/// The package's one fork(2), used by ChildProcess.fork and by the pool's
/// .fork start method alike:
/// - forks are serialized (one at a time in the process);
/// - stdout and stderr are flushed first, and no FILE lock is held across
///   fork(2) (glibc's fork takes its stream-list lock, and fflush(NULL) and
///   exit take that lock, then each stream's: holding a stream's lock here
///   would deadlock against them; glibc resets every stream's lock in the
///   child, so the child may print);
/// - in the child, the stdout and stderr buffers are dropped (text another
///   thread buffered between the flush and the fork is the parent's to write:
///   printed by the child it would appear twice), and the signal mask is
///   emptied (Dispatch and Swift concurrency threads block most signals).
/// Returns what fork(2) returns (-1 with errno on failure).
pid_t cmp_fork(void);

/// Flushes stdout and stderr only: in a forked child, other FILEs may hold
/// the half-done state of threads that do not exist there.
void cmp_flush_standard_streams(void);

/// How many times this process image has been forked into the current process:
/// 0 in the original process, incremented in the child of every fork(2) by a
/// pthread_atfork handler (installed by a constructor before `main`).
/// A Connection compares it with the value at its creation to learn that it
/// is being used in a forked descendant.
unsigned long cmp_fork_generation(void);

// MARK: process-pool workers (worker_entry.c)

/// The descriptor a worker's socket to its parent has in every worker.
#define CMP_WORKER_FD 3

/// The environment variables a spawned worker finds its socket and parent
/// by. A parent pid of 0 means the worker does not die with its parent (a
/// one-off job spawned without `diesWithParent`); pool workers always do.
#define CMP_WORKER_FD_VARIABLE "SWIFT_MULTIPROCESSING_WORKER_FD"
#define CMP_PARENT_PID_VARIABLE "SWIFT_MULTIPROCESSING_PARENT_PID"

/// The environment variable that names a spawned process (its thread name,
/// at most 15 bytes, as `ps -o comm` shows it); optional.
#define CMP_PROCESS_NAME_VARIABLE "SWIFT_MULTIPROCESSING_PROCESS_NAME"

/// Where a spawned process finds the one extra descriptor its parent may
/// give it (a Manager's listening socket).
#define CMP_INHERITED_FD 4

/// Returns CMP_WORKER_FD. Swift calls it so the linker keeps worker_entry.c,
/// whose constructor turns a spawned copy of the executable into a worker
/// before `main`.
int cmp_worker_entry_anchor(void);

/// posix_spawn(3) of `path` as a pool worker: `child_fd` becomes descriptor
/// CMP_WORKER_FD, `inherited_fd` (unless -1) becomes CMP_INHERITED_FD, stdin
/// /dev/null, every other descriptor above 2 is closed, the signal mask is
/// empty and every signal has its default action. Neither descriptor may be
/// CMP_WORKER_FD or CMP_INHERITED_FD. Returns 0 or an error number.
int cmp_spawn_worker(const char *path, char *const argv[], char *const envp[],
                     int child_fd, int inherited_fd, pid_t *pid);

/// In the child of cmp_fork(): what cmp_spawn_worker does for a spawned
/// worker. Moves `fd` to CMP_WORKER_FD, closes every other descriptor above
/// 2, points stdin at /dev/null and gives every signal its default action
/// (so the Swift runtime's crash handler, inherited from the parent, does not
/// print a backtrace for every crashing job). Returns 0, or -1 with errno.
int cmp_prepare_forked_worker(int fd);

/// Arms PR_SET_PDEATHSIG (SIGKILL), then checks that `parent` did not die
/// before it was armed. Returns 0, or -1 if the worker must exit.
int cmp_arm_parent_death_signal(pid_t parent);

// MARK: Addresses across processes of one executable (dl_iterate_phdr)

/// The loaded object (executable or library) whose segments hold `address`:
/// its name as dl_iterate_phdr reports it ("" for the executable) and its
/// load bias. Returns 0, or -1 if no loaded object holds the address.
int cmp_image_of_address(uintptr_t address, const char **name, uintptr_t *base);

/// The load bias of the loaded object named `name` ("" for the executable).
/// Returns 0, or -1 if no loaded object has that name.
int cmp_image_base(const char *name, uintptr_t *base);

// MARK: Named shared-memory segments (segment_watchdog.c)

/// Starts the watchdog of a named segment and returns the pid of the middle
/// process to reap with waitpid(2) (exit status 0: the watchdog runs), or -1
/// with errno. The watchdog waits until `owner_pidfd` (a pidfd of the owner)
/// shows the owner's exit, then removes `path` if it still names the file
/// `segment_fd`; a byte read from `release_fd` (the owner removed the name
/// itself) ends it without doing anything. It keeps only those three
/// descriptors, ignores every catchable signal and leaves the session.
/// Everything after fork is async-signal-safe: safe in a multi-threaded owner.
pid_t cmp_fork_segment_watchdog(int owner_pidfd, int release_fd, int segment_fd, const char *path);

#ifdef __cplusplus
}
#endif

#endif // C_MULTIPROCESSING_H
