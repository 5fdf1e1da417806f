/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The verifier's path walk over abstract register and stack states (walk.c). */
#ifndef UB_VM_WALK_H
#define UB_VM_WALK_H

#include "vm/vm.h"

/*
 * Walk every path of @env's program (already structurally checked: @ops
 * holds each insn's table row). Records each function's stack use in
 * @func_stack (indexed by entry insn) and the context bytes a syscall
 * program touches in *@max_ctx_off. 0 or -errno with the reason logged.
 */
UB_HIDDEN int ub_verify_walk(struct ub_verify_env *env, const int *ops, u32 *func_stack,
			     u32 *max_ctx_off);

#endif
