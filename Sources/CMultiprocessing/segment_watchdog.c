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

// The watchdog of a named shared-memory segment: a tiny process that removes
// the segment's name from /dev/shm if the segment's owner dies without doing
// so itself (killed, crashed, or exited without releasing it).
//
// It is made by a double fork so that it is nobody's child to reap: the owner
// reaps the short-lived middle process at once, and the watchdog is adopted
// by init (or the nearest subreaper). The owner may be multi-threaded, so
// everything after the first fork is async-signal-safe system calls only:
// _Fork (which runs no atfork handlers and takes no stdio or malloc lock),
// setsid, sigprocmask, fcntl, open, dup2, close_range, poll, read, fstat,
// stat, unlink, _exit. No allocation, no stdio, no Swift.
#define _GNU_SOURCE
#include "CMultiprocessing.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

/// Keeps `fds` (moved above 2 if needed, updated in place), points 0, 1 and 2
/// at /dev/null (so the watchdog never holds the owner's terminal or output
/// pipes open), and closes every other descriptor.
static void cmp_keep_only(int *fds, int count) {
    for (int index = 0; index < count; index++) {
        if (fds[index] < 3) fds[index] = fcntl(fds[index], F_DUPFD, 3);
    }
    int null_fd = open("/dev/null", O_RDWR);
    if (null_fd >= 0) {
        for (int standard = 0; standard < 3; standard++) {
            if (null_fd != standard) dup2(null_fd, standard);
        }
    }
    // Sort the kept descriptors (a handful: insertion sort), then close the gaps.
    int sorted[8];
    for (int index = 0; index < count; index++) {
        int value = fds[index], position = index;
        while (position > 0 && sorted[position - 1] > value) {
            sorted[position] = sorted[position - 1];
            position--;
        }
        sorted[position] = value;
    }
    unsigned int next = 3;
    for (int index = 0; index < count; index++) {
        unsigned int kept = (unsigned int)sorted[index];
        if (kept > next) close_range(next, kept - 1, 0);
        if (kept >= next) next = kept + 1;
    }
    close_range(next, ~0U, 0);
}

/// Whether a release byte is waiting on `release_fd` (without blocking).
static int cmp_release_arrived(int release_fd) {
    struct pollfd entry = {.fd = release_fd, .events = POLLIN};
    if (poll(&entry, 1, 0) != 1) return 0;
    char byte;
    return read(release_fd, &byte, 1) == 1;
}

__attribute__((noreturn))
static void cmp_watch_segment(int owner_pidfd, int release_fd, int segment_fd, const char *path) {
    setsid(); // out of the owner's session: a Ctrl-C for the owner's group does not reach it
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL); // only SIGKILL ends it early
    int fds[3] = {owner_pidfd, release_fd, segment_fd};
    cmp_keep_only(fds, 3);
    owner_pidfd = fds[0];
    release_fd = fds[1];
    segment_fd = fds[2];

    struct stat segment;
    if (fstat(segment_fd, &segment) != 0) _exit(1);

    struct pollfd entries[2] = {
        {.fd = owner_pidfd, .events = POLLIN},
        {.fd = release_fd, .events = POLLIN},
    };
    for (;;) {
        int ready = poll(entries, 2, -1);
        if (ready < 0) {
            if (errno == EINTR) continue;
            _exit(2);
        }
        if (entries[1].revents != 0) {
            char byte;
            ssize_t count = read(release_fd, &byte, 1);
            if (count == 1) _exit(0); // the owner removed the name itself
            if (count < 0 && errno == EINTR) continue;
            entries[1].fd = -1; // end of stream: only the owner's exit matters now
        }
        if (entries[0].revents != 0) break; // the owner's process has exited
    }
    if (cmp_release_arrived(release_fd)) _exit(0);
    // Remove the name only if it still names this segment: after the owner
    // unlinked it, somebody may have created another segment of that name.
    struct stat named;
    if (stat(path, &named) == 0 && named.st_dev == segment.st_dev && named.st_ino == segment.st_ino) {
        unlink(path);
    }
    _exit(0);
}

pid_t cmp_fork_segment_watchdog(int owner_pidfd, int release_fd, int segment_fd, const char *path) {
    pid_t middle = _Fork();
    if (middle != 0) return middle; // the owner (or -1 with errno)
    pid_t watchdog = _Fork();
    if (watchdog == 0) cmp_watch_segment(owner_pidfd, release_fd, segment_fd, path);
    _exit(watchdog < 0 ? 1 : 0);
}
