// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* A program misusing bpf_spin_lock (noexit): the kernel refuses it at load, and so must userbpf. */
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

SEC("xdp")
int bad(struct xdp_md *ctx)
{
	__u32 k = 0, k1 = 1;
	struct locked *l = bpf_map_lookup_elem(&m, &k), *l1 = bpf_map_lookup_elem(&m, &k1);
	(void)ctx;
	if (!l || !l1)
		return XDP_PASS;
	bpf_spin_lock(&l->lock);
	l->n++;
	if (l->n > 5)
		return XDP_DROP; /* still holding the lock */
	bpf_spin_unlock(&l->lock);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
