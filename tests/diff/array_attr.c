// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Differential test of generic attr handling: size, E2BIG tails, EFAULT, CHECK_ATTR (SEMANTICS.md 0). */
#include "array_common.h"

#include <limits.h>

/* A valid attr for @cmd on map @sym, pointing at the case's own buffers. */
static __attribute__((format(printf, 4, 5))) struct dcase *
valid_case(int cmd, uint32_t sym, unsigned size, const char *fmt, ...)
{
	static uint32_t key, next;
	static uint64_t value[8];
	static uint32_t keys[4], outb;
	static uint64_t values[32];
	char name[96];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	struct dcase *c = d_new(cmd, size, "%s", name);
	key = 1;
	next = 0xabababab;
	memset(value, 0xcd, sizeof(value));
	memset(values, 0xcd, sizeof(values));
	memset(keys, 0xcd, sizeof(keys));
	outb = 0xcdcdcdcd;
	switch (cmd) {
	case BPF_MAP_CREATE:
		c->t.a.map_type = BPF_MAP_TYPE_ARRAY;
		c->t.a.key_size = 4;
		c->t.a.value_size = 8;
		c->t.a.max_entries = 4;
		break;
	case BPF_MAP_LOOKUP_ELEM:
	case BPF_MAP_UPDATE_ELEM:
	case BPF_MAP_LOOKUP_AND_DELETE_ELEM:
	case BPF_MAP_DELETE_ELEM:
		c->t.a.map_fd = sym;
		c->t.a.key = d_ptr(c, &key, sizeof(key));
		if (cmd != BPF_MAP_DELETE_ELEM)
			c->t.a.value = d_ptr(c, value, sizeof(value));
		break;
	case BPF_MAP_GET_NEXT_KEY:
		c->t.a.map_fd = sym;
		c->t.a.key = d_ptr(c, &key, sizeof(key));
		c->t.a.next_key = d_ptr(c, &next, sizeof(next));
		break;
	case BPF_MAP_FREEZE:
		c->t.a.map_fd = sym;
		break;
	default: /* batch */
		c->t.a.batch.map_fd = sym;
		c->t.a.batch.keys = d_ptr(c, keys, sizeof(keys));
		c->t.a.batch.values = d_ptr(c, values, sizeof(values));
		c->t.a.batch.out_batch = d_ptr(c, &outb, sizeof(outb));
		c->t.a.batch.count = 2;
		break;
	}
	return c;
}

int main(void)
{
	d_init("array_attr");
	uint32_t m = d_map(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	struct dcase *c;

	/* Sizes above a page are E2BIG whatever the bytes; zero tails up to a page are fine. */
	static const unsigned sizes[] = {0, 4, 12, 16, 20, 48, 72, 80, 144, 167, 168, 169, 256,
					 4095, 4096, 4097, 8192, INT_MAX, UINT_MAX};
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		c = valid_case(BPF_MAP_CREATE, 0, sizes[i], "create_size_%u%.0d", (int)sizes[i], 0);
		c->keep = false;
		d_run(c);
	}
	/* Non-zero bytes past the 168-byte union: E2BIG. */
	static const unsigned tail[] = {168, 169, 200, 1000, 4095};
	for (size_t i = 0; i < ARRAY_SIZE(tail); i++) {
		c = valid_case(BPF_MAP_CREATE, 0, 4096, "create_tail_byte_%d%.0d", (int)tail[i], 0);
		c->t.b[tail[i]] = 1;
		d_run(c);
		c = valid_case(BPF_MAP_LOOKUP_ELEM, m, tail[i] + 1, "lookup_tail_byte_%d%.0d",
			       (int)tail[i], 0);
		c->t.b[tail[i]] = 0x80;
		d_run(c);
	}
	/* Tail non-zero but size stops before it: not read. */
	c = valid_case(BPF_MAP_CREATE, 0, 168, "create_tail_beyond_size%.0d%.0d", 0, 0);
	c->t.b[200] = 1;
	d_run(c);
	/* A small size cuts the attr: fields past it read as zero. */
	c = valid_case(BPF_MAP_CREATE, 0, 12, "create_size12_me_cut%.0d%.0d", 0, 0);
	d_run(c);

	/* NULL attr. */
	static const unsigned nsz[] = {0, 1, 144, 168, 4096, 4097};
	static const int ncmd[] = {BPF_MAP_CREATE, BPF_MAP_LOOKUP_ELEM, BPF_MAP_FREEZE, 9999};
	for (size_t i = 0; i < ARRAY_SIZE(nsz); i++)
		for (size_t j = 0; j < ARRAY_SIZE(ncmd); j++) {
			struct dres r[2] = {{0}};
			char name[64];
			for (int s = d_first(); s < 2; s++) {
				errno = 0;
				long ret = d_bpf(s, ncmd[j], NULL, nsz[i]);
				r[s] = d_res(ret, errno, NULL, 0);
				if (ret >= 0)
					close((int)ret);
			}
			snprintf(name, sizeof(name), "null_attr_cmd%d_size%u", ncmd[j], nsz[i]);
			d_report(name, r);
		}

	/* Unknown commands. */
	static const int cmds[] = {-1, 9999, 37, 38, 40, 100, INT_MAX};
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		c = valid_case(BPF_MAP_FREEZE, m, 168, "unknown_cmd_%d%.0d", cmds[i], 0);
		c->cmd = cmds[i];
		c->t.a.map_fd = 0x7fffffff; /* whatever it is, it must not be a map */
		d_run(c);
	}

	/* CHECK_ATTR: each byte from the command's boundary to 168, alone. */
	static const struct {
		int cmd;
		unsigned from;
	} ca[] = {
		{BPF_MAP_CREATE, 72}, /* 72..79 are ignored, not checked */
		{BPF_MAP_LOOKUP_ELEM, 32},
		{BPF_MAP_UPDATE_ELEM, 32},
		{BPF_MAP_DELETE_ELEM, 16},
		{BPF_MAP_GET_NEXT_KEY, 24},
		{BPF_MAP_LOOKUP_AND_DELETE_ELEM, 32},
		{BPF_MAP_FREEZE, 4},
		{BPF_MAP_LOOKUP_BATCH, 56},
		{BPF_MAP_UPDATE_BATCH, 56},
		{BPF_MAP_DELETE_BATCH, 56},
		{BPF_MAP_LOOKUP_AND_DELETE_BATCH, 56},
	};
	for (size_t i = 0; i < ARRAY_SIZE(ca); i++) {
		for (unsigned off = ca[i].from - (ca[i].from == 32 ? 28 : 0); off < 168; off++) {
			if (ca[i].from == 32 && off >= 8 && off < 32)
				continue; /* key, value, flags: the fields proper */
			uint32_t mm = d_map(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
			c = valid_case(ca[i].cmd, mm, 168, "check_attr_cmd%d_byte%d", ca[i].cmd,
				       (int)off);
			/* Keep the fd and pointers intact: the byte goes on top of them. */
			c->t.b[off] ^= 0x01;
			d_run(c);
			d_close(mm);
		}
	}
	/* A small size that ends inside a field. */
	c = valid_case(BPF_MAP_LOOKUP_ELEM, m, 28, "lookup_size28%.0d%.0d", 0, 0);
	d_run(c);
	c = valid_case(BPF_MAP_LOOKUP_ELEM, m, 8, "lookup_size8%.0d%.0d", 0, 0);
	d_run(c);
	c = valid_case(BPF_MAP_FREEZE, m, 2, "freeze_size2%.0d%.0d", 0, 0);
	d_run(c);
	d_close(m);
	return d_done();
}
