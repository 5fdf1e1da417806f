// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The verifier, load-time half: structure (opcodes, reserved fields,
 * registers), helpers (known, allowed for the type, GPL), the control-flow
 * graph (jump ranges, lddw pairs, no back-edges, no unreachable insns, no
 * falling off the end), register initialisation along every path, and the
 * combined stack depth through bpf-to-bpf calls. What it does not prove
 * (the bounds of each memory access) the interpreter checks at run time.
 */
#include "vm/vm.h"

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

/* Where control can go from @i: up to two successors; -1 for none. */
static void successors(const struct bpf_insn *in, const int *ops, u32 i, s64 out[2])
{
	const struct ub_insn_desc *d = &ub_insn_descs[ops[i]];
	out[0] = out[1] = -1;
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
 * every target in range and not inside an lddw, no back-edge, nothing
 * unreachable, no path running off the end.
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
			successors(in, ops, i, succ);
			bool pushed = false;
			for (; edge[i] < 2; edge[i]++) {
				s64 t = succ[edge[i]];
				if (t < 0)
					continue;
				if (t >= cnt) {
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
				if (state[t] == ON_STACK) {
					log_insn(env, i);
					VERBOSE(env, "back-edge from insn %u to %lld\n", i, (long long)t);
					err = -EINVAL;
					goto out;
				}
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

/*
 * Pass 3: walk every path of the (acyclic) graph with the set of
 * initialised registers, refusing reads of registers never written (the
 * kernel's "R%d !read_ok"), and measure each function's stack use.
 */
struct walk {
	struct ub_verify_env *env;
	const int *ops;
	const u8 *is_entry;
	u32 *func_stack;	/* per entry insn: deepest r10 offset used */
	u64 budget;
};

static int reg_read(struct walk *w, u32 i, u16 init, int r)
{
	if (init & (1u << r))
		return 0;
	log_insn(w->env, i);
	VERBOSE(w->env, "R%d !read_ok\n", r);
	return -EACCES;
}

static int walk_path(struct walk *w, u32 i, u16 init, u32 entry, int depth)
{
	const struct bpf_insn *in = w->env->insns;
	int err;
	for (;;) {
		if (++w->env->processed > UB_MAX_INSNS || !w->budget--) {
			VERBOSE(w->env, "BPF program is too large. Processed %u insn\n",
				w->env->processed);
			return -E2BIG;
		}
		const struct bpf_insn *x = &in[i];
		const struct ub_insn_desc *d = &ub_insn_descs[w->ops[i]];
		if (w->env->log && (w->env->log->level & 2))
			log_insn(w->env, i);
		int dst = x->dst_reg, src = x->src_reg;
		/* Stack use of r10-based accesses. */
		bool mem = d->fmt == F_LDX || d->fmt == F_LDXSX || d->fmt == F_ST ||
			   d->fmt == F_STX || d->fmt == F_ATOMIC;
		int base = d->fmt == F_LDX || d->fmt == F_LDXSX ? src : dst;
		if (mem && base == BPF_REG_10) {
			int size = BPF_SIZE(x->code) == BPF_DW	 ? 8
				   : BPF_SIZE(x->code) == BPF_W ? 4
				   : BPF_SIZE(x->code) == BPF_H ? 2
								: 1;
			/* The frame is the UB_STACK_SIZE bytes below r10. */
			if (x->off + size > 0 || x->off < -UB_STACK_SIZE) {
				log_insn(w->env, i);
				VERBOSE(w->env, "invalid %s stack R10 off=%d size=%d\n",
					d->fmt == F_LDX || d->fmt == F_LDXSX ? "read from" : "write to",
					x->off, size);
				return -EACCES;
			}
			if ((u32)-x->off > w->func_stack[entry])
				w->func_stack[entry] = (u32)-x->off;
		}
		switch (d->fmt) {
		case F_ALU_K:
			if (BPF_OP(x->code) != BPF_MOV && (err = reg_read(w, i, init, dst)))
				return err;
			init |= 1u << dst;
			break;
		case F_ALU_X:
		case F_MOVSX:
			if ((err = reg_read(w, i, init, src)))
				return err;
			if (BPF_OP(x->code) != BPF_MOV && (err = reg_read(w, i, init, dst)))
				return err;
			init |= 1u << dst;
			break;
		case F_NEG:
		case F_END:
			if ((err = reg_read(w, i, init, dst)))
				return err;
			break;
		case F_LDDW:
			init |= 1u << dst;
			i += 2;
			continue;
		case F_LDX:
		case F_LDXSX:
			if ((err = reg_read(w, i, init, src)))
				return err;
			init |= 1u << dst;
			break;
		case F_ST:
			if ((err = reg_read(w, i, init, dst)))
				return err;
			break;
		case F_STX:
			if ((err = reg_read(w, i, init, dst)) || (err = reg_read(w, i, init, src)))
				return err;
			break;
		case F_ATOMIC:
			if ((err = reg_read(w, i, init, dst)) || (err = reg_read(w, i, init, src)))
				return err;
			if (x->imm == BPF_CMPXCHG && (err = reg_read(w, i, init, 0)))
				return err;
			if (x->imm == BPF_CMPXCHG)
				init |= 1u;
			else if (x->imm & BPF_FETCH)
				init |= 1u << src;
			break;
		case F_LDABS:
		case F_LDIND:
			/* The context must be in r6. */
			if ((err = reg_read(w, i, init, 6)))
				return err;
			if (d->fmt == F_LDIND && (err = reg_read(w, i, init, src)))
				return err;
			init = (u16)((init & ~0x3eu) | 1u);
			break;
		case F_CALL:
			if (src == BPF_PSEUDO_CALL) {
				u32 t = (u32)((s64)i + 1 + x->imm);
				if (depth + 1 >= UB_MAX_CALL_FRAMES) {
					log_insn(w->env, i);
					VERBOSE(w->env, "the call stack of %d frames is too deep !\n",
						depth + 2);
					return -E2BIG;
				}
				/* The callee sees r1-r5 as passed, r6-r9 are its own to set. */
				err = walk_path(w, t, (u16)((init & 0x3fu) | (1u << 10)), t, depth + 1);
				if (err)
					return err;
			} else {
				const struct ub_helper *h = ub_helper_get((u32)x->imm);
				for (int a = 0; a < 5 && h->args[a] != A_NONE; a++)
					if ((err = reg_read(w, i, init, a + 1)))
						return err;
			}
			/* r1-r5 are clobbered, r0 holds the result. */
			init = (u16)((init & ~0x3eu) | 1u);
			break;
		case F_EXIT:
			return reg_read(w, i, init, 0);
		case F_JA:
			i = (u32)((s64)i + 1 + x->off);
			continue;
		case F_JA32:
			i = (u32)((s64)i + 1 + x->imm);
			continue;
		case F_JMP_K:
		case F_JMP_X:
			if ((err = reg_read(w, i, init, dst)))
				return err;
			if (d->fmt == F_JMP_X && (err = reg_read(w, i, init, src)))
				return err;
			err = walk_path(w, (u32)((s64)i + 1 + x->off), init, entry, depth);
			if (err)
				return err;
			break;
		}
		i++;
	}
}

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
	struct walk w = {.env = env, .ops = ops, .is_entry = is_entry, .func_stack = func_stack,
			 .budget = UB_MAX_INSNS};
	if (env->log && (env->log->level & 2))
		VERBOSE(env, "func#0 @0\n");
	/* The program starts with r1 = ctx and r10 = frame pointer. */
	err = walk_path(&w, 0, (1u << 1) | (1u << 10), 0, 0);
	if (err)
		goto out;
	/* Callbacks (lddw BPF_PSEUDO_FUNC targets) are entered like a call with r1-r5. */
	for (u32 i = 0; i < env->cnt; i++) {
		if (ops[i] == OP_LDDW && env->insns[i].src_reg == BPF_PSEUDO_FUNC) {
			u32 t = (u32)((s64)i + 1 + env->insns[i].imm);
			err = walk_path(&w, t, 0x3e | (1u << 10), t, 1);
			if (err)
				goto out;
		}
	}
	u32 depth;
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
