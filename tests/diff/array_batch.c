// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Differential test of the batch commands on ARRAY/PERCPU_ARRAY (SEMANTICS.md 9.1-9.3). */
#include "array_common.h"

#define NMAX 64
static uint32_t keys[NMAX + 4], inb, outb;
static uint8_t values[NMAX * 40 * 8 + 64];

/* A batch case. in/out: NULL pointers when @in_key/@out are false. */
static struct dcase *bc(int cmd, uint32_t sym, const char *tn, uint32_t vs, const char *what,
			bool has_in, uint32_t in_key, uint32_t count)
{
	struct dcase *c = d_new(cmd, 168, "%s/vs%u/%s", tn, vs, what);
	memset(keys, 0xcd, sizeof(keys));
	memset(values, 0xcd, sizeof(values));
	inb = in_key;
	outb = 0xcdcdcdcd;
	c->t.a.batch.map_fd = sym;
	c->t.a.batch.count = count;
	c->t.a.batch.in_batch = has_in ? d_ptr(c, &inb, sizeof(inb)) : 0;
	c->t.a.batch.out_batch = d_ptr(c, &outb, sizeof(outb));
	c->t.a.batch.keys = d_ptr(c, keys, sizeof(keys));
	c->t.a.batch.values = d_ptr(c, values, sizeof(values));
	return c;
}

static void fill(uint32_t sym, uint32_t me, size_t vb)
{
	uint8_t v[512];
	for (int s = d_first(); s < 2; s++)
		for (uint32_t k = 0; k < me; k++) {
			for (size_t i = 0; i < vb; i++)
				v[i] = (uint8_t)(k * 16 + i);
			CHECK(d_elem(s, BPF_MAP_UPDATE_ELEM, sym, &k, v, 0) == 0, "fill");
		}
}

static void freeze(uint32_t sym)
{
	for (int s = d_first(); s < 2; s++) {
		union bpf_attr a;
		memset(&a, 0, sizeof(a));
		a.map_fd = (uint32_t)d_fd(sym, s);
		CHECK(d_bpf(s, BPF_MAP_FREEZE, &a, sizeof(a)) == 0, "freeze for set-up");
	}
}

static void one(uint32_t type, const char *tn, uint32_t vs)
{
	size_t vb = d_value_bytes(type, vs);
	uint32_t m = d_map(type, 4, vs, 10, 0);
	uint32_t wo = d_map(type, 4, vs, 10, BPF_F_WRONLY);
	uint32_t ro = d_map(type, 4, vs, 10, BPF_F_RDONLY);
	uint32_t fz = d_map(type, 4, vs, 10, 0);
	uint32_t bad = d_sym((uint32_t)-1, (uint32_t)-1);
	struct dcase *c;
	fill(m, 10, vb);
	fill(wo, 10, vb);
	fill(fz, 10, vb);
	freeze(fz);

	/* 9.1 LOOKUP_BATCH: the cursor is the last key returned. */
	static const struct {
		const char *what;
		bool has_in;
		uint32_t in, count;
	} lk[] = {
		{"in_null_c4", false, 0, 4},   {"in3_c4", true, 3, 4},
		{"in7_c4", true, 7, 4},        {"in8_c4", true, 8, 4},
		{"in9_c4", true, 9, 4},        {"in_null_c10", false, 0, 10},
		{"in_null_c64", false, 0, 64}, {"in_null_c0", false, 0, 0},
		{"in1000_c3", true, 1000, 3},  {"in10_c3", true, 10, 3},
		{"in_max_c3", true, 0xffffffffu, 3}, {"in9_c0", true, 9, 0},
		{"in_null_c1", false, 0, 1},   {"in0_c9", true, 0, 9},
	};
	for (size_t i = 0; i < ARRAY_SIZE(lk); i++) {
		c = bc(BPF_MAP_LOOKUP_BATCH, m, tn, vs, lk[i].what, lk[i].has_in, lk[i].in,
		       lk[i].count);
		d_run(c);
	}
	static const uint64_t ef[] = {BPF_F_LOCK, 1, 2, 3, 8, 1ULL << 40};
	for (size_t i = 0; i < ARRAY_SIZE(ef); i++) {
		char w[64];
		snprintf(w, sizeof(w), "lookup_elem_flags_%#llx", (unsigned long long)ef[i]);
		c = bc(BPF_MAP_LOOKUP_BATCH, m, tn, vs, w, false, 0, 4);
		c->t.a.batch.elem_flags = ef[i];
		d_run(c);
		snprintf(w, sizeof(w), "lookup_elem_flags_%#llx_c0", (unsigned long long)ef[i]);
		c = bc(BPF_MAP_LOOKUP_BATCH, m, tn, vs, w, false, 0, 0);
		c->t.a.batch.elem_flags = ef[i];
		d_run(c);
		snprintf(w, sizeof(w), "lookup_flags_%#llx", (unsigned long long)ef[i]);
		c = bc(BPF_MAP_LOOKUP_BATCH, m, tn, vs, w, true, 2, 4);
		c->t.a.batch.flags = ef[i];
		d_run(c);
	}
	c = bc(BPF_MAP_LOOKUP_BATCH, m, tn, vs, "lookup_keys_null", false, 0, 4);
	c->t.a.batch.keys = 0;
	d_run(c);
	c = bc(BPF_MAP_LOOKUP_BATCH, m, tn, vs, "lookup_values_null", false, 0, 4);
	c->t.a.batch.values = 0;
	d_run(c);
	c = bc(BPF_MAP_LOOKUP_BATCH, m, tn, vs, "lookup_out_null", false, 0, 2);
	c->t.a.batch.out_batch = 0;
	d_run(c);
	c = bc(BPF_MAP_LOOKUP_BATCH, m, tn, vs, "lookup_out_null_end", true, 9, 2);
	c->t.a.batch.out_batch = 0;
	d_run(c);
	c = bc(BPF_MAP_LOOKUP_BATCH, m, tn, vs, "lookup_keys_null_c0", false, 0, 0);
	c->t.a.batch.keys = 0;
	d_run(c);
	c = bc(BPF_MAP_LOOKUP_BATCH, m, tn, vs, "lookup_keys_null_end", true, 9, 4);
	c->t.a.batch.keys = 0;
	d_run(c);
	d_run(bc(BPF_MAP_LOOKUP_BATCH, bad, tn, vs, "lookup_fd_-1", false, 0, 4));
	d_run(bc(BPF_MAP_LOOKUP_BATCH, wo, tn, vs, "lookup_wronly", false, 0, 4));
	d_run(bc(BPF_MAP_LOOKUP_BATCH, ro, tn, vs, "lookup_rdonly", false, 0, 4));
	d_run(bc(BPF_MAP_LOOKUP_BATCH, fz, tn, vs, "lookup_frozen", false, 0, 64));
	c = bc(BPF_MAP_LOOKUP_BATCH, wo, tn, vs, "lookup_wronly_elem_flags1", false, 0, 4);
	c->t.a.batch.elem_flags = 1;
	d_run(c);

	/* 9.2 UPDATE_BATCH: count is the number done before a failure. */
	static const struct {
		const char *what;
		uint32_t k[3];
		uint32_t count;
		uint64_t elem_flags, flags;
		bool has_in;
	} up[] = {
		{"update_012", {0, 1, 2}, 3, 0, 0, false},
		{"update_0_99_2", {0, 99, 2}, 3, 0, 0, false},
		{"update_99_0", {99, 0, 1}, 3, 0, 0, false},
		{"update_ef_noexist", {0, 1, 2}, 3, BPF_NOEXIST, 0, false},
		{"update_ef_exist", {0, 1, 2}, 3, BPF_EXIST, 0, false},
		{"update_ef_lock", {0, 1, 2}, 3, BPF_F_LOCK, 0, false},
		{"update_ef_8", {0, 1, 2}, 3, 8, 0, false},
		{"update_flags1_in", {3, 4, 5}, 3, 0, 1, true},
		{"update_c0", {0, 1, 2}, 0, 0, 0, false},
		{"update_c0_ef1", {0, 1, 2}, 0, 1, 0, false},
		{"update_c1", {7, 1, 2}, 1, 0, 0, false},
	};
	for (size_t i = 0; i < ARRAY_SIZE(up); i++) {
		c = bc(BPF_MAP_UPDATE_BATCH, m, tn, vs, up[i].what, up[i].has_in, 5, up[i].count);
		memcpy(keys, up[i].k, sizeof(up[i].k));
		for (size_t b = 0; b < 3 * vb; b++)
			values[b] = (uint8_t)(0x80 + i * 8 + b);
		c->t.a.batch.elem_flags = up[i].elem_flags;
		c->t.a.batch.flags = up[i].flags;
		d_run(c);
	}
	c = bc(BPF_MAP_UPDATE_BATCH, m, tn, vs, "update_keys_null", false, 0, 3);
	c->t.a.batch.keys = 0;
	d_run(c);
	c = bc(BPF_MAP_UPDATE_BATCH, m, tn, vs, "update_values_null", false, 0, 3);
	memset(keys, 0, 12);
	c->t.a.batch.values = 0;
	d_run(c);
	c = bc(BPF_MAP_UPDATE_BATCH, ro, tn, vs, "update_rdonly", false, 0, 3);
	memset(keys, 0, 12);
	d_run(c);
	c = bc(BPF_MAP_UPDATE_BATCH, fz, tn, vs, "update_frozen", false, 0, 3);
	memset(keys, 0, 12);
	d_run(c);
	c = bc(BPF_MAP_UPDATE_BATCH, wo, tn, vs, "update_wronly", false, 0, 2);
	memset(keys, 0, 12);
	keys[1] = 9;
	d_run(c);
	c = bc(BPF_MAP_UPDATE_BATCH, bad, tn, vs, "update_fd_-1", false, 0, 2);
	memset(keys, 0, 12);
	d_run(c);

	/* 9.3 the deleting batches: ENOTSUPP after the permission checks. */
	static const int dcmds[] = {BPF_MAP_DELETE_BATCH, BPF_MAP_LOOKUP_AND_DELETE_BATCH};
	for (size_t i = 0; i < ARRAY_SIZE(dcmds); i++) {
		const char *p = i ? "lad" : "del";
		char w[64];
		snprintf(w, sizeof(w), "%s_c2", p);
		c = bc(dcmds[i], m, tn, vs, w, false, 0, 2);
		memset(keys, 0, 12);
		d_run(c);
		snprintf(w, sizeof(w), "%s_c0", p);
		d_run(bc(dcmds[i], m, tn, vs, w, false, 0, 0));
		snprintf(w, sizeof(w), "%s_rdonly", p);
		d_run(bc(dcmds[i], ro, tn, vs, w, false, 0, 2));
		snprintf(w, sizeof(w), "%s_wronly", p);
		d_run(bc(dcmds[i], wo, tn, vs, w, false, 0, 2));
		snprintf(w, sizeof(w), "%s_frozen", p);
		d_run(bc(dcmds[i], fz, tn, vs, w, false, 0, 2));
		snprintf(w, sizeof(w), "%s_fd_-1", p);
		d_run(bc(dcmds[i], bad, tn, vs, w, false, 0, 2));
		snprintf(w, sizeof(w), "%s_elem_flags1", p);
		c = bc(dcmds[i], m, tn, vs, w, false, 0, 2);
		c->t.a.batch.elem_flags = 1;
		d_run(c);
		snprintf(w, sizeof(w), "%s_flags1", p);
		c = bc(dcmds[i], m, tn, vs, w, false, 0, 2);
		c->t.a.batch.flags = 1;
		d_run(c);
		snprintf(w, sizeof(w), "%s_keys_null", p);
		c = bc(dcmds[i], m, tn, vs, w, false, 0, 2);
		c->t.a.batch.keys = 0;
		d_run(c);
	}
	/* Whole contents afterwards. */
	d_run(bc(BPF_MAP_LOOKUP_BATCH, m, tn, vs, "final_contents", false, 0, 64));
	d_close(m);
	d_close(wo);
	d_close(ro);
	d_close(fz);
	d_unsym(bad);
}

int main(void)
{
	static const uint32_t vss[] = {1, 4, 12};
	d_init("array_batch");
	for (size_t t = 0; t < ARRAY_SIZE(d_types); t++)
		for (size_t i = 0; i < ARRAY_SIZE(vss); i++)
			one(d_types[t].type, d_types[t].name, vss[i]);
	return d_done();
}
