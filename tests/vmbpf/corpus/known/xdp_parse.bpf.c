// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * An XDP firewall front end: Ethernet, up to two VLAN tags, IPv4 or IPv6,
 * TCP or UDP ports; per-protocol packet and byte counters in a PERCPU_ARRAY,
 * drop reasons in an ARRAY, destination ports below 256 dropped when the
 * blocklist (an ARRAY the loader fills) says so. Built twice: as written, the
 * TCP/UDP header follows the IPv4 options (ihl * 4: a variable packet
 * offset); with -DCORPUS_IHL5 packets with options are passed untouched, as
 * fast paths often do, so the header is at a constant offset.
 */
#include "../common.h"

enum { P_OTHER, P_ARP, P_IPV4, P_IPV6, P_TCP, P_UDP, P_ICMP, P_VLAN, P_QINQ, P_FRAG, P_MAX = 16 };
enum { D_SHORT, D_BADIHL, D_TTL, D_BLOCKED, D_VLANS, D_MAX = 8 };

struct counters {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct counters);
	__uint(max_entries, P_MAX);
} proto_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, D_MAX);
} drops SEC(".maps");

/* Byte 0 of entry p: port p is blocked when its low three bits are zero. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u8);
	__uint(max_entries, 256);
} cfg_block SEC(".maps");

/* The last ports and protocol seen, packed, for the loader to print. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
} last SEC(".maps");

static __always_inline void count(__u32 p, __u64 bytes)
{
	struct counters *c = bpf_map_lookup_elem(&proto_stats, &p);
	if (c) {
		c->packets++;
		c->bytes += bytes;
	}
}

static __always_inline int drop(__u32 why)
{
	__u64 *d = bpf_map_lookup_elem(&drops, &why);
	if (d)
		__sync_fetch_and_add(d, 1);
	return XDP_DROP;
}

SEC("xdp")
int xdp_parse(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u64 len = end - data;
	__u32 l4proto = 0;
	void *l4;

	if ((void *)(eth + 1) > end)
		return drop(D_SHORT);
	__u16 proto = eth->h_proto;
	void *cur = eth + 1;
#pragma unroll
	for (int i = 0; i < 2; i++) {
		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		struct vlan_hdr *vh = cur;
		if ((void *)(vh + 1) > end)
			return drop(D_SHORT);
		count(proto == bpf_htons(ETH_P_8021AD) ? P_QINQ : P_VLAN, len);
		proto = vh->proto;
		cur = vh + 1;
	}
	if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD))
		return drop(D_VLANS);

	if (proto == bpf_htons(ETH_P_ARP)) {
		count(P_ARP, len);
		return XDP_PASS;
	} else if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = cur;
		if ((void *)(ip + 1) > end)
			return drop(D_SHORT);
		if (ip->ihl < 5)
			return drop(D_BADIHL);
		count(P_IPV4, len);
		if (ip->ttl <= 1)
			return drop(D_TTL);
		if (ip->frag_off & bpf_htons(0x3fff)) {
			count(P_FRAG, len);
			return XDP_PASS;
		}
		l4proto = ip->protocol;
#ifdef CORPUS_IHL5
		if (ip->ihl != 5)
			return XDP_PASS;
		l4 = ip + 1;
#else
		l4 = (void *)ip + ip->ihl * 4;
#endif
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = cur;
		if ((void *)(ip6 + 1) > end)
			return drop(D_SHORT);
		count(P_IPV6, len);
		if (ip6->hop_limit <= 1)
			return drop(D_TTL);
		l4proto = ip6->nexthdr;
		l4 = ip6 + 1;
	} else {
		count(P_OTHER, len);
		return XDP_PASS;
	}

	__u32 sport, dport;
	if (l4proto == IPPROTO_TCP) {
		struct tcphdr *th = l4;
		if ((void *)(th + 1) > end)
			return drop(D_SHORT);
		count(P_TCP, len);
		sport = bpf_ntohs(th->source);
		dport = bpf_ntohs(th->dest);
	} else if (l4proto == IPPROTO_UDP) {
		struct udphdr *uh = l4;
		if ((void *)(uh + 1) > end)
			return drop(D_SHORT);
		count(P_UDP, len);
		sport = bpf_ntohs(uh->source);
		dport = bpf_ntohs(uh->dest);
	} else {
		if (l4proto == IPPROTO_ICMP || l4proto == IPPROTO_ICMPV6)
			count(P_ICMP, len);
		return XDP_PASS;
	}
	__u32 k = 0;
	__u64 packed = (__u64)sport << 32 | dport << 8 | l4proto;
	bpf_map_update_elem(&last, &k, &packed, BPF_ANY);
	if (dport < 256) {
		__u8 *b = bpf_map_lookup_elem(&cfg_block, &dport);
		if (b && !(*b & 7))
			return drop(D_BLOCKED);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
