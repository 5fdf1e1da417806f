// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The verifier, load-time half: structure (opcodes, reserved fields,
 * registers), helpers (known, allowed for the type, GPL), the control-flow
 * graph (jump ranges, lddw pairs, no unreachable insns, no falling off the
 * end), then the path walk of walk.c (types, bounds, memory
 * accesses, NULL checks, helper arguments), and the combined stack depth
 * through bpf-to-bpf calls. The interpreter still checks every access at
 * run time, as a second line of defence.
 */
#include "vm/walk.h"

#include <stdlib.h>

#define VERBOSE(env, ...) ub_vm_logf((env)->log, __VA_ARGS__)

static void log_insn(struct ub_verify_env *env, u32 i)
{
	char buf[160];
	if (!env->log || !env->log->level)
		return;
	ub_insn_disasm(&env->insns[i], buf, sizeof(buf));
	VERBOSE(env, "%u: %s\n", i, buf);
}

static bool is_jump(const struct ub_insn_desc *d)
{
	return d->fmt == F_JA || d->fmt == F_JA32 || d->fmt == F_JMP_K || d->fmt == F_JMP_X;
}

/* Pass 1: every insn decodes, names real registers, and calls what exists. */
static int check_insns(struct ub_verify_env *env, int *ops)
{
	const struct bpf_insn *in = env->insns;
	for (u32 i = 0; i < env->cnt; i++) {
		int op = ub_insn_decode(&in[i]);
		ops[i] = op;
		if (op < 0) {
			log_insn(env, i);
			VERBOSE(env, "unknown opcode %02x\n", in[i].code);
			return -EINVAL; /* the kernel: unknown opcode / reserved fields */
		}
		if (in[i].dst_reg > 10 || in[i].src_reg > 10) {
			VERBOSE(env, "R%d is invalid\n",
				in[i].dst_reg > 10 ? in[i].dst_reg : in[i].src_reg);
			return -EINVAL;
		}
		const struct ub_insn_desc *d = &ub_insn_descs[op];
		/* Instructions that write dst must not write the frame pointer. */
		bool writes_dst = d->fmt == F_ALU_K || d->fmt == F_ALU_X || d->fmt == F_NEG ||
				  d->fmt == F_END || d->fmt == F_MOVSX || d->fmt == F_LDX ||
				  d->fmt == F_LDXSX || d->fmt == F_LDDW;
		if (writes_dst && in[i].dst_reg == BPF_REG_10) {
			log_insn(env, i);
			VERBOSE(env, "frame pointer is read only\n");
			return -EACCES;
		}
		if (d->fmt == F_ATOMIC && (in[i].imm & BPF_FETCH) && in[i].src_reg == BPF_REG_10) {
			log_insn(env, i);
			VERBOSE(env, "frame pointer is read only\n");
			return -EACCES;
		}
		/* A known divisor of zero is refused; registers get defined results. */
		if ((d->fmt == F_ALU_K) && in[i].imm == 0 &&
		    (BPF_OP(in[i].code) == BPF_DIV || BPF_OP(in[i].code) == BPF_MOD)) {
			log_insn(env, i);
			VERBOSE(env, "div by zero\n");
			return -EINVAL;
		}
		if (d->fmt == F_ALU_K &&
		    (BPF_OP(in[i].code) == BPF_LSH || BPF_OP(in[i].code) == BPF_RSH ||
		     BPF_OP(in[i].code) == BPF_ARSH) &&
		    (u32)in[i].imm >= (BPF_CLASS(in[i].code) == BPF_ALU64 ? 64u : 32u)) {
			log_insn(env, i);
			VERBOSE(env, "invalid shift %d\n", in[i].imm);
			return -EINVAL;
		}
		if (d->fmt == F_LDABS || d->fmt == F_LDIND) {
			/* Legacy packet loads belong to socket programs. */
			if (env->prog_type != BPF_PROG_TYPE_SOCKET_FILTER &&
			    env->prog_type != BPF_PROG_TYPE_SCHED_CLS &&
			    env->prog_type != BPF_PROG_TYPE_SCHED_ACT) {
				log_insn(env, i);
				VERBOSE(env, "BPF_LD_[ABS|IND] instructions not allowed for this program type\n");
				return -EINVAL;
			}
		}
		if (d->fmt == F_CALL && in[i].src_reg == 0) {
			const struct ub_helper *h = ub_helper_get((u32)in[i].imm);
			if (!h) {
				log_insn(env, i);
				VERBOSE(env, "invalid func unknown#%d\n", in[i].imm);
				return -EINVAL;
			}
			if (h->prog_types && !(h->prog_types & (1u << env->prog_type))) {
				log_insn(env, i);
				VERBOSE(env, "program of this type cannot use helper %s#%d\n", h->name,
					in[i].imm);
				return -EINVAL;
			}
			if (h->gpl_only && !env->gpl) {
				log_insn(env, i);
				VERBOSE(env, "cannot call GPL-restricted function from non-GPL compatible program\n");
				return -EINVAL;
			}
		} else if (d->fmt == F_CALL && in[i].src_reg != BPF_PSEUDO_CALL) {
			log_insn(env, i);
			VERBOSE(env, "calling kernel functions is not allowed\n");
			return -EINVAL;
		}
		if (d->fmt == F_LDDW)
			ops[++i] = OP_TAIL;
	}
	return 0;
}


/* Where control can go from @i: up to two successors; UB_NO_SUCC for none. */
void ub_verify_successors(const struct bpf_insn *in, const int *ops, u32 i, s64 out[2])
{
	const struct ub_insn_desc *d = &ub_insn_descs[ops[i]];
	out[0] = out[1] = UB_NO_SUCC;
	switch (d->fmt) {
	case F_EXIT:
		return;
	case F_JA:
		out[0] = (s64)i + 1 + in[i].off;
		return;
	case F_JA32:
		out[0] = (s64)i + 1 + in[i].imm;
		return;
	case F_JMP_K:
	case F_JMP_X:
		out[0] = (s64)i + 1;
		out[1] = (s64)i + 1 + in[i].off;
		return;
	case F_LDDW:
		out[0] = (s64)i + 2;
		return;
	default:
		out[0] = (s64)i + 1;
	}
}

enum { UNSEEN, ON_STACK, DONE };

/*
 * Pass 2, the kernel's check_cfg: depth-first from each function entry;
 * every target in range and not inside an lddw, nothing unreachable, no path
 * running off the end. Loops are left to the path walk.
 */
static int check_cfg(struct ub_verify_env *env, const int *ops, u8 *is_entry)
{
	const struct bpf_insn *in = env->insns;
	u32 cnt = env->cnt;
	u8 *state = calloc(cnt, 1);
	u32 *stack = malloc(cnt * sizeof(u32) + 8);
	u8 *edge = calloc(cnt, 1);
	int err = 0;
	if (!state || !stack || !edge) {
		err = -ENOMEM;
		goto out;
	}
	/* Function entries: insn 0 and every pseudo call / pseudo func target. */
	is_entry[0] = 1;
	for (u32 i = 0; i < cnt; i++) {
		if (ops[i] == OP_TAIL)
			continue;
		bool call = ops[i] == OP_CALL && in[i].src_reg == BPF_PSEUDO_CALL;
		bool func = ops[i] == OP_LDDW && in[i].src_reg == BPF_PSEUDO_FUNC;
		if (!call && !func)
			continue;
		s64 t = (s64)i + 1 + in[i].imm;
		if (t < 0 || t >= cnt) {
			log_insn(env, i);
			VERBOSE(env, "function offset %d is out of range\n", in[i].imm);
			err = -EINVAL;
			goto out;
		}
		if (ops[t] == OP_TAIL) {
			VERBOSE(env, "jump into the middle of ldimm64 insn %lld\n", (long long)t);
			err = -EINVAL;
			goto out;
		}
		is_entry[t] = 1;
	}
	for (u32 e = 0; e < cnt; e++) {
		if (!is_entry[e] || state[e])
			continue;
		u32 sp = 0;
		stack[sp++] = e;
		state[e] = ON_STACK;
		while (sp) {
			u32 i = stack[sp - 1];
			s64 succ[2];
			ub_verify_successors(in, ops, i, succ);
			bool pushed = false;
			for (; edge[i] < 2; edge[i]++) {
				s64 t = succ[edge[i]];
				if (t == UB_NO_SUCC)
					continue;
				if (t < 0 || t >= cnt) {
					log_insn(env, i);
					if (t == cnt && !is_jump(&ub_insn_descs[ops[i]]))
						VERBOSE(env, "last insn is not an exit or jmp\n");
					else
						VERBOSE(env, "jump out of range from insn %u to %lld\n", i,
							(long long)t);
					err = -EINVAL;
					goto out;
				}
				if (ops[t] == OP_TAIL) {
					log_insn(env, i);
					VERBOSE(env, "jump into the middle of ldimm64 insn %lld\n",
						(long long)t);
					err = -EINVAL;
					goto out;
				}
				/*
				 * A back-edge is a loop: privileged programs may have
				 * bounded ones; the path walk proves they end.
				 */
				if (state[t] == UNSEEN) {
					state[t] = ON_STACK;
					stack[sp++] = (u32)t;
					edge[i]++;
					pushed = true;
					break;
				}
			}
			if (!pushed) {
				state[i] = DONE;
				sp--;
			}
		}
	}
	for (u32 i = 0; i < cnt; i++) {
		if (ops[i] != OP_TAIL && !state[i]) {
			VERBOSE(env, "unreachable insn %u\n", i);
			err = -EINVAL;
			goto out;
		}
	}
out:
	free(state);
	free(stack);
	free(edge);
	return err;
}

struct walk {
	struct ub_verify_env *env;
	const int *ops;
	const u8 *is_entry;
	u32 *func_stack;	/* per entry insn: deepest r10 offset used */
};

/* The deepest chain of frames through pseudo calls, each frame rounded to 16. */
static int max_stack(struct walk *w, u32 entry, u32 *out, int depth)
{
	const struct bpf_insn *in = w->env->insns;
	u32 own = round_up(w->func_stack[entry], 16), deepest = 0;
	if (depth > UB_MAX_CALL_FRAMES)
		return -E2BIG;
	for (u32 i = entry; i < w->env->cnt; i++) {
		if (i != entry && w->is_entry[i])
			break;
		if (w->ops[i] == OP_CALL && in[i].src_reg == BPF_PSEUDO_CALL) {
			u32 sub;
			int err = max_stack(w, (u32)((s64)i + 1 + in[i].imm), &sub, depth + 1);
			if (err)
				return err;
			if (sub > deepest)
				deepest = sub;
		}
	}
	*out = own + deepest;
	return 0;
}

int ub_verify(struct ub_verify_env *env)
{
	int *ops = calloc(env->cnt, sizeof(int));
	u8 *is_entry = calloc(env->cnt, 1);
	u32 *func_stack = calloc(env->cnt, sizeof(u32));
	int err = -ENOMEM;
	if (!ops || !is_entry || !func_stack)
		goto out;
	err = check_insns(env, ops);
	if (err)
		goto out;
	err = check_cfg(env, ops, is_entry);
	if (err)
		goto out;
	struct walk w = {.env = env, .ops = ops, .is_entry = is_entry, .func_stack = func_stack};
	for (u32 i = 0; i < env->cnt; i++) {
		if (!is_entry[i])
			continue;
		if (env->log && (env->log->level & 2))
			VERBOSE(env, "func#%u @%u\n", env->nsubprogs, i);
		if (++env->nsubprogs > 256) { /* BPF_MAX_SUBPROGS */
			VERBOSE(env, "too many subprograms\n");
			err = -E2BIG;
			goto out;
		}
	}
	/* Pass 3: every path on abstract states (walk.c). */
	err = ub_verify_walk(env, ops, is_entry, func_stack, &env->max_ctx_off);
	if (err)
		goto out;
	u32 depth;
	for (u32 i = 0, k = 0; i < env->cnt && k < 256; i++)
		if (is_entry[i])
			env->subprog_depth[k++] = func_stack[i];
	err = max_stack(&w, 0, &depth, 0);
	if (err)
		goto out;
	/* MAX_BPF_STACK for all frames of a call chain together. */
	if (depth > UB_STACK_SIZE) {
		VERBOSE(env, "combined stack size of calls is %u. Too large\n", depth);
		err = -EACCES;
		goto out;
	}
	env->stack_depth = depth;
out:
	free(ops);
	free(is_entry);
	free(func_stack);
	return err;
}
