// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A tc classifier (SEC("tc"), SCHED_CLS): reads the __sk_buff fields a
 * classifier looks at, sets mark, priority, tc_classid and cb[] from what it
 * finds, and edits the packet in place with direct packet access: rewrites
 * the DSCP of IPv4 packets (with the header checksum updated incrementally),
 * decrements the TTL / hop limit of packets to a router MAC and swaps the MAC
 * addresses of those it bounces.
 */
#include "common.h"
#include <linux/pkt_cls.h>

/* The __sk_buff fields seen, folded: [field index] = sum of values. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 32);
} fields SEC(".maps");

/* Byte 0: the DSCP a port below 256 is given (0x3f: leave it). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u8);
	__uint(max_entries, 256);
} cfg_dscp SEC(".maps");

static __always_inline void add(__u32 k, __u64 v)
{
	__u64 *p = bpf_map_lookup_elem(&fields, &k);
	if (p)
		*p += v;
}

static __always_inline void seen(struct __sk_buff *skb)
{
	add(0, skb->len);
	add(1, skb->pkt_type);
	add(2, skb->protocol);
	add(3, skb->ifindex);
	add(4, skb->mark);
	add(5, skb->priority);
	add(6, skb->ingress_ifindex);
	add(7, skb->queue_mapping);
	add(8, skb->vlan_present);
	add(9, skb->vlan_tci);
	add(10, skb->vlan_proto);
	add(11, skb->tc_index);
	add(12, skb->hash);
	add(13, skb->tc_classid);
	add(14, skb->napi_id);
	add(15, skb->cb[0] ^ skb->cb[4]);
	/* 64-bit pointer differences (see the report on 32-bit ones). */
	add(16, (long)skb->data_end - (long)skb->data);
	add(17, (long)skb->data - (long)skb->data_meta);
	add(18, skb->wire_len);
	add(19, skb->gso_segs);
	add(20, skb->gso_size);
	add(21, skb->tstamp);
	add(28, skb->tstamp_type);
	add(29, skb->hwtstamp);
}

SEC("tc")
int tc_cls(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;

	seen(skb);
	if ((void *)(eth + 1) > end)
		return TC_ACT_SHOT;
	skb->cb[1] = eth->h_proto;
	/* A frame to the router MAC is routed: hop count down, addresses swapped. */
	int routed = eth->h_dest[0] == 0x02 && eth->h_dest[5] == 0x01;

	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);
		if ((void *)(ip + 1) > end)
			return TC_ACT_SHOT;
		__u32 port = 0;
		if (ip->ihl == 5 && (ip->protocol == IPPROTO_TCP || ip->protocol == IPPROTO_UDP)) {
			struct udphdr *uh = (void *)(ip + 1);
			if ((void *)(uh + 1) <= end)
				port = bpf_ntohs(uh->dest);
		}
		if (port < 256) {
			__u8 *d = bpf_map_lookup_elem(&cfg_dscp, &port);
			if (d && (*d & 0x3f) != 0x3f) {
				__u16 old = *(__u16 *)ip;
				ip->tos = (__u8)((*d & 0x3f) << 2 | (ip->tos & 3));
				ip->check = csum_replace2(ip->check, old, *(__u16 *)ip);
				skb->priority = *d & 7;
			}
		}
		if (routed) {
			if (ip->ttl <= 1)
				return TC_ACT_SHOT;
			__u16 old = *(__u16 *)&ip->ttl;
			ip->ttl--;
			ip->check = csum_replace2(ip->check, old, *(__u16 *)&ip->ttl);
		}
		skb->mark = ip->saddr ^ ip->daddr;
		skb->tc_classid = TC_H_MAKE(1 << 16, ip->protocol);
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);
		if ((void *)(ip6 + 1) > end)
			return TC_ACT_SHOT;
		if (routed) {
			if (ip6->hop_limit <= 1)
				return TC_ACT_SHOT;
			ip6->hop_limit--;
		}
		skb->mark = ip6->saddr.in6_u.u6_addr32[3];
		skb->tc_classid = TC_H_MAKE(2 << 16, ip6->nexthdr);
	} else {
		skb->cb[2]++;
		return TC_ACT_UNSPEC;
	}
	if (routed) {
		__u8 tmp[6];
		__builtin_memcpy(tmp, eth->h_dest, 6);
		__builtin_memcpy(eth->h_dest, eth->h_source, 6);
		__builtin_memcpy(eth->h_source, tmp, 6);
		skb->cb[3] = skb->len;
		return TC_ACT_REDIRECT;
	}
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
