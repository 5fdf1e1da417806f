// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* A bpf_loop callback returning 2: callbacks return 0 or 1, so the kernel refuses it at load. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static long step(__u32 i, void *ctx)
{
	(void)ctx;
	return i < 3 ? 0 : 2; /* 2 is neither "continue" nor "stop" */
}

SEC("xdp")
int bad(struct xdp_md *ctx)
{
	(void)ctx;
	bpf_loop(8, step, NULL, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
