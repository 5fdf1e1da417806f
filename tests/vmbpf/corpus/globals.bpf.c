// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Global data and calls: .rodata flags the loader cannot change, .bss
 * counters, .data tables; static noinline functions taking five arguments,
 * some pointing into the caller's stack, calling each other three deep; a
 * global (BTF-verified) function; bpf_for_each_map_elem over an ARRAY whose
 * callback updates values; a bpf_spin_lock protected record.
 */
#include "common.h"

const volatile __u32 cfg_flags = 0x5;	/* .rodata: bit 0 count, bit 2 weights */
const volatile __u16 cfg_ports[4] = {80, 443, 53, 22};

__u64 pkts, bytes, weighted;	/* .bss */
__u32 hist[16];			/* .bss: log2 of the length */
__u32 weights[8] = {1, 3, 5, 7, 11, 13, 17, 19};	/* .data */
__u8 classes[256] = {[6] = 1, [17] = 2, [1] = 3, [58] = 3, [47] = 4};

struct flow {
	__u32 saddr, daddr;
	__u16 sport, dport;
	__u8 proto, class;
	__u16 pad;
};

struct rec {
	struct bpf_spin_lock lock;
	__u32 flows;
	__u64 hash_xor;
	__u64 last_len;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct rec);
	__uint(max_entries, 4);
} recs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 16);
} buckets SEC(".maps");

static __attribute__((noinline)) __u32 mix(__u32 a, __u32 b, __u32 c, __u32 d, __u32 e)
{
	a ^= b << 7 | b >> 25;
	c += d * 2654435761u;
	return a ^ c ^ (e << 13) ^ (e >> 3);
}

static __attribute__((noinline)) __u32 flow_hash(const struct flow *f, __u32 seed, __u64 *acc,
						 __u32 rounds, __u32 extra)
{
	__u32 h = seed;
	for (__u32 i = 0; i < 4 && i < rounds; i++)
		h = mix(h, f->saddr, f->daddr, (__u32)f->sport << 16 | f->dport, f->proto + i);
	*acc += h ^ extra;
	return h;
}

static __attribute__((noinline)) int classify(struct flow *f, __u64 *acc, __u32 len, __u32 *bucket,
					      __u8 *out_class)
{
	__u32 h = flow_hash(f, 0x9e3779b9, acc, 4, len);
	f->class = classes[f->proto];
	*out_class = f->class;
	*bucket = h & 15;
	for (int i = 0; i < 4; i++)
		if (f->dport == cfg_ports[i])
			return i + 1;
	return 0;
}

/* A global function: verified on its own, with scalars for arguments. */
__attribute__((noinline)) int log2_bucket(__u32 v)
{
	int r = 0;
	if (v >= 1 << 8) {
		v >>= 8;
		r += 8;
	}
	if (v >= 1 << 4) {
		v >>= 4;
		r += 4;
	}
	if (v >= 1 << 2) {
		v >>= 2;
		r += 2;
	}
	if (v >= 1 << 1)
		r += 1;
	return r & 15;
}

struct decay_ctx {
	__u64 total;
	__u32 shift;
};

static long decay(void *map, __u32 *key, __u64 *val, struct decay_ctx *c)
{
	*val -= *val >> c->shift;
	c->total += *val;
	return *key >= 12; /* stop after bucket 12 */
}

SEC("xdp")
int globals(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct flow f = {};
	__u64 acc = 0;
	/* A 64-bit difference: userbpf refuses 32-bit pointer arithmetic (see known/). */
	__u64 len = end - data;
	__u32 bucket = 0;
	__u8 cls = 0;

	if (cfg_flags & 1) {
		pkts++;
		bytes += len;
	}
	/* A global function's result is any scalar to its caller: bound it. */
	hist[log2_bucket(len) & 15]++;
	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end)
		return XDP_PASS;
	f.saddr = ip->saddr;
	f.daddr = ip->daddr;
	f.proto = ip->protocol;
	if (ip->ihl == 5 && (f.proto == IPPROTO_TCP || f.proto == IPPROTO_UDP)) {
		struct udphdr *uh = (void *)(ip + 1);
		if ((void *)(uh + 1) <= end) {
			f.sport = bpf_ntohs(uh->source);
			f.dport = bpf_ntohs(uh->dest);
		}
	}
	int svc = classify(&f, &acc, len, &bucket, &cls);
	if (cfg_flags & 4)
		weighted += weights[bucket & 7] * (cls + 1);

	__u64 *b = bpf_map_lookup_elem(&buckets, &bucket);
	if (b)
		*b += len;
	struct decay_ctx d = {.shift = 3};
	long n = bpf_for_each_map_elem(&buckets, decay, &d, 0);

	__u32 k = cls & 3;
	struct rec *r = bpf_map_lookup_elem(&recs, &k);
	if (r) {
		bpf_spin_lock(&r->lock);
		r->flows++;
		r->hash_xor ^= acc;
		r->last_len = len + (d.total & 0xff) + n;
		bpf_spin_unlock(&r->lock);
	}
	return svc == 4 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
