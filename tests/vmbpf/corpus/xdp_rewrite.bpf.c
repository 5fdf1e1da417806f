// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * An XDP packet rewriter: pops an outer VLAN tag (bpf_xdp_adjust_head, the
 * MAC addresses moved up), encapsulates UDP-to-port-4789-below-256 traffic
 * in IPIP (adjust_head by -20 and a new IPv4 header with its checksum),
 * trims Ethernet padding past the IPv4 total length (bpf_xdp_adjust_tail),
 * stores a flow mark as meta data (bpf_xdp_adjust_meta) and bounces ICMP
 * echo requests (MACs and addresses swapped, type and checksum updated).
 */
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 8);
} actions SEC(".maps");

enum { A_POP, A_ENCAP, A_TRIM, A_META, A_ECHO, A_FAIL };

static __always_inline void did(__u32 a)
{
	__u64 *v = bpf_map_lookup_elem(&actions, &a);
	if (v)
		(*v)++;
}

static __always_inline int pop_vlan(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	if (data + 18 > end)
		return -1;
	__u8 macs[12];
	__builtin_memcpy(macs, data, 12);
	if (bpf_xdp_adjust_head(ctx, 4))
		return -1;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	if (data + 12 > end)
		return -1;
	__builtin_memcpy(data, macs, 12);
	did(A_POP);
	return 0;
}

static __always_inline __u16 ip_sum(struct iphdr *ip)
{
	__u32 sum = 0;
	__u16 *w = (__u16 *)ip;
#pragma unroll
	for (int i = 0; i < 10; i++)
		sum += w[i];
	return csum_fold(sum);
}

static __always_inline int encap(struct xdp_md *ctx, __u32 inner_len)
{
	if (bpf_xdp_adjust_head(ctx, -(int)sizeof(struct iphdr)))
		return -1;
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data, *old = data + sizeof(struct iphdr);
	struct iphdr *outer = (void *)(eth + 1);
	if ((void *)(outer + 1) + sizeof(struct iphdr) > end)
		return -1;
	__builtin_memmove(eth, old, 12);
	eth->h_proto = bpf_htons(ETH_P_IP);
	struct iphdr *inner = outer + 1;
	outer->version = 4;
	outer->ihl = 5;
	outer->tos = inner->tos;
	outer->tot_len = bpf_htons(inner_len + sizeof(struct iphdr));
	outer->id = inner->id;
	outer->frag_off = bpf_htons(0x4000);
	outer->ttl = 64;
	outer->protocol = IPPROTO_IPIP;
	outer->check = 0;
	outer->saddr = bpf_htonl(0x0a000001);
	outer->daddr = inner->daddr ^ bpf_htonl(0xff);
	outer->check = ip_sum(outer);
	did(A_ENCAP);
	return 0;
}

SEC("xdp")
int xdp_rewrite(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end)
		return XDP_ABORTED;
	if (eth->h_proto == bpf_htons(ETH_P_8021Q)) {
		if (pop_vlan(ctx)) {
			did(A_FAIL);
			return XDP_ABORTED;
		}
		data = (void *)(long)ctx->data;
		end = (void *)(long)ctx->data_end;
		eth = data;
		if ((void *)(eth + 1) > end)
			return XDP_ABORTED;
	}
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end || ip->ihl != 5)
		return XDP_PASS;
	/* 64-bit: clang's 32-bit pointer difference is refused by userbpf (see known/). */
	__u64 tot = bpf_ntohs(ip->tot_len), have = end - (void *)ip;
	/* Padding after the datagram: cut it. */
	if (tot >= sizeof(*ip) && tot < have && have - tot < 256) {
		if (bpf_xdp_adjust_tail(ctx, -(int)(have - tot)) == 0)
			did(A_TRIM);
		data = (void *)(long)ctx->data;
		end = (void *)(long)ctx->data_end;
		eth = data;
		ip = (void *)(eth + 1);
		if ((void *)(ip + 1) > end)
			return XDP_ABORTED;
	}
	if (ip->protocol == IPPROTO_ICMP) {
		struct icmphdr {
			__u8 type, code;
			__u16 check;
		} *ic = (void *)(ip + 1);
		if ((void *)(ic + 1) > end || ic->type != 8)
			return XDP_PASS;
		__u8 mac[6];
		__builtin_memcpy(mac, eth->h_dest, 6);
		__builtin_memcpy(eth->h_dest, eth->h_source, 6);
		__builtin_memcpy(eth->h_source, mac, 6);
		__u32 a = ip->saddr;
		ip->saddr = ip->daddr;
		ip->daddr = a;
		__u16 old = *(__u16 *)ic;
		ic->type = 0;
		ic->check = csum_replace2(ic->check, old, *(__u16 *)ic);
		did(A_ECHO);
		return XDP_TX;
	}
	if (ip->protocol == IPPROTO_UDP) {
		struct udphdr *uh = (void *)(ip + 1);
		if ((void *)(uh + 1) > end)
			return XDP_PASS;
		if (bpf_ntohs(uh->dest) < 64) {
			if (encap(ctx, tot))
				did(A_FAIL);
			return XDP_TX;
		}
	}
	/* Everything else: the protocol as meta data for the next stage. */
	__u8 proto = ip->protocol;
	if (bpf_xdp_adjust_meta(ctx, -4))
		return XDP_PASS;
	__u32 *meta = (void *)(long)ctx->data_meta;
	if ((void *)(meta + 1) > (void *)(long)ctx->data)
		return XDP_ABORTED;
	*meta = 0xc0de0000 | proto;
	did(A_META);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
