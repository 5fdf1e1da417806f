// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The BTF validator: header, strings, every kind's record, and type resolution. */
#include "btf/internal.h"

#include <stdarg.h>
#include <stdlib.h>

/*
 * Validation runs in the kernel's two passes.
 *
 * 1. Meta: walk the type section once. Each type's fixed header and its
 *    trailing records must fit, its info bits must be known, its name must be
 *    a valid string offset (and, for the kinds that have names, a valid C
 *    identifier or section name), and each kind's own rules on vlen, kind_flag,
 *    size and the records that follow hold. This assigns ids 1..n in order.
 *
 * 2. Resolve: every type that refers to others (modifiers, PTR, STRUCT/UNION,
 *    ARRAY, VAR, DATASEC, FUNC, DECL_TAG) is resolved depth first with an
 *    explicit stack of at most 32 entries: a reference chain deeper than that
 *    is E2BIG, and meeting a type already on the stack is a loop (EEXIST).
 *    What counts as "done" depends on what started the walk: a pointer only
 *    needs its target to exist, so structs and arrays end a walk that started
 *    at a pointer (which is how `struct list { struct list *next; }` is
 *    fine), while a struct or array needs the size of everything it contains
 *    by value, so only a pointer ends theirs. Resolving records, for each
 *    modifier, PTR, VAR and ARRAY, the id of the sized type it stands for and
 *    (arrays) its size; members are checked against their struct's size when
 *    their type is resolved. FUNC_PROTOs are checked after their turn comes.
 */

static const struct btf_type btf_void;

enum { NOT_VISITED, VISITED, RESOLVED };
enum { MODE_TBD, MODE_PTR, MODE_STRUCT_OR_ARRAY };

struct resolve_vertex {
	const struct btf_type *t;
	u32 id;
	u32 next_member;
};

struct btf_env {
	struct ub_btf *btf;
	struct ub_vlog *log;
	u32 cap;
	u32 *rid, *rsize; /* heap copies of btf->resolved_* that we may write */
	u8 *visit;
	struct resolve_vertex stack[UB_BTF_MAX_RESOLVE_DEPTH];
	u32 top;
	int mode;
	u32 log_id;
	bool resolving; /* the resolve pass has started: member lines repeat their type */
};

static const char *kind_str[NR_BTF_KINDS] = {
	[BTF_KIND_UNKN] = "UNKNOWN",	[BTF_KIND_INT] = "INT",
	[BTF_KIND_PTR] = "PTR",		[BTF_KIND_ARRAY] = "ARRAY",
	[BTF_KIND_STRUCT] = "STRUCT",	[BTF_KIND_UNION] = "UNION",
	[BTF_KIND_ENUM] = "ENUM",	[BTF_KIND_FWD] = "FWD",
	[BTF_KIND_TYPEDEF] = "TYPEDEF", [BTF_KIND_VOLATILE] = "VOLATILE",
	[BTF_KIND_CONST] = "CONST",	[BTF_KIND_RESTRICT] = "RESTRICT",
	[BTF_KIND_FUNC] = "FUNC",	[BTF_KIND_FUNC_PROTO] = "FUNC_PROTO",
	[BTF_KIND_VAR] = "VAR",		[BTF_KIND_DATASEC] = "DATASEC",
	[BTF_KIND_FLOAT] = "FLOAT",	[BTF_KIND_DECL_TAG] = "DECL_TAG",
	[BTF_KIND_TYPE_TAG] = "TYPE_TAG", [BTF_KIND_ENUM64] = "ENUM64",
};

/* ---- strings and names ----------------------------------------------------- */

static bool name_offset_valid(const struct ub_btf *btf, u32 off)
{
	return off < btf->str_len;
}

static const char *name_of(const struct ub_btf *btf, u32 off)
{
	if (!off)
		return "(anon)";
	return name_offset_valid(btf, off) ? btf->strs + off : "(invalid-name-offset)";
}

/* The kernel's ctype is Latin-1: letters include 0xC0-0xFF but 0xD7, 0xF7. */
static bool k_isalpha(u8 c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c != 0xD7 && c != 0xF7);
}

static bool k_isalnum(u8 c)
{
	return k_isalpha(c) || (c >= '0' && c <= '9');
}

static bool k_isprint(u8 c)
{
	return (c >= 0x20 && c < 0x7f) || c >= 0xA0;
}

#define KSYM_NAME_LEN 512

/* A C identifier (dots allowed after the first character), under 512 characters. */
static bool name_valid_identifier(const struct ub_btf *btf, u32 off)
{
	const u8 *s = (const u8 *)btf->strs + off, *end = (const u8 *)btf->strs + btf->str_len;
	const u8 *limit = s + KSYM_NAME_LEN;
	if (!k_isalpha(*s) && *s != '_')
		return false;
	for (s++; s < end && *s && s < limit; s++)
		if (!k_isalnum(*s) && *s != '_' && *s != '.')
			return false;
	return s < end && !*s;
}

/* A DATASEC name: any printable characters, not empty. */
static bool name_valid_section(const struct ub_btf *btf, u32 off)
{
	const u8 *s = (const u8 *)btf->strs + off, *end = (const u8 *)btf->strs + btf->str_len;
	const u8 *limit = s + KSYM_NAME_LEN;
	if (!*s)
		return false;
	for (; s < end && *s && s < limit; s++)
		if (!k_isprint(*s))
			return false;
	return s < end && !*s;
}

/* ---- the log --------------------------------------------------------------- */

/*
 * The kernel's log shapes: a type line "[id] KIND name details[ message]",
 * member and section-entry lines indented under it (the type line repeated
 * first once the resolve pass runs), and free-standing messages with no
 * trailing newline.
 */
static int type_details(struct btf_env *env, const struct btf_type *t, char *buf, size_t sz)
{
	u32 vlen = BTF_INFO_VLEN(t->info);
	switch (btf_kind(t)) {
	case BTF_KIND_INT: {
		u32 d = btf_int_data(t), enc = BTF_INT_ENCODING(d);
		const char *es = !enc ? "(none)" : enc == BTF_INT_SIGNED ? "SIGNED"
						 : enc == BTF_INT_CHAR ? "CHAR"
						 : enc == BTF_INT_BOOL ? "BOOL" : "UNKN";
		return snprintf(buf, sz, "size=%u bits_offset=%u nr_bits=%u encoding=%s", t->size,
				BTF_INT_OFFSET(d), BTF_INT_BITS(d), es);
	}
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = (const void *)(t + 1);
		return snprintf(buf, sz, "type_id=%u index_type_id=%u nr_elems=%u", a->type,
				a->index_type, a->nelems);
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_DATASEC:
		return snprintf(buf, sz, "size=%u vlen=%u", t->size, vlen);
	case BTF_KIND_FWD:
		return snprintf(buf, sz, "%s", btf_kflag(t) ? "union" : "struct");
	case BTF_KIND_VAR:
		return snprintf(buf, sz, "type_id=%u linkage=%u", t->type,
				((const struct btf_var *)(t + 1))->linkage);
	case BTF_KIND_FLOAT:
		return snprintf(buf, sz, "size=%u", t->size);
	case BTF_KIND_DECL_TAG:
		return snprintf(buf, sz, "type=%u component_idx=%d", t->type,
				((const struct btf_decl_tag *)(t + 1))->component_idx);
	case BTF_KIND_FUNC_PROTO: {
		/* return=R args=(T name, ..., vararg) or args=(void) */
		const struct btf_param *p = (const void *)(t + 1);
		size_t n = (size_t)snprintf(buf, sz, "return=%u args=(", t->type);
		if (!vlen && n < sz)
			n += (size_t)snprintf(buf + n, sz - n, "void");
		for (u32 i = 0; i < vlen && n < sz; i++) {
			const char *sep = i ? ", " : "";
			if (i == vlen - 1 && !p[i].type)
				n += (size_t)snprintf(buf + n, sz - n, "%svararg", sep);
			else
				n += (size_t)snprintf(buf + n, sz - n, "%s%u %s", sep, p[i].type,
						      name_of(env->btf, p[i].name_off));
		}
		if (n < sz)
			n += (size_t)snprintf(buf + n, sz - n, ")");
		return (int)n;
	}
	}
	/* PTR, FUNC and the modifiers */
	return snprintf(buf, sz, "type_id=%u", t->type);
}

static void log_type_v(struct btf_env *env, const struct btf_type *t, bool details,
		       const char *fmt, va_list ap)
{
	char det[UB_LOG_LINE_MAX + 1] = "", msg[256] = "";
	if (details)
		type_details(env, t, det, sizeof(det));
	if (fmt)
		vsnprintf(msg, sizeof(msg), fmt, ap);
	ub_vlog(env->log, "[%u] %s %s%s%s%s%s\n", env->log_id, kind_str[btf_kind(t)],
		name_of(env->btf, t->name_off), details ? " " : "", det, *msg ? " " : "", msg);
}

static void log_type(struct btf_env *env, const struct btf_type *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void log_type(struct btf_env *env, const struct btf_type *t, const char *fmt, ...)
{
	if (!ub_vlog_needed(env->log))
		return;
	va_list ap;
	va_start(ap, fmt);
	log_type_v(env, t, true, fmt, ap);
	va_end(ap);
}

/* A type line without details: its records may not even be there. */
static void log_basic(struct btf_env *env, const struct btf_type *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void log_basic(struct btf_env *env, const struct btf_type *t, const char *fmt, ...)
{
	if (!ub_vlog_needed(env->log))
		return;
	va_list ap;
	va_start(ap, fmt);
	log_type_v(env, t, false, fmt, ap);
	va_end(ap);
}

static void log_member(struct btf_env *env, const struct btf_type *s, const struct btf_member *m,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void log_member(struct btf_env *env, const struct btf_type *s, const struct btf_member *m,
		       const char *fmt, ...)
{
	char msg[256] = "";
	if (!ub_vlog_needed(env->log))
		return;
	if (env->resolving)
		log_type(env, s, NULL);
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
	}
	if (btf_kflag(s))
		ub_vlog(env->log, "\t%s type_id=%u bitfield_size=%u bits_offset=%u%s%s\n",
			name_of(env->btf, m->name_off), m->type, BTF_MEMBER_BITFIELD_SIZE(m->offset),
			BTF_MEMBER_BIT_OFFSET(m->offset), *msg ? " " : "", msg);
	else
		ub_vlog(env->log, "\t%s type_id=%u bits_offset=%u%s%s\n",
			name_of(env->btf, m->name_off), m->type, m->offset, *msg ? " " : "", msg);
}

static void log_vsi(struct btf_env *env, const struct btf_type *sec,
		    const struct btf_var_secinfo *vsi, const char *msg)
{
	if (!ub_vlog_needed(env->log))
		return;
	if (env->resolving)
		log_type(env, sec, NULL);
	ub_vlog(env->log, "\t type_id=%u offset=%u size=%u%s%s\n", vsi->type, vsi->offset,
		vsi->size, msg ? " " : "", msg ? msg : "");
}

/* ---- pass 1: meta ---------------------------------------------------------- */

u32 ub_btf_type_bytes(const struct btf_type *t)
{
	u32 vlen = BTF_INFO_VLEN(t->info);
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		return sizeof(*t) + sizeof(u32);
	case BTF_KIND_ARRAY:
		return sizeof(*t) + sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return sizeof(*t) + vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return sizeof(*t) + vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return sizeof(*t) + vlen * sizeof(struct btf_param);
	case BTF_KIND_VAR:
		return sizeof(*t) + sizeof(struct btf_var);
	case BTF_KIND_DATASEC:
		return sizeof(*t) + vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_DECL_TAG:
		return sizeof(*t) + sizeof(struct btf_decl_tag);
	case BTF_KIND_ENUM64:
		return sizeof(*t) + vlen * sizeof(struct btf_enum64);
	}
	return sizeof(*t);
}

#define META_NEED(env, t, left, need)                                                        \
	do {                                                                                 \
		if ((left) < (need)) {                                                       \
			log_basic(env, t, "meta_left:%u meta_needed:%u", (u32)(left),        \
				 (u32)(need));                                               \
			return -EINVAL; /* the type's records run past the section */        \
		}                                                                            \
	} while (0)

static int check_meta_int(struct btf_env *env, const struct btf_type *t, u32 left)
{
	META_NEED(env, t, left, sizeof(u32));
	if (BTF_INFO_VLEN(t->info)) {
		log_type(env, t, "vlen != 0");
		return -EINVAL; /* an INT has no members */
	}
	if (btf_kflag(t)) {
		log_type(env, t, "Invalid btf_info kind_flag");
		return -EINVAL; /* kind_flag means nothing for INT */
	}
	u32 d = btf_int_data(t);
	if (d & ~0x0fffffffu) {
		log_basic(env, t, "Invalid int_data:%x", d);
		return -EINVAL; /* bits outside encoding/offset/bits */
	}
	u32 nr_bits = BTF_INT_BITS(d) + BTF_INT_OFFSET(d);
	if (nr_bits > 128) {
		log_type(env, t, "nr_bits exceeds 128");
		return -EINVAL; /* at most 128 bits */
	}
	if ((nr_bits + 7) / 8 > t->size) {
		log_type(env, t, "nr_bits exceeds type_size");
		return -EINVAL; /* the bits must fit the size */
	}
	u32 enc = BTF_INT_ENCODING(d);
	if (enc && enc != BTF_INT_SIGNED && enc != BTF_INT_CHAR && enc != BTF_INT_BOOL) {
		log_type(env, t, "Unsupported encoding");
		return -ENOTSUPP; /* one encoding bit at most */
	}
	log_type(env, t, NULL);
	return sizeof(u32);
}

/* PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG. */
static int check_meta_ref(struct btf_env *env, const struct btf_type *t, u32 left)
{
	u32 k = btf_kind(t);
	(void)left;
	if (BTF_INFO_VLEN(t->info)) {
		log_type(env, t, "vlen != 0");
		return -EINVAL; /* references have no members */
	}
	if (btf_kflag(t) && k != BTF_KIND_TYPE_TAG) {
		log_type(env, t, "Invalid btf_info kind_flag");
		return -EINVAL; /* only a TYPE_TAG has a kind_flag (attribute) */
	}
	if (t->type > UB_BTF_MAX_TYPE) {
		log_type(env, t, "Invalid type_id");
		return -EINVAL; /* ids are 20 bits */
	}
	if (k == BTF_KIND_TYPEDEF) {
		if (!t->name_off || !name_valid_identifier(env->btf, t->name_off)) {
			log_type(env, t, "Invalid name");
			return -EINVAL; /* a typedef has a C identifier */
		}
	} else if (k == BTF_KIND_TYPE_TAG) {
		if (!env->btf->strs[t->name_off]) {
			log_type(env, t, "Invalid name");
			return -EINVAL; /* a tag has a value */
		}
	} else if (t->name_off) {
		log_type(env, t, "Invalid name");
		return -EINVAL; /* pointers and qualifiers are anonymous */
	}
	log_type(env, t, NULL);
	return 0;
}

static int check_meta_fwd(struct btf_env *env, const struct btf_type *t, u32 left)
{
	(void)left;
	if (BTF_INFO_VLEN(t->info)) {
		log_type(env, t, "vlen != 0");
		return -EINVAL; /* a forward declaration has no members */
	}
	if (t->type) {
		log_type(env, t, "type != 0");
		return -EINVAL; /* ... and no type */
	}
	if (!t->name_off || !name_valid_identifier(env->btf, t->name_off)) {
		log_type(env, t, "Invalid name");
		return -EINVAL; /* and declares a named type */
	}
	log_type(env, t, NULL);
	return 0;
}

static int check_meta_array(struct btf_env *env, const struct btf_type *t, u32 left)
{
	const struct btf_array *a = (const void *)(t + 1);
	META_NEED(env, t, left, sizeof(*a));
	if (t->name_off) {
		log_type(env, t, "Invalid name");
		return -EINVAL; /* arrays are anonymous */
	}
	if (BTF_INFO_VLEN(t->info)) {
		log_type(env, t, "vlen != 0");
		return -EINVAL;
	}
	if (btf_kflag(t)) {
		log_type(env, t, "Invalid btf_info kind_flag");
		return -EINVAL;
	}
	if (t->size) {
		log_type(env, t, "size != 0");
		return -EINVAL; /* the size comes from the elements */
	}
	if (!a->type || a->type > UB_BTF_MAX_TYPE) {
		log_type(env, t, "Invalid elem");
		return -EINVAL; /* no array of void */
	}
	if (!a->index_type || a->index_type > UB_BTF_MAX_TYPE) {
		log_type(env, t, "Invalid index");
		return -EINVAL;
	}
	log_type(env, t, NULL);
	return sizeof(*a);
}

static int check_meta_struct(struct btf_env *env, const struct btf_type *t, u32 left)
{
	bool is_union = btf_kind(t) == BTF_KIND_UNION;
	u32 vlen = BTF_INFO_VLEN(t->info), need = vlen * sizeof(struct btf_member);
	const struct btf_member *m = btf_members(t);
	u32 last = 0;

	META_NEED(env, t, left, need);
	if (t->name_off && !name_valid_identifier(env->btf, t->name_off)) {
		log_type(env, t, "Invalid name");
		return -EINVAL; /* anonymous, or a C identifier */
	}
	log_type(env, t, NULL);
	for (u32 i = 0; i < vlen; i++, m++) {
		if (!name_offset_valid(env->btf, m->name_off)) {
			log_member(env, t, m, "Invalid member name_offset:%u", m->name_off);
			return -EINVAL;
		}
		if (m->name_off && !name_valid_identifier(env->btf, m->name_off)) {
			log_member(env, t, m, "Invalid name");
			return -EINVAL; /* a member is anonymous or a C identifier */
		}
		if (!m->type || m->type > UB_BTF_MAX_TYPE) {
			log_member(env, t, m, "Invalid type_id");
			return -EINVAL; /* no member of type void */
		}
		u32 off = ub_btf_member_bit_offset(t, m);
		if (is_union && off) {
			log_member(env, t, m, "Invalid member bits_offset");
			return -EINVAL; /* union members all start at 0 */
		}
		/* Equal is fine: a last `char a[0]` sits at the very end. */
		if ((off + 7) / 8 > t->size) {
			log_member(env, t, m, "Member bits_offset exceeds its struct size");
			return -EINVAL;
		}
		if (last > off) {
			log_member(env, t, m, "Invalid member bits_offset");
			return -EINVAL; /* members are in offset order */
		}
		last = off;
		log_member(env, t, m, NULL);
	}
	return (int)need;
}

static int check_meta_enum(struct btf_env *env, const struct btf_type *t, u32 left)
{
	bool is64 = btf_kind(t) == BTF_KIND_ENUM64;
	u32 vlen = BTF_INFO_VLEN(t->info);
	u32 rec = is64 ? sizeof(struct btf_enum64) : sizeof(struct btf_enum);
	u32 need = vlen * rec;

	META_NEED(env, t, left, need);
	if (t->size > 8 || !t->size || (t->size & (t->size - 1))) {
		log_type(env, t, "Unexpected size");
		return -EINVAL; /* 1, 2, 4 or 8 bytes */
	}
	if (t->name_off && !name_valid_identifier(env->btf, t->name_off)) {
		log_type(env, t, "Invalid name");
		return -EINVAL;
	}
	log_type(env, t, NULL);
	for (u32 i = 0; i < vlen; i++) {
		const u8 *r = (const u8 *)(t + 1) + i * rec;
		u32 name_off;
		memcpy(&name_off, r, 4);
		if (!name_offset_valid(env->btf, name_off)) {
			ub_vlog(env->log, "\tInvalid name_offset:%u", name_off);
			return -EINVAL;
		}
		if (!name_off || !name_valid_identifier(env->btf, name_off)) {
			log_type(env, t, "Invalid name");
			return -EINVAL; /* each enumerator has a C identifier */
		}
		if (ub_vlog_needed(env->log)) {
			if (is64) {
				const struct btf_enum64 *e = (const void *)r;
				u64 v = ((u64)e->val_hi32 << 32) | e->val_lo32;
				ub_vlog(env->log, btf_kflag(t) ? "\t%s val=%lld\n" : "\t%s val=%llu\n",
					name_of(env->btf, name_off), (unsigned long long)v);
			} else {
				const struct btf_enum *e = (const void *)r;
				ub_vlog(env->log, btf_kflag(t) ? "\t%s val=%d\n" : "\t%s val=%u\n",
					name_of(env->btf, name_off), e->val);
			}
		}
	}
	return (int)need;
}

static int check_meta_func_proto(struct btf_env *env, const struct btf_type *t, u32 left)
{
	u32 need = BTF_INFO_VLEN(t->info) * sizeof(struct btf_param);
	META_NEED(env, t, left, need);
	if (t->name_off) {
		log_type(env, t, "Invalid name");
		return -EINVAL; /* prototypes are anonymous; FUNCs name them */
	}
	if (btf_kflag(t)) {
		log_type(env, t, "Invalid btf_info kind_flag");
		return -EINVAL;
	}
	log_type(env, t, NULL);
	return (int)need;
}

static int check_meta_func(struct btf_env *env, const struct btf_type *t, u32 left)
{
	(void)left;
	if (!t->name_off || !name_valid_identifier(env->btf, t->name_off)) {
		log_type(env, t, "Invalid name");
		return -EINVAL; /* a function has a C identifier */
	}
	if (BTF_INFO_VLEN(t->info) > BTF_FUNC_GLOBAL) {
		log_type(env, t, "Invalid func linkage");
		return -EINVAL; /* vlen is the linkage: static or global (not extern) */
	}
	if (btf_kflag(t)) {
		log_type(env, t, "Invalid btf_info kind_flag");
		return -EINVAL;
	}
	log_type(env, t, NULL);
	return 0;
}

static int check_meta_var(struct btf_env *env, const struct btf_type *t, u32 left)
{
	const struct btf_var *v = (const void *)(t + 1);
	META_NEED(env, t, left, sizeof(*v));
	if (BTF_INFO_VLEN(t->info)) {
		log_type(env, t, "vlen != 0");
		return -EINVAL;
	}
	if (btf_kflag(t)) {
		log_type(env, t, "Invalid btf_info kind_flag");
		return -EINVAL;
	}
	if (!t->name_off || !name_valid_identifier(env->btf, t->name_off)) {
		log_type(env, t, "Invalid name");
		return -EINVAL; /* a variable has a C identifier */
	}
	if (!t->type || t->type > UB_BTF_MAX_TYPE) {
		log_type(env, t, "Invalid type_id");
		return -EINVAL; /* no variable of type void */
	}
	if (v->linkage != BTF_VAR_STATIC && v->linkage != BTF_VAR_GLOBAL_ALLOCATED) {
		log_type(env, t, "Linkage not supported");
		return -EINVAL; /* extern variables are resolved before loading */
	}
	log_type(env, t, NULL);
	return sizeof(*v);
}

static int check_meta_datasec(struct btf_env *env, const struct btf_type *t, u32 left)
{
	u32 vlen = BTF_INFO_VLEN(t->info), need = vlen * sizeof(struct btf_var_secinfo);
	const struct btf_var_secinfo *vsi = (const void *)(t + 1);
	u64 sum = 0;
	u32 last_end = 0;

	META_NEED(env, t, left, need);
	if (!t->size) {
		log_type(env, t, "size == 0");
		return -EINVAL; /* a section holds something */
	}
	if (btf_kflag(t)) {
		log_type(env, t, "Invalid btf_info kind_flag");
		return -EINVAL;
	}
	if (!t->name_off || !name_valid_section(env->btf, t->name_off)) {
		log_type(env, t, "Invalid name");
		return -EINVAL; /* printable, not empty */
	}
	log_type(env, t, NULL);
	for (u32 i = 0; i < vlen; i++, vsi++) {
		if (!vsi->type || vsi->type > UB_BTF_MAX_TYPE) {
			log_vsi(env, t, vsi, "Invalid type_id");
			return -EINVAL;
		}
		if (vsi->offset < last_end || vsi->offset >= t->size) {
			log_vsi(env, t, vsi, "Invalid offset");
			return -EINVAL; /* sorted, non-overlapping, inside the section */
		}
		if (!vsi->size || vsi->size > t->size) {
			log_vsi(env, t, vsi, "Invalid size");
			return -EINVAL;
		}
		last_end = vsi->offset + vsi->size;
		if (last_end > t->size || last_end < vsi->offset) {
			log_vsi(env, t, vsi, "Invalid offset+size");
			return -EINVAL;
		}
		log_vsi(env, t, vsi, NULL);
		sum += vsi->size;
	}
	if (t->size < sum) {
		log_type(env, t, "Invalid btf_info size");
		return -EINVAL;
	}
	return (int)need;
}

static int check_meta_float(struct btf_env *env, const struct btf_type *t, u32 left)
{
	(void)left;
	if (BTF_INFO_VLEN(t->info)) {
		log_type(env, t, "vlen != 0");
		return -EINVAL;
	}
	if (btf_kflag(t)) {
		log_type(env, t, "Invalid btf_info kind_flag");
		return -EINVAL;
	}
	if (t->size != 2 && t->size != 4 && t->size != 8 && t->size != 12 && t->size != 16) {
		log_type(env, t, "Invalid type_size");
		return -EINVAL; /* half, float, double, x87 long double, quad */
	}
	log_type(env, t, NULL);
	return 0;
}

static int check_meta_decl_tag(struct btf_env *env, const struct btf_type *t, u32 left)
{
	const struct btf_decl_tag *tag = (const void *)(t + 1);
	META_NEED(env, t, left, sizeof(*tag));
	if (!env->btf->strs[t->name_off]) {
		log_type(env, t, "Invalid value");
		return -EINVAL; /* the tag's text */
	}
	if (BTF_INFO_VLEN(t->info)) {
		log_type(env, t, "vlen != 0");
		return -EINVAL;
	}
	if (tag->component_idx < -1) {
		log_type(env, t, "Invalid component_idx");
		return -EINVAL; /* -1 is the whole declaration, else a member/argument */
	}
	log_type(env, t, NULL);
	return sizeof(*tag);
}

static int check_meta(struct btf_env *env, const struct btf_type *t, u32 left)
{
	if (left < sizeof(*t)) {
		ub_vlog(env->log, "[%u] meta_left:%u meta_needed:%zu", env->log_id, left,
			sizeof(*t));
		return -EINVAL; /* a truncated type header */
	}
	left -= sizeof(*t);
	if (t->info & ~0x9f00ffffu) {
		ub_vlog(env->log, "[%u] Invalid btf_info:%x", env->log_id, t->info);
		return -EINVAL; /* unknown info bits */
	}
	u32 k = btf_kind(t);
	if (k > BTF_KIND_MAX || k == BTF_KIND_UNKN) {
		ub_vlog(env->log, "[%u] Invalid kind:%u", env->log_id, k);
		return -EINVAL;
	}
	if (!name_offset_valid(env->btf, t->name_off)) {
		ub_vlog(env->log, "[%u] Invalid name_offset:%u", env->log_id, t->name_off);
		return -EINVAL;
	}
	int r;
	switch (k) {
	case BTF_KIND_INT:
		r = check_meta_int(env, t, left);
		break;
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		r = check_meta_ref(env, t, left);
		break;
	case BTF_KIND_ARRAY:
		r = check_meta_array(env, t, left);
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		r = check_meta_struct(env, t, left);
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		r = check_meta_enum(env, t, left);
		break;
	case BTF_KIND_FWD:
		r = check_meta_fwd(env, t, left);
		break;
	case BTF_KIND_FUNC:
		r = check_meta_func(env, t, left);
		break;
	case BTF_KIND_FUNC_PROTO:
		r = check_meta_func_proto(env, t, left);
		break;
	case BTF_KIND_VAR:
		r = check_meta_var(env, t, left);
		break;
	case BTF_KIND_DATASEC:
		r = check_meta_datasec(env, t, left);
		break;
	case BTF_KIND_FLOAT:
		r = check_meta_float(env, t, left);
		break;
	default: /* BTF_KIND_DECL_TAG */
		r = check_meta_decl_tag(env, t, left);
		break;
	}
	return r < 0 ? r : (int)sizeof(*t) + r;
}

static int add_type(struct btf_env *env, const struct btf_type *t)
{
	struct ub_btf *btf = env->btf;
	if (btf->nr_types >= env->cap) {
		if (env->cap > UB_BTF_MAX_TYPE) {
			ub_vlog(env->log, "Exceeded max num of types");
			return -E2BIG; /* ids are 20 bits */
		}
		u32 cap = env->cap ? env->cap * 2 : 64;
		if (cap > UB_BTF_MAX_TYPE + 1)
			cap = UB_BTF_MAX_TYPE + 1;
		const struct btf_type **nt = realloc(btf->types, cap * sizeof(*nt));
		if (!nt)
			return -ENOMEM;
		btf->types = nt;
		env->cap = cap;
	}
	btf->types[btf->nr_types++] = t;
	return 0;
}

static int check_all_metas(struct btf_env *env)
{
	struct ub_btf *btf = env->btf;
	const u8 *cur = btf->data + btf->hdr.hdr_len + btf->hdr.type_off;
	const u8 *end = cur + btf->hdr.type_len;
	int err = add_type(env, &btf_void);
	if (err)
		return err;
	env->log_id = 1;
	while (cur < end) {
		const struct btf_type *t = (const void *)cur;
		int n = check_meta(env, t, (u32)(end - cur));
		if (n < 0)
			return n;
		err = add_type(env, t);
		if (err)
			return err;
		cur += n;
		env->log_id++;
	}
	return 0;
}

/* ---- header and sections ----------------------------------------------------- */

static int parse_hdr(struct btf_env *env)
{
	struct ub_btf *btf = env->btf;
	u32 size = btf->size, hdr_len;

	if (size < offsetofend(struct btf_header, hdr_len)) {
		ub_vlog(env->log, "hdr_len not found");
		return -EINVAL; /* not even the fixed start of a header */
	}
	memcpy(&hdr_len, btf->data + offsetof(struct btf_header, hdr_len), 4);
	if (size < hdr_len) {
		ub_vlog(env->log, "btf_header not found");
		return -EINVAL;
	}
	if (hdr_len > sizeof(struct btf_header) &&
	    !mem_is_zero(btf->data, sizeof(struct btf_header), hdr_len)) {
		ub_vlog(env->log, "Unsupported btf_header");
		return -E2BIG; /* a newer header with fields we do not know */
	}
	memset(&btf->hdr, 0, sizeof(btf->hdr));
	memcpy(&btf->hdr, btf->data, hdr_len < sizeof(btf->hdr) ? hdr_len : sizeof(btf->hdr));
	const struct btf_header *h = &btf->hdr;
	ub_vlog(env->log,
		"magic: 0x%x\nversion: %u\nflags: 0x%x\nhdr_len: %u\ntype_off: %u\n"
		"type_len: %u\nstr_off: %u\nstr_len: %u\nbtf_total_size: %u\n",
		h->magic, h->version, h->flags, h->hdr_len, h->type_off, h->type_len,
		h->str_off, h->str_len, size);
	if (h->magic != BTF_MAGIC) {
		ub_vlog(env->log, "Invalid magic");
		return -EINVAL;
	}
	if (h->version != BTF_VERSION) {
		ub_vlog(env->log, "Unsupported version");
		return -ENOTSUPP;
	}
	if (h->flags) {
		ub_vlog(env->log, "Unsupported flags");
		return -ENOTSUPP;
	}
	if (size == h->hdr_len) {
		ub_vlog(env->log, "No data");
		return -EINVAL; /* a header and nothing else */
	}

	/* Sections, in offset order, must tile the rest exactly. */
	struct {
		u32 off, len;
	} s[2] = {{h->type_off, h->type_len}, {h->str_off, h->str_len}};
	if (s[1].off < s[0].off || (s[1].off == s[0].off && s[1].len < s[0].len)) {
		__typeof__(s[0]) tmp = s[0];
		s[0] = s[1];
		s[1] = tmp;
	}
	u32 total = 0, expected = size - h->hdr_len;
	for (int i = 0; i < 2; i++) {
		if (expected < s[i].off) {
			ub_vlog(env->log, "Invalid section offset");
			return -EINVAL;
		}
		if (total < s[i].off) {
			ub_vlog(env->log, "Unsupported section found");
			return -EINVAL; /* a gap: data we do not know */
		}
		if (total > s[i].off) {
			ub_vlog(env->log, "Section overlap found");
			return -EINVAL;
		}
		if (expected - total < s[i].len) {
			ub_vlog(env->log, "Total section length too long");
			return -EINVAL;
		}
		total += s[i].len;
	}
	if (expected != total) {
		ub_vlog(env->log, "Unsupported section found");
		return -EINVAL; /* trailing data */
	}
	return 0;
}

static int parse_str_sec(struct btf_env *env)
{
	struct ub_btf *btf = env->btf;
	const struct btf_header *h = &btf->hdr;
	const char *start = (const char *)btf->data + h->hdr_len + h->str_off;
	const char *end = start + h->str_len;

	if (end != (const char *)btf->data + btf->size) {
		ub_vlog(env->log, "String section is not at the end");
		return -EINVAL;
	}
	btf->strs = start;
	btf->str_len = h->str_len;
	if (!h->str_len || h->str_len - 1 > UB_BTF_MAX_NAME_OFFSET || end[-1] || start[0]) {
		ub_vlog(env->log, "Invalid string section");
		return -EINVAL; /* starts with "" and ends with a NUL */
	}
	return 0;
}

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
		log_type(env, v->t, "Invalid type_id");
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
			log_type(env, v->t, "Invalid type_id");
			return -EINVAL;
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
		log_type(env, v->t, "Invalid type_id");
		return -EINVAL;
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
			log_type(env, v->t, "Invalid type_id");
			return -EINVAL; /* a variable has a size */
		}
		if (is_resolved(env, next_id))
			next = id_resolve(btf, &next_id);
		if (btf_kind(next) != BTF_KIND_UNKN && btf_kind(next) != BTF_KIND_FWD &&
		    btf_kind(next) != BTF_KIND_FUNC_PROTO) {
			log_type(env, v->t, "Invalid type_id");
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
		log_type(env, v->t, "Invalid index");
		return -EINVAL;
	}
	if (!is_sink(env, t) && !is_resolved(env, id))
		return push(env, t, id);
	t = ub_btf_type_id_size(btf, &id, NULL);
	if (!t || btf_kind(t) != BTF_KIND_INT || !btf_int_is_regular(t)) {
		log_type(env, v->t, "Invalid index");
		return -EINVAL; /* indexes are plain integers */
	}

	id = a->type;
	t = ub_btf_type(btf, id);
	if (!t || btf_nosize(t) || source_only(t)) {
		log_type(env, v->t, "Invalid elem");
		return -EINVAL;
	}
	if (!is_sink(env, t) && !is_resolved(env, id))
		return push(env, t, id);
	t = ub_btf_type_id_size(btf, &id, &elem_size);
	if (!t) {
		log_type(env, v->t, "Invalid elem");
		return -EINVAL;
	}
	if (btf_kind(t) == BTF_KIND_INT && !btf_int_is_regular(t)) {
		log_type(env, v->t, "Invalid array of int");
		return -EINVAL; /* no arrays of bitfield-like ints */
	}
	if (a->nelems && elem_size > UINT32_MAX / a->nelems) {
		log_type(env, v->t, "Array size overflows U32_MAX");
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
	log_member(env, s, m, "%s", msg);
	return -EINVAL;
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
			log_member(env, v->t, &m[i], "Invalid member");
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
			log_vsi(env, v->t, &vsi[i], "Not a VAR kind member");
			return -EINVAL; /* a section lists variables */
		}
		if (!is_sink(env, var) && !is_resolved(env, vsi[i].type)) {
			v->next_member = i + 1;
			return push(env, var, vsi[i].type);
		}
		u32 id = var->type, size;
		if (!ub_btf_type_id_size(btf, &id, &size)) {
			log_vsi(env, v->t, &vsi[i], "Invalid type");
			return -EINVAL;
		}
		if (vsi[i].size < size) {
			log_vsi(env, v->t, &vsi[i], "Invalid size");
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
		log_type(env, v->t, "Invalid type_id");
		return -EINVAL; /* a FUNC names a FUNC_PROTO */
	}
	const struct btf_param *p = (const void *)(proto + 1);
	for (u32 i = 0; i < BTF_INFO_VLEN(proto->info); i++) {
		if (!p[i].name_off && p[i].type) {
			log_type(env, v->t, "Invalid arg#%u", i + 1);
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
		log_type(env, v->t, "Invalid type_id");
		return -EINVAL; /* tags annotate functions, structs, variables, typedefs */
	}
	if (!is_sink(env, next) && !is_resolved(env, next_id))
		return push(env, next, next_id);
	if (idx != -1) {
		u32 vlen;
		if (btf_kind(next) == BTF_KIND_VAR || btf_kind(next) == BTF_KIND_TYPEDEF) {
			log_type(env, v->t, "Invalid component_idx");
			return -EINVAL; /* those have no components */
		}
		if (btf_is_struct(next)) {
			vlen = BTF_INFO_VLEN(next->info);
		} else {
			const struct btf_type *proto = ub_btf_type(btf, next->type);
			vlen = proto ? BTF_INFO_VLEN(proto->info) : 0;
		}
		if ((u32)idx >= vlen) {
			log_type(env, v->t, "Invalid component_idx");
			return -EINVAL;
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
	while (!err && env->top)
		err = resolve_one(env, &env->stack[env->top - 1]);
	env->log_id = id;
	if (err == -E2BIG)
		log_type(env, t, "Exceeded max resolving depth:%d", UB_BTF_MAX_RESOLVE_DEPTH);
	else if (err == -EEXIST)
		log_type(env, t, "Loop detected");
	if (!err && !resolve_valid(env, t, id)) {
		log_type(env, t, "Invalid resolve state");
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
			log_type(env, t, "Invalid return type");
			return -EINVAL;
		}
		if (needs_resolve(rt) && !is_resolved(env, rid)) {
			err = resolve(env, rt, rid);
			if (err)
				return err;
		}
		if (!ub_btf_type_id_size(btf, &rid, NULL)) {
			log_type(env, t, "Invalid return type");
			return -EINVAL;
		}
	}
	if (!n)
		return 0;
	if (!p[n - 1].type) { /* varargs */
		if (p[n - 1].name_off) {
			log_type(env, t, "Invalid arg#%u", n);
			return -EINVAL;
		}
		n--;
	}
	for (u32 i = 0; i < n; i++) {
		u32 aid = p[i].type;
		const struct btf_type *at = ub_btf_type(btf, aid);
		if (!at || source_only(at)) {
			log_type(env, t, "Invalid arg#%u", i + 1);
			return -EINVAL;
		}
		if (p[i].name_off && (!name_offset_valid(btf, p[i].name_off) ||
				      !name_valid_identifier(btf, p[i].name_off))) {
			log_type(env, t, "Invalid arg#%u", i + 1);
			return -EINVAL;
		}
		if (needs_resolve(at) && !is_resolved(env, aid)) {
			err = resolve(env, at, aid);
			if (err)
				return err;
		}
		if (!ub_btf_type_id_size(btf, &aid, NULL)) {
			log_type(env, t, "Invalid arg#%u", i + 1);
			return -EINVAL;
		}
	}
	return 0;
}

static int check_all_types(struct btf_env *env)
{
	struct ub_btf *btf = env->btf;
	u32 n = btf->nr_types;
	env->rid = calloc(n, sizeof(u32));
	env->rsize = calloc(n, sizeof(u32));
	env->visit = calloc(n, 1);
	if (!env->rid || !env->rsize || !env->visit)
		return -ENOMEM;
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

/*
 * Structs that embed one of the kernel's special types by id (a lock, a
 * graph root or node, a refcount) must have well-formed special fields,
 * checked at load as the kernel does.
 */
static int check_struct_metas(struct btf_env *env)
{
	static const char *const special[] = {"bpf_spin_lock", "bpf_list_head", "bpf_list_node",
					      "bpf_rb_root",   "bpf_rb_node",   "bpf_refcount"};
	const struct ub_btf *btf = env->btf;
	int ids[ARRAY_SIZE(special)], nids = 0;

	for (size_t i = 0; i < ARRAY_SIZE(special); i++) {
		int id = ub_btf_find_by_name_kind(btf, special[i], BTF_KIND_STRUCT);
		if (id > 0)
			ids[nids++] = id;
	}
	if (!nids)
		return 0;
	for (u32 id = 1; id < btf->nr_types; id++) {
		const struct btf_type *t = btf->types[id];
		if (btf_kind(t) != BTF_KIND_STRUCT)
			continue;
		const struct btf_member *m = btf_members(t);
		bool has = false;
		for (u32 i = 0; i < BTF_INFO_VLEN(t->info) && !has; i++)
			for (int j = 0; j < nids; j++)
				has |= m[i].type == (u32)ids[j];
		if (!has)
			continue;
		struct ub_btf_record rec;
		int r = ub_btf_parse_fields(btf, t,
					    UB_FIELD_SPIN_LOCK | UB_FIELD_RES_SPIN_LOCK |
						    UB_FIELD_LIST_HEAD | UB_FIELD_LIST_NODE |
						    UB_FIELD_RB_ROOT | UB_FIELD_RB_NODE |
						    UB_FIELD_REFCOUNT | UB_FIELD_KPTR,
					    t->size, &rec);
		if (r < 0)
			return r; /* malformed special fields in a struct that has them */
		if (r == 0)
			return -EFAULT; /* the kernel's answer when it finds none after all */
	}
	return 0;
}

void ub_btf_index_free(struct ub_btf *btf)
{
	free(btf->types);
	btf->types = NULL;
}

int ub_btf_parse(struct ub_btf *btf, const u8 *data, u32 size, struct ub_vlog *log)
{
	struct btf_env env = {.btf = btf, .log = log};
	int err;

	btf->data = data;
	btf->size = size;
	btf->nr_types = 0;
	btf->types = NULL;
	btf->resolved_id = btf->resolved_size = NULL;
	err = parse_hdr(&env);
	if (!err)
		err = parse_str_sec(&env);
	if (!err) {
		if (btf->hdr.type_off & 3) {
			ub_vlog(log, "Unaligned type_off");
			err = -EINVAL;
		} else if (!btf->hdr.type_len) {
			ub_vlog(log, "No type found");
			err = -EINVAL;
		}
	}
	if (!err)
		err = check_all_metas(&env);
	if (!err)
		err = check_all_types(&env);
	if (!err)
		err = check_struct_metas(&env);
	free(env.visit);
	if (err) {
		free(env.rid);
		free(env.rsize);
		btf->resolved_id = btf->resolved_size = NULL;
		ub_btf_index_free(btf);
	}
	return err;
}

int ub_btf_index(struct ub_btf *btf, const u8 *data, u32 size)
{
	const struct btf_header *h = (const void *)data;
	memset(&btf->hdr, 0, sizeof(btf->hdr));
	memcpy(&btf->hdr, data, h->hdr_len < sizeof(btf->hdr) ? h->hdr_len : sizeof(btf->hdr));
	btf->data = data;
	btf->size = size;
	btf->strs = (const char *)data + btf->hdr.hdr_len + btf->hdr.str_off;
	btf->str_len = btf->hdr.str_len;
	u32 n = 1;
	const u8 *cur = data + btf->hdr.hdr_len + btf->hdr.type_off, *end = cur + btf->hdr.type_len;
	for (const u8 *p = cur; p < end; p += ub_btf_type_bytes((const void *)p))
		n++;
	btf->types = malloc(n * sizeof(*btf->types));
	if (!btf->types)
		return -ENOMEM;
	btf->types[0] = &btf_void;
	btf->nr_types = 1;
	for (const u8 *p = cur; p < end; p += ub_btf_type_bytes((const void *)p))
		btf->types[btf->nr_types++] = (const void *)p;
	return 0;
}
