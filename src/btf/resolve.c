// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The BTF validator's second pass: resolving references, sizes, members and prototypes. */
#include "btf/env.h"

#include <stdlib.h>

/* The algorithm is described in src/btf/env.h. */

/* ---- pass 2: resolve ----------------------------------------------------------- */

const struct btf_type *ub_btf_type(const struct ub_btf *btf, u32 id)
{
	return id < btf->nr_types ? btf->types[id] : NULL;
}

static bool is_resolved(const struct btf_env *env, u32 id)
{
	return env->visit[id] == RESOLVED;
}

/* VAR, DATASEC and DECL_TAG can only be where a walk starts. */
static bool source_only(const struct btf_type *t)
{
	u32 k = btf_kind(t);
	return k == BTF_KIND_VAR || k == BTF_KIND_DATASEC || k == BTF_KIND_DECL_TAG;
}

static bool needs_resolve(const struct btf_type *t)
{
	u32 k = btf_kind(t);
	return btf_is_modifier_kind(k) || k == BTF_KIND_PTR || k == BTF_KIND_STRUCT ||
	       k == BTF_KIND_UNION || k == BTF_KIND_ARRAY || k == BTF_KIND_VAR ||
	       k == BTF_KIND_FUNC || k == BTF_KIND_DECL_TAG || k == BTF_KIND_DATASEC;
}

/* Does the walk stop at @t (see the essay at the top)? */
static bool is_sink(const struct btf_env *env, const struct btf_type *t)
{
	u32 k = btf_kind(t);
	switch (env->mode) {
	case MODE_TBD:
		return !needs_resolve(t);
	case MODE_PTR:
		return !btf_is_modifier_kind(k) && k != BTF_KIND_PTR;
	default:
		return !btf_is_modifier_kind(k) && k != BTF_KIND_ARRAY && !btf_is_struct(t);
	}
}

static int push(struct btf_env *env, const struct btf_type *t, u32 id)
{
	if (env->top == UB_BTF_MAX_RESOLVE_DEPTH)
		return -E2BIG; /* reported as "Exceeded max resolving depth" */
	if (env->visit[id] != NOT_VISITED)
		return -EEXIST; /* reported as "Loop detected" */
	env->visit[id] = VISITED;
	env->stack[env->top++] = (struct resolve_vertex){.t = t, .id = id};
	if (env->mode == MODE_TBD) {
		if (btf_kind(t) == BTF_KIND_PTR)
			env->mode = MODE_PTR;
		else if (btf_is_struct(t) || btf_kind(t) == BTF_KIND_ARRAY)
			env->mode = MODE_STRUCT_OR_ARRAY;
	}
	return 0;
}

static void pop_resolved(struct btf_env *env, u32 rid, u32 rsize)
{
	u32 id = env->stack[--env->top].id;
	env->rid[id] = rid;
	env->rsize[id] = rsize;
	env->visit[id] = RESOLVED;
}

/* The resolved type of a modifier/PTR/VAR; updates *id. */
static const struct btf_type *id_resolve(const struct ub_btf *btf, u32 *id)
{
	*id = btf->resolved_id[*id];
	return ub_btf_type(btf, *id);
}

const struct btf_type *ub_btf_type_id_size(const struct ub_btf *btf, u32 *id, u32 *ret_size)
{
	u32 sid = *id, size;
	const struct btf_type *st = ub_btf_type(btf, sid);

	if (!st || btf_nosize(st))
		return NULL;
	if (btf_has_size(st)) {
		size = st->size;
	} else if (btf_kind(st) == BTF_KIND_ARRAY) {
		size = btf->resolved_size[sid];
	} else if (btf_kind(st) == BTF_KIND_PTR) {
		size = sizeof(void *);
	} else {
		if (!btf_is_modifier(st) && btf_kind(st) != BTF_KIND_VAR)
			return NULL;
		sid = btf->resolved_id[sid];
		st = ub_btf_type(btf, sid);
		if (!st || btf_nosize(st))
			return NULL;
		if (btf_has_size(st))
			size = st->size;
		else if (btf_kind(st) == BTF_KIND_ARRAY)
			size = btf->resolved_size[sid];
		else if (btf_kind(st) == BTF_KIND_PTR)
			size = sizeof(void *);
		else
			return NULL;
	}
	*id = sid;
	if (ret_size)
		*ret_size = size;
	return st;
}

static int resolve_modifier(struct btf_env *env, struct resolve_vertex *v)
{
	const struct ub_btf *btf = env->btf;
	u32 next_id = v->t->type;
	const struct btf_type *next = ub_btf_type(btf, next_id);

	if (!next || source_only(next)) {
		ub_btf_log_type(env, v->t, "Invalid type_id");
		return -EINVAL; /* out of range, or a VAR/DATASEC/DECL_TAG */
	}
	if (!is_sink(env, next) && !is_resolved(env, next_id))
		return push(env, next, next_id);
	if (!ub_btf_type_id_size(btf, &next_id, NULL)) {
		if (is_resolved(env, next_id))
			next = id_resolve(btf, &next_id);
		/* "const void", a typedef of a forward declaration or a prototype */
		if (btf_kind(next) != BTF_KIND_UNKN && btf_kind(next) != BTF_KIND_FWD &&
		    btf_kind(next) != BTF_KIND_FUNC_PROTO) {
			ub_btf_log_type(env, v->t, "Invalid type_id");
			return -EINVAL; /* out of range, or a VAR/DATASEC/DECL_TAG target */
		}
	}
	pop_resolved(env, next_id, 0);
	return 0;
}

/* PTR and VAR share this; a VAR must reach a sized type. */
static int resolve_ptr_or_var(struct btf_env *env, struct resolve_vertex *v)
{
	const struct ub_btf *btf = env->btf;
	u32 next_id = v->t->type;
	const struct btf_type *next = ub_btf_type(btf, next_id);
	bool var = btf_kind(v->t) == BTF_KIND_VAR;

	if (!next || source_only(next)) {
		ub_btf_log_type(env, v->t, "Invalid type_id");
		return -EINVAL; /* not void, FWD or FUNC_PROTO either */
	}
	if (!is_sink(env, next) && !is_resolved(env, next_id))
		return push(env, next, next_id);
	/* A modifier resolved in a struct walk may lead to a PTR not resolved yet. */
	if (btf_is_modifier(next)) {
		u32 rid = next_id;
		const struct btf_type *rt = id_resolve(btf, &rid);
		if (rt && btf_kind(rt) == BTF_KIND_PTR && !is_sink(env, rt) && !is_resolved(env, rid))
			return push(env, rt, rid);
	}
	if (!ub_btf_type_id_size(btf, &next_id, NULL)) {
		if (var) {
			ub_btf_log_type(env, v->t, "Invalid type_id");
			return -EINVAL; /* a variable has a size */
		}
		if (is_resolved(env, next_id))
			next = id_resolve(btf, &next_id);
		if (btf_kind(next) != BTF_KIND_UNKN && btf_kind(next) != BTF_KIND_FWD &&
		    btf_kind(next) != BTF_KIND_FUNC_PROTO) {
			ub_btf_log_type(env, v->t, "Invalid type_id");
			return -EINVAL; /* pointers to void, incomplete types, functions */
		}
	}
	pop_resolved(env, next_id, 0);
	return 0;
}

static int resolve_array(struct btf_env *env, struct resolve_vertex *v)
{
	const struct ub_btf *btf = env->btf;
	const struct btf_array *a = (const void *)(v->t + 1);
	u32 id = a->index_type, elem_size;
	const struct btf_type *t = ub_btf_type(btf, id);

	if (!t || btf_nosize(t) || source_only(t)) {
		ub_btf_log_type(env, v->t, "Invalid index");
		return -EINVAL; /* array index: a sized non-source type */
	}
	if (!is_sink(env, t) && !is_resolved(env, id))
		return push(env, t, id);
	t = ub_btf_type_id_size(btf, &id, NULL);
	if (!t || btf_kind(t) != BTF_KIND_INT || !btf_int_is_regular(t)) {
		ub_btf_log_type(env, v->t, "Invalid index");
		return -EINVAL; /* indexes are plain integers */
	}

	id = a->type;
	t = ub_btf_type(btf, id);
	if (!t || btf_nosize(t) || source_only(t)) {
		ub_btf_log_type(env, v->t, "Invalid elem");
		return -EINVAL; /* array element: a sized non-source type */
	}
	if (!is_sink(env, t) && !is_resolved(env, id))
		return push(env, t, id);
	t = ub_btf_type_id_size(btf, &id, &elem_size);
	if (!t) {
		ub_btf_log_type(env, v->t, "Invalid elem");
		return -EINVAL; /* array element without a size */
	}
	if (btf_kind(t) == BTF_KIND_INT && !btf_int_is_regular(t)) {
		ub_btf_log_type(env, v->t, "Invalid array of int");
		return -EINVAL; /* no arrays of bitfield-like ints */
	}
	if (a->nelems && elem_size > UINT32_MAX / a->nelems) {
		ub_btf_log_type(env, v->t, "Array size overflows U32_MAX");
		return -EINVAL; /* the array would not fit in 32 bits */
	}
	pop_resolved(env, id, elem_size * a->nelems);
	return 0;
}

/* ---- members ----------------------------------------------------------------- */

u32 ub_btf_member_bit_offset(const struct btf_type *s, const struct btf_member *m)
{
	return btf_kflag(s) ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset;
}

u32 ub_btf_member_bitfield_size(const struct btf_type *s, const struct btf_member *m)
{
	return btf_kflag(s) ? BTF_MEMBER_BITFIELD_SIZE(m->offset) : 0;
}

static int member_err(struct btf_env *env, const struct btf_type *s, const struct btf_member *m,
		      const char *msg)
{
	ub_btf_log_member(env, s, m, "%s", msg);
	return -EINVAL; /* the member check failed */
}

static int check_member(struct btf_env *env, const struct btf_type *s, const struct btf_member *m,
			const struct btf_type *mt, bool kflag);

/* An INT member: plain (bits from the INT) or, with kind_flag, a bitfield. */
static int check_int_member(struct btf_env *env, const struct btf_type *s,
			    const struct btf_member *m, const struct btf_type *mt, bool kflag)
{
	u32 d = btf_int_data(mt), off, nbits, bytes_off, copy_bits;
	if (!kflag) {
		off = m->offset;
		if (UINT32_MAX - off < BTF_INT_OFFSET(d))
			return member_err(env, s, m, "bits_offset exceeds U32_MAX");
		off += BTF_INT_OFFSET(d);
		nbits = BTF_INT_BITS(d);
	} else {
		if (!btf_int_is_regular(mt))
			return member_err(env, s, m, "Invalid member base type");
		off = BTF_MEMBER_BIT_OFFSET(m->offset);
		nbits = BTF_MEMBER_BITFIELD_SIZE(m->offset);
		if (!nbits) {
			if (off % 8)
				return member_err(env, s, m, "Invalid member offset");
			nbits = BTF_INT_BITS(d);
		} else if (nbits > BTF_INT_BITS(d)) {
			return member_err(env, s, m, "Invalid member bitfield_size");
		}
	}
	bytes_off = off / 8;
	copy_bits = nbits + off % 8;
	if (copy_bits > 128)
		return member_err(env, s, m, "nr_copy_bits exceeds 128");
	if (s->size < bytes_off || s->size - bytes_off < (copy_bits + 7) / 8)
		return member_err(env, s, m, "Member exceeds struct_size");
	return 0;
}

static int check_enum_member(struct btf_env *env, const struct btf_type *s,
			     const struct btf_member *m, const struct btf_type *mt, bool kflag)
{
	if (!kflag) {
		if (m->offset % 8)
			return member_err(env, s, m, "Member is not byte aligned");
		u32 bytes_off = m->offset / 8;
		if (s->size < bytes_off || s->size - bytes_off < mt->size)
			return member_err(env, s, m, "Member exceeds struct_size");
		return 0;
	}
	u32 off = BTF_MEMBER_BIT_OFFSET(m->offset), nbits = BTF_MEMBER_BITFIELD_SIZE(m->offset);
	u32 int_bits = 32; /* an enum bitfield is as wide as an int, whatever its size */
	if (!nbits) {
		if (off % 8)
			return member_err(env, s, m, "Member is not byte aligned");
		nbits = int_bits;
	} else if (nbits > int_bits) {
		return member_err(env, s, m, "Invalid member bitfield_size");
	}
	if (s->size < ((u64)off + nbits + 7) / 8)
		return member_err(env, s, m, "Member exceeds struct_size");
	return 0;
}

static int check_sized_member(struct btf_env *env, const struct btf_type *s,
			      const struct btf_member *m, u32 size)
{
	if (m->offset % 8)
		return member_err(env, s, m, "Member is not byte aligned");
	u32 bytes_off = m->offset / 8;
	if (bytes_off > s->size || s->size - bytes_off < size)
		return member_err(env, s, m, "Member exceeds struct_size");
	return 0;
}

static int check_member(struct btf_env *env, const struct btf_type *s, const struct btf_member *m,
			const struct btf_type *mt, bool kflag)
{
	const struct ub_btf *btf = env->btf;
	u32 k = btf_kind(mt);

	if (btf_is_modifier_kind(k)) {
		u32 rid = m->type;
		const struct btf_type *rt = id_resolve(btf, &rid);
		if (!rt || btf_nosize(rt)) /* a typedef of void or of an incomplete type */
			return member_err(env, s, m, "Invalid member");
		struct btf_member rm = *m;
		rm.type = rid;
		return check_member(env, s, &rm, rt, kflag);
	}
	/* With kind_flag, only INT and ENUM members may be bitfields. */
	if (kflag && (k == BTF_KIND_PTR || btf_is_struct(mt) || k == BTF_KIND_ARRAY ||
		      k == BTF_KIND_FLOAT) && BTF_MEMBER_BITFIELD_SIZE(m->offset))
		return member_err(env, s, m, "Invalid member bitfield_size");
	switch (k) {
	case BTF_KIND_INT:
		return check_int_member(env, s, m, mt, kflag);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return check_enum_member(env, s, m, mt, kflag);
	case BTF_KIND_PTR: {
		if (m->offset % 8)
			return member_err(env, s, m, "Member is not byte aligned");
		u32 bytes_off = m->offset / 8;
		if (s->size - bytes_off < sizeof(void *))
			return member_err(env, s, m, "Member exceeds struct_size");
		return 0;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return check_sized_member(env, s, m, mt->size);
	case BTF_KIND_ARRAY: {
		u32 id = m->type, size = 0;
		if (m->offset % 8)
			return member_err(env, s, m, "Member is not byte aligned");
		ub_btf_type_id_size(btf, &id, &size);
		if (s->size - m->offset / 8 < size)
			return member_err(env, s, m, "Member exceeds struct_size");
		return 0;
	}
	case BTF_KIND_FLOAT: {
		u64 align_bits = (mt->size < 8 ? mt->size : 8) * 8;
		if (m->offset % align_bits)
			return member_err(env, s, m, "Member is not properly aligned");
		if ((u64)m->offset / 8 + mt->size > s->size)
			return member_err(env, s, m, "Member exceeds struct_size");
		return 0;
	}
	}
	return member_err(env, s, m, "Unsupported check_member");
}

static int resolve_struct(struct btf_env *env, struct resolve_vertex *v)
{
	const struct ub_btf *btf = env->btf;
	const struct btf_member *m = btf_members(v->t);
	u32 vlen = BTF_INFO_VLEN(v->t->info);
	int err;

	/* Coming back from resolving a member's type: check that member now. */
	if (v->next_member) {
		const struct btf_member *last = &m[v->next_member - 1];
		err = check_member(env, v->t, last, ub_btf_type(btf, last->type), btf_kflag(v->t));
		if (err)
			return err;
	}
	for (u32 i = v->next_member; i < vlen; i++) {
		const struct btf_type *mt = ub_btf_type(btf, m[i].type);
		if (!mt || btf_nosize(mt) || source_only(mt)) {
			ub_btf_log_member(env, v->t, &m[i], "Invalid member");
			return -EINVAL; /* members have sizes */
		}
		if (!is_sink(env, mt) && !is_resolved(env, m[i].type)) {
			v->next_member = i + 1;
			return push(env, mt, m[i].type);
		}
		err = check_member(env, v->t, &m[i], mt, btf_kflag(v->t));
		if (err)
			return err;
	}
	pop_resolved(env, 0, 0);
	return 0;
}

static int resolve_datasec(struct btf_env *env, struct resolve_vertex *v)
{
	const struct ub_btf *btf = env->btf;
	const struct btf_var_secinfo *vsi = (const void *)(v->t + 1);
	u32 vlen = BTF_INFO_VLEN(v->t->info);

	for (u32 i = v->next_member; i < vlen; i++) {
		const struct btf_type *var = ub_btf_type(btf, vsi[i].type);
		if (!var || btf_kind(var) != BTF_KIND_VAR) {
			ub_btf_log_vsi(env, v->t, &vsi[i], "Not a VAR kind member");
			return -EINVAL; /* a section lists variables */
		}
		if (!is_sink(env, var) && !is_resolved(env, vsi[i].type)) {
			v->next_member = i + 1;
			return push(env, var, vsi[i].type);
		}
		u32 id = var->type, size;
		if (!ub_btf_type_id_size(btf, &id, &size)) {
			ub_btf_log_vsi(env, v->t, &vsi[i], "Invalid type");
			return -EINVAL; /* the variable has no size */
		}
		if (vsi[i].size < size) {
			ub_btf_log_vsi(env, v->t, &vsi[i], "Invalid size");
			return -EINVAL; /* the variable must fit its slot */
		}
	}
	pop_resolved(env, 0, 0);
	return 0;
}

static int resolve_func(struct btf_env *env, struct resolve_vertex *v)
{
	const struct ub_btf *btf = env->btf;
	const struct btf_type *proto = ub_btf_type(btf, v->t->type);
	if (!proto || btf_kind(proto) != BTF_KIND_FUNC_PROTO) {
		ub_btf_log_type(env, v->t, "Invalid type_id");
		return -EINVAL; /* a FUNC names a FUNC_PROTO */
	}
	const struct btf_param *p = (const void *)(proto + 1);
	for (u32 i = 0; i < BTF_INFO_VLEN(proto->info); i++) {
		if (!p[i].name_off && p[i].type) {
			ub_btf_log_type(env, v->t, "Invalid arg#%u", i + 1);
			return -EINVAL; /* a function's arguments are named */
		}
	}
	pop_resolved(env, v->t->type, 0);
	return 0;
}

static int resolve_decl_tag(struct btf_env *env, struct resolve_vertex *v)
{
	const struct ub_btf *btf = env->btf;
	u32 next_id = v->t->type;
	const struct btf_type *next = ub_btf_type(btf, next_id);
	s32 idx = ((const struct btf_decl_tag *)(v->t + 1))->component_idx;

	if (!next || !(btf_kind(next) == BTF_KIND_FUNC || btf_is_struct(next) ||
		       btf_kind(next) == BTF_KIND_VAR || btf_kind(next) == BTF_KIND_TYPEDEF)) {
		ub_btf_log_type(env, v->t, "Invalid type_id");
		return -EINVAL; /* tags annotate functions, structs, variables, typedefs */
	}
	if (!is_sink(env, next) && !is_resolved(env, next_id))
		return push(env, next, next_id);
	if (idx != -1) {
		u32 vlen;
		if (btf_kind(next) == BTF_KIND_VAR || btf_kind(next) == BTF_KIND_TYPEDEF) {
			ub_btf_log_type(env, v->t, "Invalid component_idx");
			return -EINVAL; /* those have no components */
		}
		if (btf_is_struct(next)) {
			vlen = BTF_INFO_VLEN(next->info);
		} else {
			const struct btf_type *proto = ub_btf_type(btf, next->type);
			vlen = proto ? BTF_INFO_VLEN(proto->info) : 0;
		}
		if ((u32)idx >= vlen) {
			ub_btf_log_type(env, v->t, "Invalid component_idx");
			return -EINVAL; /* component_idx past the members/args */
		}
	}
	pop_resolved(env, next_id, 0);
	return 0;
}

static int resolve_one(struct btf_env *env, struct resolve_vertex *v)
{
	switch (btf_kind(v->t)) {
	case BTF_KIND_PTR:
	case BTF_KIND_VAR:
		return resolve_ptr_or_var(env, v);
	case BTF_KIND_ARRAY:
		return resolve_array(env, v);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return resolve_struct(env, v);
	case BTF_KIND_DATASEC:
		return resolve_datasec(env, v);
	case BTF_KIND_FUNC:
		return resolve_func(env, v);
	case BTF_KIND_DECL_TAG:
		return resolve_decl_tag(env, v);
	}
	return resolve_modifier(env, v);
}

/* After a walk, what the kernel re-checks about the type it started from. */
static bool resolve_valid(struct btf_env *env, const struct btf_type *t, u32 id)
{
	const struct ub_btf *btf = env->btf;
	u32 k = btf_kind(t);
	if (!is_resolved(env, id))
		return false;
	if (btf_is_struct(t) || k == BTF_KIND_DATASEC)
		return !env->rid[id] && !env->rsize[id];
	if (k == BTF_KIND_DECL_TAG || k == BTF_KIND_FUNC)
		return env->rid[id] && !env->rsize[id];
	if (btf_is_modifier_kind(k) || k == BTF_KIND_PTR || k == BTF_KIND_VAR) {
		u32 rid = id;
		const struct btf_type *rt = id_resolve(btf, &rid);
		return rt && !btf_is_modifier(rt) && btf_kind(rt) != BTF_KIND_VAR &&
		       btf_kind(rt) != BTF_KIND_DATASEC;
	}
	if (k == BTF_KIND_ARRAY) {
		const struct btf_array *a = (const void *)(t + 1);
		u32 eid = a->type, esize;
		const struct btf_type *et = ub_btf_type_id_size(btf, &eid, &esize);
		return et && !btf_is_modifier(et) && a->nelems * esize == env->rsize[id];
	}
	return false;
}

static int resolve(struct btf_env *env, const struct btf_type *t, u32 id)
{
	u32 saved = env->log_id;
	env->mode = MODE_TBD;
	env->top = 0;
	int err = push(env, t, id);
	while (!err && env->top) {
		/* Messages name the type being resolved, not the one the walk started at. */
		env->log_id = env->stack[env->top - 1].id;
		err = resolve_one(env, &env->stack[env->top - 1]);
	}
	env->log_id = id;
	if (err == -E2BIG)
		ub_btf_log_type(env, t, "Exceeded max resolving depth:%d", UB_BTF_MAX_RESOLVE_DEPTH);
	else if (err == -EEXIST)
		ub_btf_log_type(env, t, "Loop detected");
	if (!err && !resolve_valid(env, t, id)) {
		ub_btf_log_type(env, t, "Invalid resolve state");
		err = -EINVAL;
	}
	env->log_id = saved;
	return err;
}

/* A prototype: a sized (or void) return type, sized named arguments, `...` last. */
static int check_func_proto(struct btf_env *env, const struct btf_type *t)
{
	const struct ub_btf *btf = env->btf;
	const struct btf_param *p = (const void *)(t + 1);
	u32 n = BTF_INFO_VLEN(t->info);
	int err;

	if (t->type) {
		u32 rid = t->type;
		const struct btf_type *rt = ub_btf_type(btf, rid);
		if (!rt || source_only(rt)) {
			ub_btf_log_type(env, t, "Invalid return type");
			return -EINVAL; /* return type out of range or source-only */
		}
		if (needs_resolve(rt) && !is_resolved(env, rid)) {
			err = resolve(env, rt, rid);
			if (err)
				return err;
		}
		if (!ub_btf_type_id_size(btf, &rid, NULL)) {
			ub_btf_log_type(env, t, "Invalid return type");
			return -EINVAL; /* return type without a size */
		}
	}
	if (!n)
		return 0;
	if (!p[n - 1].type) { /* varargs */
		if (p[n - 1].name_off) {
			ub_btf_log_type(env, t, "Invalid arg#%u", n);
			return -EINVAL; /* a named vararg */
		}
		n--;
	}
	for (u32 i = 0; i < n; i++) {
		u32 aid = p[i].type;
		const struct btf_type *at = ub_btf_type(btf, aid);
		if (!at || source_only(at)) {
			ub_btf_log_type(env, t, "Invalid arg#%u", i + 1);
			return -EINVAL; /* argument type out of range or source-only */
		}
		if (p[i].name_off && (!ub_btf_name_offset_valid(btf, p[i].name_off) ||
				      !ub_btf_name_valid_identifier(btf, p[i].name_off))) {
			ub_btf_log_type(env, t, "Invalid arg#%u", i + 1);
			return -EINVAL; /* argument name not an identifier */
		}
		if (needs_resolve(at) && !is_resolved(env, aid)) {
			err = resolve(env, at, aid);
			if (err)
				return err;
		}
		if (!ub_btf_type_id_size(btf, &aid, NULL)) {
			ub_btf_log_type(env, t, "Invalid arg#%u", i + 1);
			return -EINVAL; /* argument without a size */
		}
	}
	return 0;
}

int ub_btf_check_all_types(struct btf_env *env)
{
	struct ub_btf *btf = env->btf;
	u32 n = btf->nr_types;
	env->rid = calloc(n, sizeof(u32));
	env->rsize = calloc(n, sizeof(u32));
	env->visit = calloc(n, 1);
	if (!env->rid || !env->rsize || !env->visit)
		return -ENOMEM; /* out of memory */
	env->resolving = true;
	btf->resolved_id = env->rid;
	btf->resolved_size = env->rsize;
	for (u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf->types[id];
		int err;
		env->log_id = id;
		if (needs_resolve(t) && !is_resolved(env, id)) {
			err = resolve(env, t, id);
			if (err)
				return err;
		}
		if (btf_kind(t) == BTF_KIND_FUNC_PROTO) {
			err = check_func_proto(env, t);
			if (err)
				return err;
		}
	}
	return 0;
}

