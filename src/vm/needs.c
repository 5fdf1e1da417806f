// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * What the rest of a function may still need from a state, per insn: the
 * facts state pruning (walk.c) relies on to call two states equivalent.
 *
 * A backward data-flow pass over each function's instructions computes
 *  - live: registers some path reads before writing them. A dead register
 *    cannot change the verdict, whatever it holds.
 *  - precise: registers whose scalar bounds may decide the verdict: they
 *    reach (through ALU, moves and stack spills) a branch condition, a
 *    pointer's offset, a helper's size or NULL-or-stack argument, a return
 *    value that is range-checked, or a stack slot that one of those reads.
 *    Any other scalar only feeds data (memory, other imprecise scalars), so
 *    its bounds need not be compared: any scalar will do.
 *  - slots: the function's own stack slots (8 bytes, fp-512 + 8 * s) whose
 *    spilled bounds or known-zero bytes may decide the verdict.
 * Where the pass cannot tell (a load through a pointer that may reach the
 * stack, a call that may read it), it assumes everything is needed: the
 * answer may only err towards comparing more. Which registers may point
 * into the function's own stack comes from a forward pass first; a call's
 * arguments and return value are as precise as the callee and the callers
 * need them (both passes run over the whole program until nothing changes).
 *
 * Prune points are where paths meet: jump targets, the insn after a
 * conditional jump or a call, and function entries.
 */
#include "vm/walk.h"

#include <stdlib.h>

#define ALL_SLOTS UINT64_MAX
#define R(n) ((u16)(1u << (n)))
#define ARGS (R(1) | R(2) | R(3) | R(4) | R(5))
#define CALLER_SAVED (R(0) | ARGS)

struct flow {
	u16 live, precise;
	u64 slots;
};

/* The stack slot of fp + @off for an 8-byte access, or -1 when not one slot. */
static int fp_slot(s32 off)
{
	if (off >= 0 || off < -UB_STACK_SIZE || (off & 7))
		return -1;
	return (off + UB_STACK_SIZE) / 8;
}

static u64 slot_bits(s64 lo, s64 hi)
{
	u64 m = 0;
	for (s64 o = lo & ~7ll; o < hi; o += 8)
		if (o >= -UB_STACK_SIZE && o < 0)
			m |= 1ull << ((o + UB_STACK_SIZE) / 8);
	return m;
}

/*
 * The stack slots a lookup's key at insn @i may occupy: r2 = fp + c set up
 * in the same straight-line code (as compilers emit it), else all of them.
 * Only keys of up to 8 bytes are ever read for their value.
 */
static u64 key_slots(const struct bpf_insn *in, const int *ops, const u8 *prune, u32 i)
{
	int reg = 2;
	s64 add = 0;
	if (prune[i])
		return ALL_SLOTS; /* r2 may come from several paths */
	for (u32 j = i; j-- > 0 && i - j <= 32;) {
		if (ops[j] == OP_TAIL)
			continue; /* the second half of an lddw */
		const struct bpf_insn *x = &in[j];
		u8 fmt = ub_insn_descs[ops[j]].fmt;
		bool writes = (fmt == F_ALU_K || fmt == F_ALU_X || fmt == F_NEG || fmt == F_END ||
			       fmt == F_MOVSX || fmt == F_LDDW || fmt == F_LDX || fmt == F_LDXSX) &&
			      x->dst_reg == reg;
		if (fmt == F_CALL || fmt == F_LDABS || fmt == F_LDIND || fmt == F_EXIT)
			writes = reg <= 5 || fmt == F_EXIT;
		if (fmt == F_ATOMIC && x->src_reg == reg && (x->imm & BPF_FETCH))
			writes = true;
		if (fmt == F_ATOMIC && reg == 0 && x->imm == BPF_CMPXCHG)
			writes = true;
		if (writes) {
			bool alu64 = BPF_CLASS(x->code) == BPF_ALU64;
			if (alu64 && fmt == F_ALU_K && BPF_OP(x->code) == BPF_ADD) {
				add += x->imm;
			} else if (alu64 && fmt == F_ALU_X && BPF_OP(x->code) == BPF_MOV &&
				   !x->off) {
				if (x->src_reg == BPF_REG_10)
					return slot_bits(add, add + 8);
				reg = x->src_reg;
			} else {
				return ALL_SLOTS;
			}
		}
		if (prune[j])
			return ALL_SLOTS; /* another path may join here */
	}
	return ALL_SLOTS;
}

/* Forward facts per register, as bit masks. */
struct regs_may {
	u16 fp;		/* may point into the current frame's stack */
	u16 ptr;	/* may be a pointer of any kind */
};

struct prog_info {
	const struct ub_verify_env *env;
	const int *ops;
	const u8 *prune;
	u32 *func;		/* per insn: its function's entry */
	struct regs_may *may;	/* per insn, on entry (fp_pass) */
	u8 *spills_fp;		/* per entry: may own stack hold a pointer into itself */
	u8 *ret_precise;	/* per entry: some caller needs the returned r0's bounds */
	u8 *callback;		/* per entry: a callback (its r0 must be 0 or 1) */
};

static bool is_pseudo_call(const struct prog_info *p, u32 i)
{
	return ub_insn_descs[p->ops[i]].fmt == F_CALL &&
	       p->env->insns[i].src_reg == BPF_PSEUDO_CALL;
}


/* Forward: what registers may hold after insn @i. */
static struct regs_may fp_transfer(const struct prog_info *p, u32 i, struct regs_may m)
{
	const struct bpf_insn *x = &p->env->insns[i];
	const struct ub_insn_desc *d = &ub_insn_descs[p->ops[i]];
	u16 dst = R(x->dst_reg), keep = (u16)~dst;
	bool alu64 = BPF_CLASS(x->code) == BPF_ALU64;
	u8 op = BPF_OP(x->code);
	switch (d->fmt) {
	case F_ALU_X:
		if (alu64 && op == BPF_MOV) {
			m.fp = (u16)((m.fp & keep) | ((m.fp >> x->src_reg) & 1 ? dst : 0));
			m.ptr = (u16)((m.ptr & keep) | ((m.ptr >> x->src_reg) & 1 ? dst : 0));
		} else if (alu64 && (op == BPF_ADD || op == BPF_SUB)) {
			m.fp |= (m.fp >> x->src_reg) & 1 ? dst : 0;
			m.ptr |= (m.ptr >> x->src_reg) & 1 ? dst : 0;
		} else {
			m.fp &= keep, m.ptr &= keep;
		}
		return m;
	case F_ALU_K:
		if (!alu64 || (op != BPF_ADD && op != BPF_SUB))
			m.fp &= keep, m.ptr &= keep;
		return m;
	case F_LDDW:
		m.fp &= keep;
		m.ptr = (u16)((m.ptr & keep) | (x->src_reg ? dst : 0));
		return m;
	case F_LDX:
		/* A spilled pointer, or a context field that is one (32 bits and up). */
		m.fp &= keep;
		m.ptr &= keep;
		if (BPF_SIZE(x->code) == BPF_DW && p->spills_fp[p->func[i]])
			m.fp |= dst;
		if (BPF_SIZE(x->code) == BPF_DW || BPF_SIZE(x->code) == BPF_W)
			m.ptr |= dst;
		return m;
	case F_NEG:
	case F_END:
	case F_MOVSX:
	case F_LDXSX:
		m.fp &= keep, m.ptr &= keep;
		return m;
	case F_ATOMIC: {
		u16 k = (u16)~(((x->imm & BPF_FETCH) ? R(x->src_reg) : 0) |
			       (x->imm == BPF_CMPXCHG ? R(0) : 0));
		m.fp &= k, m.ptr &= k;
		return m;
	}
	case F_CALL:
	case F_LDABS:
	case F_LDIND: {
		/* Helpers return map values; a callee may hand back a pointer it was given. */
		bool back = is_pseudo_call(p, i) && (m.fp & ARGS);
		m.fp = (u16)((m.fp & ~CALLER_SAVED) | (back ? R(0) : 0));
		m.ptr = (u16)((m.ptr & ~CALLER_SAVED) | (d->fmt == F_CALL ? R(0) : 0));
		return m;
	}
	default:
		return m;
	}
}

/* Where stores and calls may put a pointer to the frame into the frame. */
static void fp_note(struct prog_info *p, u32 i, u16 fp)
{
	const struct bpf_insn *x = &p->env->insns[i];
	u8 fmt = ub_insn_descs[p->ops[i]].fmt;
	bool calls_code = false; /* a function or callback that may store what it was given */
	if (fmt == F_CALL && x->src_reg == BPF_PSEUDO_CALL) {
		calls_code = true;
	} else if (fmt == F_CALL) {
		const struct ub_helper *h = ub_helper_get((u32)x->imm);
		for (int a = 0; a < 5; a++)
			calls_code |= !h || h->args[a] == A_FUNC;
	}
	if ((fmt == F_STX && BPF_SIZE(x->code) == BPF_DW && (fp & R(x->src_reg))) ||
	    (calls_code && (fp & ARGS)))
		p->spills_fp[p->func[i]] = 1;
}

static int fp_pass(struct prog_info *p)
{
	u32 cnt = p->env->cnt;
	u8 *seen = calloc(cnt, 1);
	if (!seen)
		return -ENOMEM;
	for (u32 i = 0; i < cnt; i++)
		if (p->func[i] == i) {
			/* The program gets its context; a function its arguments. */
			p->may[i] = (struct regs_may){.fp = R(10), .ptr = R(10) | (i ? ARGS : R(1))};
			seen[i] = 1;
		}
	for (bool changed = true; changed;) {
		changed = false;
		for (u32 i = 0; i < cnt; i++) {
			if (!seen[i] || p->ops[i] == OP_TAIL)
				continue;
			u8 before = p->spills_fp[p->func[i]];
			fp_note(p, i, p->may[i].fp);
			changed |= before != p->spills_fp[p->func[i]];
			struct regs_may m = fp_transfer(p, i, p->may[i]);
			s64 succ[2];
			ub_verify_successors(p->env->insns, p->ops, i, succ);
			for (int k = 0; k < 2; k++) {
				s64 t = succ[k];
				if (t == UB_NO_SUCC || t >= cnt || p->func[t] != p->func[i])
					continue;
				struct regs_may *o = &p->may[t];
				if (!seen[t] || (o->fp | m.fp) != o->fp || (o->ptr | m.ptr) != o->ptr) {
					o->fp |= m.fp;
					o->ptr |= m.ptr;
					seen[t] = 1;
					changed = true;
				}
			}
		}
	}
	free(seen);
	return 0;
}

/* Backward: what is needed before insn @i, given @out after it. */
static struct flow transfer(struct prog_info *p, const struct flow *in, u32 i, struct flow out)
{
	const struct ub_verify_env *env = p->env;
	const struct bpf_insn *x = &env->insns[i];
	const struct ub_insn_desc *d = &ub_insn_descs[p->ops[i]];
	struct flow f = out;
	u16 dst = R(x->dst_reg), src = R(x->src_reg), fp = p->may[i].fp, ptr = p->may[i].ptr;
	int size = BPF_SIZE(x->code) == BPF_DW	? 8
		   : BPF_SIZE(x->code) == BPF_W ? 4
		   : BPF_SIZE(x->code) == BPF_H ? 2
						: 1;
	bool dst_precise = f.precise & dst;
#define DEF(m) (f.live &= (u16)~(m), f.precise &= (u16)~(m))
#define USE(m) (f.live |= (m))
#define PREC(m) (f.live |= (m), f.precise |= (m))
	switch (d->fmt) {
	case F_ALU_K:
		if (BPF_OP(x->code) == BPF_MOV)
			DEF(dst);
		else
			USE(dst);
		break;
	case F_NEG:
	case F_END:
		USE(dst);
		break;
	case F_MOVSX:
	case F_ALU_X:
		if (BPF_OP(x->code) == BPF_MOV) {
			DEF(dst);
			USE(src);
			if (dst_precise)
				PREC(src);
		} else if ((BPF_OP(x->code) == BPF_ADD || BPF_OP(x->code) == BPF_SUB) &&
			   (ptr & (dst | src))) {
			/* Either side may be a pointer whose offset the other sets. */
			PREC(dst | src);
		} else {
			USE(dst | src);
			if (dst_precise)
				PREC(src);
		}
		break;
	case F_LDDW:
		DEF(dst);
		break;
	case F_LDX:
	case F_LDXSX:
		DEF(dst);
		USE(src);
		/* Only 8-byte loads from the stack give back a spilled register's bounds. */
		if (dst_precise && size == 8 && d->fmt == F_LDX && (fp & src)) {
			int s = x->src_reg == BPF_REG_10 ? fp_slot(x->off) : -1;
			f.slots |= s >= 0 ? 1ull << s : ALL_SLOTS;
		}
		break;
	case F_ST:
	case F_STX: {
		bool stx = d->fmt == F_STX;
		USE(dst | (stx ? src : 0));
		int s = x->dst_reg == BPF_REG_10 && size == 8 ? fp_slot(x->off) : -1;
		/* A stored register's bounds (spill) or zero-ness may be read back. */
		bool needed = x->dst_reg == BPF_REG_10
				      ? (f.slots & slot_bits(x->off, x->off + size)) != 0
				      : (fp & dst) && (f.slots != 0 || size == 8);
		if (stx && needed)
			PREC(src);
		if (s >= 0)
			f.slots &= ~(1ull << s); /* the whole slot is written here */
		break;
	}
	case F_ATOMIC:
		if (x->imm & BPF_FETCH)
			DEF(src);
		if (x->imm == BPF_CMPXCHG)
			DEF(R(0));
		USE(dst | src | (x->imm == BPF_CMPXCHG ? R(0) : 0));
		break;
	case F_LDABS:
	case F_LDIND:
		DEF(CALLER_SAVED);
		USE(R(6) | (d->fmt == F_LDIND ? src : 0));
		break;
	case F_CALL:
		if (x->src_reg == BPF_PSEUDO_CALL) {
			u32 t = (u32)((s64)i + 1 + x->imm);
			/* The callee's r0 is as precise as we need it. */
			if ((out.precise & R(0)) && !p->ret_precise[t])
				p->ret_precise[t] = 1;
			DEF(CALLER_SAVED);
			USE(ARGS);
			PREC(in[t].precise & ARGS);
			/* Given a pointer to our stack, the callee may read any of it. */
			if (fp & ARGS)
				f.slots = ALL_SLOTS;
			break;
		}
		DEF(CALLER_SAVED);
		const struct ub_helper *h = ub_helper_get((u32)x->imm);
		if (!h) {
			PREC(ARGS);
			break;
		}
		for (int a = 0; a < 5 && h->args[a] != A_NONE; a++) {
			u16 r = R(a + 1);
			USE(r);
			if (h->args[a] == A_MEM)
				PREC(R(a + 2));
			else if (h->args[a] == A_STACK_OR_NULL)
				PREC(r);
			else if (h->args[a] == A_FUNC && (fp & ARGS))
				f.slots = ALL_SLOTS; /* a callback may read our stack */
		}
		if (x->imm == BPF_FUNC_map_lookup_elem)
			f.slots |= key_slots(env->insns, p->ops, p->prune, i);
		break;
	case F_EXIT: {
		u32 fn = p->func[i];
		f.live = R(0);
		f.slots = 0;
		/* Callbacks' and cgroup programs' r0 is range-checked; a subprogram's as its callers need. */
		bool prec = p->callback[fn] || p->ret_precise[fn] ||
			    (fn == 0 && env->prog_type == BPF_PROG_TYPE_CGROUP_SOCK);
		f.precise = prec ? R(0) : 0;
		break;
	}
	case F_JMP_K:
		PREC(dst);
		break;
	case F_JMP_X:
		PREC(dst | src);
		break;
	default: /* F_JA, F_JA32 */
		break;
	}
#undef DEF
#undef USE
#undef PREC
	f.live |= R(10);
	return f;
}

int ub_verify_needs(const struct ub_verify_env *env, const int *ops, const u8 *is_entry,
		    struct ub_need *need)
{
	u32 cnt = env->cnt;
	struct prog_info p = {.env = env, .ops = ops};
	u8 *prune = calloc(cnt, 1);
	p.func = malloc(cnt * sizeof(u32));
	p.may = calloc(cnt, sizeof(*p.may));
	p.spills_fp = calloc(cnt, 1);
	p.ret_precise = calloc(cnt, 1);
	p.callback = calloc(cnt, 1);
	struct flow *in = calloc(cnt, sizeof(*in));
	int err = -ENOMEM;
	if (!prune || !p.func || !p.may || !p.spills_fp || !p.ret_precise || !p.callback || !in)
		goto out;
	p.prune = prune;
	u32 fn = 0;
	for (u32 i = 0; i < cnt; i++) {
		if (is_entry[i])
			fn = i;
		p.func[i] = fn;
		if (is_entry[i])
			prune[i] = 1;
		if (ops[i] == OP_TAIL)
			continue;
		if (ops[i] == OP_LDDW && env->insns[i].src_reg == BPF_PSEUDO_FUNC)
			p.callback[(s64)i + 1 + env->insns[i].imm] = 1;
		s64 succ[2];
		ub_verify_successors(env->insns, ops, i, succ);
		u8 fmt = ub_insn_descs[ops[i]].fmt;
		if (fmt != F_JA && fmt != F_JA32 && fmt != F_JMP_K && fmt != F_JMP_X && fmt != F_CALL)
			continue;
		for (int k = 0; k < 2; k++)
			if (succ[k] != UB_NO_SUCC && succ[k] < cnt)
				prune[succ[k]] = 1;
	}
	if ((err = fp_pass(&p)))
		goto out;
	/* Round after round, last insn first, until nothing changes (loops, calls). */
	for (bool changed = true; changed;) {
		changed = false;
		for (u32 i = cnt; i-- > 0;) {
			if (ops[i] == OP_TAIL)
				continue;
			s64 succ[2];
			struct flow out = {0};
			ub_verify_successors(env->insns, ops, i, succ);
			for (int k = 0; k < 2; k++) {
				if (succ[k] == UB_NO_SUCC || succ[k] >= cnt)
					continue;
				out.live |= in[succ[k]].live;
				out.precise |= in[succ[k]].precise;
				out.slots |= in[succ[k]].slots;
			}
			u32 callee = is_pseudo_call(&p, i) ? (u32)((s64)i + 1 + env->insns[i].imm) : 0;
			u8 ret_before = callee ? p.ret_precise[callee] : 0;
			struct flow f = transfer(&p, in, i, out);
			/* Monotone: every set only grows, so this ends. */
			if ((f.live | in[i].live) != in[i].live ||
			    (f.precise | in[i].precise) != in[i].precise ||
			    (f.slots | in[i].slots) != in[i].slots ||
			    (callee && ret_before != p.ret_precise[callee])) {
				in[i].live |= f.live;
				in[i].precise |= f.precise;
				in[i].slots |= f.slots;
				changed = true;
			}
		}
	}
	for (u32 i = 0; i < cnt; i++)
		need[i] = (struct ub_need){.live = in[i].live, .precise = in[i].precise,
					   .slots = in[i].slots, .prune = prune[i]};
	err = 0;
out:
	free(prune);
	free(p.func);
	free(p.may);
	free(p.spills_fp);
	free(p.ret_precise);
	free(p.callback);
	free(in);
	return err;
}
