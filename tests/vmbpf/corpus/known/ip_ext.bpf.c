// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Walking variable-length headers with bounded loops: IPv4 options with a
 * fully unrolled loop (#pragma unroll) and IPv6 extension headers with a
 * plain constant-bound loop the verifier walks iteration by iteration. Each
 * header starts at a packet offset only known at run time.
 */
#include "../hdr_walk.h"

SEC("xdp")
int ipv4_opts(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct iphdr *ip = ipv4(data, end);
	if (!ip || ip->ihl <= 5)
		return XDP_PASS;
	__u8 *opt = (__u8 *)(ip + 1), *stop = (__u8 *)ip + ip->ihl * 4;
	if ((void *)stop > end) {
		bump(&walk_stats, 0, 1);
		return XDP_DROP;
	}
#pragma unroll
	for (int i = 0; i < MAX_OPTS; i++) {
		if (opt + 1 > stop || (void *)(opt + 1) > end)
			return XDP_PASS;
		__u8 type = opt[0];
		bump(&opt_seen, type, 1);
		if (type == 0) /* end of list */
			return XDP_PASS;
		if (type == 1) { /* no-op */
			opt++;
			continue;
		}
		if (opt + 2 > stop || (void *)(opt + 2) > end || opt[1] < 2) {
			bump(&walk_stats, 0, 1);
			return XDP_DROP;
		}
		/* Router alert: tell the slow path. */
		if (type == 148)
			return XDP_PASS + 1;
		opt += opt[1];
	}
	bump(&walk_stats, 1, 1);
	return XDP_PASS;
}

SEC("xdp")
int ipv6_ext(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IPV6))
		return XDP_PASS;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > end)
		return XDP_PASS;
	__u8 nh = ip6->nexthdr;
	__u8 *h = (__u8 *)(ip6 + 1);
#pragma clang loop unroll(disable)
	for (int i = 0; i < MAX_EXT; i++) {
		bump(&ext_seen, nh, 1);
		if (!is_ext(nh))
			break;
		if ((void *)(h + 2) > end) {
			bump(&walk_stats, 0, 1);
			return XDP_DROP;
		}
		__u32 len = ext_len(nh, h);
		nh = h[0];
		h += len;
	}
	if (is_ext(nh)) {
		bump(&walk_stats, 1, 1);
		return XDP_DROP;
	}
	bump(&walk_stats, 2, 1);
	bump(&walk_stats, 3, (void *)h - data);
	return nh == IPPROTO_TCP ? XDP_PASS : XDP_PASS + 1;
}

char LICENSE[] SEC("license") = "GPL";
