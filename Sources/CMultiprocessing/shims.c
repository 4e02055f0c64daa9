#define _GNU_SOURCE
#include "CMultiprocessing.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int cmp_pidfd_open(pid_t pid) {
    // pidfd descriptors are created close-on-exec by the kernel.
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

int cmp_pidfd_send_signal(int pidfd, int signal) {
    return (int)syscall(SYS_pidfd_send_signal, pidfd, signal, NULL, 0);
}

int cmp_pidfd_wait(int pidfd, int options, int *status, int *reaped) {
    siginfo_t info = {0};
    if (waitid((idtype_t)P_PIDFD, (id_t)pidfd, &info, options) != 0) {
        return -1;
    }
    if (info.si_pid == 0) { // WNOHANG and not exited yet
        *reaped = 0;
        return 0;
    }
    *reaped = 1;
    switch (info.si_code) {
    case CLD_EXITED:
        *status = (info.si_status & 0xff) << 8;
        break;
    case CLD_KILLED:
    case CLD_DUMPED:
        *status = info.si_status & 0x7f;
        break;
    default: // stopped or continued are not requested; report as exited(0)
        *status = 0;
        break;
    }
    return 0;
}

void cmp_lock_standard_streams(void) {
    flockfile(stdout);
    flockfile(stderr);
}

void cmp_unlock_standard_streams(void) {
    funlockfile(stderr);
    funlockfile(stdout);
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
