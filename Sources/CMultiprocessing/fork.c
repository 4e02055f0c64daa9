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

// The package's one fork(2): see cmp_fork in CMultiprocessing.h.
#define _GNU_SOURCE
#include "CMultiprocessing.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <unistd.h>

static pthread_mutex_t fork_lock = PTHREAD_MUTEX_INITIALIZER;

pid_t cmp_fork(void) {
    pthread_mutex_lock(&fork_lock);
    cmp_flush_standard_streams();
    pid_t pid = fork();
    if (pid == 0) {
        // The only thread of the child: the lock's copy is held by a thread
        // that does not exist here, so it is made anew rather than unlocked.
        pthread_mutex_init(&fork_lock, NULL);
        __fpurge(stdout);
        __fpurge(stderr);
        sigset_t none;
        sigemptyset(&none);
        pthread_sigmask(SIG_SETMASK, &none, NULL);
    } else {
        pthread_mutex_unlock(&fork_lock);
    }
    return pid;
}

void cmp_flush_standard_streams(void) {
    fflush(stdout);
    fflush(stderr);
}

static atomic_ulong fork_generation = 0;

static void cmp_after_fork_in_child(void) {
    atomic_fetch_add_explicit(&fork_generation, 1, memory_order_relaxed);
}

__attribute__((constructor))
static void cmp_install_atfork_handler(void) {
    pthread_atfork(NULL, NULL, cmp_after_fork_in_child);
}

unsigned long cmp_fork_generation(void) {
    return atomic_load_explicit(&fork_generation, memory_order_relaxed);
}
