/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The verifier's path walk over abstract register and stack states (walk.c). */
#ifndef UB_VM_WALK_H
#define UB_VM_WALK_H

#include "vm/vm.h"

#define UB_NO_SUCC INT64_MIN

/* Where control can go from insn @i: up to two successors, UB_NO_SUCC for none. */
UB_HIDDEN void ub_verify_successors(const struct bpf_insn *in, const int *ops, u32 i, s64 out[2]);

/* Per insn, what the rest of its function may need from a state (needs.c). */
struct ub_need {
	u16 live;	/* registers read before written on some path */
	u16 precise;	/* registers whose scalar bounds may decide the verdict */
	u8 prune;	/* paths meet here: a state is compared and kept */
	u64 slots;	/* own stack slots (fp - 512 + 8 * bit) whose contents may */
};

UB_HIDDEN int ub_verify_needs(const struct ub_verify_env *env, const int *ops, const u8 *is_entry,
			      struct ub_need *need);

/*
 * Walk every path of @env's program (already structurally checked: @ops
 * holds each insn's table row, @is_entry marks function entries). Records each function's stack use in
 * @func_stack (indexed by entry insn) and the context bytes a syscall
 * program touches in *@max_ctx_off. 0 or -errno with the reason logged.
 */
UB_HIDDEN int ub_verify_walk(struct ub_verify_env *env, const int *ops, const u8 *is_entry,
			     u32 *func_stack, u32 *max_ctx_off);

#endif
