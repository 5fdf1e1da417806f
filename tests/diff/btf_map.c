// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Differential test of map_check_btf for arrays and bpf_spin_lock values (SEMANTICS.md 12). */
#include "diff.h"
#include "btf_build.h"

#include <sys/mman.h>

static struct bb B;
static uint32_t btf_sym;

/* The type ids of the BTF below. */
enum {
	T_INT = 1, T_LOCK, T_VAL_LOCK, T_KEY_STRUCT, T_PLAIN, T_LONG, T_U32, T_NESTED, T_TWO,
	T_TIMER, T_VAL_TIMER, T_VAR, T_DATASEC, T_LOCK_ARR, T_ARR_LOCK, T_CONST_LOCK,
	T_VAL_CONST_LOCK, T_ENUM, T_LOCK_AT_4, T_LOCK_PTR_TAG, T_TAG, T_PTR, T_VAL_BADTAG,
	T_LONG2, T_LHEAD, T_LONG3, T_LNODE, T_NODE, T_VAL_LIST, T_TAG_CONTAINS,
	T_KTARGET, T_KTAG, T_KPTR, T_VAL_KPTR,
	T_UTAG, T_UPTR, T_VAL_UPTR, T_PTAG, T_PPTR, T_VAL_PKPTR, T_UNTAG, T_UNPTR, T_VAL_UNTR,
	T_WQ, T_VAL_WQ, T_REFC, T_VAL_REFC, T_RES, T_VAL_RES,
};

static void build_btf(void)
{
	bb_init(&B);
	bb_int(&B, "int", 4, BTF_INT_SIGNED, 0, 32);                  /* T_INT */
	bb_struct(&B, BTF_KIND_STRUCT, "bpf_spin_lock", 0, 1, 4);     /* T_LOCK */
	bb_member(&B, "val", T_INT, 0);
	bb_struct(&B, BTF_KIND_STRUCT, "val_lock", 0, 2, 8);          /* T_VAL_LOCK */
	bb_member(&B, "lock", T_LOCK, 0);
	bb_member(&B, "data", T_INT, 32);
	bb_struct(&B, BTF_KIND_STRUCT, "key4", 0, 1, 4);              /* T_KEY_STRUCT */
	bb_member(&B, "a", T_INT, 0);
	bb_struct(&B, BTF_KIND_STRUCT, "plain", 0, 2, 8);             /* T_PLAIN */
	bb_member(&B, "a", T_INT, 0);
	bb_member(&B, "b", T_INT, 32);
	bb_int(&B, "long", 8, BTF_INT_SIGNED, 0, 64);                 /* T_LONG */
	bb_ref(&B, BTF_KIND_TYPEDEF, "u32", T_INT);                   /* T_U32 */
	bb_struct(&B, BTF_KIND_STRUCT, "nested", 0, 2, 12);           /* T_NESTED */
	bb_member(&B, "x", T_INT, 0);
	bb_member(&B, "inner", T_VAL_LOCK, 32);
	bb_struct(&B, BTF_KIND_STRUCT, "two", 0, 2, 16);              /* T_TWO */
	bb_member(&B, "a", T_VAL_LOCK, 0);
	bb_member(&B, "b", T_VAL_LOCK, 64);
	bb_struct(&B, BTF_KIND_STRUCT, "bpf_timer", 0, 2, 16);        /* T_TIMER */
	bb_member(&B, "a", T_LONG, 0);
	bb_member(&B, "b", T_LONG, 64);
	bb_struct(&B, BTF_KIND_STRUCT, "val_timer", 0, 2, 24);        /* T_VAL_TIMER */
	bb_member(&B, "t", T_TIMER, 0);
	bb_member(&B, "x", T_LONG, 128);
	bb_var(&B, "x", T_INT, BTF_VAR_GLOBAL_ALLOCATED);             /* T_VAR */
	bb_t(&B, ".data", BB_INFO(BTF_KIND_DATASEC, 0, 1), 4);        /* T_DATASEC */
	bb_secinfo(&B, T_VAR, 0, 4);
	bb_array(&B, T_LOCK, T_INT, 2);                               /* T_LOCK_ARR */
	bb_struct(&B, BTF_KIND_STRUCT, "arr_lock", 0, 1, 8);          /* T_ARR_LOCK */
	bb_member(&B, "l", T_LOCK_ARR, 0);
	bb_ref(&B, BTF_KIND_CONST, "", T_LOCK);                       /* T_CONST_LOCK */
	bb_struct(&B, BTF_KIND_STRUCT, "const_lock", 0, 2, 8);        /* T_VAL_CONST_LOCK */
	bb_member(&B, "l", T_CONST_LOCK, 0);
	bb_member(&B, "d", T_INT, 32);
	bb_t(&B, "e", BB_INFO(BTF_KIND_ENUM, 0, 1), 4);               /* T_ENUM */
	bb_enum_val(&B, "A", 0);
	bb_struct(&B, BTF_KIND_STRUCT, "lock_at_4", 0, 2, 8);         /* T_LOCK_AT_4 */
	bb_member(&B, "a", T_INT, 0);
	bb_member(&B, "l", T_LOCK, 32);
	bb_struct(&B, BTF_KIND_STRUCT, "tagged", 0, 2, 16);           /* T_LOCK_PTR_TAG */
	bb_member(&B, "l", T_VAL_LOCK, 0);
	bb_member(&B, "p", T_PTR, 64);
	bb_ref(&B, BTF_KIND_TYPE_TAG, "weird", T_PLAIN);              /* T_TAG */
	bb_ref(&B, BTF_KIND_PTR, "", T_TAG);                          /* T_PTR */
	bb_struct(&B, BTF_KIND_STRUCT, "badtag", 0, 2, 16);           /* T_VAL_BADTAG */
	bb_member(&B, "a", T_INT, 0);
	bb_member(&B, "p", T_PTR, 64);
	bb_array(&B, T_LONG, T_INT, 2);                              /* T_LONG2 */
	bb_struct(&B, BTF_KIND_STRUCT, "bpf_list_head", 0, 1, 16);  /* T_LHEAD */
	bb_member(&B, "__opaque", T_LONG2, 0);
	bb_array(&B, T_LONG, T_INT, 3);                              /* T_LONG3 */
	bb_struct(&B, BTF_KIND_STRUCT, "bpf_list_node", 0, 1, 24);  /* T_LNODE */
	bb_member(&B, "__opaque", T_LONG3, 0);
	bb_struct(&B, BTF_KIND_STRUCT, "node", 0, 2, 32);           /* T_NODE */
	bb_member(&B, "x", T_LONG, 0);
	bb_member(&B, "n", T_LNODE, 64);
	bb_struct(&B, BTF_KIND_STRUCT, "val_list", 0, 2, 24);       /* T_VAL_LIST */
	bb_member(&B, "l", T_LOCK, 0);
	bb_member(&B, "h", T_LHEAD, 64);
	bb_decl_tag(&B, "contains:node:n", T_VAL_LIST, 1);          /* T_TAG_CONTAINS */
	bb_struct(&B, BTF_KIND_STRUCT, "ub_kptr_target", 0, 1, 8);  /* T_KTARGET */
	bb_member(&B, "x", T_LONG, 0);
	bb_ref(&B, BTF_KIND_TYPE_TAG, "kptr", T_KTARGET);            /* T_KTAG */
	bb_ref(&B, BTF_KIND_PTR, "", T_KTAG);                        /* T_KPTR */
	bb_struct(&B, BTF_KIND_STRUCT, "val_kptr", 0, 2, 16);       /* T_VAL_KPTR */
	bb_member(&B, "p", T_KPTR, 0);
	bb_member(&B, "x", T_LONG, 64);
	/* The other pointer tags: uptr, percpu_kptr, kptr_untrusted. */
	static const char *const tags[] = {"uptr", "percpu_kptr", "kptr_untrusted"};
	for (int i = 0; i < 3; i++) {
		bb_ref(&B, BTF_KIND_TYPE_TAG, tags[i], T_KTARGET);    /* T_UTAG + 3i */
		bb_ref(&B, BTF_KIND_PTR, "", T_UTAG + 3 * i);          /* T_UPTR + 3i */
		bb_struct(&B, BTF_KIND_STRUCT, "", 0, 2, 16);          /* T_VAL_UPTR + 3i */
		bb_member(&B, "p", T_UPTR + 3 * i, 0);
		bb_member(&B, "x", T_LONG, 64);
	}
	bb_struct(&B, BTF_KIND_STRUCT, "bpf_wq", 0, 1, 16);           /* T_WQ */
	bb_member(&B, "__opaque", T_LONG2, 0);
	bb_struct(&B, BTF_KIND_STRUCT, "val_wq", 0, 2, 24);           /* T_VAL_WQ */
	bb_member(&B, "w", T_WQ, 0);
	bb_member(&B, "x", T_LONG, 128);
	bb_struct(&B, BTF_KIND_STRUCT, "bpf_refcount", 0, 1, 4);      /* T_REFC */
	bb_member(&B, "__opaque", T_INT, 0);
	bb_struct(&B, BTF_KIND_STRUCT, "val_refc", 0, 2, 8);          /* T_VAL_REFC */
	bb_member(&B, "r", T_REFC, 0);
	bb_member(&B, "x", T_INT, 32);
	bb_struct(&B, BTF_KIND_STRUCT, "bpf_res_spin_lock", 0, 1, 8); /* T_RES */
	bb_member(&B, "__opaque", T_LONG, 0);
	bb_struct(&B, BTF_KIND_STRUCT, "val_res", 0, 2, 16);          /* T_VAL_RES */
	bb_member(&B, "l", T_RES, 0);
	bb_member(&B, "x", T_LONG, 64);
	bb_finish(&B);
}

static uint32_t load_btf(void)
{
	uint32_t fds[2] = {(uint32_t)-1, (uint32_t)-1};
	for (int s = d_first(); s < 2; s++) {
		union bpf_attr a;
		memset(&a, 0, sizeof(a));
		a.btf = (uintptr_t)B.blob;
		a.btf_size = B.size;
		long r = d_bpf(s, BPF_BTF_LOAD, &a, sizeof(a));
		CHECK(r >= 0, "BTF_LOAD on side %d: errno %d", s, errno);
		fds[s] = (uint32_t)r;
	}
	return d_sym(fds[D_K], fds[D_U]);
}

/* Create a map with BTF on both sides; returns its symbol (both fds may be -1). */
static uint32_t create(const char *name, uint32_t type, uint32_t vs, uint32_t me, uint32_t flags,
		       uint32_t key_id, uint32_t value_id, uint32_t btf)
{
	struct dcase *c = d_new(BPF_MAP_CREATE, 72, "create/%s", name);
	c->t.a.map_type = type;
	c->t.a.key_size = 4;
	c->t.a.value_size = vs;
	c->t.a.max_entries = me;
	c->t.a.map_flags = flags;
	c->t.a.btf_fd = btf;
	c->t.a.btf_key_type_id = key_id;
	c->t.a.btf_value_type_id = value_id;
	c->keep = true;
	d_run(c);
	return (uint32_t)c->sym;
}

static bool both(uint32_t sym)
{
	for (int s = d_first(); s < 2; s++)
		if (d_fd(sym, s) < 0)
			return false;
	return true;
}

/* Map info: the BTF ids, and btf_id equal to the BTF object's own id on each side. */
static void info_case(const char *name, uint32_t map)
{
	struct dres r[2];
	memset(r, 0, sizeof(r));
	for (int s = d_first(); s < 2; s++) {
		uint8_t info[104] = {0}, binfo[32] = {0};
		union bpf_attr a;
		memset(&a, 0, sizeof(a));
		a.info.bpf_fd = (uint32_t)d_fd(map, s);
		a.info.info_len = sizeof(info);
		a.info.info = (uintptr_t)info;
		long ret = d_bpf(s, BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a));
		memset(&a, 0, sizeof(a));
		a.info.bpf_fd = (uint32_t)d_fd(btf_sym, s);
		a.info.info_len = sizeof(binfo);
		a.info.info = (uintptr_t)binfo;
		long bret = d_bpf(s, BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a));
		uint32_t map_btf_id, key_id, value_id, btf_id, btf_size;
		memcpy(&map_btf_id, info + 64, 4);
		memcpy(&key_id, info + 68, 4);
		memcpy(&value_id, info + 72, 4);
		memcpy(&btf_size, binfo + 8, 4);
		memcpy(&btf_id, binfo + 12, 4);
		uint32_t facts[6] = {(uint32_t)ret, (uint32_t)bret, map_btf_id == btf_id && btf_id,
				     key_id, value_id, btf_size};
		r[s] = d_res(0, 0, facts, sizeof(facts));
	}
	d_report(name, r);
}

/* bpf_btf_info: the blob comes back whole, and the rules on name/name_len and sizes. */
static void btf_info_cases(void)
{
	static const struct {
		const char *name;
		uint32_t info_len, btf_size, name_len;
		bool btf_buf, name_buf;
	} cs[] = {
		{"btf_info/all", 32, 4096, 16, true, true},
		{"btf_info/short_btf_buf", 32, 10, 0, true, false},
		{"btf_info/btf_size_no_buf", 32, 10, 0, false, false},
		{"btf_info/name_without_len", 32, 0, 0, false, true},
		{"btf_info/len_without_name", 32, 0, 8, false, false},
		{"btf_info/name_len_1", 32, 0, 1, false, true},
		{"btf_info/info_len_8", 8, 0, 0, false, false},
		{"btf_info/info_len_0", 0, 0, 0, false, false},
		{"btf_info/info_len_40", 40, 0, 0, false, false},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cs); i++) {
		static uint8_t info[64], blob[4096];
		static char nm[16];
		struct dcase *c = d_new(BPF_OBJ_GET_INFO_BY_FD, 16, "%s", cs[i].name);
		memset(info, 0, sizeof(info));
		memset(blob, 0xcc, sizeof(blob));
		memset(nm, 'x', sizeof(nm));
		uint64_t p;
		if (cs[i].btf_buf) {
			p = d_ptr(c, blob, sizeof(blob));
			memcpy(info, &p, 8);
		}
		memcpy(info + 8, &cs[i].btf_size, 4);
		if (cs[i].name_buf) {
			p = d_ptr(c, nm, sizeof(nm));
			memcpy(info + 16, &p, 8);
		}
		memcpy(info + 24, &cs[i].name_len, 4);
		c->t.a.info.bpf_fd = btf_sym;
		c->t.a.info.info_len = cs[i].info_len;
		c->t.a.info.info = d_ptr(c, info, sizeof(info));
		d_mask(c, c->nbuf - 1, 12, 4); /* the BTF's id */
		d_run(c);
	}
}

int main(void)
{
	const uint32_t A = BPF_MAP_TYPE_ARRAY, PA = BPF_MAP_TYPE_PERCPU_ARRAY;
	uint32_t m;

	d_init("btf_map");
	build_btf();
	btf_sym = load_btf();
	btf_info_cases();

	/* Key and value type checks. */
	m = create("lock_value", A, 8, 4, 0, T_INT, T_VAL_LOCK, btf_sym);
	if (both(m))
		info_case("info/lock_value", m);
	uint32_t lockmap = m;
	d_close(create("key_struct", A, 8, 4, 0, T_KEY_STRUCT, T_VAL_LOCK, btf_sym));
	d_close(create("keyless_struct_value", A, 8, 1, 0, 0, T_VAL_LOCK, btf_sym));
	d_close(create("key_typedef_u32", A, 8, 4, 0, T_U32, T_VAL_LOCK, btf_sym));
	d_close(create("key_enum", A, 8, 4, 0, T_ENUM, T_PLAIN, btf_sym));
	d_close(create("key_long", A, 8, 4, 0, T_LONG, T_PLAIN, btf_sym));
	d_close(create("plain_value", A, 8, 4, 0, T_INT, T_PLAIN, btf_sym));
	d_close(create("value_size_mismatch", A, 12, 4, 0, T_INT, T_PLAIN, btf_sym));
	d_close(create("value_id_invalid", A, 8, 4, 0, T_INT, 999, btf_sym));
	d_close(create("key_id_invalid", A, 8, 4, 0, 999, T_PLAIN, btf_sym));
	d_close(create("value_func_less_int", A, 4, 4, 0, T_INT, T_INT, btf_sym));
	d_close(create("value_var", A, 4, 4, 0, T_INT, T_VAR, btf_sym));
	d_close(create("keyless_datasec", A, 4, 1, 0, 0, T_DATASEC, btf_sym));
	d_close(create("keyless_datasec_me2", A, 4, 2, 0, 0, T_DATASEC, btf_sym));
	d_close(create("keyless_datasec_percpu", PA, 4, 1, 0, 0, T_DATASEC, btf_sym));
	d_close(create("keyless_datasec_mmapable", A, 4, 1, BPF_F_MMAPABLE, 0, T_DATASEC, btf_sym));
	d_close(create("key_only", A, 8, 4, 0, T_INT, 0, btf_sym));
	d_close(create("percpu_lock", PA, 8, 4, 0, T_INT, T_VAL_LOCK, btf_sym));
	d_close(create("percpu_plain", PA, 8, 4, 0, T_INT, T_PLAIN, btf_sym));
	d_close(create("lock_rdonly_prog", A, 8, 4, BPF_F_RDONLY_PROG, T_INT, T_VAL_LOCK, btf_sym));
	d_close(create("lock_wronly_prog", A, 8, 4, BPF_F_WRONLY_PROG, T_INT, T_VAL_LOCK, btf_sym));
	d_close(create("plain_rdonly_prog", A, 8, 4, BPF_F_RDONLY_PROG, T_INT, T_PLAIN, btf_sym));
	d_close(create("timer_array", A, 24, 4, 0, T_INT, T_VAL_TIMER, btf_sym));
	d_close(create("timer_percpu", PA, 24, 4, 0, T_INT, T_VAL_TIMER, btf_sym));
	d_close(create("bad_tag_ptr", A, 16, 4, 0, T_INT, T_VAL_BADTAG, btf_sym));
	d_close(create("btf_fd_closed", A, 8, 4, 0, T_INT, T_PLAIN, 999));
	d_close(create("btf_fd_is_map", A, 8, 4, 0, T_INT, T_PLAIN, lockmap));
	d_close(create("list_head_array", A, 24, 4, 0, T_INT, T_VAL_LIST, btf_sym));
	d_close(create("list_head_percpu", PA, 24, 4, 0, T_INT, T_VAL_LIST, btf_sym));
	/* Which map types take which special field. */
	static const struct {
		const char *name;
		uint32_t vs, value;
	} kinds[] = {
		{"uptr", 16, T_VAL_UPTR},     {"percpu_kptr", 16, T_VAL_PKPTR},
		{"kptr_untrusted", 16, T_VAL_UNTR}, {"wq", 24, T_VAL_WQ},
		{"refcount", 8, T_VAL_REFC},  {"res_spin_lock", 16, T_VAL_RES},
	};
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		char n[96];
		snprintf(n, sizeof(n), "%s_array", kinds[i].name);
		uint32_t mm2 = create(n, A, kinds[i].vs, 2, 0, T_INT, kinds[i].value, btf_sym);
		if (both(mm2)) {
			struct dcase *fc = d_new(BPF_MAP_FREEZE, 4, "%s_array/freeze", kinds[i].name);
			fc->t.a.map_fd = mm2;
			d_run(fc);
		}
		d_close(mm2);
		snprintf(n, sizeof(n), "%s_percpu", kinds[i].name);
		d_close(create(n, PA, kinds[i].vs, 2, 0, T_INT, kinds[i].value, btf_sym));
	}
	/* A kptr in a per-CPU value: allowed; each CPU's copy keeps it out of syscalls. */
	m = create("kptr_percpu", PA, 16, 2, 0, T_INT, T_VAL_KPTR, btf_sym);
	if (both(m)) {
		static uint8_t pv[64 * 16];
		uint32_t k = 1;
		size_t len = (size_t)d.ncpus * 16;
		memset(pv, 0xee, len);
		d_elem_case("kptr_percpu/update", BPF_MAP_UPDATE_ELEM, m, &k, 4, pv, len, 0, 32);
		memset(pv, 0x55, len);
		d_elem_case("kptr_percpu/lookup", BPF_MAP_LOOKUP_ELEM, m, &k, 4, pv, len, 0, 32);
		struct dcase *fc = d_new(BPF_MAP_FREEZE, 4, "kptr_percpu/freeze");
		fc->t.a.map_fd = m;
		d_run(fc);
	}
	d_close(m);

	/* Where the lock is found: each map is probed with F_LOCK lookups and freeze. */
	static const struct {
		const char *name;
		uint32_t vs, value;
	} probes[] = {
		{"nested", 12, T_NESTED},       {"two_locks", 16, T_TWO},
		{"array_of_locks", 8, T_ARR_LOCK}, {"const_lock", 8, T_VAL_CONST_LOCK},
		{"lock_at_4", 8, T_LOCK_AT_4},  {"lock_and_bad_tag", 16, T_LOCK_PTR_TAG},
		{"plain", 8, T_PLAIN},          {"timer", 24, T_VAL_TIMER},
		{"list_head", 24, T_VAL_LIST}, /* lookups show kernel pointers: not compared */
		{"kptr", 16, T_VAL_KPTR},
	};
	for (size_t i = 0; i < ARRAY_SIZE(probes); i++) {
		char n[96];
		uint32_t k = 0;
		uint8_t v[32];
		m = create(probes[i].name, A, probes[i].vs, 2, 0, T_INT, probes[i].value, btf_sym);
		if (!both(m)) {
			d_close(m);
			continue;
		}
		memset(v, 0xff, sizeof(v));
		snprintf(n, sizeof(n), "%s/update_flags0", probes[i].name);
		d_elem_case(n, BPF_MAP_UPDATE_ELEM, m, &k, 4, v, probes[i].vs, 0, 32);
		memset(v, 0xaa, sizeof(v));
		/* Every special field comes back zeroed; the rest is the data. */
		bool kptrs_out = probes[i].value == T_VAL_LIST; /* the kernel's list_head self-links */
		snprintf(n, sizeof(n), "%s/lookup_flags0", probes[i].name);
		if (!kptrs_out)
			d_elem_case(n, BPF_MAP_LOOKUP_ELEM, m, &k, 4, v, probes[i].vs, 0, 32);
		struct dcase *c = d_new(BPF_MAP_LOOKUP_ELEM, 32, "%s/lookup_f_lock", probes[i].name);
		c->t.a.map_fd = m;
		c->t.a.key = d_ptr(c, &k, 4);
		c->t.a.value = d_ptr(c, v, probes[i].vs);
		c->t.a.flags = BPF_F_LOCK;
		if (kptrs_out)
			d_mask(c, 1, 8, 16);
		d_run(c);
		c = d_new(BPF_MAP_FREEZE, 4, "%s/freeze", probes[i].name);
		c->t.a.map_fd = m;
		d_run(c);
		d_close(m);
	}

	/* A lock value: the lock word is never stored nor returned; F_LOCK flag rules. */
	if (both(lockmap)) {
		uint32_t k = 1, k9 = 9;
		uint8_t v[8];
		memset(v, 0xff, sizeof(v));
		d_elem_case("lock/update_flags0", BPF_MAP_UPDATE_ELEM, lockmap, &k, 4, v, 8, 0, 32);
		memset(v, 0x55, sizeof(v));
		d_elem_case("lock/lookup_flags0", BPF_MAP_LOOKUP_ELEM, lockmap, &k, 4, v, 8, 0, 32);
		memset(v, 0x11, sizeof(v));
		d_elem_case("lock/update_f_lock", BPF_MAP_UPDATE_ELEM, lockmap, &k, 4, v, 8, BPF_F_LOCK, 32);
		memset(v, 0x55, sizeof(v));
		d_elem_case("lock/lookup_f_lock", BPF_MAP_LOOKUP_ELEM, lockmap, &k, 4, v, 8, BPF_F_LOCK, 32);
		d_elem_case("lock/update_f_lock_exist", BPF_MAP_UPDATE_ELEM, lockmap, &k, 4, v, 8, BPF_F_LOCK | BPF_EXIST, 32);
		d_elem_case("lock/update_f_lock_noexist", BPF_MAP_UPDATE_ELEM, lockmap, &k, 4, v, 8, BPF_F_LOCK | BPF_NOEXIST, 32);
		d_elem_case("lock/update_f_lock_8", BPF_MAP_UPDATE_ELEM, lockmap, &k, 4, v, 8, BPF_F_LOCK | 8, 32);
		d_elem_case("lock/lookup_f_lock_1", BPF_MAP_LOOKUP_ELEM, lockmap, &k, 4, v, 8, BPF_F_LOCK | 1, 32);
		d_elem_case("lock/update_f_lock_out_of_range", BPF_MAP_UPDATE_ELEM, lockmap, &k9, 4, v, 8, BPF_F_LOCK, 32);
		d_elem_case("lock/lookup_f_lock_out_of_range", BPF_MAP_LOOKUP_ELEM, lockmap, &k9, 4, v, 8, BPF_F_LOCK, 32);
		d_elem_case("lock/lookup_and_delete_f_lock", BPF_MAP_LOOKUP_AND_DELETE_ELEM, lockmap, &k, 4, v, 8, BPF_F_LOCK, 32);

		/* Batches with elem_flags F_LOCK. */
		static uint32_t keys[4] = {0, 1, 2, 3}, out;
		static uint8_t vals[32];
		memset(vals, 0xee, sizeof(vals));
		struct dcase *c = d_new(BPF_MAP_UPDATE_BATCH, 56, "lock/update_batch_f_lock");
		c->t.a.batch.map_fd = lockmap;
		c->t.a.batch.keys = d_ptr(c, keys, sizeof(keys));
		c->t.a.batch.values = d_ptr(c, vals, sizeof(vals));
		c->t.a.batch.count = 4;
		c->t.a.batch.elem_flags = BPF_F_LOCK;
		d_run(c);
		memset(vals, 0x33, sizeof(vals));
		c = d_new(BPF_MAP_LOOKUP_BATCH, 56, "lock/lookup_batch_f_lock");
		c->t.a.batch.map_fd = lockmap;
		c->t.a.batch.keys = d_ptr(c, keys, sizeof(keys));
		c->t.a.batch.values = d_ptr(c, vals, sizeof(vals));
		c->t.a.batch.out_batch = d_ptr(c, &out, sizeof(out));
		c->t.a.batch.count = 4;
		c->t.a.batch.elem_flags = BPF_F_LOCK;
		d_run(c);
		c = d_new(BPF_MAP_LOOKUP_BATCH, 56, "lock/lookup_batch_flags0");
		c->t.a.batch.map_fd = lockmap;
		c->t.a.batch.keys = d_ptr(c, keys, sizeof(keys));
		c->t.a.batch.values = d_ptr(c, vals, sizeof(vals));
		c->t.a.batch.out_batch = d_ptr(c, &out, sizeof(out));
		c->t.a.batch.count = 4;
		d_run(c);

		c = d_new(BPF_MAP_FREEZE, 4, "lock/freeze");
		c->t.a.map_fd = lockmap;
		d_run(c);
	}
	d_close(lockmap);

	/* An mmapable array with a lock or a timer: created, but mmap is ENOTSUPP. */
	static const struct {
		const char *name;
		uint32_t vs, value;
	} mm[] = {{"lock_mmapable", 8, T_VAL_LOCK}, {"timer_mmapable", 24, T_VAL_TIMER}};
	for (size_t j = 0; j < ARRAY_SIZE(mm); j++) {
	m = create(mm[j].name, A, mm[j].vs, 4, BPF_F_MMAPABLE, T_INT, mm[j].value, btf_sym);
	if (both(m)) {
		struct dres r[2];
		for (int s = d_first(); s < 2; s++) {
			errno = 0;
			void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, d_fd(m, s), 0);
			int e = errno;
			if (p != MAP_FAILED)
				munmap(p, 4096);
			r[s] = d_res(p == MAP_FAILED ? -1 : 0, e, NULL, 0);
		}
		char n[96];
		snprintf(n, sizeof(n), "%s/mmap", mm[j].name);
		d_report(n, r);
	}
	d_close(m);
	}
	d_close(btf_sym);
	return d_done();
}
