// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A global function's result used as an index: the kernel verifies global
 * functions on their own (any scalar arguments, any scalar result), so to the
 * caller the index is unbounded and the load is refused ("R1 unbounded memory
 * access"), however the function bounds it.
 */
#include "../common.h"

__u32 hist[16];

__attribute__((noinline)) int bucket_of(__u32 v)
{
	return v & 15;
}

SEC("xdp")
int global_ret(struct xdp_md *ctx)
{
	hist[bucket_of(ctx->data_end - ctx->data)]++;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
