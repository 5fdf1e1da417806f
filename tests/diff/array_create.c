// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Differential test of BPF_MAP_CREATE for ARRAY and PERCPU_ARRAY (SEMANTICS.md 1.1-1.5). */
#include "array_common.h"

static struct dcase *cc(uint32_t type, const char *fmt, const char *tname, const char *what)
{
	struct dcase *c = d_new(BPF_MAP_CREATE, 168, fmt, tname, what);
	c->t.a.map_type = type;
	c->t.a.key_size = 4;
	c->t.a.value_size = 8;
	c->t.a.max_entries = 4;
	return c;
}

/* Run a create; when both sides made a map, compare what OBJ_GET_INFO reports (1.5). */
static void run_create(struct dcase *c)
{
	char name[128];
	c->keep = true;
	d_run(c);
	if (c->sym < 0)
		return;
	uint32_t sym = (uint32_t)c->sym;
	bool all = true;
	for (int s = d_first(); s < 2; s++)
		all &= d_fd(sym, s) >= 0;
	if (all) {
		snprintf(name, sizeof(name), "%s/info", c->name);
		d_info_case(name, sym);
	}
	d_close(sym);
}

int main(void)
{
	char w[64];
	d_init("array_create");

	for (size_t t = 0; t < ARRAY_SIZE(d_types); t++) {
		uint32_t type = d_types[t].type;
		const char *tn = d_types[t].name;
		struct dcase *c;

		/* 1.1 key_size must be 4. */
		static const uint32_t ks[] = {0, 1, 2, 3, 4, 5, 8, 16, 512, 513};
		for (size_t i = 0; i < ARRAY_SIZE(ks); i++) {
			snprintf(w, sizeof(w), "%u", ks[i]);
			c = cc(type, "%s/key_size_%s", tn, w);
			c->t.a.key_size = ks[i];
			run_create(c);
		}
		/* value sizes, small and at the limits. */
		static const uint32_t vs[] = {0, 1, 3, 4, 12, 32768, 32769, 32776, 1u << 20,
					      (4u << 20) - 1, 4u << 20, (4u << 20) + 1, 32u << 20,
					      0x80000000u, 0xffffffffu};
		for (size_t i = 0; i < ARRAY_SIZE(vs); i++) {
			snprintf(w, sizeof(w), "%#x", vs[i]);
			c = cc(type, "%s/value_size_%s", tn, w);
			c->t.a.value_size = vs[i];
			c->t.a.max_entries = 1;
			run_create(c);
		}
		/* max_entries: zero, non-power-of-two, huge (ENOMEM, not E2BIG, for root). */
		/* (The kernel spends seconds failing huge per-CPU allocations: array only.) */
		static const struct {
			uint32_t me, vs, flags;
			bool array_only;
		} me[] = {
			{0, 8, 0, false},
			{1, 8, 0, false},
			{1000, 8, 0, false},
			{1u << 20, 8, 0, true},
			{1u << 12, 8, 0, false},
			/*
			 * Never ask the kernel for a huge array that fits in RAM (16 GiB
			 * for UINT32_MAX x 4 on a 24 GiB machine): it really tries, and the
			 * global OOM killer takes down unrelated processes. Above RAM
			 * (UINT32_MAX x 8 = 32 GiB) vmalloc refuses at once: ENOMEM.
			 */
			{0xffffffffu, 8, 0, false},
			{0x80000000u, 16, 0, true},
			{0xffffffffu, 8, BPF_F_MMAPABLE, false},
			{0xffffffffu, 0x80000000u, 0, false}, /* E2BIG: value size is checked first */
			{0xffffffffu, 0x7fffffffu, 0, false},
			{0xffffffffu, 0, 0, false},
			{0, 0, 0, false},
		};
		for (size_t i = 0; i < ARRAY_SIZE(me); i++) {
			if (me[i].array_only && type != BPF_MAP_TYPE_ARRAY)
				continue;
			snprintf(w, sizeof(w), "%#x_vs%#x_f%#x", me[i].me, me[i].vs, me[i].flags);
			c = cc(type, "%s/max_entries_%s", tn, w);
			c->t.a.max_entries = me[i].me;
			c->t.a.value_size = me[i].vs;
			c->t.a.map_flags = me[i].flags;
			run_create(c);
		}

		/* 1.2 every map_flags bit alone, numa_node 0. */
		for (int bit = 0; bit < 32; bit++) {
			snprintf(w, sizeof(w), "%d", bit);
			c = cc(type, "%s/flag_bit_%s", tn, w);
			c->t.a.map_flags = 1u << bit;
			run_create(c);
		}
		static const uint32_t combos[] = {
			BPF_F_RDONLY | BPF_F_WRONLY,
			BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG,
			BPF_F_RDONLY | BPF_F_RDONLY_PROG,
			BPF_F_WRONLY | BPF_F_WRONLY_PROG,
			BPF_F_MMAPABLE | BPF_F_RDONLY_PROG,
			BPF_F_MMAPABLE | BPF_F_INNER_MAP,
			BPF_F_MMAPABLE | BPF_F_RDONLY,
			BPF_F_NO_PREALLOC | BPF_F_NO_COMMON_LRU,
			BPF_F_NUMA_NODE | BPF_F_MMAPABLE,
			BPF_F_ZERO_SEED | BPF_F_NO_PREALLOC,
			BPF_F_RDONLY_PROG | BPF_F_INNER_MAP | BPF_F_MMAPABLE | BPF_F_NUMA_NODE,
			BPF_F_RDONLY | BPF_F_WRONLY | BPF_F_MMAPABLE,
			BPF_F_RDONLY | BPF_F_WRONLY | (1u << 31),
			BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG | BPF_F_MMAPABLE,
			BPF_F_TOKEN_FD | BPF_F_RDONLY | BPF_F_WRONLY,
		};
		for (size_t i = 0; i < ARRAY_SIZE(combos); i++) {
			snprintf(w, sizeof(w), "%#x", combos[i]);
			c = cc(type, "%s/flags_%s", tn, w);
			c->t.a.map_flags = combos[i];
			run_create(c);
		}
		/* numa_node with and without BPF_F_NUMA_NODE. */
		static const uint32_t nodes[] = {0, 1, 7, 1024, 0xfffffffeu, 0xffffffffu};
		for (size_t i = 0; i < ARRAY_SIZE(nodes); i++) {
			for (int f = 0; f < 2; f++) {
				snprintf(w, sizeof(w), "%#x_%s", nodes[i], f ? "flag" : "noflag");
				c = cc(type, "%s/numa_%s", tn, w);
				c->t.a.numa_node = nodes[i];
				c->t.a.map_flags = f ? BPF_F_NUMA_NODE : 0;
				run_create(c);
			}
		}

		/* 1.3 names: every first byte, and the listed shapes. */
		for (int b = 1; b < 256; b++) {
			snprintf(w, sizeof(w), "%02x", b);
			c = cc(type, "%s/name_byte_%s", tn, w);
			c->t.a.map_name[0] = (char)b;
			run_create(c);
			/* The same byte in the middle of a name. */
			c = cc(type, "%s/name_mid_%s", tn, w);
			memcpy(c->t.a.map_name, "ab", 2);
			c->t.a.map_name[2] = (char)b;
			c->t.a.map_name[3] = 'z';
			run_create(c);
		}
		static const struct {
			const char *what;
			char name[16];
		} names[] = {
			{"empty", ""},
			{"fifteen", "abcdefghijklmno"},
			{"sixteen", {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm',
				     'n', 'o', 'p'}},
			{"after_nul", {'a', 'b', 0, 'x', '-', 'y', 0x80}},
			{"dots", "a.b_c.D9"},
		};
		for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
			c = cc(type, "%s/name_%s", tn, names[i].what);
			memcpy(c->t.a.map_name, names[i].name, 16);
			run_create(c);
		}

		/* 1.4 other create fields. */
		c = cc(type, "%s/%s", tn, "inner_map_fd_999");
		c->t.a.inner_map_fd = 999;
		run_create(c);
		c = cc(type, "%s/%s", tn, "map_ifindex_1");
		c->t.a.map_ifindex = 1;
		run_create(c);
		c = cc(type, "%s/%s", tn, "map_ifindex_1_bad_key");
		c->t.a.map_ifindex = 1;
		c->t.a.key_size = 8;
		run_create(c);
		c = cc(type, "%s/%s", tn, "btf_fd_999_no_ids");
		c->t.a.btf_fd = 999;
		run_create(c);
		c = cc(type, "%s/%s", tn, "btf_key_without_value");
		c->t.a.btf_fd = 999;
		c->t.a.btf_key_type_id = 1;
		run_create(c);
		c = cc(type, "%s/%s", tn, "btf_value_bad_btf_fd");
		c->t.a.btf_fd = 999;
		c->t.a.btf_key_type_id = 1;
		c->t.a.btf_value_type_id = 2;
		run_create(c);
		c = cc(type, "%s/%s", tn, "btf_value_only_bad_btf_fd");
		c->t.a.btf_fd = 999;
		c->t.a.btf_value_type_id = 2;
		run_create(c);
		c = cc(type, "%s/%s", tn, "btf_vmlinux_value_type_id");
		c->t.a.btf_vmlinux_value_type_id = 1;
		run_create(c);
		c = cc(type, "%s/%s", tn, "map_extra_1");
		c->t.a.map_extra = 1;
		run_create(c);
		c = cc(type, "%s/%s", tn, "map_extra_bad_key");
		c->t.a.map_extra = 1;
		c->t.a.key_size = 8;
		run_create(c);
		c = cc(type, "%s/%s", tn, "bytes_72_79");
		memset(c->t.b + 72, 0x5a, 8);
		run_create(c);
		c = cc(type, "%s/%s", tn, "token_flag_bad_fd");
		c->t.a.map_flags = BPF_F_TOKEN_FD;
		memset(c->t.b + 76, 0x7f, 4);
		run_create(c);
		c = cc(type, "%s/%s", tn, "flag_bad_and_key_bad");
		c->t.a.map_flags = 1u << 20;
		c->t.a.key_size = 3;
		run_create(c);
		c = cc(type, "%s/%s", tn, "name_bad_and_key_bad");
		c->t.a.map_name[0] = '-';
		c->t.a.key_size = 3;
		run_create(c);
		c = cc(type, "%s/%s", tn, "name_bad_and_ifindex");
		c->t.a.map_name[0] = '-';
		c->t.a.map_ifindex = 1;
		run_create(c);
		c = cc(type, "%s/%s", tn, "name_bad_and_btf_bad_fd");
		c->t.a.map_name[0] = '-';
		c->t.a.btf_fd = 999;
		c->t.a.btf_value_type_id = 2;
		run_create(c);
		c = cc(type, "%s/%s", tn, "rdwr_and_vmlinux");
		c->t.a.map_flags = BPF_F_RDONLY | BPF_F_WRONLY;
		c->t.a.btf_vmlinux_value_type_id = 1;
		run_create(c);
		c = cc(type, "%s/%s", tn, "numa_bad_and_key_bad");
		c->t.a.map_flags = BPF_F_NUMA_NODE;
		c->t.a.numa_node = 5;
		c->t.a.key_size = 3;
		run_create(c);
	}

	/* map types that do not exist. */
	static const uint32_t types[] = {0, 200, 0xffffffffu};
	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		snprintf(w, sizeof(w), "%#x", types[i]);
		struct dcase *c = cc(types[i], "map_type_%s%s", w, "");
		run_create(c);
	}
	return d_done();
}
