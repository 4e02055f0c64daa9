// The process-pool worker's C side: the before-`main` entry of spawned
// workers, the spawn itself, the post-fork set-up of forked workers, and
// epoll calls whose packed `struct epoll_event` Swift cannot import reliably.
#define _GNU_SOURCE
#include "CMultiprocessing.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/// The environment variables a spawned worker finds its socket and parent by.
#define CMP_WORKER_FD_VARIABLE "SWIFT_MULTIPROCESSING_WORKER_FD"
#define CMP_PARENT_PID_VARIABLE "SWIFT_MULTIPROCESSING_PARENT_PID"

/// Exit status of a worker whose parent died before it could arm PR_SET_PDEATHSIG.
#define CMP_ORPHAN_EXIT_STATUS 70

// Defined in Swift (`Pool/Worker/WorkerEntry.swift`, `@_cdecl`).
extern void swift_multiprocessing_worker_main(int fd) __attribute__((noreturn));

int cmp_worker_entry_anchor(void) { return CMP_WORKER_FD; }

/// Arms the parent-death signal, then makes sure the parent did not die
/// before it was armed (the race-free idiom: after prctl, a dead parent shows
/// as a changed getppid()). Returns 0, or -1 if the worker must exit.
static int cmp_arm_parent_death_signal(pid_t expected_parent) {
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) {
        return -1;
    }
    return getppid() == expected_parent ? 0 : -1;
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
    if (cmp_arm_parent_death_signal((pid_t)parent) != 0) {
        _exit(CMP_ORPHAN_EXIT_STATUS);
    }
    // A job that itself starts processes must not make them workers.
    unsetenv(CMP_WORKER_FD_VARIABLE);
    unsetenv(CMP_PARENT_PID_VARIABLE);
    swift_multiprocessing_worker_main((int)fd);
}

int cmp_spawn_worker(const char *path, char *const argv[], char *const envp[],
                     int child_fd, pid_t *pid) {
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
    // caller guarantees child_fd != CMP_WORKER_FD. stdin becomes /dev/null so
    // workers never compete with the parent for terminal input.
    if ((rc = posix_spawn_file_actions_adddup2(&actions, child_fd, CMP_WORKER_FD)) == 0 &&
        (rc = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)) == 0 &&
        (rc = posix_spawn_file_actions_addclosefrom_np(&actions, CMP_WORKER_FD + 1)) == 0 &&
        (rc = posix_spawnattr_setsigmask(&attributes, &empty)) == 0 &&
        (rc = posix_spawnattr_setsigdefault(&attributes, &defaults)) == 0 &&
        (rc = posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)) == 0) {
        rc = posix_spawn(pid, path, &actions, &attributes, argv, envp);
    }
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    return rc;
}

int cmp_prepare_forked_worker(int fd, pid_t parent) {
    if (fd != CMP_WORKER_FD) {
        if (dup2(fd, CMP_WORKER_FD) != CMP_WORKER_FD) return -1;
    } else {
        int flags = fcntl(fd, F_GETFD);
        if (flags == -1 || fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) == -1) return -1;
    }
    if (syscall(SYS_close_range, CMP_WORKER_FD + 1, ~0U, 0) != 0) return -1;
    int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd >= 0) {
        if (null_fd != 0) {
            dup2(null_fd, 0);
            close(null_fd);
        }
    }
    sigset_t empty;
    sigemptyset(&empty);
    pthread_sigmask(SIG_SETMASK, &empty, NULL);
    return cmp_arm_parent_death_signal(parent);
}

int cmp_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event event;
    memset(&event, 0, sizeof(event));
    event.events = events;
    event.data.u64 = data;
    return epoll_ctl(epfd, op, fd, &event);
}

int cmp_epoll_wait(int epfd, uint64_t *data, uint32_t *events, int capacity, int timeout) {
    struct epoll_event buffer[64];
    if (capacity > 64) capacity = 64;
    int count = epoll_wait(epfd, buffer, capacity, timeout);
    for (int i = 0; i < count; i++) {
        data[i] = buffer[i].data.u64;
        events[i] = buffer[i].events;
    }
    return count;
}
