// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The IPv6 extension header walk as a bpf_loop callback: the cursor and the
 * packet end live in the caller's stack, the callback bounds-checks each
 * header against the end before reading it.
 */
#include "hdr_walk.h"

struct walk {
	void *end;
	__u8 *h;
	__u8 nh;
	__u8 bad;
};

static int ext_step(__u32 i, struct walk *w)
{
	__u8 *h = w->h;
	bump(&ext_seen, w->nh, 1);
	if (!is_ext(w->nh))
		return 1;
	if ((void *)(h + 2) > w->end) {
		w->bad = 1;
		return 1;
	}
	__u32 len = ext_len(w->nh, h);
	w->nh = h[0];
	w->h = h + len;
	return 0;
}

SEC("xdp")
int ipv6_ext_loop(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IPV6))
		return XDP_PASS;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > end)
		return XDP_PASS;
	struct walk w = {.end = end, .h = (__u8 *)(ip6 + 1), .nh = ip6->nexthdr};
	long n = bpf_loop(MAX_EXT, ext_step, &w, 0);
	bump(&walk_stats, 4, n);
	if (w.bad) {
		bump(&walk_stats, 0, 1);
		return XDP_DROP;
	}
	if (is_ext(w.nh)) {
		bump(&walk_stats, 1, 1);
		return XDP_DROP;
	}
	bump(&walk_stats, 2, 1);
	bump(&walk_stats, 3, (void *)w.h - data);
	return w.nh == IPPROTO_TCP ? XDP_PASS : XDP_PASS + 1;
}

char LICENSE[] SEC("license") = "GPL";
