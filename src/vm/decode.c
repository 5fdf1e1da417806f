// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The opcode table as data: decoding an instruction to its row, and disassembly. */
#include "vm/insn.h"
#include "vm/vm.h"

#include <stdio.h>

const struct ub_insn_desc ub_insn_descs[] = {
#define UB_INSN_DESC(name_, code_, sel_, val_, fmt_, sym_)                                    \
	[OP_##name_] = {.name = #name_, .code = (code_), .sel = (sel_), .fmt = (fmt_),        \
			.val = (val_), .sym = (sym_)},
	UB_INSN_TABLE(UB_INSN_DESC)
#undef UB_INSN_DESC
};

#define NROWS (OP_CALL_HELPER)

/* Rows by opcode byte, in table order: first[code] .. first[code] + count[code]. */
static u8 by_code[NROWS];
static u16 first[256], count[256];
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

static void build_index(void)
{
	u16 n = 0;
	for (int c = 0; c < 256; c++) {
		first[c] = n;
		for (int op = 0; op < NROWS; op++)
			if (ub_insn_descs[op].code == c)
				by_code[n++] = (u8)op;
		count[c] = (u16)(n - first[c]);
	}
}

/* Do the fields the row's format does not use hold zero, as the kernel demands? */
static bool reserved_ok(const struct ub_insn_desc *d, const struct bpf_insn *in)
{
	bool alu32 = (d->code & 7) == BPF_ALU;
	switch (d->fmt) {
	case F_ALU_K:
		return in->src_reg == 0 && (d->sel == S_OFF || in->off == 0);
	case F_ALU_X:
		return in->imm == 0 && (d->sel == S_OFF || in->off == 0);
	case F_NEG:
		return in->src_reg == 0 && in->off == 0 && in->imm == 0;
	case F_END:
		return in->src_reg == 0 && in->off == 0;
	case F_MOVSX:
		/* A 32-bit move sign-extends at most 16 bits. */
		return in->imm == 0 && !(alu32 && in->off == 32);
	case F_JA:
		return in->src_reg == 0 && in->dst_reg == 0 && in->imm == 0;
	case F_JA32:
		return in->src_reg == 0 && in->dst_reg == 0 && in->off == 0;
	case F_JMP_K:
		return in->src_reg == 0;
	case F_JMP_X:
		return in->imm == 0;
	case F_CALL:
		return in->off == 0 && in->dst_reg == 0 && in->src_reg <= BPF_PSEUDO_CALL;
	case F_EXIT:
		return in->src_reg == 0 && in->dst_reg == 0 && in->off == 0 && in->imm == 0;
	case F_LDDW:
		return in->off == 0 && in[1].code == 0 && in[1].dst_reg == 0 &&
		       in[1].src_reg == 0 && in[1].off == 0;
	case F_LDABS:
		return in->dst_reg == 0 && in->src_reg == 0 && in->off == 0;
	case F_LDIND:
		return in->dst_reg == 0 && in->off == 0;
	case F_LDX:
	case F_LDXSX:
	case F_STX:
		return in->imm == 0;
	case F_ST:
		return in->src_reg == 0;
	case F_ATOMIC:
		return true;
	}
	return false;
}

int ub_insn_decode(const struct bpf_insn *in)
{
	pthread_once(&index_once, build_index);
	for (u16 i = first[in->code], n = count[in->code]; n; i++, n--) {
		const struct ub_insn_desc *d = &ub_insn_descs[by_code[i]];
		if (d->sel == S_OFF && in->off != d->val)
			continue;
		if (d->sel == S_IMM && in->imm != d->val)
			continue;
		return reserved_ok(d, in) ? by_code[i] : -1;
	}
	return -1;
}

static const char *size_name(u8 code)
{
	switch (BPF_SIZE(code)) {
	case BPF_W:
		return "u32";
	case BPF_H:
		return "u16";
	case BPF_B:
		return "u8";
	}
	return "u64";
}

void ub_insn_disasm(const struct bpf_insn *in, char *buf, size_t len)
{
	int op = ub_insn_decode(in);
	if (op < 0) {
		snprintf(buf, len, "(%02x) unknown", in->code);
		return;
	}
	const struct ub_insn_desc *d = &ub_insn_descs[op];
	char r = (d->code & 7) == BPF_ALU || (d->code & 7) == BPF_JMP32 ? 'w' : 'r';
	int n = snprintf(buf, len, "(%02x) ", in->code);
	if (n < 0 || (size_t)n >= len)
		return;
	buf += n;
	len -= (size_t)n;
	switch (d->fmt) {
	case F_ALU_K:
		snprintf(buf, len, "%c%d %s= %d", r, in->dst_reg, d->sym, in->imm);
		break;
	case F_ALU_X:
		snprintf(buf, len, "%c%d %s= %c%d", r, in->dst_reg, d->sym, r, in->src_reg);
		break;
	case F_NEG:
		snprintf(buf, len, "%c%d = -%c%d", r, in->dst_reg, r, in->dst_reg);
		break;
	case F_END:
		snprintf(buf, len, "r%d = %s r%d", in->dst_reg, d->sym, in->dst_reg);
		break;
	case F_MOVSX:
		snprintf(buf, len, "%c%d = (%s)%c%d", r, in->dst_reg, d->sym, r, in->src_reg);
		break;
	case F_JA:
		snprintf(buf, len, "goto pc%+d", in->off);
		break;
	case F_JA32:
		snprintf(buf, len, "gotol pc%+d", in->imm);
		break;
	case F_JMP_K:
		snprintf(buf, len, "if %c%d %s 0x%x goto pc%+d", r, in->dst_reg, d->sym,
			 (u32)in->imm, in->off);
		break;
	case F_JMP_X:
		snprintf(buf, len, "if %c%d %s %c%d goto pc%+d", r, in->dst_reg, d->sym, r,
			 in->src_reg, in->off);
		break;
	case F_CALL:
		if (in->src_reg == BPF_PSEUDO_CALL)
			snprintf(buf, len, "call pc%+d", in->imm);
		else
			snprintf(buf, len, "call %s#%d", ub_helper_name(in->imm), in->imm);
		break;
	case F_EXIT:
		snprintf(buf, len, "exit");
		break;
	case F_LDDW:
		if (in->src_reg == BPF_PSEUDO_MAP_FD || in->src_reg == BPF_PSEUDO_MAP_IDX)
			snprintf(buf, len, "r%d = map[id:%u]", in->dst_reg, (u32)in->imm);
		else if (in->src_reg == BPF_PSEUDO_MAP_VALUE ||
			 in->src_reg == BPF_PSEUDO_MAP_IDX_VALUE)
			snprintf(buf, len, "r%d = map[id:%u][0]+%u", in->dst_reg, (u32)in->imm,
				 (u32)in[1].imm);
		else
			snprintf(buf, len, "r%d = 0x%llx", in->dst_reg,
				 (unsigned long long)(((u64)(u32)in[1].imm << 32) | (u32)in->imm));
		break;
	case F_LDABS:
		snprintf(buf, len, "r0 = *(%s *)skb[%d]", d->sym, in->imm);
		break;
	case F_LDIND:
		snprintf(buf, len, "r0 = *(%s *)skb[r%d + %d]", d->sym, in->src_reg, in->imm);
		break;
	case F_LDX:
		snprintf(buf, len, "r%d = *(%s *)(r%d %+d)", in->dst_reg, size_name(in->code),
			 in->src_reg, in->off);
		break;
	case F_LDXSX:
		snprintf(buf, len, "r%d = *(%s *)(r%d %+d)", in->dst_reg, d->sym, in->src_reg,
			 in->off);
		break;
	case F_ST:
		snprintf(buf, len, "*(%s *)(r%d %+d) = %d", size_name(in->code), in->dst_reg,
			 in->off, in->imm);
		break;
	case F_STX:
		snprintf(buf, len, "*(%s *)(r%d %+d) = r%d", size_name(in->code), in->dst_reg,
			 in->off, in->src_reg);
		break;
	case F_ATOMIC: {
		const char *bits = BPF_SIZE(in->code) == BPF_DW ? "64" : "";
		char rr = BPF_SIZE(in->code) == BPF_DW ? 'r' : 'w';
		if (in->imm == BPF_CMPXCHG)
			snprintf(buf, len, "r0 = atomic%s_cmpxchg((%s *)(r%d %+d), r0, r%d)", bits,
				 size_name(in->code), in->dst_reg, in->off, in->src_reg);
		else if (in->imm == BPF_XCHG)
			snprintf(buf, len, "%c%d = atomic%s_xchg((%s *)(r%d %+d), %c%d)", rr,
				 in->src_reg, bits, size_name(in->code), in->dst_reg, in->off, rr,
				 in->src_reg);
		else if (in->imm & BPF_FETCH)
			snprintf(buf, len, "%c%d = atomic%s_fetch_%s((%s *)(r%d %+d), %c%d)", rr,
				 in->src_reg, bits,
				 in->imm == (BPF_ADD | BPF_FETCH)   ? "add"
				 : in->imm == (BPF_AND | BPF_FETCH) ? "and"
				 : in->imm == (BPF_OR | BPF_FETCH)  ? "or"
								    : "xor",
				 size_name(in->code), in->dst_reg, in->off, rr, in->src_reg);
		else
			snprintf(buf, len, "lock *(%s *)(r%d %+d) %s= %c%d", size_name(in->code),
				 in->dst_reg, in->off, d->sym, rr, in->src_reg);
		break;
	}
	}
}
