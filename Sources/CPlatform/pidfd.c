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

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

int cmpp_pidfd_open(pid_t pid) {
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

int cmpp_pidfd_send_signal(int pidfd, int signal) {
    return (int)syscall(SYS_pidfd_send_signal, pidfd, signal, NULL, 0);
}

int cmpp_pidfd_wait(int pidfd, int options, int *status, int *reaped) {
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
