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

// Addresses as (loaded object, offset) pairs, so that an address inside this
// executable or one of its libraries can be named to another process running
// the same executable and found again there, whatever ASLR did.
#define _GNU_SOURCE
#include "CMultiprocessing.h"
#include <link.h>
#include <string.h>

struct cmp_image_search {
    uintptr_t address;   // in: the address to find (by address)
    const char *name;    // in (by name) / out (by address)
    uintptr_t base;      // out: the object's load bias
    int found;
};

static int cmp_find_by_address(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct cmp_image_search *search = data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        if (segment->p_type != PT_LOAD) continue;
        uintptr_t start = info->dlpi_addr + segment->p_vaddr;
        if (search->address >= start && search->address - start < segment->p_memsz) {
            search->name = info->dlpi_name;
            search->base = info->dlpi_addr;
            search->found = 1;
            return 1;
        }
    }
    return 0;
}

static int cmp_find_by_name(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct cmp_image_search *search = data;
    if (strcmp(info->dlpi_name, search->name) != 0) return 0;
    search->base = info->dlpi_addr;
    search->found = 1;
    return 1;
}

int cmp_image_of_address(uintptr_t address, const char **name, uintptr_t *base) {
    struct cmp_image_search search = { .address = address };
    dl_iterate_phdr(cmp_find_by_address, &search);
    if (!search.found) return -1;
    *name = search.name;
    *base = search.base;
    return 0;
}

int cmp_image_base(const char *name, uintptr_t *base) {
    struct cmp_image_search search = { .name = name };
    dl_iterate_phdr(cmp_find_by_name, &search);
    if (!search.found) return -1;
    *base = search.base;
    return 0;
}
