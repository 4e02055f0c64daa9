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

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

// The CMSG_* accessors are macros, which Swift cannot call: the control
// messages of SCM_RIGHTS are built and parsed here.

/// Room for the largest SCM_RIGHTS message, and for credentials a peer's
/// SO_PASSCRED could add beside it.
#define CMPP_CONTROL_SPACE \
    (CMSG_SPACE(sizeof(int) * CMPP_MAX_DESCRIPTORS_PER_CALL) + CMSG_SPACE(sizeof(struct ucred)))

ssize_t cmpp_send_with_descriptors(int socket, const void *bytes, size_t count,
                                   const int *descriptors, int descriptorCount, int flags) {
    if (descriptorCount < 1 || descriptorCount > CMPP_MAX_DESCRIPTORS_PER_CALL) {
        errno = EINVAL;
        return -1;
    }
    union {
        char space[CMSG_SPACE(sizeof(int) * CMPP_MAX_DESCRIPTORS_PER_CALL)];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct iovec vector = {.iov_base = (void *)bytes, .iov_len = count};
    struct msghdr message = {
        .msg_iov = &vector,
        .msg_iovlen = 1,
        .msg_control = control.space,
        .msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)descriptorCount),
    };
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)descriptorCount);
    memcpy(CMSG_DATA(header), descriptors, sizeof(int) * (size_t)descriptorCount);
    return sendmsg(socket, &message, flags | MSG_NOSIGNAL);
}

ssize_t cmpp_receive_with_descriptors(int socket, void *buffer, size_t count, int flags,
                                      int *descriptors, int *descriptorCount, int *truncated) {
    union {
        char space[CMPP_CONTROL_SPACE];
        struct cmsghdr align;
    } control;
    struct iovec vector = {.iov_base = buffer, .iov_len = count};
    struct msghdr message = {
        .msg_iov = &vector,
        .msg_iovlen = 1,
        .msg_control = control.space,
        .msg_controllen = sizeof control.space,
    };
    *descriptorCount = 0;
    *truncated = 0;
    ssize_t received = recvmsg(socket, &message, flags | MSG_CMSG_CLOEXEC);
    if (received < 0) return received;
    *truncated = (message.msg_flags & MSG_CTRUNC) != 0;
    if (message.msg_controllen == 0) return received;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header != NULL;
         header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
        size_t bytes = header->cmsg_len - CMSG_LEN(0);
        int found = (int)(bytes / sizeof(int));
        int room = CMPP_MAX_DESCRIPTORS_PER_CALL - *descriptorCount;
        if (found > room) { // cannot happen with one SCM_RIGHTS message per read; never leak
            for (int index = room; index < found; index++) {
                int extra;
                memcpy(&extra, CMSG_DATA(header) + sizeof(int) * (size_t)index, sizeof extra);
                close(extra);
            }
            found = room;
            *truncated = 1;
        }
        memcpy(descriptors + *descriptorCount, CMSG_DATA(header), sizeof(int) * (size_t)found);
        *descriptorCount += found;
    }
    return received;
}
