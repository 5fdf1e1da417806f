/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* What the bpf_spin_lock misuse programs share: a locked value, its map, both elements looked up. */
#ifndef UB_TEST_LOCKED_H
#define UB_TEST_LOCKED_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct locked {
	struct bpf_spin_lock lock;
	__u32 n;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct locked);
	__uint(max_entries, 2);
} m SEC(".maps");

/* Elements 0 and 1 of m, NULL-checked: 0 when both are there. */
static __always_inline int lookup_both(struct locked **l, struct locked **l1)
{
	__u32 k = 0, k1 = 1;
	*l = bpf_map_lookup_elem(&m, &k);
	*l1 = bpf_map_lookup_elem(&m, &k1);
	return *l && *l1 ? 0 : -1;
}

#endif
