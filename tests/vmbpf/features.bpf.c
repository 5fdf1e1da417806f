// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* A test program using global data, a bpf-to-bpf call, for_each_map_elem and a spin lock. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct locked {
	struct bpf_spin_lock lock;
	__u32 hits;
	__u64 total;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct locked);
	__uint(max_entries, 1);
} lockmap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 8);
} vals SEC(".maps");

const volatile __u64 factor = 3;	/* .rodata */
__u64 calls = 0;			/* .bss */
__u64 last = 7;				/* .data */
__u64 seen SEC(".data.custom") = 40;	/* a custom .data.* section: its own array */

struct cb_ctx {
	__u64 sum;
	__u32 seen;
};

static __u64 sum_cb(void *map, __u32 *key, __u64 *val, struct cb_ctx *c)
{
	(void)map;
	c->sum += *val * (*key + 1);
	c->seen++;
	return 0;
}

static __attribute__((noinline)) __u64 scale(__u64 v)
{
	return v * factor + last;
}

SEC("xdp")
int features(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct cb_ctx c = {0, 0};
	__u32 k = 0;

	if (data + 14 > end)
		return XDP_ABORTED;
	for (__u32 i = 0; i < 8; i++) {
		__u32 key = i;
		__u64 v = i + ((unsigned char *)data)[0];
		bpf_map_update_elem(&vals, &key, &v, BPF_ANY);
	}
	bpf_for_each_map_elem(&vals, sum_cb, &c, 0);
	struct locked *l = bpf_map_lookup_elem(&lockmap, &k);
	if (l) {
		bpf_spin_lock(&l->lock);
		l->hits++;
		l->total += c.sum;
		bpf_spin_unlock(&l->lock);
	}
	calls++;
	seen += 2;
	last = scale(c.sum) + c.seen;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
