// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Seeded random programs (ALU64/ALU32 with every operator, signed division,
 * movsx, byte swaps, forward conditional jumps of both widths) loaded and
 * test-run on userbpf and, where bpf() works, on the kernel: the retval (r0
 * folded to 32 bits) must be equal. The seed is printed; UB_SEED replays one.
 */
#include "t.h"
#include "userbpf.h"

#include <linux/bpf.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define INSN(c, d, s, o, i) ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})

static unsigned long long rng;
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static int gen(struct bpf_insn *p)
{
	int n = 0;
	for (int r = 0; r <= 5; r++) {
		unsigned long long v = ((unsigned long long)rnd(1u << 31) << 33) ^ rnd(1u << 31) ^
				       ((unsigned long long)rnd(4) << 62);
		if (rnd(4) == 0)
			v = rnd(8) - 4;
		p[n++] = INSN(BPF_LD | BPF_IMM | BPF_DW, r, 0, 0, (int)(unsigned)v);
		p[n++] = INSN(0, 0, 0, 0, (int)(unsigned)(v >> 32));
	}
	int body = 20 + (int)rnd(30), branches = 0;
	int start = n;
	while (n - start < body) {
		int cls = rnd(2) ? BPF_ALU64 : BPF_ALU;
		int d = (int)rnd(6), s = (int)rnd(6);
		unsigned k = rnd(10);
		static const int ops[] = {BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH,
					  BPF_RSH, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH};
		if (k < 6) { /* op with a register */
			int op = ops[rnd(12)];
			int off = (op == BPF_DIV || op == BPF_MOD) && rnd(2) ? 1 : 0;
			p[n++] = INSN(cls | op | BPF_X, d, s, off, 0);
		} else if (k < 8) { /* op with an immediate (no zero divisor, shifts in range) */
			int op = ops[rnd(12)];
			int imm = (int)rnd(1u << 16) - (1 << 15);
			if (op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH)
				imm = (int)rnd(cls == BPF_ALU64 ? 64 : 32);
			if ((op == BPF_DIV || op == BPF_MOD) && imm == 0)
				imm = 3;
			int off = (op == BPF_DIV || op == BPF_MOD) && rnd(2) ? 1 : 0;
			p[n++] = INSN(cls | op | BPF_K, d, 0, off, imm);
		} else if (k == 8) { /* neg, movsx, byte order */
			static const int widths[] = {16, 32, 64};
			switch (rnd(4)) {
			case 0:
				p[n++] = INSN(cls | BPF_NEG, d, 0, 0, 0);
				break;
			case 1: {
				static const int w64[] = {8, 16, 32}, w32[] = {8, 16};
				int w = cls == BPF_ALU64 ? w64[rnd(3)] : w32[rnd(2)];
				p[n++] = INSN(cls | BPF_MOV | BPF_X, d, s, (short)w, 0);
				break;
			}
			case 2:
				p[n++] = INSN(BPF_ALU | BPF_END | (rnd(2) ? BPF_TO_BE : BPF_TO_LE), d, 0, 0,
					      widths[rnd(3)]);
				break;
			default:
				p[n++] = INSN(BPF_ALU64 | BPF_END, d, 0, 0, widths[rnd(3)]);
			}
		} else if (branches < 6 && n - start < body - 4) { /* forward jump over 1..3 insns */
			static const int jops[] = {BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE, BPF_JSGT,
						   BPF_JSGE, BPF_JLT, BPF_JLE, BPF_JSLT, BPF_JSLE};
			int jc = rnd(2) ? BPF_JMP : BPF_JMP32;
			if (rnd(2))
				p[n++] = INSN(jc | jops[rnd(11)] | BPF_X, d, s, (short)(1 + rnd(3)), 0);
			else
				p[n++] = INSN(jc | jops[rnd(11)] | BPF_K, d, 0, (short)(1 + rnd(3)),
					      (int)rnd(64) - 32);
			branches++;
		}
	}
	/* Fold every register into r0, then the high half into the low. */
	for (int r = 1; r <= 5; r++)
		p[n++] = INSN(BPF_ALU64 | BPF_XOR | BPF_X, 0, r, 0, 0);
	p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, 1, 0, 0, 0);
	p[n++] = INSN(BPF_ALU64 | BPF_RSH | BPF_K, 1, 0, 0, 32);
	p[n++] = INSN(BPF_ALU64 | BPF_XOR | BPF_X, 0, 1, 0, 0);
	p[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return n;
}

typedef int (*bpf_fn)(int, void *, unsigned);
static int kbpf(int cmd, void *a, unsigned s)
{
	return (int)syscall(__NR_bpf, cmd, a, s);
}
static int ubpf(int cmd, void *a, unsigned s)
{
	return ub_bpf(cmd, a, s);
}

static long long load_run(bpf_fn f, struct bpf_insn *p, int n)
{
	union bpf_attr a;
	unsigned char pkt[64] = {0};
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (unsigned long)p;
	a.insn_cnt = (unsigned)n;
	a.license = (unsigned long)"GPL";
	int fd = f(BPF_PROG_LOAD, &a, sizeof(a));
	if (fd < 0)
		return -(long long)errno - 1000;
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = fd;
	a.test.data_in = (unsigned long)pkt;
	a.test.data_size_in = sizeof(pkt);
	int r = f(BPF_PROG_TEST_RUN, &a, sizeof(a));
	close(fd);
	return r ? -1 : (long long)a.test.retval;
}

int main(void)
{
	const char *s = getenv("UB_SEED");
	unsigned long long seed = s ? strtoull(s, NULL, 0) : (unsigned long long)time(NULL);
	printf("seed %llu (UB_SEED=%llu replays)\n", seed, seed);
	rng = seed * 2654435761ull + 1;
	union bpf_attr m;
	memset(&m, 0, sizeof(m));
	m.map_type = BPF_MAP_TYPE_ARRAY;
	m.key_size = m.value_size = m.max_entries = 4;
	int kfd = kbpf(BPF_MAP_CREATE, &m, sizeof(m));
	int kernel = kfd >= 0;
	if (kfd >= 0)
		close(kfd);
	else
		SKIP("kernel bpf() unavailable: userbpf runs only");
	int kran = 0;
	for (int i = 0; i < 300; i++) {
		struct bpf_insn p[128];
		int n = gen(p);
		long long u = load_run(ubpf, p, n);
		CHECK(u >= 0, "seed %llu prog %d: userbpf load/run failed (%lld)", seed, i, u);
		if (!kernel)
			continue;
		long long k = load_run(kbpf, p, n);
		CHECK(k >= 0, "seed %llu prog %d: kernel refused (%lld)", seed, i, k);
		if (k >= 0)
			kran++;
		CHECK(k < 0 || k == u, "seed %llu prog %d: kernel 0x%llx userbpf 0x%llx", seed, i, k, u);
	}
	if (kernel)
		CHECK(kran > 0, "the kernel half ran (%d)", kran);
	return T_DONE();
}
