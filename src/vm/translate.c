// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* From struct bpf_insn to the interpreter's form: targets, lddw values, helpers. */
#include "vm/vm.h"

#include <stdio.h>

/*
 * Decode insn @i of @insns into x[@i] (and x[@i + 1] for lddw). @map_val
 * resolves lddw pseudo forms; NULL for raw programs, which allow none.
 * Returns the number of slots used, or -EINVAL with a message in @err.
 */
static int decode_at(const struct bpf_insn *insns, u32 cnt, u32 i, struct ub_xinsn *x,
		     struct ub_prog *prog, char *err, size_t errlen)
{
	const struct bpf_insn *in = &insns[i];
	int op;

	if (in->code == (BPF_LD | BPF_IMM | BPF_DW) && i + 1 >= cnt) {
		snprintf(err, errlen, "invalid bpf_ld_imm64 insn");
		return -EINVAL;
	}
	/* A lookup the verifier proved to be in an ARRAY map: inline. */
	if (prog && in->code == (BPF_JMP | BPF_CALL) && in->src_reg == 0 &&
	    in->imm == BPF_FUNC_map_lookup_elem && in->off == UB_CALL_INLINE_ARRAY) {
		x[i] = (struct ub_xinsn){.op = OP_ARRAY_LOOKUP};
		return 1;
	}
	op = ub_insn_decode(in);
	if (op < 0) {
		snprintf(err, errlen, "unknown opcode %02x", in->code);
		return -EINVAL;
	}
	if (in->dst_reg > 10 || in->src_reg > 10) {
		snprintf(err, errlen, "R%d is invalid", in->dst_reg > 10 ? in->dst_reg : in->src_reg);
		return -EINVAL;
	}
	const struct ub_insn_desc *d = &ub_insn_descs[op];
	struct ub_xinsn *xi = &x[i];
	xi->op = (u8)op;
	xi->dst = in->dst_reg;
	xi->src = in->src_reg;
	xi->off = in->off;
	xi->imm = (u64)(s64)in->imm;
	xi->size = 0;

	switch (d->fmt) {
	case F_JA:
	case F_JA32:
	case F_JMP_K:
	case F_JMP_X: {
		s64 t = (s64)i + 1 + (d->fmt == F_JA32 ? in->imm : in->off);
		if (t < 0 || t >= cnt) {
			snprintf(err, errlen, "jump out of range from insn %u to %lld", i,
				 (long long)t);
			return -EINVAL;
		}
		xi->off = (s32)t;
		return 1;
	}
	case F_CALL:
		if (in->src_reg == BPF_PSEUDO_CALL) {
			s64 t = (s64)i + 1 + in->imm;
			if (t < 0 || t >= cnt) {
				snprintf(err, errlen, "function offset %d is out of range",
					 in->imm);
				return -EINVAL;
			}
			xi->op = OP_CALL_LOCAL;
			xi->off = (s32)t;
			return 1;
		}
		if (in->src_reg != 0) {
			snprintf(err, errlen, "kernel function calls are not supported");
			return -EINVAL;
		}
		const struct ub_helper *h = ub_helper_get((u32)in->imm);
		if (!h) {
			snprintf(err, errlen, "invalid func unknown#%d", in->imm);
			return -EINVAL;
		}
		xi->op = OP_CALL_HELPER;
		xi->imm = (u64)(uintptr_t)h->fn;
		return 1;
	case F_LDDW: {
		u64 lo = (u32)in->imm, hi = (u32)in[1].imm;
		x[i + 1] = (struct ub_xinsn){.op = OP_TAIL};
		xi->imm = lo | hi << 32;
		switch (in->src_reg) {
		case 0:
			return 2;
		case BPF_PSEUDO_FUNC:
			xi->imm = (u64)((s64)i + 1 + in->imm);
			return 2;
		case BPF_PSEUDO_MAP_FD:
		case BPF_PSEUDO_MAP_VALUE:
			if (!prog)
				break;
			/* imm is the map id in the translated form. */
			for (u32 m = 0; m < prog->nr_maps; m++) {
				struct ub_map *map = prog->maps[m];
				if (map->obj.id != (u32)in->imm)
					continue;
				if (in->src_reg == BPF_PSEUDO_MAP_FD)
					xi->imm = (u64)(uintptr_t)map;
				else
					xi->imm = (u64)(uintptr_t)map->data + (u32)in[1].imm;
				return 2;
			}
			snprintf(err, errlen, "map id %u is not used by the program",
				 (u32)in->imm);
			return -EINVAL;
		}
		snprintf(err, errlen, "unsupported lddw src_reg %d", in->src_reg);
		return -EINVAL;
	}
	case F_LDX:
	case F_LDXSX:
	case F_ST:
	case F_STX:
	case F_ATOMIC:
		xi->size = (u8)(BPF_SIZE(in->code) == BPF_DW	? 8
				: BPF_SIZE(in->code) == BPF_W ? 4
				: BPF_SIZE(in->code) == BPF_H ? 2
							       : 1);
		return 1;
	default:
		return 1;
	}
	snprintf(err, errlen, "unsupported lddw src_reg %d", in->src_reg);
	return -EINVAL;
}

/* No jump may land on the second slot of an lddw. */
static int check_targets(const struct bpf_insn *insns, u32 cnt, const struct ub_xinsn *x,
			 char *err, size_t errlen)
{
	for (u32 i = 0; i < cnt; i++) {
		u8 op = x[i].op;
		if (op == OP_TAIL)
			continue;
		const struct ub_insn_desc *d = op < OP_CALL_HELPER ? &ub_insn_descs[op] : NULL;
		if (op == OP_ARRAY_LOOKUP)
			continue;
		bool jump = op == OP_CALL_LOCAL ||
			    (d && (d->fmt == F_JA || d->fmt == F_JA32 || d->fmt == F_JMP_K ||
				   d->fmt == F_JMP_X));
		if (op == OP_LDDW && insns[i].src_reg == BPF_PSEUDO_FUNC)
			jump = true;
		if (jump) {
			s32 t = op == OP_LDDW ? (s32)x[i].imm : x[i].off;
			if (x[t].op == OP_TAIL) {
				snprintf(err, errlen, "jump into the middle of ldimm64 insn %d", t);
				return -EINVAL;
			}
		}
	}
	return 0;
}

int ub_vm_decode_raw(const struct bpf_insn *insns, u32 cnt, struct ub_xinsn *x, char *err,
		     size_t errlen)
{
	for (u32 i = 0; i < cnt;) {
		int n = decode_at(insns, cnt, i, x, NULL, err, errlen);
		if (n < 0)
			return n;
		i += (u32)n;
	}
	return check_targets(insns, cnt, x, err, errlen);
}

int ub_vm_translate(struct ub_prog *prog, const struct bpf_insn *insns, u32 cnt,
		    struct ub_xinsn *x)
{
	char err[128];
	for (u32 i = 0; i < cnt;) {
		int n = decode_at(insns, cnt, i, x, prog, err, sizeof(err));
		if (n < 0) {
			ub_log("translate: insn %u: %s", i, err);
			return n;
		}
		i += (u32)n;
	}
	return check_targets(insns, cnt, x, err, sizeof(err));
}
