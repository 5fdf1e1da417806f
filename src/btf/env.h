/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The validator's state and log helpers, shared by the meta pass and the resolve pass. */
#ifndef UB_BTF_ENV_H
#define UB_BTF_ENV_H

#include "btf/internal.h"

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

UB_HIDDEN const char *ub_btf_name_of(const struct ub_btf *btf, u32 off);
UB_HIDDEN bool ub_btf_name_offset_valid(const struct ub_btf *btf, u32 off);
UB_HIDDEN bool ub_btf_name_valid_identifier(const struct ub_btf *btf, u32 off);
/* "[id] KIND name details[ message]" */
UB_HIDDEN void ub_btf_log_type(struct btf_env *env, const struct btf_type *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "\tname type_id=.. bits_offset=..[ message]", after the struct's line when resolving */
UB_HIDDEN void ub_btf_log_member(struct btf_env *env, const struct btf_type *s,
				 const struct btf_member *m, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* "\t type_id=.. offset=.. size=..[ message]" for a DATASEC entry */
UB_HIDDEN void ub_btf_log_vsi(struct btf_env *env, const struct btf_type *sec,
			      const struct btf_var_secinfo *vsi, const char *msg);

/* Pass 2 over every type (src/btf/resolve.c): 0 or -errno. */
UB_HIDDEN int ub_btf_check_all_types(struct btf_env *env);

#endif
