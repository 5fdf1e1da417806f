// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Branches that meet again, many in a row: 2^48 paths through the first
 * loop alone. The kernel loads this only because it prunes paths whose
 * state an already verified one covers; so must userbpf.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
} out SEC(".maps");

/* A call after the branches: states inside it carry the caller's frame. */
static __attribute__((noinline)) __u64 fold(__u64 a, __u64 b)
{
	__u64 r = a;
#pragma clang loop unroll(full)
	for (int i = 0; i < 8; i++) {
		if ((b >> i) & 1)
			r = r * 3 + i;
		else
			r ^= b << i;
	}
	return r;
}

SEC("xdp")
int features(struct xdp_md *ctx)
{
	unsigned char *p = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u64 h = 0, c = 0;
	__u32 k = 0;

	if (p + 64 > end)
		return XDP_ABORTED;
	/* Independent decisions: data only, nothing the verifier must track precisely. */
#pragma clang loop unroll(full)
	for (int i = 0; i < 48; i++) {
		if ((p[i] ^ i) & 1)
			h = h * 31 + i;
		else
			c += p[i];
	}
	/* A parser: each kind bounds-checks its own length, then common code. */
	unsigned char *q = p + 48;
	__u32 len;
	switch (p[0] & 3) {
	case 0:
		len = 4;
		break;
	case 1:
		len = 8;
		break;
	case 2:
		len = 12;
		break;
	default:
		len = 16;
	}
	if (q + 16 > end)
		return XDP_DROP;
	__u64 sum = 0;
#pragma clang loop unroll(full)
	for (int i = 0; i < 16; i++)
		if (i < len)
			sum += q[i];
	bpf_map_update_elem(&out, &k, &h, BPF_ANY);
	k = 1;
	bpf_map_update_elem(&out, &k, &c, BPF_ANY);
	k = 2;
	bpf_map_update_elem(&out, &k, &sum, BPF_ANY);
	__u64 f = fold(h, c);
	k = 3;
	bpf_map_update_elem(&out, &k, &f, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
