// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The BTF validator: header, sections, strings, and every kind's record (pass 1; see env.h). */
#include "btf/env.h"

#include <stdarg.h>
#include <stdlib.h>

static const struct btf_type btf_void;

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

bool ub_btf_name_offset_valid(const struct ub_btf *btf, u32 off)
{
	return off < btf->str_len;
}

const char *ub_btf_name_of(const struct ub_btf *btf, u32 off)
{
	if (!off)
		return "(anon)";
	return ub_btf_name_offset_valid(btf, off) ? btf->strs + off : "(invalid-name-offset)";
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

/* A C identifier, dots allowed anywhere (the live kernel takes ".a"), under 512 characters. */
bool ub_btf_name_valid_identifier(const struct ub_btf *btf, u32 off)
{
	const u8 *s = (const u8 *)btf->strs + off, *end = (const u8 *)btf->strs + btf->str_len;
	const u8 *limit = s + KSYM_NAME_LEN;
	if (!k_isalpha(*s) && *s != '_' && *s != '.')
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
						      ub_btf_name_of(env->btf, p[i].name_off));
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
		ub_btf_name_of(env->btf, t->name_off), details ? " " : "", det, *msg ? " " : "", msg);
}


void ub_btf_log_type(struct btf_env *env, const struct btf_type *t, const char *fmt, ...)
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


void ub_btf_log_member(struct btf_env *env, const struct btf_type *s, const struct btf_member *m,
		       const char *fmt, ...)
{
	char msg[256] = "";
	if (!ub_vlog_needed(env->log))
		return;
	if (env->resolving)
		ub_btf_log_type(env, s, NULL);
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
	}
	if (btf_kflag(s))
		ub_vlog(env->log, "\t%s type_id=%u bitfield_size=%u bits_offset=%u%s%s\n",
			ub_btf_name_of(env->btf, m->name_off), m->type, BTF_MEMBER_BITFIELD_SIZE(m->offset),
			BTF_MEMBER_BIT_OFFSET(m->offset), *msg ? " " : "", msg);
	else
		ub_vlog(env->log, "\t%s type_id=%u bits_offset=%u%s%s\n",
			ub_btf_name_of(env->btf, m->name_off), m->type, m->offset, *msg ? " " : "", msg);
}

void ub_btf_log_vsi(struct btf_env *env, const struct btf_type *sec,
		    const struct btf_var_secinfo *vsi, const char *msg)
{
	if (!ub_vlog_needed(env->log))
		return;
	if (env->resolving)
		ub_btf_log_type(env, sec, NULL);
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
		ub_btf_log_type(env, t, "vlen != 0");
		return -EINVAL; /* an INT has no members */
	}
	if (btf_kflag(t)) {
		ub_btf_log_type(env, t, "Invalid btf_info kind_flag");
		return -EINVAL; /* kind_flag means nothing for INT */
	}
	u32 d = btf_int_data(t);
	if (d & ~0x0fffffffu) {
		log_basic(env, t, "Invalid int_data:%x", d);
		return -EINVAL; /* bits outside encoding/offset/bits */
	}
	u32 nr_bits = BTF_INT_BITS(d) + BTF_INT_OFFSET(d);
	if (nr_bits > 128) {
		ub_btf_log_type(env, t, "nr_bits exceeds 128");
		return -EINVAL; /* at most 128 bits */
	}
	if ((nr_bits + 7) / 8 > t->size) {
		ub_btf_log_type(env, t, "nr_bits exceeds type_size");
		return -EINVAL; /* the bits must fit the size */
	}
	u32 enc = BTF_INT_ENCODING(d);
	if (enc && enc != BTF_INT_SIGNED && enc != BTF_INT_CHAR && enc != BTF_INT_BOOL) {
		ub_btf_log_type(env, t, "Unsupported encoding");
		return -ENOTSUPP; /* one encoding bit at most */
	}
	ub_btf_log_type(env, t, NULL);
	return sizeof(u32);
}

/* PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG. */
static int check_meta_ref(struct btf_env *env, const struct btf_type *t, u32 left)
{
	u32 k = btf_kind(t);
	(void)left;
	if (BTF_INFO_VLEN(t->info)) {
		ub_btf_log_type(env, t, "vlen != 0");
		return -EINVAL; /* references have no members */
	}
	if (btf_kflag(t) && k != BTF_KIND_TYPE_TAG) {
		ub_btf_log_type(env, t, "Invalid btf_info kind_flag");
		return -EINVAL; /* only a TYPE_TAG has a kind_flag (attribute) */
	}
	if (t->type > UB_BTF_MAX_TYPE) {
		ub_btf_log_type(env, t, "Invalid type_id");
		return -EINVAL; /* ids are 20 bits */
	}
	if (k == BTF_KIND_TYPEDEF) {
		if (!t->name_off || !ub_btf_name_valid_identifier(env->btf, t->name_off)) {
			ub_btf_log_type(env, t, "Invalid name");
			return -EINVAL; /* a typedef has a C identifier */
		}
	} else if (k == BTF_KIND_TYPE_TAG) {
		if (!env->btf->strs[t->name_off]) {
			ub_btf_log_type(env, t, "Invalid name");
			return -EINVAL; /* a tag has a value */
		}
	} else if (t->name_off) {
		ub_btf_log_type(env, t, "Invalid name");
		return -EINVAL; /* pointers and qualifiers are anonymous */
	}
	ub_btf_log_type(env, t, NULL);
	return 0;
}

static int check_meta_fwd(struct btf_env *env, const struct btf_type *t, u32 left)
{
	(void)left;
	if (BTF_INFO_VLEN(t->info)) {
		ub_btf_log_type(env, t, "vlen != 0");
		return -EINVAL; /* a forward declaration has no members */
	}
	if (t->type) {
		ub_btf_log_type(env, t, "type != 0");
		return -EINVAL; /* ... and no type */
	}
	if (!t->name_off || !ub_btf_name_valid_identifier(env->btf, t->name_off)) {
		ub_btf_log_type(env, t, "Invalid name");
		return -EINVAL; /* and declares a named type */
	}
	ub_btf_log_type(env, t, NULL);
	return 0;
}

static int check_meta_array(struct btf_env *env, const struct btf_type *t, u32 left)
{
	const struct btf_array *a = (const void *)(t + 1);
	META_NEED(env, t, left, sizeof(*a));
	if (t->name_off) {
		ub_btf_log_type(env, t, "Invalid name");
		return -EINVAL; /* arrays are anonymous */
	}
	if (BTF_INFO_VLEN(t->info)) {
		ub_btf_log_type(env, t, "vlen != 0");
		return -EINVAL;
	}
	if (btf_kflag(t)) {
		ub_btf_log_type(env, t, "Invalid btf_info kind_flag");
		return -EINVAL;
	}
	if (t->size) {
		ub_btf_log_type(env, t, "size != 0");
		return -EINVAL; /* the size comes from the elements */
	}
	if (!a->type || a->type > UB_BTF_MAX_TYPE) {
		ub_btf_log_type(env, t, "Invalid elem");
		return -EINVAL; /* no array of void */
	}
	if (!a->index_type || a->index_type > UB_BTF_MAX_TYPE) {
		ub_btf_log_type(env, t, "Invalid index");
		return -EINVAL;
	}
	ub_btf_log_type(env, t, NULL);
	return sizeof(*a);
}

static int check_meta_struct(struct btf_env *env, const struct btf_type *t, u32 left)
{
	bool is_union = btf_kind(t) == BTF_KIND_UNION;
	u32 vlen = BTF_INFO_VLEN(t->info), need = vlen * sizeof(struct btf_member);
	const struct btf_member *m = btf_members(t);
	u32 last = 0;

	META_NEED(env, t, left, need);
	if (t->name_off && !ub_btf_name_valid_identifier(env->btf, t->name_off)) {
		ub_btf_log_type(env, t, "Invalid name");
		return -EINVAL; /* anonymous, or a C identifier */
	}
	ub_btf_log_type(env, t, NULL);
	for (u32 i = 0; i < vlen; i++, m++) {
		if (!ub_btf_name_offset_valid(env->btf, m->name_off)) {
			ub_btf_log_member(env, t, m, "Invalid member name_offset:%u", m->name_off);
			return -EINVAL;
		}
		if (m->name_off && !ub_btf_name_valid_identifier(env->btf, m->name_off)) {
			ub_btf_log_member(env, t, m, "Invalid name");
			return -EINVAL; /* a member is anonymous or a C identifier */
		}
		if (!m->type || m->type > UB_BTF_MAX_TYPE) {
			ub_btf_log_member(env, t, m, "Invalid type_id");
			return -EINVAL; /* no member of type void */
		}
		u32 off = ub_btf_member_bit_offset(t, m);
		if (is_union && off) {
			ub_btf_log_member(env, t, m, "Invalid member bits_offset");
			return -EINVAL; /* union members all start at 0 */
		}
		/* Equal is fine: a last `char a[0]` sits at the very end. */
		if ((off + 7) / 8 > t->size) {
			ub_btf_log_member(env, t, m, "Member bits_offset exceeds its struct size");
			return -EINVAL;
		}
		if (last > off) {
			ub_btf_log_member(env, t, m, "Invalid member bits_offset");
			return -EINVAL; /* members are in offset order */
		}
		last = off;
		ub_btf_log_member(env, t, m, NULL);
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
		ub_btf_log_type(env, t, "Unexpected size");
		return -EINVAL; /* 1, 2, 4 or 8 bytes */
	}
	if (t->name_off && !ub_btf_name_valid_identifier(env->btf, t->name_off)) {
		ub_btf_log_type(env, t, "Invalid name");
		return -EINVAL;
	}
	ub_btf_log_type(env, t, NULL);
	for (u32 i = 0; i < vlen; i++) {
		const u8 *r = (const u8 *)(t + 1) + i * rec;
		u32 name_off;
		memcpy(&name_off, r, 4);
		if (!ub_btf_name_offset_valid(env->btf, name_off)) {
			ub_vlog(env->log, "\tInvalid name_offset:%u", name_off);
			return -EINVAL;
		}
		if (!name_off || !ub_btf_name_valid_identifier(env->btf, name_off)) {
			ub_btf_log_type(env, t, "Invalid name");
			return -EINVAL; /* each enumerator has a C identifier */
		}
		if (ub_vlog_needed(env->log)) {
			if (is64) {
				const struct btf_enum64 *e = (const void *)r;
				u64 v = ((u64)e->val_hi32 << 32) | e->val_lo32;
				ub_vlog(env->log, btf_kflag(t) ? "\t%s val=%lld\n" : "\t%s val=%llu\n",
					ub_btf_name_of(env->btf, name_off), (unsigned long long)v);
			} else {
				const struct btf_enum *e = (const void *)r;
				ub_vlog(env->log, btf_kflag(t) ? "\t%s val=%d\n" : "\t%s val=%u\n",
					ub_btf_name_of(env->btf, name_off), e->val);
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
		ub_btf_log_type(env, t, "Invalid name");
		return -EINVAL; /* prototypes are anonymous; FUNCs name them */
	}
	if (btf_kflag(t)) {
		ub_btf_log_type(env, t, "Invalid btf_info kind_flag");
		return -EINVAL;
	}
	ub_btf_log_type(env, t, NULL);
	return (int)need;
}

static int check_meta_func(struct btf_env *env, const struct btf_type *t, u32 left)
{
	(void)left;
	if (!t->name_off || !ub_btf_name_valid_identifier(env->btf, t->name_off)) {
		ub_btf_log_type(env, t, "Invalid name");
		return -EINVAL; /* a function has a C identifier */
	}
	if (BTF_INFO_VLEN(t->info) > BTF_FUNC_GLOBAL) {
		ub_btf_log_type(env, t, "Invalid func linkage");
		return -EINVAL; /* vlen is the linkage: static or global (not extern) */
	}
	if (btf_kflag(t)) {
		ub_btf_log_type(env, t, "Invalid btf_info kind_flag");
		return -EINVAL;
	}
	ub_btf_log_type(env, t, NULL);
	return 0;
}

static int check_meta_var(struct btf_env *env, const struct btf_type *t, u32 left)
{
	const struct btf_var *v = (const void *)(t + 1);
	META_NEED(env, t, left, sizeof(*v));
	if (BTF_INFO_VLEN(t->info)) {
		ub_btf_log_type(env, t, "vlen != 0");
		return -EINVAL;
	}
	if (btf_kflag(t)) {
		ub_btf_log_type(env, t, "Invalid btf_info kind_flag");
		return -EINVAL;
	}
	if (!t->name_off || !ub_btf_name_valid_identifier(env->btf, t->name_off)) {
		ub_btf_log_type(env, t, "Invalid name");
		return -EINVAL; /* a variable has a C identifier */
	}
	if (!t->type || t->type > UB_BTF_MAX_TYPE) {
		ub_btf_log_type(env, t, "Invalid type_id");
		return -EINVAL; /* no variable of type void */
	}
	if (v->linkage != BTF_VAR_STATIC && v->linkage != BTF_VAR_GLOBAL_ALLOCATED) {
		ub_btf_log_type(env, t, "Linkage not supported");
		return -EINVAL; /* extern variables are resolved before loading */
	}
	ub_btf_log_type(env, t, NULL);
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
		ub_btf_log_type(env, t, "size == 0");
		return -EINVAL; /* a section holds something */
	}
	if (btf_kflag(t)) {
		ub_btf_log_type(env, t, "Invalid btf_info kind_flag");
		return -EINVAL;
	}
	if (!t->name_off || !name_valid_section(env->btf, t->name_off)) {
		ub_btf_log_type(env, t, "Invalid name");
		return -EINVAL; /* printable, not empty */
	}
	ub_btf_log_type(env, t, NULL);
	for (u32 i = 0; i < vlen; i++, vsi++) {
		if (!vsi->type || vsi->type > UB_BTF_MAX_TYPE) {
			ub_btf_log_vsi(env, t, vsi, "Invalid type_id");
			return -EINVAL;
		}
		if (vsi->offset < last_end || vsi->offset >= t->size) {
			ub_btf_log_vsi(env, t, vsi, "Invalid offset");
			return -EINVAL; /* sorted, non-overlapping, inside the section */
		}
		if (!vsi->size || vsi->size > t->size) {
			ub_btf_log_vsi(env, t, vsi, "Invalid size");
			return -EINVAL;
		}
		last_end = vsi->offset + vsi->size;
		if (last_end > t->size) {
			ub_btf_log_vsi(env, t, vsi, "Invalid offset+size");
			return -EINVAL;
		}
		ub_btf_log_vsi(env, t, vsi, NULL);
		sum += vsi->size;
	}
	if (t->size < sum) {
		ub_btf_log_type(env, t, "Invalid btf_info size");
		return -EINVAL;
	}
	return (int)need;
}

static int check_meta_float(struct btf_env *env, const struct btf_type *t, u32 left)
{
	(void)left;
	if (BTF_INFO_VLEN(t->info)) {
		ub_btf_log_type(env, t, "vlen != 0");
		return -EINVAL;
	}
	if (btf_kflag(t)) {
		ub_btf_log_type(env, t, "Invalid btf_info kind_flag");
		return -EINVAL;
	}
	if (t->size != 2 && t->size != 4 && t->size != 8 && t->size != 12 && t->size != 16) {
		ub_btf_log_type(env, t, "Invalid type_size");
		return -EINVAL; /* half, float, double, x87 long double, quad */
	}
	ub_btf_log_type(env, t, NULL);
	return 0;
}

static int check_meta_decl_tag(struct btf_env *env, const struct btf_type *t, u32 left)
{
	const struct btf_decl_tag *tag = (const void *)(t + 1);
	META_NEED(env, t, left, sizeof(*tag));
	if (!env->btf->strs[t->name_off]) {
		ub_btf_log_type(env, t, "Invalid value");
		return -EINVAL; /* the tag's text */
	}
	if (BTF_INFO_VLEN(t->info)) {
		ub_btf_log_type(env, t, "vlen != 0");
		return -EINVAL;
	}
	if (tag->component_idx < -1) {
		ub_btf_log_type(env, t, "Invalid component_idx");
		return -EINVAL; /* -1 is the whole declaration, else a member/argument */
	}
	ub_btf_log_type(env, t, NULL);
	return sizeof(*tag);
}

/* Each kind's own checks, by kind; the kind was range-checked first. */
static int (*const check_meta_kind[BTF_KIND_MAX + 1])(struct btf_env *, const struct btf_type *,
						      u32) = {
	[BTF_KIND_INT] = check_meta_int,
	[BTF_KIND_PTR] = check_meta_ref,
	[BTF_KIND_TYPEDEF] = check_meta_ref,
	[BTF_KIND_VOLATILE] = check_meta_ref,
	[BTF_KIND_CONST] = check_meta_ref,
	[BTF_KIND_RESTRICT] = check_meta_ref,
	[BTF_KIND_TYPE_TAG] = check_meta_ref,
	[BTF_KIND_ARRAY] = check_meta_array,
	[BTF_KIND_STRUCT] = check_meta_struct,
	[BTF_KIND_UNION] = check_meta_struct,
	[BTF_KIND_ENUM] = check_meta_enum,
	[BTF_KIND_ENUM64] = check_meta_enum,
	[BTF_KIND_FWD] = check_meta_fwd,
	[BTF_KIND_FUNC] = check_meta_func,
	[BTF_KIND_FUNC_PROTO] = check_meta_func_proto,
	[BTF_KIND_VAR] = check_meta_var,
	[BTF_KIND_DATASEC] = check_meta_datasec,
	[BTF_KIND_FLOAT] = check_meta_float,
	[BTF_KIND_DECL_TAG] = check_meta_decl_tag,
};

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
	if (!ub_btf_name_offset_valid(env->btf, t->name_off)) {
		ub_vlog(env->log, "[%u] Invalid name_offset:%u", env->log_id, t->name_off);
		return -EINVAL;
	}
	int r = check_meta_kind[k](env, t, left);
	return r < 0 ? r : (int)sizeof(*t) + r;
}

static int add_type(struct btf_env *env, const struct btf_type *t)
{
	struct ub_btf *btf = env->btf;
	/*
	 * No count limit: the live kernel takes more than 2^20 types (ids past
	 * 0xfffff cannot be referred to, but they exist); the 16 MiB blob bounds it.
	 */
	if (btf->nr_types >= env->cap) {
		u32 cap = env->cap ? env->cap * 2 : 64;
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

/*
 * In a chain of modifiers, TYPE_TAGs come first: `const -> tag -> int` and
 * `typedef -> tag -> int` are refused. Chains already checked from a lower
 * id are not walked again.
 */
static int check_type_tags(struct btf_env *env)
{
	const struct ub_btf *btf = env->btf;
	u32 good_id = 0;

	for (u32 id = 1; id < btf->nr_types; id++) {
		const struct btf_type *t = btf->types[id];
		u32 cur = id;
		int limit = UB_BTF_MAX_RESOLVE_DEPTH;
		if (!btf_is_modifier(t))
			continue;
		bool in_tags = btf_kind(t) == BTF_KIND_TYPE_TAG;
		while (t && btf_is_modifier(t)) {
			if (!limit--) {
				ub_vlog(env->log, "Max chain length or cycle detected");
				return -ELOOP;
			}
			if (btf_kind(t) == BTF_KIND_TYPE_TAG) {
				if (!in_tags) {
					ub_vlog(env->log, "Type tags don't precede modifiers");
					return -EINVAL; /* a qualifier or typedef before a tag */
				}
			} else {
				in_tags = false;
			}
			if (cur <= good_id)
				break;
			cur = t->type;
			t = ub_btf_type(btf, cur);
		}
		good_id = id;
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
		err = ub_btf_check_all_types(&env);
	if (!err)
		err = check_type_tags(&env);
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
