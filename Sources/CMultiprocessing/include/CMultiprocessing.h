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

// MARK: stdio around fork

/// Takes the locks of stdout and stderr (flockfile(3)), so that no other
/// thread is inside them when the process forks: a child whose copy of a FILE
/// lock was held by another thread would block forever on its first print.
void cmp_lock_standard_streams(void);

/// Releases what cmp_lock_standard_streams took; called in parent and child.
void cmp_unlock_standard_streams(void);

/// fflush(3) of stdout and stderr only: the streams a forked child may safely
/// touch (other FILEs' locks may have been held by the parent's other threads).
void cmp_flush_standard_streams(void);

// MARK: fork generation

/// How many times this process image has been forked into the current process:
/// 0 in the original process, incremented in the child of every fork(2) by a
/// pthread_atfork handler (installed by a constructor before `main`).
/// A Connection compares it with the value at its creation to learn that it
/// is being used in a forked descendant.
unsigned long cmp_fork_generation(void);


// MARK: process-pool workers (worker_entry.c)

/// The descriptor a worker's socket to its parent has in every worker.
#define CMP_WORKER_FD 3

/// Returns CMP_WORKER_FD. Swift calls it so the linker keeps worker_entry.c,
/// whose constructor turns a spawned copy of the executable into a worker
/// before `main`.
int cmp_worker_entry_anchor(void);

/// posix_spawn(3) of `path` as a pool worker: `child_fd` becomes descriptor
/// CMP_WORKER_FD, stdin /dev/null, every other descriptor above 2 is closed,
/// the signal mask is empty and every signal has its default action.
/// `child_fd` must not be CMP_WORKER_FD. Returns 0 or an error number.
int cmp_spawn_worker(const char *path, char *const argv[], char *const envp[],
                     int child_fd, pid_t *pid);

/// In the child of fork(2): moves `fd` to CMP_WORKER_FD, closes every other
/// descriptor above 2, points stdin at /dev/null, clears the signal mask and
/// arms PR_SET_PDEATHSIG (exits if `parent` already died). Returns 0 or -1.
int cmp_prepare_forked_worker(int fd, pid_t parent);

/// epoll_ctl(2) with the event built in C (struct epoll_event is packed on x86-64).
int cmp_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);

/// epoll_wait(2) into parallel arrays of at most 64 entries.
int cmp_epoll_wait(int epfd, uint64_t *data, uint32_t *events, int capacity, int timeout);

// MARK: Addresses across processes of one executable (dl_iterate_phdr)

/// The loaded object (executable or library) whose segments hold `address`:
/// its name as dl_iterate_phdr reports it ("" for the executable) and its
/// load bias. Returns 0, or -1 if no loaded object holds the address.
int cmp_image_of_address(uintptr_t address, const char **name, uintptr_t *base);

/// The load bias of the loaded object named `name` ("" for the executable).
/// Returns 0, or -1 if no loaded object has that name.
int cmp_image_base(const char *name, uintptr_t *base);

// MARK: Named shared-memory segments (segment_watchdog.c)

/// Starts the watchdog of a named segment and returns the pid of the middle
/// process to reap with waitpid(2) (exit status 0: the watchdog runs), or -1
/// with errno. The watchdog waits until `owner_pidfd` (a pidfd of the owner)
/// shows the owner's exit, then removes `path` if it still names the file
/// `segment_fd`; a byte read from `release_fd` (the owner removed the name
/// itself) ends it without doing anything. It keeps only those three
/// descriptors, ignores every catchable signal and leaves the session.
/// Everything after fork is async-signal-safe: safe in a multi-threaded owner.
pid_t cmp_fork_segment_watchdog(int owner_pidfd, int release_fd, int segment_fd, const char *path);

#ifdef __cplusplus
}
#endif

#endif // C_MULTIPROCESSING_H
