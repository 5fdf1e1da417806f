/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* A small assembler for test programs, in uBPF's .data syntax ("add32 r0, 5", "ldxw r0, [r1+4]"). */
#ifndef UB_TEST_ASM_H
#define UB_TEST_ASM_H

#include <ctype.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct asm_op {
	const char *name;
	unsigned char code;
	int kind; /* 0 alu, 1 alu unary/end (imm = arg), 2 ldx, 3 st, 4 stx, 5 jmp, 6 ja, 7 call, 8 exit, 9 lddw, 10 ldabs, 11 ldind */
	int imm;  /* fixed imm (end width) */
	int off;  /* fixed off (sdiv, movsx) */
};

static const struct asm_op asm_ops[] = {
#define ALU(n, op) {n, BPF_ALU64 | op, 0, 0, 0}, {n "32", BPF_ALU | op, 0, 0, 0}
	ALU("add", BPF_ADD), ALU("sub", BPF_SUB), ALU("mul", BPF_MUL), ALU("div", BPF_DIV),
	ALU("or", BPF_OR), ALU("and", BPF_AND), ALU("lsh", BPF_LSH), ALU("rsh", BPF_RSH),
	ALU("mod", BPF_MOD), ALU("xor", BPF_XOR), ALU("mov", BPF_MOV), ALU("arsh", BPF_ARSH),
	{"sdiv", BPF_ALU64 | BPF_DIV, 0, 0, 1}, {"sdiv32", BPF_ALU | BPF_DIV, 0, 0, 1},
	{"smod", BPF_ALU64 | BPF_MOD, 0, 0, 1}, {"smod32", BPF_ALU | BPF_MOD, 0, 0, 1},
	{"movsx8", BPF_ALU64 | BPF_MOV, 0, 0, 8}, {"movsx16", BPF_ALU64 | BPF_MOV, 0, 0, 16},
	{"movsx32", BPF_ALU64 | BPF_MOV, 0, 0, 32}, {"movsx832", BPF_ALU | BPF_MOV, 0, 0, 8},
	{"movsx1632", BPF_ALU | BPF_MOV, 0, 0, 16},
	{"neg", BPF_ALU64 | BPF_NEG, 1, 0, 0}, {"neg32", BPF_ALU | BPF_NEG, 1, 0, 0},
	{"le16", BPF_ALU | BPF_END | BPF_TO_LE, 1, 16, 0}, {"le32", BPF_ALU | BPF_END | BPF_TO_LE, 1, 32, 0},
	{"le64", BPF_ALU | BPF_END | BPF_TO_LE, 1, 64, 0}, {"be16", BPF_ALU | BPF_END | BPF_TO_BE, 1, 16, 0},
	{"be32", BPF_ALU | BPF_END | BPF_TO_BE, 1, 32, 0}, {"be64", BPF_ALU | BPF_END | BPF_TO_BE, 1, 64, 0},
	{"bswap16", BPF_ALU64 | BPF_END, 1, 16, 0}, {"bswap32", BPF_ALU64 | BPF_END, 1, 32, 0},
	{"bswap64", BPF_ALU64 | BPF_END, 1, 64, 0},
	{"ldxb", BPF_LDX | BPF_MEM | BPF_B, 2, 0, 0}, {"ldxh", BPF_LDX | BPF_MEM | BPF_H, 2, 0, 0},
	{"ldxw", BPF_LDX | BPF_MEM | BPF_W, 2, 0, 0}, {"ldxdw", BPF_LDX | BPF_MEM | BPF_DW, 2, 0, 0},
	{"ldxsb", BPF_LDX | 0x80 | BPF_B, 2, 0, 0}, {"ldxsh", BPF_LDX | 0x80 | BPF_H, 2, 0, 0},
	{"ldxsw", BPF_LDX | 0x80 | BPF_W, 2, 0, 0},
	{"stb", BPF_ST | BPF_MEM | BPF_B, 3, 0, 0}, {"sth", BPF_ST | BPF_MEM | BPF_H, 3, 0, 0},
	{"stw", BPF_ST | BPF_MEM | BPF_W, 3, 0, 0}, {"stdw", BPF_ST | BPF_MEM | BPF_DW, 3, 0, 0},
	{"stxb", BPF_STX | BPF_MEM | BPF_B, 4, 0, 0}, {"stxh", BPF_STX | BPF_MEM | BPF_H, 4, 0, 0},
	{"stxw", BPF_STX | BPF_MEM | BPF_W, 4, 0, 0}, {"stxdw", BPF_STX | BPF_MEM | BPF_DW, 4, 0, 0},
#define JMP(n, op) {n, BPF_JMP | op, 5, 0, 0}, {n "32", BPF_JMP32 | op, 5, 0, 0}
	JMP("jeq", BPF_JEQ), JMP("jgt", BPF_JGT), JMP("jge", BPF_JGE), JMP("jset", BPF_JSET),
	JMP("jne", BPF_JNE), JMP("jsgt", BPF_JSGT), JMP("jsge", BPF_JSGE), JMP("jlt", BPF_JLT),
	JMP("jle", BPF_JLE), JMP("jslt", BPF_JSLT), JMP("jsle", BPF_JSLE),
	{"ja", BPF_JMP | BPF_JA, 6, 0, 0}, {"ja32", BPF_JMP32 | BPF_JA, 6, 0, 0},
	{"call", BPF_JMP | BPF_CALL, 7, 0, 0}, {"callpc", BPF_JMP | BPF_CALL, 12, 0, 0}, {"exit", BPF_JMP | BPF_EXIT, 8, 0, 0},
	{"lddw", BPF_LD | BPF_IMM | BPF_DW, 9, 0, 0},
	{"ldabsb", BPF_LD | BPF_ABS | BPF_B, 10, 0, 0}, {"ldabsh", BPF_LD | BPF_ABS | BPF_H, 10, 0, 0},
	{"ldabsw", BPF_LD | BPF_ABS | BPF_W, 10, 0, 0}, {"ldindb", BPF_LD | BPF_IND | BPF_B, 11, 0, 0},
	{"ldindh", BPF_LD | BPF_IND | BPF_H, 11, 0, 0}, {"ldindw", BPF_LD | BPF_IND | BPF_W, 11, 0, 0},
};

static int asm_reg(const char **p)
{
	while (isspace((unsigned char)**p) || **p == ',')
		(*p)++;
	if (**p != 'r')
		return -1;
	char *end;
	long r = strtol(*p + 1, &end, 10);
	*p = end;
	return (int)r;
}

static int asm_num(const char **p, long long *v)
{
	while (isspace((unsigned char)**p) || **p == ',')
		(*p)++;
	char *end;
	/* Negative numbers as signed, the rest as unsigned (0x8000000000000000 fits). */
	if (**p == '-')
		*v = strtoll(*p, &end, 0);
	else
		*v = (long long)strtoull(*p + (**p == '+'), &end, 0);
	if (end == *p)
		return -1;
	*p = end;
	return 0;
}

/* "[rN+off]" */
static int asm_mem(const char **p, int *reg, short *off)
{
	while (isspace((unsigned char)**p) || **p == ',')
		(*p)++;
	if (**p != '[')
		return -1;
	(*p)++;
	*reg = asm_reg(p);
	long long o = 0;
	if (**p == '+' || **p == '-')
		asm_num(p, &o);
	*off = (short)o;
	if (**p != ']')
		return -1;
	(*p)++;
	return 0;
}

/* Assemble one line into out (1 or 2 insns). Returns the count, or -1. */
static int asm_line(const char *line, struct bpf_insn *out)
{
	char name[32];
	int n = 0;
	while (isspace((unsigned char)*line))
		line++;
	while (line[n] && !isspace((unsigned char)line[n]) && n < 31) {
		name[n] = line[n];
		n++;
	}
	name[n] = '\0';
	const char *p = line + n;
	const struct asm_op *op = NULL;
	for (size_t i = 0; i < sizeof(asm_ops) / sizeof(asm_ops[0]); i++)
		if (!strcmp(asm_ops[i].name, name))
			op = &asm_ops[i];
	if (!op)
		return -1;
	memset(out, 0, 2 * sizeof(*out));
	out->code = op->code;
	out->off = (short)op->off;
	long long v;
	int r;
	switch (op->kind) {
	case 0:
		out->dst_reg = asm_reg(&p);
		if ((r = asm_reg(&p)) >= 0) {
			out->code |= BPF_X;
			out->src_reg = r;
		} else if (asm_num(&p, &v) == 0) {
			out->imm = (int)v;
		} else {
			return -1;
		}
		return 1;
	case 1:
		out->dst_reg = asm_reg(&p);
		out->imm = op->imm;
		return 1;
	case 2:
		out->dst_reg = asm_reg(&p);
		return asm_mem(&p, &r, &out->off) ? -1 : (out->src_reg = r, 1);
	case 3:
		if (asm_mem(&p, &r, &out->off) || asm_num(&p, &v))
			return -1;
		out->dst_reg = r;
		out->imm = (int)v;
		return 1;
	case 4:
		if (asm_mem(&p, &r, &out->off))
			return -1;
		out->dst_reg = r;
		out->src_reg = asm_reg(&p);
		return 1;
	case 5:
		out->dst_reg = asm_reg(&p);
		if ((r = asm_reg(&p)) >= 0) {
			out->code |= BPF_X;
			out->src_reg = r;
		} else if (asm_num(&p, &v) == 0) {
			out->imm = (int)v;
		} else {
			return -1;
		}
		if (asm_num(&p, &v))
			return -1;
		out->off = (short)v;
		return 1;
	case 6:
		if (asm_num(&p, &v))
			return -1;
		if (BPF_CLASS(op->code) == BPF_JMP32)
			out->imm = (int)v;
		else
			out->off = (short)v;
		return 1;
	case 7:
		if (asm_num(&p, &v))
			return -1;
		out->imm = (int)v;
		return 1;
	case 8:
		return 1;
	case 12: /* bpf-to-bpf call, pc-relative */
		if (asm_num(&p, &v))
			return -1;
		out->src_reg = BPF_PSEUDO_CALL;
		out->imm = (int)v;
		return 1;
	case 9:
		out->dst_reg = asm_reg(&p);
		if (asm_num(&p, &v))
			return -1;
		out->imm = (int)(unsigned)(unsigned long long)v;
		out[1].imm = (int)((unsigned long long)v >> 32);
		return 2;
	case 10:
		if (asm_num(&p, &v))
			return -1;
		out->imm = (int)v;
		return 1;
	case 11:
		out->src_reg = asm_reg(&p);
		if (asm_num(&p, &v))
			return -1;
		out->imm = (int)v;
		return 1;
	}
	return -1;
}

#endif
