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

// pthread functions that glibc declares only under _GNU_SOURCE, which Swift's
// Glibc module does not define: timed waits on CLOCK_MONOTONIC (so a wall-clock
// jump never shortens or stretches a timeout), the affinity CPU count, thread
// names and ids; and the main thread's handle, which only C can record before
// `main` runs.
#ifndef C_THREADING_H
#define C_THREADING_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

/// pthread_mutex_clocklock(3) on CLOCK_MONOTONIC; returns 0, ETIMEDOUT or an error number.
static inline int cth_mutex_lock_until(pthread_mutex_t *mutex, const struct timespec *deadline) {
    return pthread_mutex_clocklock(mutex, CLOCK_MONOTONIC, deadline);
}

/// pthread_cond_clockwait(3) on CLOCK_MONOTONIC; returns 0, ETIMEDOUT or an error number.
static inline int cth_cond_wait_until(pthread_cond_t *cond, pthread_mutex_t *mutex,
                                      const struct timespec *deadline) {
    return pthread_cond_clockwait(cond, mutex, CLOCK_MONOTONIC, deadline);
}

/// The number of CPUs in this thread's affinity mask (sched_getaffinity(2)), or -1.
static inline int cth_affinity_cpu_count(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) {
        return -1;
    }
    return CPU_COUNT(&set);
}

/// PTHREAD_MUTEX_ADAPTIVE_NP, a GNU extension: a contended lock spins briefly
/// before sleeping in the kernel.
static inline int cth_mutex_adaptive_kind(void) {
    return PTHREAD_MUTEX_ADAPTIVE_NP;
}

/// pthread_setname_np(3) on the calling thread; `name` must be at most 15 bytes.
/// Returns 0 or an error number.
static inline int cth_set_current_thread_name(const char *name) {
    return pthread_setname_np(pthread_self(), name);
}

/// pthread_getname_np(3) for the calling thread into `buffer` (at least 16 bytes).
static inline int cth_get_current_thread_name(char *buffer, size_t length) {
    return pthread_getname_np(pthread_self(), buffer, length);
}

/// The thread's id in the kernel (what `ps -L` and `top -H` show): gettid(2).
static inline pid_t cth_gettid(void) {
    return gettid();
}

/// The kernel thread id of `mutex`'s holder, 0 while it is free: glibc
/// records it in every mutex it locks (`__data.__owner`, written by the
/// holder after it took the mutex and cleared before it lets go, and around
/// condition waits), whatever the mutex's kind. Read relaxed: only the
/// holder ever finds its own id there.
static inline int cth_mutex_owner(pthread_mutex_t *mutex) {
    return __atomic_load_n(&mutex->__data.__owner, __ATOMIC_RELAXED);
}

/// The main thread's `pthread_t`, recorded by a constructor before `main` runs.
pthread_t cth_main_thread(void);

#endif // C_THREADING_H
