// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* A BPF object whose BTF has a bit of everything: maps with BTF keys/values, a spin lock, globals, functions. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct val {
	struct bpf_spin_lock lock;
	int count;
	char name[8];
};

enum color { RED, GREEN = 5 };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, int);
	__type(value, struct val);
} locked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} pkt_count SEC(".maps");

int global_counter = 1;
const volatile enum color favourite = GREEN;
double ratio;
struct flags {
	unsigned long long bits : 3, more : 61;
} flags;

static __attribute__((noinline)) int helper(int x)
{
	return x * 2 + global_counter;
}

SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&pkt_count, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	return helper((int)ctx->ingress_ifindex) > 0 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
