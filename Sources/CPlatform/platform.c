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

#define _GNU_SOURCE
#include "CMultiprocessingPlatform.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif

int cmpp_futex_wait(uint32_t *word, uint32_t expected, const struct timespec *deadline) {
    // FUTEX_WAIT_BITSET takes an absolute time on CLOCK_MONOTONIC (no
    // FUTEX_CLOCK_REALTIME), so a retry after EINTR keeps the same deadline.
    return (int)syscall(SYS_futex, word, FUTEX_WAIT_BITSET, expected, deadline, NULL,
                        FUTEX_BITSET_MATCH_ANY);
}

int cmpp_futex_wake(uint32_t *word, int count) {
    return (int)syscall(SYS_futex, word, FUTEX_WAKE, count, NULL, NULL, 0);
}

int cmpp_futex_wait_any(uint32_t *const *words, const uint32_t *expected, int count,
                        const struct timespec *deadline) {
    if (count < 1 || count > CMPP_FUTEX_WAIT_ANY_MAX) {
        errno = EINVAL;
        return -1;
    }
    struct futex_waitv waiters[CMPP_FUTEX_WAIT_ANY_MAX];
    for (int index = 0; index < count; index++) {
        waiters[index] = (struct futex_waitv){
            .val = expected[index],
            .uaddr = (uint64_t)(uintptr_t)words[index],
            .flags = FUTEX_32, // shared: no FUTEX_PRIVATE_FLAG
            .__reserved = 0,
        };
    }
    return (int)syscall(SYS_futex_waitv, waiters, (unsigned int)count, 0u, deadline,
                        CLOCK_MONOTONIC);
}

#ifndef FUTEX_LOCK_PI2
#define FUTEX_LOCK_PI2 13
#endif

int cmpp_futex_lock_pi(uint32_t *word, const struct timespec *deadline) {
    // FUTEX_LOCK_PI2 measures `deadline` on CLOCK_MONOTONIC (FUTEX_LOCK_PI
    // would use CLOCK_REALTIME); shared: no FUTEX_PRIVATE_FLAG.
    return (int)syscall(SYS_futex, word, FUTEX_LOCK_PI2, 0, deadline, NULL, 0);
}

int cmpp_futex_trylock_pi(uint32_t *word) {
    return (int)syscall(SYS_futex, word, FUTEX_TRYLOCK_PI, 0, NULL, NULL, 0);
}

int cmpp_futex_unlock_pi(uint32_t *word) {
    return (int)syscall(SYS_futex, word, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0);
}

__thread int cmpp_thread_id_cache = 0;

int cmpp_thread_id_uncached(void) {
    cmpp_thread_id_cache = (int)syscall(SYS_gettid);
    return cmpp_thread_id_cache;
}

static void cmpp_forget_thread_id(void) {
    cmpp_thread_id_cache = 0; // the child's only thread has a new id
}

__attribute__((constructor))
static void cmpp_install_thread_id_reset(void) {
    pthread_atfork(NULL, NULL, cmpp_forget_thread_id);
}

int cmpp_memfd_create(const char *name) {
    return memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
}

int cmpp_seal_size(int fd) {
    return fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
}

int cmpp_open_unnamed_file(const char *directory) {
    return open(directory, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
}

int cmpp_link_unnamed_file(int fd, const char *path) {
    char source[64];
    snprintf(source, sizeof source, "/proc/self/fd/%d", fd);
    return linkat(AT_FDCWD, source, AT_FDCWD, path, AT_SYMLINK_FOLLOW);
}

int cmpp_mutex_lock_until(pthread_mutex_t *mutex, const struct timespec *deadline) {
    return pthread_mutex_clocklock(mutex, CLOCK_MONOTONIC, deadline);
}

int cmpp_accept_nonblocking(int listener) {
    return accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

long cmpp_getrandom(void *buffer, unsigned long length) {
    return (long)getrandom(buffer, length, 0);
}
