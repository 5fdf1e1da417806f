// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Special fields in map values (spin locks, timers, kptrs...) and the kernel's map_check_btf. */
#include "btf/internal.h"

#include <stdlib.h>

/*
 * The kernel recognises a few of its own types inside map values by name:
 * `struct bpf_spin_lock` and friends, found as struct members (also inside
 * nested structs and arrays of structs) or as DATASEC variables, and pointers
 * tagged "kptr", "kptr_untrusted", "percpu_kptr" or "uptr". Singletons (a
 * lock, a timer, a work queue, a refcount) may appear once per value; a
 * second one is E2BIG, and an array of them is EINVAL. A field whose offset
 * is not aligned for its type is ignored, as the kernel ignores it.
 */

static const struct {
	const char *name;
	u32 type;
	u32 size, align;
	bool singleton;
} special_types[] = {
	/* (struct bpf_res_spin_lock in an array value: the live kernel ignores it.) */
	{"bpf_spin_lock", UB_FIELD_SPIN_LOCK, 4, 4, true},
	{"bpf_timer", UB_FIELD_TIMER, 16, 8, true},
	{"bpf_wq", UB_FIELD_WORKQUEUE, 16, 8, true},
	{"bpf_list_head", UB_FIELD_LIST_HEAD, 16, 8, false},
	{"bpf_list_node", UB_FIELD_LIST_NODE, 24, 8, false},
	{"bpf_rb_root", UB_FIELD_RB_ROOT, 16, 8, false},
	{"bpf_rb_node", UB_FIELD_RB_NODE, 32, 8, false},
	{"bpf_refcount", UB_FIELD_REFCOUNT, 4, 4, true},
};

const char *ub_btf_str(const struct ub_btf *btf, u32 off)
{
	return off < btf->str_len ? btf->strs + off : NULL;
}

const char *ub_btf_name(const struct ub_btf *btf, const struct btf_type *t)
{
	const char *s = ub_btf_str(btf, t->name_off);
	return s ? s : "";
}

u32 ub_btf_vlen(const struct btf_type *t)
{
	return BTF_INFO_VLEN(t->info);
}

const struct btf_type *ub_btf_skip_modifiers(const struct ub_btf *btf, u32 id, u32 *res_id)
{
	const struct btf_type *t = ub_btf_type(btf, id);
	for (int depth = 0; t && btf_is_modifier(t) && depth < 64; depth++) {
		id = t->type;
		t = ub_btf_type(btf, id);
	}
	if (res_id)
		*res_id = id;
	return t;
}

int ub_btf_find_by_name_kind(const struct ub_btf *btf, const char *name, u32 kind)
{
	for (u32 id = 1; id < btf->nr_types; id++) {
		const struct btf_type *t = btf->types[id];
		if (btf_kind(t) == kind && !strcmp(ub_btf_name(btf, t), name))
			return (int)id;
	}
	return -ENOENT; /* btf_find_by_name_kind: none */
}

struct field_walk {
	const struct ub_btf *btf;
	u32 mask;
	u32 seen;
	struct ub_btf_field info[UB_MAX_FIELDS];
	u32 cnt;
};

/* The special type a value of type @t is, 0 if none, -E2BIG for a second singleton. */
static int field_type_of(struct field_walk *w, const struct btf_type *t, u32 *size, u32 *align)
{
	const char *name = ub_btf_name(w->btf, t);
	for (size_t i = 0; i < ARRAY_SIZE(special_types); i++) {
		if (!(w->mask & special_types[i].type) || strcmp(name, special_types[i].name))
			continue;
		if (special_types[i].singleton) {
			if (w->seen & special_types[i].type)
				return -E2BIG; /* one lock/timer/wq/refcount per value */
			w->seen |= special_types[i].type;
		}
		*size = special_types[i].size;
		*align = special_types[i].align;
		return (int)special_types[i].type;
	}
	/* Anything else that is not a struct may be a tagged pointer. */
	if ((w->mask & (UB_FIELD_KPTR | UB_FIELD_UPTR)) && !btf_is_struct(t)) {
		*size = 8;
		*align = 8;
		return UB_FIELD_KPTR_REF;
	}
	return 0;
}

/* A tagged pointer: 1 found, 0 not a kptr, -EINVAL for a malformed one. */
static int find_kptr(struct field_walk *w, const struct btf_type *t, u32 off,
		     struct ub_btf_field *f)
{
	const struct ub_btf *btf = w->btf;
	u32 type;
	if (btf_kind(t) == BTF_KIND_VOLATILE)
		t = ub_btf_type(btf, t->type);
	if (!t || btf_kind(t) != BTF_KIND_PTR)
		return 0;
	t = ub_btf_type(btf, t->type);
	if (!t || btf_kind(t) != BTF_KIND_TYPE_TAG || btf_kflag(t))
		return 0;
	const struct btf_type *next = ub_btf_type(btf, t->type);
	if (next && btf_kind(next) == BTF_KIND_TYPE_TAG)
		return -EINVAL; /* one tag only */
	const char *tag = ub_btf_name(btf, t);
	if (!strcmp(tag, "kptr_untrusted"))
		type = UB_FIELD_KPTR_UNREF;
	else if (!strcmp(tag, "kptr"))
		type = UB_FIELD_KPTR_REF;
	else if (!strcmp(tag, "percpu_kptr"))
		type = UB_FIELD_KPTR_PERCPU;
	else if (!strcmp(tag, "uptr"))
		type = UB_FIELD_UPTR;
	else
		return -EINVAL; /* an unknown tag on a pointer in a value */
	if (!(type & w->mask))
		return 0;
	u32 res_id;
	const struct btf_type *pt = ub_btf_skip_modifiers(btf, t->type, &res_id);
	if (!pt || btf_kind(pt) != BTF_KIND_STRUCT)
		return -EINVAL; /* kptrs point to structs */
	*f = (struct ub_btf_field){.type = type, .off = off, .size = 8, .type_id = res_id};
	return 1;
}

static int find_in_struct(struct field_walk *w, const struct btf_type *t, u32 base, u32 level);
/*
 * A graph root names what it holds in a decl tag on its member:
 * "contains:<struct>:<node member>". One such tag, a struct of that name.
 */
static int find_graph_root(struct field_walk *w, const struct btf_type *pt, int idx,
			   struct ub_btf_field *f)
{
	static const char key[] = "contains:";
	const struct ub_btf *btf = w->btf;
	const char *value = NULL;

	for (u32 id = 1; id < btf->nr_types; id++) {
		const struct btf_type *t = btf->types[id];
		if (btf_kind(t) != BTF_KIND_DECL_TAG || ub_btf_type(btf, t->type) != pt ||
		    ((const struct btf_decl_tag *)(t + 1))->component_idx != idx)
			continue;
		const char *s = ub_btf_name(btf, t);
		if (strncmp(s, key, sizeof(key) - 1))
			continue;
		if (value)
			return -EINVAL; /* two "contains:" tags */
		value = s + sizeof(key) - 1;
	}
	if (!value)
		return -EINVAL; /* a root must say what it contains */
	const char *colon = strchr(value, ':');
	if (!colon)
		return -EINVAL; /* "contains:" needs "<struct>:<member>" */
	char name[UB_LOG_LINE_MAX + 1];
	size_t n = (size_t)(colon - value);
	if (n >= sizeof(name))
		return -EINVAL; /* a struct name longer than any BTF line */
	memcpy(name, value, n);
	name[n] = '\0';
	int id = ub_btf_find_by_name_kind(btf, name, BTF_KIND_STRUCT);
	if (id < 0)
		return id; /* ENOENT: no struct of that name */
	if (!colon[1])
		return -EINVAL; /* no node member named */
	f->type_id = (u32)id;
	f->node_name = colon + 1;
	return 1;
}

/* The node member a graph root names: a struct @node_type at an aligned offset. */
static int check_graph_node(const struct ub_btf *btf, const struct ub_btf_field *f,
			    const char *node_type)
{
	const struct btf_type *vt = ub_btf_type(btf, f->type_id);
	const struct btf_member *m = btf_members(vt);
	const struct btf_type *found = NULL;
	for (u32 i = 0; i < BTF_INFO_VLEN(vt->info); i++) {
		if (strcmp(f->node_name, ub_btf_str(btf, m[i].name_off) ?: ""))
			continue;
		if (found)
			return -EINVAL; /* two members of that name */
		found = ub_btf_type(btf, m[i].type);
		if (!found || btf_kind(found) != BTF_KIND_STRUCT ||
		    strcmp(node_type, ub_btf_name(btf, found)))
			return -EINVAL; /* not the node type */
		u32 off = ub_btf_member_bit_offset(found, &m[i]);
		if (off % 8 || (off / 8) % 8)
			return -EINVAL; /* nodes are 8-byte aligned */
	}
	return found ? 0 : -ENOENT;
}


/* Repeat the fields found at [first, cnt) for the other @n - 1 array elements. */
static int repeat_fields(struct field_walk *w, u32 first, u32 n, u32 elem_size)
{
	u32 per = w->cnt - first;
	for (u32 i = first; i < w->cnt; i++) {
		u32 ty = w->info[i].type;
		if (!(ty & (UB_FIELD_KPTR | UB_FIELD_UPTR | UB_FIELD_LIST_HEAD | UB_FIELD_RB_ROOT)))
			return -EINVAL; /* only kptrs and graph roots may repeat */
	}
	if (n > 1 && (u64)per * (n - 1) > UB_MAX_FIELDS - w->cnt)
		return -E2BIG; /* more than BTF_FIELDS_MAX fields */
	for (u32 e = 1; e < n; e++)
		for (u32 i = 0; i < per; i++) {
			struct ub_btf_field f = w->info[first + i];
			f.off += e * elem_size;
			w->info[w->cnt++] = f;
		}
	return 0;
}

/* One member or variable at byte @off of type @t (@expected: a DATASEC slot's size or 0). */
static int find_one(struct field_walk *w, const struct btf_type *pt, int idx,
		    const struct btf_type *t, u32 off, u32 expected, u32 level)
{
	const struct ub_btf *btf = w->btf;
	u32 nelems = 1, size = 0, align = 1, i;
	for (i = 0; i < UB_BTF_MAX_RESOLVE_DEPTH && t && btf_kind(t) == BTF_KIND_ARRAY; i++) {
		const struct btf_array *a = (const void *)(t + 1);
		nelems *= a->nelems;
		t = ub_btf_type(btf, a->type);
	}
	if (i == UB_BTF_MAX_RESOLVE_DEPTH)
		return -E2BIG; /* arrays nested past the resolve depth */
	if (!nelems || !t)
		return 0;
	int type = field_type_of(w, t, &size, &align);
	if (type < 0)
		return type;
	if (!type && btf_is_struct(t)) {
		/* Look inside a struct member (and each element of an array of them). */
		if (expected && expected != (u64)t->size * nelems)
			return 0;
		if (level + 1 >= UB_BTF_MAX_RESOLVE_DEPTH)
			return -E2BIG; /* structs nested past the resolve depth */
		u32 first = w->cnt;
		int err = find_in_struct(w, t, off, level + 1);
		if (err < 0)
			return err;
		return nelems > 1 ? repeat_fields(w, first, nelems, t->size) : 0;
	}
	if (!type)
		return 0;
	if (expected && expected != (u64)size * nelems)
		return 0;
	if (off % align)
		return 0; /* a misaligned field is not the kernel's field */
	struct ub_btf_field f = {.type = (u32)type, .off = off, .size = size};
	if (type & (UB_FIELD_KPTR | UB_FIELD_UPTR)) {
		int r = find_kptr(w, t, off, &f);
		if (r <= 0)
			return r;
	} else if (btf_kind(t) != BTF_KIND_STRUCT || t->size != size) {
		return 0; /* the name, but not the kernel's struct */
	} else if (type & (UB_FIELD_LIST_HEAD | UB_FIELD_RB_ROOT)) {
		int r = find_graph_root(w, pt, idx, &f);
		if (r < 0)
			return r;
	}
	if (w->cnt >= UB_MAX_FIELDS)
		return -E2BIG; /* more than BTF_FIELDS_MAX fields */
	u32 first = w->cnt;
	w->info[w->cnt++] = f;
	return nelems > 1 ? repeat_fields(w, first, nelems, size) : 0;
}

static int find_in_struct(struct field_walk *w, const struct btf_type *t, u32 base, u32 level)
{
	const struct btf_member *m = btf_members(t);
	/* "Once per value" is counted per struct: nested structs start afresh. */
	u32 saved = w->seen;
	w->seen = 0;
	for (u32 i = 0; i < BTF_INFO_VLEN(t->info); i++) {
		u32 off = ub_btf_member_bit_offset(t, &m[i]);
		if (off % 8)
			return -EINVAL; /* C never puts a struct at a bit offset */
		int err = find_one(w, t, (int)i, ub_btf_type(w->btf, m[i].type), base + off / 8,
				   0, level);
		if (err < 0)
			return err;
	}
	w->seen = saved;
	return 0;
}

static int find_in_datasec(struct field_walk *w, const struct btf_type *t)
{
	const struct btf_var_secinfo *vsi = (const void *)(t + 1);
	for (u32 i = 0; i < BTF_INFO_VLEN(t->info); i++) {
		const struct btf_type *var = ub_btf_type(w->btf, vsi[i].type);
		if (!var)
			continue;
		int err = find_one(w, var, -1, ub_btf_type(w->btf, var->type), vsi[i].offset,
				   vsi[i].size, 0);
		if (err < 0)
			return err;
	}
	return 0;
}

static int field_cmp(const void *a, const void *b)
{
	const struct ub_btf_field *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

int ub_btf_parse_fields(const struct ub_btf *btf, const struct btf_type *t, u32 mask,
			u32 value_size, struct ub_btf_record *rec)
{
	struct field_walk w = {.btf = btf, .mask = mask};
	int err;

	if (btf_kind(t) == BTF_KIND_STRUCT)
		err = find_in_struct(&w, t, 0, 0);
	else if (btf_kind(t) == BTF_KIND_DATASEC)
		err = find_in_datasec(&w, t);
	else
		return -EINVAL; /* only structs and sections hold fields */
	if (err < 0)
		return err;
	if (!w.cnt)
		return 0;
	qsort(w.info, w.cnt, sizeof(w.info[0]), field_cmp);
	memset(rec, 0, sizeof(*rec));
	rec->spin_lock_off = -1;
	u32 next_off = 0;
	for (u32 i = 0; i < w.cnt; i++) {
		struct ub_btf_field *f = &w.info[i];
		if ((u64)f->off + f->size > value_size)
			return -EFAULT; /* outside the value */
		if (f->off < next_off)
			return -EEXIST; /* fields overlap */
		next_off = f->off + f->size;
		if (f->type == UB_FIELD_SPIN_LOCK)
			rec->spin_lock_off = (s32)f->off;
		if (f->type & (UB_FIELD_LIST_HEAD | UB_FIELD_RB_ROOT)) {
			int err = check_graph_node(btf, f, f->type == UB_FIELD_LIST_HEAD
								 ? "bpf_list_node"
								 : "bpf_rb_node");
			if (err)
				return err;
		}
		rec->fields[rec->cnt++] = *f;
		rec->mask |= f->type;
	}
	/* A graph root is only used under the value's lock. */
	if ((rec->mask & (UB_FIELD_LIST_HEAD | UB_FIELD_RB_ROOT)) &&
	    !(rec->mask & (UB_FIELD_SPIN_LOCK | UB_FIELD_RES_SPIN_LOCK)))
		return -EINVAL; /* graph roots need a bpf_spin_lock in the value */
	/* A node in a list and a tree at once needs a refcount. */
	if ((rec->mask & UB_FIELD_LIST_NODE) && (rec->mask & UB_FIELD_RB_NODE) &&
	    !(rec->mask & UB_FIELD_REFCOUNT))
		return -EINVAL; /* list and tree nodes together need a bpf_refcount */
	return 1;
}

/* ---- map_check_btf ------------------------------------------------------------ */

#define MAP_FIELDS                                                                           \
	(UB_FIELD_SPIN_LOCK | UB_FIELD_RES_SPIN_LOCK | UB_FIELD_TIMER | UB_FIELD_KPTR |      \
	 UB_FIELD_LIST_HEAD | UB_FIELD_RB_ROOT | UB_FIELD_REFCOUNT | UB_FIELD_WORKQUEUE |    \
	 UB_FIELD_UPTR)

/* May a map of @map_type hold a field of @field? */
static bool field_allowed(u32 field, u32 map_type)
{
	bool hash = map_type == BPF_MAP_TYPE_HASH, lru = map_type == BPF_MAP_TYPE_LRU_HASH;
	bool array = map_type == BPF_MAP_TYPE_ARRAY;
	bool storage = map_type == BPF_MAP_TYPE_CGROUP_STORAGE ||
		       map_type == BPF_MAP_TYPE_SK_STORAGE ||
		       map_type == BPF_MAP_TYPE_INODE_STORAGE ||
		       map_type == BPF_MAP_TYPE_TASK_STORAGE || map_type == 32 /* CGRP_STORAGE */;
	switch (field) {
	case UB_FIELD_SPIN_LOCK:
	case UB_FIELD_RES_SPIN_LOCK:
		return hash || array || storage;
	case UB_FIELD_TIMER:
	case UB_FIELD_WORKQUEUE:
	case UB_FIELD_LIST_HEAD:
	case UB_FIELD_RB_ROOT:
		return hash || lru || array;
	case UB_FIELD_KPTR_UNREF:
	case UB_FIELD_KPTR_REF:
	case UB_FIELD_KPTR_PERCPU:
	case UB_FIELD_REFCOUNT:
		return hash || lru || array || map_type == BPF_MAP_TYPE_PERCPU_HASH ||
		       map_type == BPF_MAP_TYPE_LRU_PERCPU_HASH ||
		       map_type == BPF_MAP_TYPE_PERCPU_ARRAY || storage;
	case UB_FIELD_UPTR:
		return map_type == BPF_MAP_TYPE_TASK_STORAGE;
	}
	return false;
}

/* The map family's own check (arrays: a u32 key, or the keyless .data exception). */
static int family_check(u32 map_type, u32 max_entries, const struct btf_type *key,
			const struct btf_type *value)
{
	if (map_type != BPF_MAP_TYPE_ARRAY && map_type != BPF_MAP_TYPE_PERCPU_ARRAY)
		return 0;
	if (!key) {
		/* Keyless BTF: only libbpf's single-element .data/.rodata/.bss arrays. */
		if (map_type != BPF_MAP_TYPE_ARRAY || max_entries != 1)
			return -EINVAL; /* keyless: only ARRAY with max_entries 1 */
		if (btf_kind(value) != BTF_KIND_DATASEC)
			return -EINVAL; /* keyless: the value is a DATASEC */
		return 0;
	}
	/* An array index is a 32-bit integer. */
	if (btf_kind(key) != BTF_KIND_INT || key->size != 4)
		return -EINVAL; /* an array key is a 4-byte INT */
	return 0;
}

/* Families that have a map_check_btf of their own (and so accept a keyless BTF). */
static bool family_has_check(u32 map_type)
{
	return map_type == BPF_MAP_TYPE_ARRAY || map_type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

int ub_btf_map_check_fields(struct ub_obj *obj, u32 map_type, u32 map_flags, u32 key_size,
			    u32 value_size, u32 max_entries, u32 key_type_id, u32 value_type_id,
			    s32 *spin_lock_off, struct ub_btf_special *special, u32 *nr_special)
{
	const struct ub_btf *btf = obj_to_btf(obj);
	const struct btf_type *key = NULL, *value;
	u32 ks, vs;

	*spin_lock_off = -1;
	if (nr_special)
		*nr_special = 0;
	if (key_type_id) {
		key = ub_btf_type_id_size(btf, &key_type_id, &ks);
		if (!key || ks != key_size)
			return -EINVAL; /* the key type must have the map's key size */
	} else if (!family_has_check(map_type)) {
		return -EINVAL; /* only some families allow a keyless BTF */
	}
	value = ub_btf_type_id_size(btf, &value_type_id, &vs);
	if (!value || vs != value_size)
		return -EINVAL; /* the value type must have the map's value size */

	/* A malformed set of special fields means no special fields, as in the kernel. */
	struct ub_btf_record rec;
	int r = btf_kind(value) == BTF_KIND_STRUCT || btf_kind(value) == BTF_KIND_DATASEC
			? ub_btf_parse_fields(btf, value, MAP_FIELDS, value_size, &rec)
			: 0;
	if (r > 0) {
		if (map_flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG))
			return -EACCES; /* programs must be able to use special fields */
		for (u32 i = 0; i < rec.cnt; i++)
			if (!field_allowed(rec.fields[i].type, map_type))
				return -EOPNOTSUPP; /* e.g. a spin lock in a per-CPU value */
		*spin_lock_off = rec.spin_lock_off;
		/* Every other field is left alone by syscall copies. */
		for (u32 i = 0; i < rec.cnt && special && nr_special; i++) {
			if (rec.fields[i].type == UB_FIELD_SPIN_LOCK &&
			    (s32)rec.fields[i].off == rec.spin_lock_off)
				continue;
			special[*nr_special].off = rec.fields[i].off;
			special[*nr_special].size = rec.fields[i].size;
			(*nr_special)++;
		}
	}
	return family_check(map_type, max_entries, key, value);
}

int ub_btf_map_check_flags(struct ub_obj *obj, u32 map_type, u32 map_flags, u32 key_size,
			   u32 value_size, u32 max_entries, u32 key_type_id, u32 value_type_id,
			   s32 *spin_lock_off)
{
	return ub_btf_map_check_fields(obj, map_type, map_flags, key_size, value_size,
				       max_entries, key_type_id, value_type_id, spin_lock_off,
				       NULL, NULL);
}

int ub_btf_map_check(struct ub_obj *btf, u32 map_type, u32 key_size, u32 value_size,
		     u32 max_entries, u32 key_type_id, u32 value_type_id, s32 *spin_lock_off)
{
	return ub_btf_map_check_flags(btf, map_type, 0, key_size, value_size, max_entries,
				      key_type_id, value_type_id, spin_lock_off);
}
