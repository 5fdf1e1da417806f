// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* bpf_loop with a callback summing packet-derived values, and a bounded C loop. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
} out SEC(".maps");

struct loop_ctx {
	__u64 sum;
	__u32 seed;
};

static int step(__u32 i, struct loop_ctx *c)
{
	c->sum += (i * c->seed) ^ (c->sum >> 3);
	return c->sum > (1ull << 40); /* stop early on overflow-ish sums */
}

SEC("xdp")
int features(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct loop_ctx c = {0, 0};
	__u32 k;

	if (data + 4 > end)
		return XDP_ABORTED;
	c.seed = *(unsigned char *)data + 1;
	long n = bpf_loop(100, step, &c, 0);
	k = 0;
	bpf_map_update_elem(&out, &k, &c.sum, BPF_ANY);
	__u64 v = (__u64)n;
	k = 1;
	bpf_map_update_elem(&out, &k, &v, BPF_ANY);
	/* A plain bounded loop the verifier walks iteration by iteration. */
	__u64 acc = 0;
#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < 20; i++)
		acc = acc * 31 + i + c.seed;
	k = 2;
	bpf_map_update_elem(&out, &k, &acc, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
