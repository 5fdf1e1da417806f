/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* What the BTF files share among themselves: the verifier log, kind predicates, the parser. */
#ifndef UB_BTF_INTERNAL_H
#define UB_BTF_INTERNAL_H

#include "btf/btf.h"

/*
 * The log a BTF load (or a program load) writes for the caller, with the
 * kernel's rules: log_level bits 1|2 (verbose), 4 (stats), 8 (fixed: keep the
 * head instead of the tail); the text is kept whole here and copied to the
 * caller's buffer at the end. log_true_size is the whole text plus its NUL;
 * when that does not fit in the buffer the command fails with ENOSPC.
 */
#define UB_LOG_LEVEL1 1u
#define UB_LOG_LEVEL2 2u
#define UB_LOG_STATS 4u
#define UB_LOG_FIXED 8u
#define UB_LOG_MASK (UB_LOG_LEVEL1 | UB_LOG_LEVEL2 | UB_LOG_STATS | UB_LOG_FIXED)
#define UB_LOG_LINE_MAX 1023 /* one message is cut here, as the kernel's 1 KiB scratch */

struct ub_vlog {
	u32 level;
	char *ubuf;
	u32 len_total;
	char *text;
	size_t len, cap;
	bool oom;
};

/* 0 or -EINVAL: the kernel's rules on (level, buf, size). */
UB_HIDDEN int ub_vlog_init(struct ub_vlog *log, u32 level, u64 ubuf, u32 size);
UB_HIDDEN void ub_vlog(struct ub_vlog *log, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline bool ub_vlog_needed(const struct ub_vlog *log)
{
	return log && log->level;
}
/*
 * Copy the text to the caller's buffer and report its true size in
 * *@true_size. Returns 0, or -ENOSPC when the text did not fit.
 */
UB_HIDDEN int ub_vlog_finalize(struct ub_vlog *log, u32 *true_size);
UB_HIDDEN void ub_vlog_free(struct ub_vlog *log);

/* Kind predicates. */
static inline u32 btf_kind(const struct btf_type *t)
{
	return BTF_INFO_KIND(t->info);
}
static inline bool btf_kflag(const struct btf_type *t)
{
	return BTF_INFO_KFLAG(t->info);
}
static inline bool btf_is_modifier_kind(u32 k)
{
	return k == BTF_KIND_TYPEDEF || k == BTF_KIND_VOLATILE || k == BTF_KIND_CONST ||
	       k == BTF_KIND_RESTRICT || k == BTF_KIND_TYPE_TAG;
}
static inline bool btf_is_modifier(const struct btf_type *t)
{
	return btf_is_modifier_kind(btf_kind(t));
}
static inline bool btf_is_struct(const struct btf_type *t)
{
	return btf_kind(t) == BTF_KIND_STRUCT || btf_kind(t) == BTF_KIND_UNION;
}
static inline bool btf_has_size(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM:
	case BTF_KIND_DATASEC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_ENUM64:
		return true;
	}
	return false;
}
/* void, FWD, FUNC, FUNC_PROTO: types nothing can be stored in. */
static inline bool btf_nosize(const struct btf_type *t)
{
	u32 k = btf_kind(t);
	return k == BTF_KIND_UNKN || k == BTF_KIND_FWD || k == BTF_KIND_FUNC ||
	       k == BTF_KIND_FUNC_PROTO;
}
static inline u32 btf_int_data(const struct btf_type *t)
{
	return *(const u32 *)(t + 1);
}
/* An INT with no bit offset, whole bytes, 1, 2, 4 or 8 of them. */
static inline bool btf_int_is_regular(const struct btf_type *t)
{
	u32 d = btf_int_data(t), bits = BTF_INT_BITS(d);
	u32 bytes = (bits + 7) / 8;
	return !(bits % 8) && !BTF_INT_OFFSET(d) &&
	       (bytes == 1 || bytes == 2 || bytes == 4 || bytes == 8 || bytes == 16);
}
static inline const struct btf_member *btf_members(const struct btf_type *t)
{
	return (const struct btf_member *)(t + 1);
}

/* The validator: parse and check a blob; fill @btf's index (heap arrays). */
UB_HIDDEN int ub_btf_parse(struct ub_btf *btf, const u8 *data, u32 size, struct ub_vlog *log);
/* The index of an already validated blob (attach in another process). */
UB_HIDDEN int ub_btf_index(struct ub_btf *btf, const u8 *data, u32 size);
UB_HIDDEN void ub_btf_index_free(struct ub_btf *btf);
/* Bytes a type occupies in the type section (header and trailing records). */
UB_HIDDEN u32 ub_btf_type_bytes(const struct btf_type *t);

/*
 * Special fields of a struct or DATASEC (the kernel's btf_parse_fields):
 * spin locks, timers, work queues, graph roots/nodes, refcounts, kptrs.
 */
enum ub_btf_field_type {
	UB_FIELD_SPIN_LOCK = 1u << 0,
	UB_FIELD_TIMER = 1u << 1,
	UB_FIELD_KPTR_UNREF = 1u << 2,
	UB_FIELD_KPTR_REF = 1u << 3,
	UB_FIELD_KPTR_PERCPU = 1u << 4,
	UB_FIELD_LIST_HEAD = 1u << 5,
	UB_FIELD_LIST_NODE = 1u << 6,
	UB_FIELD_RB_ROOT = 1u << 7,
	UB_FIELD_RB_NODE = 1u << 8,
	UB_FIELD_REFCOUNT = 1u << 9,
	UB_FIELD_WORKQUEUE = 1u << 10,
	UB_FIELD_UPTR = 1u << 11,
	UB_FIELD_RES_SPIN_LOCK = 1u << 12,
};
#define UB_FIELD_KPTR (UB_FIELD_KPTR_UNREF | UB_FIELD_KPTR_REF | UB_FIELD_KPTR_PERCPU)
#define UB_MAX_FIELDS 11

struct ub_btf_field {
	u32 type;
	u32 off;
	u32 size;
	u32 type_id; /* kptr: the pointee; graph root: the contained struct */
	const char *node_name; /* graph root: the node member of that struct */
};

struct ub_btf_record {
	u32 cnt;
	u32 mask;
	s32 spin_lock_off;
	struct ub_btf_field fields[UB_MAX_FIELDS];
};

/*
 * Find the special fields of @t (@mask of enum ub_btf_field_type) within
 * @value_size bytes. Returns 1 and fills @rec when there are some, 0 when
 * none, -errno when the value's fields are malformed.
 */
UB_HIDDEN int ub_btf_parse_fields(const struct ub_btf *btf, const struct btf_type *t, u32 mask,
				  u32 value_size, struct ub_btf_record *rec);

#endif
