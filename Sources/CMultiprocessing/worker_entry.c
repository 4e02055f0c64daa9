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

// The process-pool worker's C side: the before-`main` entry of spawned
// workers, the spawn itself, and the post-fork set-up of forked workers.
#define _GNU_SOURCE
#include "CMultiprocessing.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

// Defined in Swift (`Pool/Worker/WorkerEntry.swift`, `@_cdecl`).
extern void swift_multiprocessing_worker_main(int fd, pid_t parent) __attribute__((noreturn));

int cmp_worker_entry_anchor(void) { return CMP_WORKER_FD; }

int cmp_arm_parent_death_signal(pid_t parent) {
    // The race-free idiom: after prctl, a parent that died before it shows
    // as a changed getppid().
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) {
        return -1;
    }
    return getppid() == parent ? 0 : -1;
}

static int cmp_parse_int(const char *text, long *value) {
    if (text == NULL || *text == '\0') return -1;
    char *end = NULL;
    errno = 0;
    long parsed = strtol(text, &end, 10);
    if (errno != 0 || end == NULL || *end != '\0') return -1;
    *value = parsed;
    return 0;
}

// Runs in every process that links Multiprocessing; does nothing unless the
// process was spawned as a pool worker, in which case it never returns.
__attribute__((constructor))
static void cmp_enter_worker_if_spawned(void) {
    const char *fd_text = getenv(CMP_WORKER_FD_VARIABLE);
    if (fd_text == NULL) return;
    long fd = -1, parent = -1;
    if (cmp_parse_int(fd_text, &fd) != 0 ||
        cmp_parse_int(getenv(CMP_PARENT_PID_VARIABLE), &parent) != 0) {
        return; // Not our marker (or a mangled one): behave as a normal program.
    }
    const char *name = getenv(CMP_PROCESS_NAME_VARIABLE);
    if (name != NULL) prctl(PR_SET_NAME, name, 0, 0, 0);
    // A job that itself starts processes must not make them workers.
    unsetenv(CMP_WORKER_FD_VARIABLE);
    unsetenv(CMP_PARENT_PID_VARIABLE);
    unsetenv(CMP_PROCESS_NAME_VARIABLE);
    swift_multiprocessing_worker_main((int)fd, (pid_t)parent);
}

int cmp_spawn_worker(const char *path, char *const argv[], char *const envp[],
                     int child_fd, int inherited_fd, pid_t *pid) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    int rc = posix_spawn_file_actions_init(&actions);
    if (rc != 0) return rc;
    rc = posix_spawnattr_init(&attributes);
    if (rc != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return rc;
    }
    sigset_t empty, defaults;
    sigemptyset(&empty);
    sigfillset(&defaults);
    sigdelset(&defaults, SIGKILL);
    sigdelset(&defaults, SIGSTOP);
    // dup2 onto a different descriptor clears close-on-exec on the copy; the
    // caller guarantees that neither descriptor is a target. stdin becomes
    // /dev/null so workers never compete with the parent for terminal input.
    int first_closed = inherited_fd >= 0 ? CMP_INHERITED_FD + 1 : CMP_WORKER_FD + 1;
    if ((rc = posix_spawn_file_actions_adddup2(&actions, child_fd, CMP_WORKER_FD)) == 0 &&
        (inherited_fd < 0 ||
         (rc = posix_spawn_file_actions_adddup2(&actions, inherited_fd, CMP_INHERITED_FD)) == 0) &&
        (rc = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)) == 0 &&
        (rc = posix_spawn_file_actions_addclosefrom_np(&actions, first_closed)) == 0 &&
        (rc = posix_spawnattr_setsigmask(&attributes, &empty)) == 0 &&
        (rc = posix_spawnattr_setsigdefault(&attributes, &defaults)) == 0 &&
        (rc = posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)) == 0) {
        rc = posix_spawn(pid, path, &actions, &attributes, argv, envp);
    }
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    return rc;
}

int cmp_prepare_forked_worker(int fd) {
    if (fd != CMP_WORKER_FD) {
        if (dup2(fd, CMP_WORKER_FD) != CMP_WORKER_FD) return -1;
    } else {
        int flags = fcntl(fd, F_GETFD);
        if (flags == -1 || fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) == -1) return -1;
    }
    if (syscall(SYS_close_range, CMP_WORKER_FD + 1, ~0U, 0) != 0) return -1;
    int null_fd = open("/dev/null", O_RDONLY); // the child's only thread: no exec can race
    if (null_fd > 0) {
        dup2(null_fd, 0);
        close(null_fd);
    }
    struct sigaction default_action = { .sa_handler = SIG_DFL };
    sigemptyset(&default_action.sa_mask);
    for (int signal = 1; signal < NSIG; signal++) {
        if (signal != SIGKILL && signal != SIGSTOP) {
            sigaction(signal, &default_action, NULL); // EINVAL for the few reserved by glibc
        }
    }
    return 0;
}
