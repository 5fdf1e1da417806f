// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A tc program reading __sk_buff->family and the socket addresses: fields of
 * cgroup and sk_skb programs that the kernel's tc context does not offer
 * (it refuses the load, "invalid bpf_context access off=88 size=4").
 */
#include "../common.h"

SEC("tc")
int tc_family(struct __sk_buff *skb)
{
	return skb->family == 2 ? (int)skb->remote_ip4 : 0;
}

char LICENSE[] SEC("license") = "GPL";
