// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The packet length as a __u32 difference of the packet pointers: with
 * -mcpu=v3 clang emits a 32-bit subtraction of two pointers (w1 -= w2),
 * which the kernel allows privileged programs (the result is a scalar).
 */
#include "../common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} lens SEC(".maps");

SEC("xdp")
int ptr_sub32(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 len = end - data, k = 0;
	__u64 *v = bpf_map_lookup_elem(&lens, &k);
	if (v)
		*v += len;
	return len > 100 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
