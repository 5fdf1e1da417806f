// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Seeded random programs (ALU64/ALU32 with every operator, signed division,
 * movsx, byte swaps, forward conditional jumps of both widths, loads, sign-
 * extending loads, stores and atomics on the stack and in an ARRAY map value)
 * loaded and test-run on userbpf and, where bpf() works, on the kernel: the
 * retval (registers, stack and map value folded to 32 bits) must be equal.
 * The programs run twice, in a child with USERBPF_VM_CHECKED=1 (the checked
 * engine: a verified program that trips a run-time check, EFAULT, is a
 * verifier hole) and in the parent with the trusted engine verified programs
 * normally get. The seed is printed; UB_SEED replays one.
 */
#include "t.h"
#include "sides.h"
#include "insns.h"
#include "userbpf.h"

#include <linux/bpf.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>



#ifndef BPF_MEMSX
#define BPF_MEMSX 0x80 /* sign-extending loads (cpu v4): older uapi headers lack it */
#endif

#define STACK_BYTES 64 /* [r10 - 64, r10) is zeroed, then used at random */
#define VALUE_SIZE 32  /* r9 points at the map value */
#define MAP_INSN 3     /* the lddw of the map */

static const int sizes[] = {BPF_B, BPF_H, BPF_W, BPF_DW};
static const int size_bytes[] = {1, 2, 4, 8};

/*
 * Base register and offset for @bytes bytes, on the stack or in the map value.
 * Stack accesses are always aligned (the kernel requires it); map value
 * accesses only when @aligned (atomics).
 */
static void mem_at(int bytes, bool aligned, int *base, short *off)
{
	if (rnd(2)) {
		*base = 10;
		*off = (short)(-STACK_BYTES + (int)rnd(STACK_BYTES - bytes + 1));
		aligned = true;
	} else {
		*base = 9;
		*off = (short)rnd(VALUE_SIZE - bytes + 1);
	}
	if (aligned)
		*off = (short)(*off & -bytes);
}

/* A load, a store or an atomic operation; registers r0..r5 are scalars. */
static int gen_mem(struct bpf_insn *p, int d, int s)
{
	int base, sz = (int)rnd(4);
	short off;
	switch (rnd(4)) {
	case 0: /* load, sign-extending sometimes */
		mem_at(size_bytes[sz], false, &base, &off);
		if (sz < 3 && rnd(3) == 0)
			*p = INSN(BPF_LDX | BPF_MEMSX | sizes[sz], d, base, off, 0);
		else
			*p = INSN(BPF_LDX | BPF_MEM | sizes[sz], d, base, off, 0);
		return 1;
	case 1:
		mem_at(size_bytes[sz], false, &base, &off);
		*p = INSN(BPF_STX | BPF_MEM | sizes[sz], base, s, off, 0);
		return 1;
	case 2:
		mem_at(size_bytes[sz], false, &base, &off);
		*p = INSN(BPF_ST | BPF_MEM | sizes[sz], base, 0, off,
			  (int)rnd(1u << 16) - (1 << 15));
		return 1;
	default: { /* atomics: aligned, as the kernel requires */
		static const int aops[] = {BPF_ADD, BPF_OR, BPF_AND, BPF_XOR};
		int wide = (int)rnd(2), op;
		switch (rnd(4)) {
		case 0:
			op = BPF_XCHG;
			break;
		case 1:
			op = BPF_CMPXCHG;
			break;
		default:
			op = aops[rnd(4)] | (rnd(2) ? BPF_FETCH : 0);
		}
		mem_at(wide ? 8 : 4, true, &base, &off);
		*p = INSN(BPF_STX | BPF_ATOMIC | (wide ? BPF_DW : BPF_W), base, s, off, op);
		return 1;
	}
	}
}

static int gen(struct bpf_insn *p)
{
	int n = 0;
	/* r9 = the value of key 0 (imm of insn MAP_INSN is the map fd, set per side). */
	p[n++] = INSN(BPF_ST | BPF_MEM | BPF_W, 10, 0, -STACK_BYTES - 8, 0);
	p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0);
	p[n++] = INSN(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -STACK_BYTES - 8);
	p[n++] = INSN(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD, 0, 0);
	p[n++] = INSN(0, 0, 0, 0, 0);
	p[n++] = INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem);
	p[n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, 0, 0, 1, 0);
	p[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, 9, 0, 0, 0);
	for (int o = 8; o <= STACK_BYTES; o += 8)
		p[n++] = INSN(BPF_ST | BPF_MEM | BPF_DW, 10, 0, (short)-o, 0);
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
		unsigned k = rnd(12);
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
		} else if (k >= 10) {
			n += gen_mem(&p[n], d, s);
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
	/* Fold every register, the stack and the value into r0, then the high half into the low. */
	for (int r = 1; r <= 5; r++)
		p[n++] = INSN(BPF_ALU64 | BPF_XOR | BPF_X, 0, r, 0, 0);
	for (int o = 8; o <= STACK_BYTES; o += 8) {
		p[n++] = INSN(BPF_LDX | BPF_MEM | BPF_DW, 1, 10, (short)-o, 0);
		p[n++] = INSN(BPF_ALU64 | BPF_XOR | BPF_X, 0, 1, 0, 0);
	}
	for (int o = 0; o < VALUE_SIZE; o += 8) {
		p[n++] = INSN(BPF_LDX | BPF_MEM | BPF_DW, 1, 9, (short)o, 0);
		p[n++] = INSN(BPF_ALU64 | BPF_XOR | BPF_X, 0, 1, 0, 0);
	}
	p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, 1, 0, 0, 0);
	p[n++] = INSN(BPF_ALU64 | BPF_RSH | BPF_K, 1, 0, 0, 32);
	p[n++] = INSN(BPF_ALU64 | BPF_XOR | BPF_X, 0, 1, 0, 0);
	p[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return n;
}


/* The retval, or -errno - 1000 from the load, or -errno from the run. */
static long long load_run(bpf_fn f, int map, struct bpf_insn *p, int n)
{
	union bpf_attr a;
	unsigned char pkt[64] = {0};
	if (map >= 0)
		p[MAP_INSN].imm = map;
	int fd = sides_prog_load(f, BPF_PROG_TYPE_SOCKET_FILTER, 0, p, (unsigned)n, NULL, 0);
	if (fd < 0)
		return -(long long)errno - 1000;
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = fd;
	a.test.data_in = (unsigned long)pkt;
	a.test.data_size_in = sizeof(pkt);
	int r = f(BPF_PROG_TEST_RUN, &a, sizeof(a));
	int e = errno;
	close(fd);
	return r ? -(long long)e : (long long)a.test.retval;
}

static int mkmap(bpf_fn f)
{
	return sides_map(f, BPF_MAP_TYPE_ARRAY, VALUE_SIZE, 1, 0);
}

/* A misaligned atomic never runs: refused at load (EACCES), by userbpf as by the kernel. */
static void misaligned_atomic(bpf_fn f, const char *how)
{
	struct bpf_insn p[] = {
		INSN(BPF_ST | BPF_MEM | BPF_DW, 10, 0, -8, 0),
		INSN(BPF_ST | BPF_MEM | BPF_DW, 10, 0, -16, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 1),
		INSN(BPF_STX | BPF_ATOMIC | BPF_DW, 10, 1, -12, BPF_ADD),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	long long r = load_run(f, -1, p, 6);
	CHECK(r == -EACCES - 1000,
	      "%s: misaligned atomic on the %s: %lld", how, f == ubpf ? "userbpf" : "kernel", r);
}

/* Every program of @seed on userbpf (and the kernel, if @kernel); "trusted" or "checked". */
static void pass(unsigned long long seed, bool kernel, const char *how)
{
	rng = seed * 2654435761ull + 1;
	int um = mkmap(ubpf), km = kernel ? mkmap(kbpf) : -1;
	CHECK(um >= 0, "%s: userbpf map: %s", how, strerror(errno));
	int kran = 0;
	for (int i = 0; i < 300; i++) {
		struct bpf_insn p[256];
		int n = gen(p);
		long long u = load_run(ubpf, um, p, n);
		CHECK(u != -EFAULT, "seed %llu prog %d [%s]: verified program faulted at run time",
		      seed, i, how);
		CHECK(u >= 0, "seed %llu prog %d [%s]: userbpf load/run failed (%lld)", seed, i,
		      how, u);
		if (km < 0)
			continue;
		long long k = load_run(kbpf, km, p, n);
		CHECK(k >= 0, "seed %llu prog %d [%s]: kernel refused (%lld)", seed, i, how, k);
		if (k >= 0)
			kran++;
		CHECK(k < 0 || k == u, "seed %llu prog %d [%s]: kernel 0x%llx userbpf 0x%llx", seed,
		      i, how, k, u);
	}
	if (km >= 0) {
		CHECK(kran > 0, "the kernel half ran (%d)", kran);
		close(km);
		misaligned_atomic(kbpf, how);
	}
	misaligned_atomic(ubpf, how);
	close(um);
}

int main(void)
{
	const char *s = getenv("UB_SEED");
	unsigned long long seed = s ? strtoull(s, NULL, 0) : (unsigned long long)time(NULL);
	printf("seed %llu (UB_SEED=%llu replays)\n", seed, seed);
	int kfd = mkmap(kbpf);
	bool kernel = kfd >= 0;
	if (kfd >= 0)
		close(kfd);
	else
		SKIP("kernel bpf() unavailable: userbpf runs only");

	/*
	 * The engine flavour is chosen once per process: the checked pass runs in
	 * a child that sets USERBPF_VM_CHECKED before its first run and sends its
	 * counts back.
	 */
	int fds[2];
	fflush(NULL);
	if (pipe(fds)) {
		CHECK(0, "pipe: %s", strerror(errno));
		return T_DONE();
	}
	pid_t kid = fork();
	if (kid == 0) {
		close(fds[0]);
		t_pass = t_fail = t_skip = 0; /* the parent counts its own */
		setenv("USERBPF_VM_CHECKED", "1", 1);
		pass(seed, kernel, "checked");
		int counts[3] = {t_pass, t_fail, t_skip};
		ssize_t w = write(fds[1], counts, sizeof(counts));
		_exit(w == (ssize_t)sizeof(counts) ? 0 : 1);
	}
	close(fds[1]);
	int counts[3] = {0}, st = 0;
	CHECK(kid > 0 && read(fds[0], counts, sizeof(counts)) == (ssize_t)sizeof(counts),
	      "the checked pass reported");
	close(fds[0]);
	CHECK(kid > 0 && waitpid(kid, &st, 0) == kid && WIFEXITED(st) && !WEXITSTATUS(st),
	      "the checked pass exited (status 0x%x)", st);
	t_pass += counts[0];
	t_fail += counts[1];
	t_skip += counts[2];
	unsetenv("USERBPF_VM_CHECKED");
	pass(seed, kernel, "trusted");
	return T_DONE();
}
