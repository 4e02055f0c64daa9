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

// The C half of MultiprocessingPlatform: what Swift cannot call or see
// directly. syscall(2) is variadic; glibc declares memfd_create(2) and
// pthread_mutex_clocklock(3) only under _GNU_SOURCE, which Swift's Glibc module
// does not define; Swift's Glibc module does not include epoll or eventfd; and
// glibc 2.36 does not wrap the pidfd calls; the CMSG_* accessors of control
// messages (SCM_RIGHTS) are macros. Each function is a thin
// pass-through: it returns what the call returns and leaves errno as the call
// set it, so the Swift side runs it through the package's one EINTR funnel
// (`valueOrErrno`).
#ifndef C_MULTIPROCESSING_PLATFORM_H
#define C_MULTIPROCESSING_PLATFORM_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: futex(2) on process-shared words (never FUTEX_PRIVATE_FLAG)

/// FUTEX_WAIT_BITSET on `word` while it holds `expected`, until the absolute
/// CLOCK_MONOTONIC time `deadline` (NULL: no deadline). Returns 0 when woken,
/// or -1 with errno EAGAIN (the word did not hold `expected`), ETIMEDOUT or EINTR.
int cmpp_futex_wait(uint32_t *word, uint32_t expected, const struct timespec *deadline);

/// FUTEX_WAKE: wakes at most `count` waiters of `word` in any process.
/// Returns how many were woken, or -1 with errno.
int cmpp_futex_wake(uint32_t *word, int count);

/// FUTEX_LOCK_PI2 (Linux 5.14+): takes the priority-inheritance futex `word`
/// for the calling thread, sleeping until `deadline` (absolute CLOCK_MONOTONIC;
/// NULL: none). Returns 0 when the caller owns it (the kernel may have handed
/// it over from an owner that exited), or -1 with errno: ESRCH (the owner
/// recorded in the word no longer exists), ETIMEDOUT, EDEADLK (the caller
/// owns it already) or EINTR.
int cmpp_futex_lock_pi(uint32_t *word, const struct timespec *deadline);

/// FUTEX_TRYLOCK_PI: like cmpp_futex_lock_pi without sleeping; EWOULDBLOCK
/// (EAGAIN) when a live thread owns it.
int cmpp_futex_trylock_pi(uint32_t *word);

/// FUTEX_UNLOCK_PI: releases `word`, which the calling thread owns, handing it
/// to the highest-priority waiter. Returns 0 or -1 with errno (EPERM: not the owner).
int cmpp_futex_unlock_pi(uint32_t *word);

/// A CPU's spin-wait hint (x86 `pause`, Arm `yield`): a loop that looks again
/// at a word another CPU will change runs gentler on the CPU and its sibling.
static inline void cmpp_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ __volatile__("yield");
#endif
}

/// The kernel thread id of the calling thread, cached in thread-local storage
/// (gettid(2) is a system call); the cache is reset in the child of fork(2).
int cmpp_thread_id_uncached(void);
extern __thread int cmpp_thread_id_cache;
static inline int cmpp_thread_id(void) {
    int id = cmpp_thread_id_cache;
    if (__builtin_expect(id == 0, 0)) id = cmpp_thread_id_uncached();
    return id;
}

/// The most words one cmpp_futex_wait_any call watches (FUTEX_WAITV_MAX).
#define CMPP_FUTEX_WAIT_ANY_MAX 128

/// futex_waitv(2) (Linux 5.16+): sleeps until any of the `count` 32-bit
/// process-shared `words` is woken, or the absolute CLOCK_MONOTONIC
/// `deadline` (NULL: none) passes. Returns the index of a woken word, or -1
/// with errno EAGAIN (some word did not hold its expected value), ETIMEDOUT,
/// EINTR or ENOSYS (an older kernel).
int cmpp_futex_wait_any(uint32_t *const *words, const uint32_t *expected, int count,
                        const struct timespec *deadline);

// MARK: memory files

/// memfd_create(2) with MFD_CLOEXEC | MFD_ALLOW_SEALING. Returns a descriptor or -1 with errno.
int cmpp_memfd_create(const char *name);

/// fcntl(F_ADD_SEALS) with F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL: the
/// size of the file can no longer change, so no process can make the others'
/// mappings fault (SIGBUS) by truncating it. Returns 0 or -1 with errno.
int cmpp_seal_size(int fd);

/// open(2) of an unnamed regular file in `directory` (O_TMPFILE | O_RDWR |
/// O_CLOEXEC, mode 0600). Returns a descriptor or -1 with errno
/// (EOPNOTSUPP or EISDIR where the file system has no O_TMPFILE).
int cmpp_open_unnamed_file(const char *directory);

/// Gives the unnamed file `fd` the name `path` (linkat(2) of /proc/self/fd/N
/// with AT_SYMLINK_FOLLOW). Fails with EEXIST, never replacing an existing
/// name. Returns 0 or -1 with errno.
int cmpp_link_unnamed_file(int fd, const char *path);

// MARK: descriptors over Unix sockets (SCM_RIGHTS)

/// The most descriptors one sendmsg(2) carries (the kernel's SCM_MAX_FD).
#define CMPP_MAX_DESCRIPTORS_PER_CALL 253

/// sendmsg(2) of the `count` bytes at `bytes` with `descriptorCount` (1 to
/// CMPP_MAX_DESCRIPTORS_PER_CALL) descriptors as one SCM_RIGHTS control
/// message, `flags | MSG_NOSIGNAL`. The descriptors travel with the first
/// byte sent, so they went if and only if the call returns a positive count.
/// Returns the bytes sent, or -1 with errno (EINVAL for a bad count).
ssize_t cmpp_send_with_descriptors(int socket, const void *bytes, size_t count,
                                   const int *descriptors, int descriptorCount, int flags);

/// recvmsg(2) of at most `count` bytes into `buffer`, `flags | MSG_CMSG_CLOEXEC`.
/// The descriptors of an SCM_RIGHTS message that came with the bytes go to
/// `descriptors` (room for CMPP_MAX_DESCRIPTORS_PER_CALL), their number to
/// `*descriptorCount`; `*truncated` is 1 when the kernel set MSG_CTRUNC (it
/// could not install them all: the open-file limit). Returns the bytes
/// received (0 at end of stream), or -1 with errno.
ssize_t cmpp_receive_with_descriptors(int socket, void *buffer, size_t count, int flags,
                                      int *descriptors, int *descriptorCount, int *truncated);
// MARK: sockets

/// getrandom(2) with no flags (sys/random.h is not in Swift's Glibc
/// module). Returns how many bytes it wrote, or -1 with errno.
long cmpp_getrandom(void *buffer, unsigned long length);

/// accept4(2) with SOCK_NONBLOCK | SOCK_CLOEXEC (declared only under
/// _GNU_SOURCE). Returns the connection's descriptor, or -1 with errno.
int cmpp_accept_nonblocking(int listener);

// MARK: pthread

/// pthread_mutex_clocklock(3) on CLOCK_MONOTONIC; returns 0 or an error number.
int cmpp_mutex_lock_until(pthread_mutex_t *mutex, const struct timespec *deadline);

// MARK: pidfd (Linux 5.3+)

/// pidfd_open(2); the descriptor is always close-on-exec. Returns it, or -1 with errno.
int cmpp_pidfd_open(pid_t pid);

/// pidfd_send_signal(2): signals the process the descriptor refers to, never a
/// process that has reused its pid. Returns 0, or -1 with errno (ESRCH once reaped).
int cmpp_pidfd_send_signal(int pidfd, int signal);

/// waitid(P_PIDFD, pidfd, ...) that reaps the child and fills `status` in the
/// encoding of waitpid(2) (an exit code in bits 8-15, or the signal in bits
/// 0-6). Returns 0, or -1 with errno. `options` is WEXITED,
/// optionally or'ed with WNOHANG; with WNOHANG and a child still running it
/// returns 0 and sets `*reaped` to 0.
int cmpp_pidfd_wait(int pidfd, int options, int *status, int *reaped);

#ifdef __cplusplus
}
#endif

#endif // C_MULTIPROCESSING_PLATFORM_H
