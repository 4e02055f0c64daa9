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

#include "CThreading.h"

// The main thread's handle, recorded before `main` runs: an image's
// constructors run on the thread that loads it, which for the executable
// (and the libraries it links) is the main thread.
static pthread_t main_thread;

__attribute__((constructor))
static void cth_record_main_thread(void) {
    main_thread = pthread_self();
}

pthread_t cth_main_thread(void) {
    return main_thread;
}
