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

import Multiprocessing
import Testing

// Helpers for the adversarial tests: every wait is bounded, so a hang shows
// as a failed expectation rather than a test run that never ends.

/// Every adversarial suite, one at a time: the leak checks count this
/// process's descriptors, and pools compete for the machine's CPUs.
@Suite(.serialized, .timeLimit(.minutes(1)))
enum AdversarialSuites {}
