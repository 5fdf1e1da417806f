// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* A program misusing bpf_spin_lock (call): the kernel refuses it at load, and so must userbpf. */
#include "locked.h"

SEC("xdp")
int bad(struct xdp_md *ctx)
{
	struct locked *l, *l1;
	(void)ctx;
	if (lookup_both(&l, &l1))
		return XDP_PASS;
	bpf_spin_lock(&l->lock);
	l->n++;
	l->n += bpf_get_prandom_u32() & 1; /* a helper call under the lock */
	bpf_spin_unlock(&l->lock);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
