// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Counters and flags shared between CPUs, the atomic way: fetch-and-add as a
 * ticket counter, or/and/xor of flag words, compare-and-exchange to record a
 * maximum, exchange to swap in the latest value, on map values and .bss, 32
 * and 64 bits wide. The fetching forms need -mcpu=v3; older CPUs build the
 * plain adds only (CORPUS_CPU, from the build: clang 14 has no __BPF_CPU_VERSION__).
 */
#include "common.h"

struct shared {
	__u64 tickets;
	__u64 bytes;
	__u64 max_len;
	__u64 last;
	__u32 flags32;
	__u32 count32;
	__u64 flags64;
	__u64 xor64;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct shared);
	__uint(max_entries, 2);
} shared SEC(".maps");

__u64 order[64];	/* .bss: the ticket each packet drew, by arrival */
__u32 seen32;

SEC("xdp")
int atomics(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u64 len = end - data;
	__u32 k = len & 1;
	struct shared *s = bpf_map_lookup_elem(&shared, &k);
	if (!s || data + 14 > end)
		return XDP_PASS;
	__u8 b = *(__u8 *)(data + 13);

	__sync_fetch_and_add(&s->bytes, len);
	__sync_fetch_and_add(&s->count32, 1);
	__sync_fetch_and_add(&seen32, b);
#if CORPUS_CPU >= 3
	__u64 t = __sync_fetch_and_add(&s->tickets, 1);
	order[t & 63] = len << 8 | b;
	__sync_fetch_and_or(&s->flags32, 1u << (b & 31));
	__sync_fetch_and_and(&s->flags32, ~(1u << ((b >> 3) & 31)));
	__u64 old = __sync_fetch_and_xor(&s->xor64, (__u64)b << (len & 56));
	__sync_fetch_and_or(&s->flags64, old & 0xff00ff);
	/* Record the largest length seen: retry until no one raced us. */
	__u64 cur = s->max_len;
	for (int i = 0; i < 4 && len > cur; i++) {
		__u64 was = __sync_val_compare_and_swap(&s->max_len, cur, len);
		if (was == cur)
			break;
		cur = was;
	}
	__u64 prev = __sync_lock_test_and_set(&s->last, len * 1000 + b);
	return prev % 1000 == b ? XDP_DROP : XDP_PASS;
#else
	__sync_fetch_and_add(&s->tickets, 1);
	if (len > s->max_len)
		s->max_len = len;
	s->last = len * 1000 + b;
	return XDP_PASS;
#endif
}

char LICENSE[] SEC("license") = "GPL";
