// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A SEC("syscall") control-plane program: the caller's context is a struct of
 * arguments and results; by its op field it sets or reads configuration
 * entries, sums them with bpf_for_each_map_elem, fills a .bss table with
 * bpf_loop, or rejects the request. Results go back through the context.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct args {
	__u32 op;
	__u32 key;
	__u64 val;
	__u64 out[4];
	__u32 n;
	__u32 flags;
	__u8 name[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 16);
} settings SEC(".maps");

__u64 table[32];	/* .bss */
__u32 requests[8];	/* .bss: per op */
char last_name[16] = "none";	/* .data */

struct sum_ctx {
	__u64 sum;
	__u64 max;
	__u32 nonzero;
};

static long sum_one(void *map, __u32 *key, __u64 *val, struct sum_ctx *c)
{
	c->sum += *val;
	if (*val > c->max)
		c->max = *val;
	if (*val)
		c->nonzero++;
	return 0;
}

struct fill_ctx {
	__u64 val;
	__u32 done;
};

static long fill_one(__u32 i, struct fill_ctx *f)
{
	if (i >= 32)
		return 1;
	table[i] = f->val * (i + 1) + (table[i] >> 1);
	f->done++;
	return 0;
}

SEC("syscall")
int control(struct args *a)
{
	__u32 op = a->op;
	if (op < 8)
		requests[op]++;
	switch (op) {
	case 0: { /* set */
		__u32 k = a->key & 15;
		__u64 v = a->val; /* helpers take no context memory */
		if (bpf_map_update_elem(&settings, &k, &v, BPF_ANY))
			return 1;
		__builtin_memcpy(last_name, a->name, sizeof(last_name));
		last_name[15] = 0;
		return 0;
	}
	case 1: { /* get */
		__u32 k = a->key;
		__u64 *v = bpf_map_lookup_elem(&settings, &k);
		if (!v)
			return 2;
		a->out[0] = *v;
		return 0;
	}
	case 2: { /* sum */
		struct sum_ctx c = {};
		a->out[3] = bpf_for_each_map_elem(&settings, sum_one, &c, 0);
		a->out[0] = c.sum;
		a->out[1] = c.max;
		a->out[2] = c.nonzero;
		return 0;
	}
	case 3: { /* fill */
		struct fill_ctx f = {.val = a->val};
		a->out[0] = bpf_loop(a->n & 63, fill_one, &f, 0);
		a->out[1] = table[a->key & 31];
		a->out[2] = f.done;
		return 0;
	}
	case 4: { /* add, saturating */
		__u32 k = a->key & 15;
		__u64 *v = bpf_map_lookup_elem(&settings, &k);
		if (!v)
			return 2;
		__u64 n = *v + a->val;
		*v = n < a->val ? ~0ull : n;
		a->out[0] = *v;
		return 0;
	}
	}
	a->flags |= 0x80000000;
	return -22;
}

char LICENSE[] SEC("license") = "GPL";
