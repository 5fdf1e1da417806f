/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The BPF instruction set (RFC 9669): encoding chart and the one opcode table. */
#ifndef UB_VM_INSN_H
#define UB_VM_INSN_H

#include "internal.h"

typedef int8_t s8;
typedef int16_t s16;

#ifndef BPF_MEMSX
#define BPF_MEMSX 0x80 /* sign-extending load, 6.6 (Debian's 6.1 headers lack it) */
#endif

/*
 * Encoding (RFC 9669 section 3), one 64-bit slot, little-endian:
 *
 *   63            32 31        16 15    12 11     8 7            0
 *   +---------------+------------+--------+--------+--------------+
 *   |      imm      |   offset   | src_reg| dst_reg|    opcode    |
 *   +---------------+------------+--------+--------+--------------+
 *
 *   opcode, arithmetic and jumps:  | op (4) | source (1) | class (3) |
 *   opcode, loads and stores:      | mode (3) | size (2) | class (3) |
 *
 * Classes: LD 0, LDX 1, ST 2, STX 3, ALU 4 (32-bit), JMP 5, JMP32 6, ALU64 7.
 * source: K (0) uses imm, X (8) uses src_reg. size: W 0, H 8, B 0x10, DW 0x18.
 * mode: IMM 0 (lddw), ABS 0x20, IND 0x40, MEM 0x60, MEMSX 0x80, ATOMIC 0xc0.
 * lddw (0x18) takes two slots: the second holds the upper 32 bits of the
 * immediate in its imm, every other field zero. src_reg of lddw selects a
 * pseudo form (BPF_PSEUDO_MAP_FD 1, MAP_VALUE 2, BTF_ID 3, FUNC 4, MAP_IDX 5,
 * MAP_IDX_VALUE 6) that the loader resolves.
 *
 * Some encodings share an opcode byte and are told apart by another field:
 * sdiv/smod are div/mod with offset 1, movsx is mov with offset 8/16/32,
 * bswap is ALU64|END, the atomic operation is in imm, and call's src_reg
 * says helper (0), bpf-to-bpf call (1, BPF_PSEUDO_CALL) or kfunc (2).
 *
 * The table below is the only list of instructions. Each row is
 *   UB_INSN(name, opcode, selector, selector value, format, symbol)
 * selector says which field, beside the opcode, picks the row:
 *   S_NONE  nothing (offset and imm are plain operands)
 *   S_OFF   offset == value
 *   S_IMM   imm == value
 * format drives both validation (which fields must be zero) and the
 * disassembly printed in the verifier log; symbol is the operator printed.
 * From this table come: the decoder (decode.c), the disassembler, and the
 * interpreter's labels (interp.c, one body per row).
 *
 * Semantics, per row group (dst, src are registers, K the sign-extended imm):
 *   ALU64 dst op= src|K; ALU (32-bit) works on the low halves and zero-extends.
 *   div/mod are unsigned; by zero: div gives 0, mod leaves dst unchanged
 *   (32-bit mod by zero still zero-extends dst). sdiv/smod are signed
 *   (truncating); by zero as above; INT_MIN / -1 gives INT_MIN and
 *   INT_MIN % -1 gives 0. Shifts mask the count to 63 (31 for ALU).
 *   movsx sign-extends the low 8/16/32 bits of src. le/be convert to that byte
 *   order and truncate to imm (16/32/64) bits; bswap always swaps.
 *   Jumps: pc += 1 + offset; gotol (JMP32|JA) uses imm as the offset.
 *   ldx/st/stx move 1/2/4/8 bytes at dst|src + offset; ldsx sign-extends.
 *   Atomics (stx, size W or DW only): add/or/and/xor, with FETCH the old value
 *   goes to src; xchg swaps src and memory; cmpxchg compares r0 with memory,
 *   stores src if equal and always loads the old value into r0.
 *   Legacy packet loads (ld abs/ind) read big-endian data from the packet of
 *   the context in r6 into r0; out of bounds ends the program with r0 = 0.
 */

enum ub_insn_sel { S_NONE, S_OFF, S_IMM };

enum ub_insn_fmt {
	F_ALU_K,	/* dst op= imm */
	F_ALU_X,	/* dst op= src */
	F_NEG,		/* dst = -dst */
	F_END,		/* dst = le16/be32 dst ... */
	F_MOVSX,	/* dst = (s8)src */
	F_JA,		/* goto pc+off */
	F_JA32,		/* gotol pc+imm */
	F_JMP_K,	/* if dst op imm goto */
	F_JMP_X,	/* if dst op src goto */
	F_CALL,		/* call imm (helper), or pc-relative (pseudo call) */
	F_EXIT,
	F_LDDW,		/* dst = imm64 (two slots) */
	F_LDABS,	/* r0 = *(size *)skb[imm] */
	F_LDIND,	/* r0 = *(size *)skb[src + imm] */
	F_LDX,		/* dst = *(size *)(src + off) */
	F_LDXSX,	/* dst = *(s size *)(src + off) */
	F_ST,		/* *(size *)(dst + off) = imm */
	F_STX,		/* *(size *)(dst + off) = src */
	F_ATOMIC,	/* lock *(size *)(dst + off) op= src */
};

/* clang-format off */
#define UB_ALU_ROWS(X, P, C, B) \
	X(P##ADD##B##_K,  C|0x00, S_NONE, 0, F_ALU_K, "+")  X(P##ADD##B##_X,  C|0x08, S_NONE, 0, F_ALU_X, "+")  \
	X(P##SUB##B##_K,  C|0x10, S_NONE, 0, F_ALU_K, "-")  X(P##SUB##B##_X,  C|0x18, S_NONE, 0, F_ALU_X, "-")  \
	X(P##MUL##B##_K,  C|0x20, S_NONE, 0, F_ALU_K, "*")  X(P##MUL##B##_X,  C|0x28, S_NONE, 0, F_ALU_X, "*")  \
	X(P##DIV##B##_K,  C|0x30, S_OFF,  0, F_ALU_K, "/")  X(P##DIV##B##_X,  C|0x38, S_OFF,  0, F_ALU_X, "/")  \
	X(P##SDIV##B##_K, C|0x30, S_OFF,  1, F_ALU_K, "s/") X(P##SDIV##B##_X, C|0x38, S_OFF,  1, F_ALU_X, "s/") \
	X(P##OR##B##_K,   C|0x40, S_NONE, 0, F_ALU_K, "|")  X(P##OR##B##_X,   C|0x48, S_NONE, 0, F_ALU_X, "|")  \
	X(P##AND##B##_K,  C|0x50, S_NONE, 0, F_ALU_K, "&")  X(P##AND##B##_X,  C|0x58, S_NONE, 0, F_ALU_X, "&")  \
	X(P##LSH##B##_K,  C|0x60, S_NONE, 0, F_ALU_K, "<<") X(P##LSH##B##_X,  C|0x68, S_NONE, 0, F_ALU_X, "<<") \
	X(P##RSH##B##_K,  C|0x70, S_NONE, 0, F_ALU_K, ">>") X(P##RSH##B##_X,  C|0x78, S_NONE, 0, F_ALU_X, ">>") \
	X(P##NEG##B,      C|0x80, S_NONE, 0, F_NEG,   "-")                                                 \
	X(P##MOD##B##_K,  C|0x90, S_OFF,  0, F_ALU_K, "%")  X(P##MOD##B##_X,  C|0x98, S_OFF,  0, F_ALU_X, "%")  \
	X(P##SMOD##B##_K, C|0x90, S_OFF,  1, F_ALU_K, "s%") X(P##SMOD##B##_X, C|0x98, S_OFF,  1, F_ALU_X, "s%") \
	X(P##XOR##B##_K,  C|0xa0, S_NONE, 0, F_ALU_K, "^")  X(P##XOR##B##_X,  C|0xa8, S_NONE, 0, F_ALU_X, "^")  \
	X(P##MOV##B##_K,  C|0xb0, S_NONE, 0, F_ALU_K, "")   X(P##MOV##B##_X,  C|0xb8, S_OFF,  0, F_ALU_X, "")   \
	X(P##MOVSX8##B,   C|0xb8, S_OFF,  8, F_MOVSX, "s8") X(P##MOVSX16##B,  C|0xb8, S_OFF, 16, F_MOVSX, "s16") \
	X(P##ARSH##B##_K, C|0xc0, S_NONE, 0, F_ALU_K, "s>>") X(P##ARSH##B##_X, C|0xc8, S_NONE, 0, F_ALU_X, "s>>")

#define UB_JMP_ROWS(X, P, C) \
	X(P##JEQ_K,  C|0x10, S_NONE, 0, F_JMP_K, "==")  X(P##JEQ_X,  C|0x18, S_NONE, 0, F_JMP_X, "==")  \
	X(P##JGT_K,  C|0x20, S_NONE, 0, F_JMP_K, ">")   X(P##JGT_X,  C|0x28, S_NONE, 0, F_JMP_X, ">")   \
	X(P##JGE_K,  C|0x30, S_NONE, 0, F_JMP_K, ">=")  X(P##JGE_X,  C|0x38, S_NONE, 0, F_JMP_X, ">=")  \
	X(P##JSET_K, C|0x40, S_NONE, 0, F_JMP_K, "&")   X(P##JSET_X, C|0x48, S_NONE, 0, F_JMP_X, "&")   \
	X(P##JNE_K,  C|0x50, S_NONE, 0, F_JMP_K, "!=")  X(P##JNE_X,  C|0x58, S_NONE, 0, F_JMP_X, "!=")  \
	X(P##JSGT_K, C|0x60, S_NONE, 0, F_JMP_K, "s>")  X(P##JSGT_X, C|0x68, S_NONE, 0, F_JMP_X, "s>")  \
	X(P##JSGE_K, C|0x70, S_NONE, 0, F_JMP_K, "s>=") X(P##JSGE_X, C|0x78, S_NONE, 0, F_JMP_X, "s>=") \
	X(P##JLT_K,  C|0xa0, S_NONE, 0, F_JMP_K, "<")   X(P##JLT_X,  C|0xa8, S_NONE, 0, F_JMP_X, "<")   \
	X(P##JLE_K,  C|0xb0, S_NONE, 0, F_JMP_K, "<=")  X(P##JLE_X,  C|0xb8, S_NONE, 0, F_JMP_X, "<=")  \
	X(P##JSLT_K, C|0xc0, S_NONE, 0, F_JMP_K, "s<")  X(P##JSLT_X, C|0xc8, S_NONE, 0, F_JMP_X, "s<")  \
	X(P##JSLE_K, C|0xd0, S_NONE, 0, F_JMP_K, "s<=") X(P##JSLE_X, C|0xd8, S_NONE, 0, F_JMP_X, "s<=")

#define UB_MEM_ROWS(X, S, SZ) \
	X(LDX_##S,   0x61|SZ, S_NONE, 0, F_LDX, #S) \
	X(ST_##S,    0x62|SZ, S_NONE, 0, F_ST,  #S) \
	X(STX_##S,   0x63|SZ, S_NONE, 0, F_STX, #S)

#define UB_ATOMIC_ROWS(X, S, SZ) \
	X(AADD_##S,  0xc3|SZ, S_IMM, 0x00, F_ATOMIC, "+")  X(AFADD_##S, 0xc3|SZ, S_IMM, 0x01, F_ATOMIC, "+") \
	X(AOR_##S,   0xc3|SZ, S_IMM, 0x40, F_ATOMIC, "|")  X(AFOR_##S,  0xc3|SZ, S_IMM, 0x41, F_ATOMIC, "|") \
	X(AAND_##S,  0xc3|SZ, S_IMM, 0x50, F_ATOMIC, "&")  X(AFAND_##S, 0xc3|SZ, S_IMM, 0x51, F_ATOMIC, "&") \
	X(AXOR_##S,  0xc3|SZ, S_IMM, 0xa0, F_ATOMIC, "^")  X(AFXOR_##S, 0xc3|SZ, S_IMM, 0xa1, F_ATOMIC, "^") \
	X(AXCHG_##S, 0xc3|SZ, S_IMM, 0xe1, F_ATOMIC, "xchg") X(ACMPXCHG_##S, 0xc3|SZ, S_IMM, 0xf1, F_ATOMIC, "cmpxchg")

#define UB_INSN_TABLE(X) \
	UB_ALU_ROWS(X, , 0x07, 64) \
	X(MOVSX32_64, 0xbf, S_OFF, 32, F_MOVSX, "s32") \
	X(BSWAP16, 0xd7, S_IMM, 16, F_END, "bswap16") X(BSWAP32, 0xd7, S_IMM, 32, F_END, "bswap32") \
	X(BSWAP64, 0xd7, S_IMM, 64, F_END, "bswap64") \
	UB_ALU_ROWS(X, , 0x04, 32) \
	X(LE16, 0xd4, S_IMM, 16, F_END, "le16") X(LE32, 0xd4, S_IMM, 32, F_END, "le32") \
	X(LE64, 0xd4, S_IMM, 64, F_END, "le64") \
	X(BE16, 0xdc, S_IMM, 16, F_END, "be16") X(BE32, 0xdc, S_IMM, 32, F_END, "be32") \
	X(BE64, 0xdc, S_IMM, 64, F_END, "be64") \
	X(JA, 0x05, S_NONE, 0, F_JA, "") \
	UB_JMP_ROWS(X, , 0x05) \
	X(JA32, 0x06, S_NONE, 0, F_JA32, "") \
	UB_JMP_ROWS(X, W, 0x06) \
	X(CALL, 0x85, S_NONE, 0, F_CALL, "") \
	X(EXIT, 0x95, S_NONE, 0, F_EXIT, "") \
	X(LDDW, 0x18, S_NONE, 0, F_LDDW, "") \
	X(LDABS_W, 0x20, S_NONE, 0, F_LDABS, "u32") X(LDABS_H, 0x28, S_NONE, 0, F_LDABS, "u16") \
	X(LDABS_B, 0x30, S_NONE, 0, F_LDABS, "u8") \
	X(LDIND_W, 0x40, S_NONE, 0, F_LDIND, "u32") X(LDIND_H, 0x48, S_NONE, 0, F_LDIND, "u16") \
	X(LDIND_B, 0x50, S_NONE, 0, F_LDIND, "u8") \
	UB_MEM_ROWS(X, W, 0x00) UB_MEM_ROWS(X, H, 0x08) UB_MEM_ROWS(X, B, 0x10) UB_MEM_ROWS(X, DW, 0x18) \
	X(LDXSX_W, 0x81, S_NONE, 0, F_LDXSX, "s32") X(LDXSX_H, 0x89, S_NONE, 0, F_LDXSX, "s16") \
	X(LDXSX_B, 0x91, S_NONE, 0, F_LDXSX, "s8") \
	UB_ATOMIC_ROWS(X, W, 0x00) UB_ATOMIC_ROWS(X, DW, 0x18)
/* clang-format on */

/* Internal opcodes: one per table row, plus ops the loader creates. */
enum ub_op {
#define UB_INSN_ENUM(name, code, sel, val, fmt, sym) OP_##name,
	UB_INSN_TABLE(UB_INSN_ENUM)
#undef UB_INSN_ENUM
	OP_CALL_HELPER,	/* helper call resolved to a function (CALL with src 0) */
	OP_CALL_LOCAL,	/* bpf-to-bpf call, target resolved (CALL with src 1) */
	OP_ARRAY_LOOKUP,/* map_lookup_elem inlined for an ARRAY map (the verifier proved r1) */
	OP_TAIL,	/* the second slot of lddw: never executed */
	OP_NR,
};
_Static_assert(OP_NR <= 256, "internal opcodes fit in a byte");

struct ub_insn_desc {
	const char *name;
	u8 code;
	u8 sel;
	u8 fmt;
	s32 val;
	const char *sym;
};

/* Indexed by enum ub_op (rows of the table only). */
extern const struct ub_insn_desc ub_insn_descs[];

/*
 * The internal form of one instruction, produced by the decoder and read by
 * the interpreter. Jumps carry their absolute target; lddw carries its whole
 * 64-bit immediate (its second slot becomes OP_TAIL); helper calls carry the
 * helper's index in the helper table.
 */
struct ub_xinsn {
	u8 op;
	u8 dst;
	u8 src;
	u8 size;	/* memory access width in bytes, or 32/64 for ALU */
	s32 off;	/* memory offset, or jump target (insn index) */
	u64 imm;	/* sign-extended imm, lddw value, or helper index */
};

/* Decode one instruction (two for lddw) to its table row: OP_* or -1. */
UB_HIDDEN int ub_insn_decode(const struct bpf_insn *insn);

/* The kernel verifier's text for @insn at @idx, "(b7) r0 = 0" style, into @buf. */
UB_HIDDEN void ub_insn_disasm(const struct bpf_insn *insn, char *buf, size_t len);

#endif
