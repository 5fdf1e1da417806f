/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* What the header-walking programs share: their maps and extension-header helpers. */
#ifndef CORPUS_HDR_WALK_H
#define CORPUS_HDR_WALK_H

#include "common.h"

#define MAX_OPTS 10
#define MAX_EXT 6

/* Option type -> count (IPv4), next-header value -> count (IPv6). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 256);
} opt_seen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 256);
} ext_seen SEC(".maps");

/* [0] malformed, [1] too many, [2] reached L4, [3] sum of L4 offsets. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 8);
} walk_stats SEC(".maps");

static __always_inline void bump(void *map, __u32 k, __u64 by)
{
	__u64 *v = bpf_map_lookup_elem(map, &k);
	if (v)
		__sync_fetch_and_add(v, by);
}

/* The IPv4 header after Ethernet (no VLANs), or NULL. */
static __always_inline struct iphdr *ipv4(void *data, void *end)
{
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return NULL;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end)
		return NULL;
	return ip;
}

/* Is @nh an extension header, and how long is the one at @h? 0: not one. */
static __always_inline __u32 ext_len(__u8 nh, const __u8 *h)
{
	switch (nh) {
	case 0:	 /* hop-by-hop */
	case 43: /* routing */
	case 60: /* destination options */
		return (h[1] + 1) * 8;
	case 44: /* fragment */
		return 8;
	case 51: /* AH */
		return (h[1] + 2) * 4;
	}
	return 0;
}

static __always_inline int is_ext(__u8 nh)
{
	return nh == 0 || nh == 43 || nh == 60 || nh == 44 || nh == 51;
}

#endif
