// The C half of MultiprocessingPlatform: headers Swift's Glibc module does not
// include (epoll, eventfd), and the pidfd system calls glibc 2.36 does not wrap.
#ifndef C_MULTIPROCESSING_PLATFORM_H
#define C_MULTIPROCESSING_PLATFORM_H

#include <sys/types.h>
#include <sys/wait.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#ifdef __cplusplus
extern "C" {
#endif

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
