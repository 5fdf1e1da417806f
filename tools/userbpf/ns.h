/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The CLI's direct, read-only view of the namespace (fast listing of maps). */
#ifndef UB_CLI_NS_H
#define UB_CLI_NS_H

#include "sys/obj.h"

/* The next live map id after @start (MAP_GET_NEXT_ID's walk): 0 or -ENOENT. */
int ns_next_map_id(uint32_t start, uint32_t *next);

/*
 * ns_map_describe - what OBJ_GET_INFO_BY_FD and fdinfo say about map @id,
 * read from its header page: 0, -ENOENT (gone meanwhile) or -EACCES.
 */
int ns_map_describe(uint32_t id, struct bpf_map_info *info, uint64_t *memlock, int *frozen);

#endif
