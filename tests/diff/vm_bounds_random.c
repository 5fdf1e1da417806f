// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Seeded random programs that compute an offset from packet bytes (ALU64 and
 * ALU32 arithmetic, shifts, masks, division, conditional jumps of both widths
 * against constants and registers) and then read a map value at that offset:
 * whether the offset provably stays inside the value is the verifier's range
 * tracking at work. Every program userbpf loads runs checked
 * (USERBPF_VM_CHECKED=1) on random packets: no run may fault (a fault is a
 * range the verifier got wrong). Where bpf() works the kernel loads and runs
 * the same programs: userbpf must not load one the kernel refuses, and where
 * both load, the results (the offset itself) must be equal. How many the
 * kernel loads and userbpf refuses (ranges the kernel's tnums track better) is
 * printed. The seed is printed; UB_SEED replays one.
 */
#include "t.h"
#include "sides.h"
#include "insns.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define VALUE_SIZE 64
#define MAP_INSN 5
#define PROGS 500
#define PACKETS 24

static const int alu_ops[] = {BPF_ADD, BPF_SUB, BPF_MUL, BPF_AND, BPF_OR, BPF_XOR,
			      BPF_LSH, BPF_RSH, BPF_ARSH, BPF_DIV, BPF_MOD, BPF_MOV};
static const int jmp_ops[] = {BPF_JEQ, BPF_JNE, BPF_JGT, BPF_JGE, BPF_JLT, BPF_JLE,
			      BPF_JSGT, BPF_JSGE, BPF_JSLT, BPF_JSLE, BPF_JSET};
static const int consts[] = {0, 1, 2, 3, 7, 8, 15, 16, 31, 32, 63, 64, 100, 255, -1, -8, -64};

/* Registers r1-r5 hold the computation; r6 data, r7 the map value, r9 data_end. */
static int reg(void)
{
	return 1 + (int)rnd(5);
}

static int gen(struct bpf_insn *p)
{
	int n = 0, exit_fix[8], nexit = 0;
	p[n++] = LDX(BPF_W, 6, 1, 0);
	p[n++] = LDX(BPF_W, 9, 1, 4);
	p[n++] = ST(BPF_W, 10, -4, 0);
	p[n++] = MOVX(2, 10);
	p[n++] = ADD(2, -4);
	p[n++] = INSN(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD, 0, 0); /* MAP_INSN */
	p[n++] = INSN(0, 0, 0, 0, 0);
	p[n++] = CALL(BPF_FUNC_map_lookup_elem);
	exit_fix[nexit++] = n;
	p[n++] = JEQ(0, 0, 0);
	p[n++] = MOVX(7, 0);
	p[n++] = MOVX(3, 6);
	p[n++] = ADD(3, 8);
	exit_fix[nexit++] = n;
	p[n++] = JGTX(3, 9, 0);
	/* Unknowns: packet bytes, a half word, a word. */
	p[n++] = LDX(BPF_B, 1, 6, 0);
	p[n++] = LDX(BPF_B, 2, 6, 1);
	p[n++] = LDX(BPF_H, 3, 6, 2);
	p[n++] = LDX(BPF_W, 4, 6, 4);
	p[n++] = MOV(5, (int)rnd(64));
	int ops = 2 + (int)rnd(10);
	for (int k = 0; k < ops; k++) {
		if (rnd(4) == 0) {
			/* if (rA op K|rB) skip the next 1-2 insns, which are ALU ops */
			int skip = 1 + (int)rnd(2);
			int cls = rnd(2) ? BPF_JMP : BPF_JMP32;
			int op = jmp_ops[rnd(sizeof(jmp_ops) / sizeof(jmp_ops[0]))];
			if (rnd(2))
				p[n++] = INSN(cls | op | BPF_K, reg(), 0, (short)skip,
					      consts[rnd(sizeof(consts) / sizeof(consts[0]))]);
			else
				p[n++] = INSN(cls | op | BPF_X, reg(), reg(), (short)skip, 0);
			for (int j = 0; j < skip; j++)
				p[n++] = INSN(BPF_ALU64 | BPF_AND | BPF_K, reg(), 0, 0,
					      consts[rnd(11)]);
			continue;
		}
		int cls = rnd(3) ? BPF_ALU64 : BPF_ALU;
		int op = alu_ops[rnd(sizeof(alu_ops) / sizeof(alu_ops[0]))];
		int d = reg();
		if (rnd(2) || op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) {
			int k = consts[rnd(sizeof(consts) / sizeof(consts[0]))];
			if (op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH)
				k = (int)rnd(cls == BPF_ALU ? 32 : 64);
			if ((op == BPF_DIV || op == BPF_MOD) && k == 0)
				k = 3;
			p[n++] = INSN(cls | op | BPF_K, d, 0, 0, k);
		} else {
			p[n++] = INSN(cls | op | BPF_X, d, reg(), 0, 0);
		}
	}
	/* Read the value at the offset in one register, and return that offset. */
	int r = reg();
	p[n++] = MOVX(8, 7);
	p[n++] = ADDX(8, r);
	p[n++] = LDX(BPF_B, 0, 8, 0);
	p[n++] = MOVX(0, r);
	p[n++] = EXIT();
	for (int k = 0; k < nexit; k++)
		p[exit_fix[k]].off = (short)(n - exit_fix[k] - 1);
	p[n++] = MOV(0, 0);
	p[n++] = EXIT();
	return n;
}

/* The retval per packet, or -errno - 1000 when it does not load, or -errno from a run. */
static int run(bpf_fn f, int map, struct bpf_insn *p, int n, unsigned long long pkt_seed,
	       long long out[PACKETS])
{
	p[MAP_INSN].imm = map;
	int fd = sides_prog_load(f, BPF_PROG_TYPE_XDP, 0, p, (unsigned)n, NULL, 0);
	if (fd < 0)
		return -errno;
	unsigned long long save = rng;
	rng = pkt_seed;
	for (int i = 0; i < PACKETS; i++) {
		unsigned char pkt[64];
		for (int b = 0; b < 64; b++)
			pkt[b] = i == 0 ? 0 : i == 1 ? 0xff : (unsigned char)rnd(256);
		union bpf_attr a;
		memset(&a, 0, sizeof(a));
		a.test.prog_fd = (unsigned)fd;
		a.test.data_in = (unsigned long)pkt;
		a.test.data_size_in = sizeof(pkt);
		out[i] = f(BPF_PROG_TEST_RUN, &a, sizeof(a)) ? -(long long)errno : a.test.retval;
	}
	rng = save;
	close(fd);
	return 0;
}

/* UB_DUMP=N: program N's instructions and both verifier logs, for a failure's reader. */
static void dump(struct bpf_insn *p, int n, int um, int km)
{
	static char log[1 << 16];
	for (int i = 0; i < n; i++)
		printf("%d: code %02x dst r%d src r%d off %d imm %d\n", i, p[i].code, p[i].dst_reg,
		       p[i].src_reg, p[i].off, p[i].imm);
	p[MAP_INSN].imm = um;
	sides_prog_load(ubpf, BPF_PROG_TYPE_XDP, 0, p, (unsigned)n, log, sizeof(log));
	printf("userbpf:\n%s", log);
	if (km >= 0) {
		p[MAP_INSN].imm = km;
		sides_prog_load(kbpf, BPF_PROG_TYPE_XDP, 0, p, (unsigned)n, log, sizeof(log));
		printf("kernel:\n%s", log);
	}
}

int main(void)
{
	const char *s = getenv("UB_SEED");
	unsigned long long seed = s ? strtoull(s, NULL, 0) : (unsigned long long)time(NULL);
	printf("seed %llu (UB_SEED=%llu replays)\n", seed, seed);
	/* Before the first run: verified programs run on the checked engine. */
	setenv("USERBPF_VM_CHECKED", "1", 1);
	rng = seed * 2654435761ull + 1;
	int um = sides_map(ubpf, BPF_MAP_TYPE_ARRAY, VALUE_SIZE, 1, 0);
	int km = sides_map(kbpf, BPF_MAP_TYPE_ARRAY, VALUE_SIZE, 1, 0);
	CHECK(um >= 0, "userbpf map: %s", strerror(errno));
	if (km < 0)
		SKIP("kernel bpf() unavailable: userbpf's checked runs only");
	int uload = 0, kload = 0, kernel_only = 0, both = 0;
	for (int i = 0; i < PROGS; i++) {
		struct bpf_insn p[128];
		int n = gen(p);
		unsigned long long pkt_seed = rng | 1;
		long long u[PACKETS], k[PACKETS];
		if (getenv("UB_DUMP") && atoi(getenv("UB_DUMP")) == i)
			dump(p, n, um, km);
		int ue = run(ubpf, um, p, n, pkt_seed, u);
		if (!ue) {
			uload++;
			for (int j = 0; j < PACKETS; j++)
				CHECK(u[j] != -EFAULT,
				      "seed %llu prog %d packet %d: a verified program faulted", seed, i,
				      j);
		}
		if (km < 0)
			continue;
		int ke = run(kbpf, km, p, n, pkt_seed, k);
		kload += !ke;
		kernel_only += ke == 0 && ue != 0;
		CHECK(ue != 0 || ke == 0, "seed %llu prog %d: userbpf loads what the kernel refuses (%d)",
		      seed, i, ke);
		if (!ue && !ke) {
			both++;
			for (int j = 0; j < PACKETS; j++)
				CHECK(u[j] == k[j], "seed %llu prog %d packet %d: userbpf %lld kernel %lld",
				      seed, i, j, u[j], k[j]);
		}
	}
	printf("userbpf loaded %d of %d; the kernel %d; both %d; the kernel only %d\n", uload,
	       PROGS, kload, both, kernel_only);
	CHECK(uload > PROGS / 20, "enough programs load to test anything (%d)", uload);
	if (km >= 0)
		CHECK(both > 0, "the kernel half ran (%d loaded on both)", both);
	return T_DONE();
}
