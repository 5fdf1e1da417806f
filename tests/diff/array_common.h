/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Shared pieces of the ARRAY/PERCPU_ARRAY differential tests: types, flags, info checks. */
#ifndef UB_ARRAY_COMMON_H
#define UB_ARRAY_COMMON_H

#include "diff.h"

#ifndef BPF_F_TOKEN_FD
#define BPF_F_TOKEN_FD (1U << 16)
#endif

static const struct {
	uint32_t type;
	const char *name;
} d_types[] = {
	{BPF_MAP_TYPE_ARRAY, "array"},
	{BPF_MAP_TYPE_PERCPU_ARRAY, "percpu"},
};

/* Bytes a syscall value buffer holds for a map of @type with value size @vs. */
static inline size_t d_value_bytes(uint32_t type, uint32_t vs)
{
	if (type == BPF_MAP_TYPE_PERCPU_ARRAY)
		return (size_t)((vs + 7) & ~7u) * (size_t)d.ncpus;
	return vs;
}

/* OBJ_GET_INFO_BY_FD of a map symbol, compared (the id masked: ids differ). */
static inline bool d_info_case(const char *name, uint32_t sym)
{
	static uint8_t info[256];
	memset(info, 0, sizeof(info));
	struct dcase *c = d_new(BPF_OBJ_GET_INFO_BY_FD, 168, "%s", name);
	c->t.a.info.bpf_fd = sym;
	c->t.a.info.info_len = sizeof(info);
	c->t.a.info.info = d_ptr(c, info, sizeof(info));
	d_mask(c, 0, 4, 4); /* id */
	return d_run(c);
}

#endif
