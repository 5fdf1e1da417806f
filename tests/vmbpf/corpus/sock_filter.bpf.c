// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A socket filter in the style of tcpdump's compiled filters: legacy packet
 * loads (LD_ABS with a constant offset, LD_IND past the IPv4 header length)
 * relative to the network header, __sk_buff fields, and a snap length as the
 * return value: "ip and (tcp or udp) and not port 22, first 96 bytes; IPv6
 * whole; ARP 0".
 */
#include "common.h"

unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");
unsigned long long load_word(void *skb, unsigned long long off) asm("llvm.bpf.load.word");

/* [0] accepted, [1] dropped, [2] bytes kept, [3] sum of ports, [4] fields seen. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 8);
} sf_stats SEC(".maps");

static __always_inline void add(__u32 k, __u64 v)
{
	__u64 *p = bpf_map_lookup_elem(&sf_stats, &k);
	if (p)
		__sync_fetch_and_add(p, v);
}

static __always_inline int keep(struct __sk_buff *skb, __u32 snap)
{
	__u32 n = skb->len < snap ? skb->len : snap;
	add(0, 1);
	add(2, n);
	return n;
}

SEC("socket")
int sock_filter(struct __sk_buff *skb)
{
	add(4, skb->pkt_type + skb->ifindex * 16 + skb->gso_segs + skb->mark + skb->priority +
		       skb->queue_mapping + skb->cb[0] + skb->hash + skb->napi_id);
	if (skb->protocol == bpf_htons(ETH_P_ARP)) {
		add(1, 1);
		return 0;
	}
	if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		/* Whole packet, unless it is ICMPv6 neighbour discovery. */
		__u32 nh = load_byte(skb, 6);
		if (nh == 58 && (load_byte(skb, 40) & 0xfc) == 0x84) {
			add(1, 1);
			return 0;
		}
		return keep(skb, 0xffff);
	}
	if (skb->protocol != bpf_htons(ETH_P_IP)) {
		add(1, 1);
		return 0;
	}
	__u32 proto = load_byte(skb, 9);
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP) {
		add(1, 1);
		return 0;
	}
	/* Fragments after the first have no ports. */
	if (load_half(skb, 6) & 0x1fff)
		return keep(skb, 96);
	__u32 x = (load_byte(skb, 0) & 0xf) << 2;
	__u32 sport = load_half(skb, x), dport = load_half(skb, x + 2);
	if (sport == 22 || dport == 22) {
		add(1, 1);
		return 0;
	}
	add(3, sport + dport);
	/* TCP: the header length after the ports (LD_IND again). */
	if (proto == IPPROTO_TCP)
		add(5, load_word(skb, x + 12) >> 28);
	return keep(skb, 96);
}

char LICENSE[] SEC("license") = "GPL";
