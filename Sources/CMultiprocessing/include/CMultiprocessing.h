// The little C that must be C: macros Swift cannot import, Linux system calls
// glibc exposes only through headers Swift's Glibc module does not include,
// and process-wide hooks that must exist before `main`.
#ifndef C_MULTIPROCESSING_H
#define C_MULTIPROCESSING_H

#include <sys/types.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: wait(2) status decoding (function-like macros in <sys/wait.h>)

static inline int cmp_wifexited(int status) { return WIFEXITED(status); }
static inline int cmp_wexitstatus(int status) { return WEXITSTATUS(status); }
static inline int cmp_wifsignaled(int status) { return WIFSIGNALED(status); }
static inline int cmp_wtermsig(int status) { return WTERMSIG(status); }

// MARK: pidfd (Linux 5.3+)

/// pidfd_open(2) with PIDFD_NONBLOCK unset; the descriptor is always O_CLOEXEC.
int cmp_pidfd_open(pid_t pid);

/// waitid(P_PIDFD, pidfd, ...) that reaps the child and fills `status` in the
/// encoding of waitpid(2), so one decoder serves both. Returns 0, or -1 with errno.
/// `options` is WEXITED optionally or'ed with WNOHANG; with WNOHANG and a child
/// still running it returns 0 and sets `*reaped` to 0.
int cmp_pidfd_wait(int pidfd, int options, int *status, int *reaped);

/// pidfd_send_signal(2): signals the process the descriptor refers to, never a
/// process that has reused its pid. Returns 0, or -1 with errno (ESRCH once reaped).
int cmp_pidfd_send_signal(int pidfd, int signal);

// MARK: fork generation

/// How many times this process image has been forked into the current process:
/// 0 in the original process, incremented in the child of every fork(2) by a
/// pthread_atfork handler (installed by a constructor before `main`).
/// A Connection compares it with the value at its creation to learn that it
/// is being used in a forked descendant.
unsigned long cmp_fork_generation(void);

#ifdef __cplusplus
}
#endif

#endif // C_MULTIPROCESSING_H
