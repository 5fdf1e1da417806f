// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* BPF_PROG_TEST_RUN: sizes, errors, data/ctx in and out per program type, against the kernel. */
#include "t.h"
#include "sides.h"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include "userbpf.h"

#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#define INSN(c, d, s, o, i) ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define MOV64_IMM(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define LDXW(d, s, o) INSN(BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)


static int load(bpf_fn f, unsigned type, const struct bpf_insn *p, unsigned n, unsigned flags)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = type;
	a.insns = (unsigned long)p;
	a.insn_cnt = n;
	a.license = (unsigned long)"GPL";
	a.prog_flags = flags;
	return f(BPF_PROG_LOAD, &a, sizeof(a));
}

struct tcase {
	const char *name;
	int prog;		/* index into progs */
	unsigned size_in;	/* data */
	int null_data;
	unsigned size_out;	/* data_out buffer given if out_buf */
	int out_buf;
	unsigned repeat, flags, cpu, batch;
	unsigned ctx_size_in;	/* ctx_in buffer given if ctx_buf */
	int ctx_buf;
	unsigned ctx_size_out;
	int ctx_out_buf;
	unsigned char ctx[256];
};

struct outcome {
	int ret, err;
	unsigned retval, size_out, ctx_size_out;
	unsigned char out[8192], ctx_out[256], ctx_in[256];
};

enum { P_XDP, P_XDP_ADJ, P_SF_LEN, P_SF_LDABS, P_CLS_LEN, P_CLS_MARK, P_SYSCALL, P_CGSOCK, NPROGS };

static void run(bpf_fn f, int *fds, const struct tcase *c, struct outcome *o)
{
	static unsigned char in[8192];
	union bpf_attr a;
	for (unsigned i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 7 + 1);
	memset(o, 0, sizeof(*o));
	memset(o->out, 0xaa, sizeof(o->out));
	memset(o->ctx_out, 0xaa, sizeof(o->ctx_out));
	memcpy(o->ctx_in, c->ctx, sizeof(o->ctx_in));
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = c->prog < 0 ? (unsigned)-1 : (unsigned)fds[c->prog];
	a.test.data_in = c->null_data || !c->size_in ? 0 : (unsigned long)in;
	a.test.data_size_in = c->size_in;
	a.test.data_out = c->out_buf ? (unsigned long)o->out : 0;
	a.test.data_size_out = c->size_out;
	a.test.repeat = c->repeat;
	a.test.flags = c->flags;
	a.test.cpu = c->cpu;
	a.test.batch_size = c->batch;
	a.test.ctx_in = c->ctx_buf ? (unsigned long)o->ctx_in : 0;
	a.test.ctx_size_in = c->ctx_size_in;
	a.test.ctx_out = c->ctx_out_buf ? (unsigned long)o->ctx_out : 0;
	a.test.ctx_size_out = c->ctx_size_out;
	errno = 0;
	o->ret = f(BPF_PROG_TEST_RUN, &a, sizeof(a));
	o->err = o->ret ? errno : 0;
	o->retval = a.test.retval;
	o->size_out = a.test.data_size_out;
	o->ctx_size_out = a.test.ctx_size_out;
}

static const struct tcase cases[] = {
	{"xdp 64", P_XDP, 64, .out_buf = 1},
	{"xdp 64 repeat 100", P_XDP, 64, .out_buf = 1, .repeat = 100},
	{"xdp 13 bytes", P_XDP, 13},
	{"xdp 14 bytes", P_XDP, 14},
	{"xdp max 3520", P_XDP, 3520, .out_buf = 1},
	{"xdp 3521", P_XDP, 3521, .out_buf = 1},
	{"xdp 4000 (fragments)", P_XDP, 4000, .out_buf = 1},
	{"xdp ctx data_end 10", P_XDP, 64, .out_buf = 1, .ctx_buf = 1, .ctx_size_in = 24, .ctx_out_buf = 1, .ctx_size_out = 24, .ctx = {[4] = 10}},
	{"xdp ctx data_end past data", P_XDP, 64, .ctx_buf = 1, .ctx_size_in = 24, .ctx = {[4] = 65}},
	{"xdp data NULL", P_XDP, 64, .null_data = 1},
	{"xdp out too small", P_XDP, 64, .out_buf = 1, .size_out = 10},
	{"xdp out exact", P_XDP, 64, .out_buf = 1, .size_out = 64},
	{"xdp flags 1", P_XDP, 64, .flags = 1},
	{"xdp flags 4", P_XDP, 64, .flags = 4},
	{"xdp batch no live", P_XDP, 64, .batch = 5},
	{"xdp cpu 1", P_XDP, 64, .cpu = 1},
	{"ctx size without ptr", P_XDP, 64, .ctx_size_in = 24},
	{"ctx ptr without size", P_XDP, 64, .ctx_buf = 1},
	{"ctx out size without ptr", P_XDP, 64, .ctx_size_out = 24},
	{"xdp ctx data_end=size", P_XDP, 64, .ctx_buf = 1, .ctx_size_in = 24, .ctx_out_buf = 1, .ctx_size_out = 24, .ctx = {[4] = 64}},
	{"xdp ctx data_end wrong", P_XDP, 64, .ctx_buf = 1, .ctx_size_in = 24, .ctx = {[4] = 63}},
	{"xdp ctx meta 8", P_XDP, 64, .out_buf = 1, .ctx_buf = 1, .ctx_size_in = 24, .ctx_out_buf = 1, .ctx_size_out = 24, .ctx = {[0] = 8, [4] = 64}},
	{"xdp ctx meta 6", P_XDP, 64, .ctx_buf = 1, .ctx_size_in = 24, .ctx = {[0] = 6, [4] = 64}},
	{"xdp ctx egress", P_XDP, 64, .ctx_buf = 1, .ctx_size_in = 24, .ctx = {[4] = 64, [20] = 1}},
	{"xdp ctx big zero tail", P_XDP, 64, .ctx_buf = 1, .ctx_size_in = 200, .ctx = {[4] = 64}},
	{"xdp ctx big nonzero tail", P_XDP, 64, .ctx_buf = 1, .ctx_size_in = 200, .ctx = {[4] = 64, [150] = 1}},
	{"xdp ctx out small", P_XDP, 64, .ctx_buf = 1, .ctx_size_in = 24, .ctx_out_buf = 1, .ctx_size_out = 8, .ctx = {[4] = 64}},
	{"xdp adjust head/tail", P_XDP_ADJ, 64, .out_buf = 1},
	{"sf len", P_SF_LEN, 64, .out_buf = 1},
	{"sf ldabs", P_SF_LDABS, 64, .out_buf = 1},
	{"sf flags", P_SF_LEN, 64, .flags = 1},
	{"sf cpu", P_SF_LEN, 64, .cpu = 1},
	{"sf 13 bytes", P_SF_LEN, 13},
	{"cls len", P_CLS_LEN, 64, .out_buf = 1},
	{"cls mark from ctx", P_CLS_MARK, 64, .ctx_buf = 1, .ctx_size_in = 184, .ctx_out_buf = 1, .ctx_size_out = 184, .ctx = {[8] = 5}},
	{"cls ctx len set", P_CLS_MARK, 64, .ctx_buf = 1, .ctx_size_in = 184, .ctx = {[0] = 1}},
	{"cls batch", P_CLS_LEN, 64, .batch = 1},
	{"syscall ctx", P_SYSCALL, 0, .ctx_buf = 1, .ctx_size_in = 16, .ctx = {1, 2, 3, 4}},
	{"syscall ctx smaller than used", P_SYSCALL, 0, .ctx_buf = 1, .ctx_size_in = 4},
	{"syscall repeat", P_SYSCALL, 0, .ctx_buf = 1, .ctx_size_in = 16, .repeat = 2},
	{"syscall data", P_SYSCALL, 64, .ctx_buf = 1, .ctx_size_in = 16},
	{"syscall ctx_out", P_SYSCALL, 0, .ctx_buf = 1, .ctx_size_in = 16, .ctx_out_buf = 1, .ctx_size_out = 16},
	{"cgroup sock", P_CGSOCK, 64},
	{"prog fd -1", -1, 64},
};

static int load_all(bpf_fn f, int *fds)
{
	struct bpf_insn xdp[] = {MOV64_IMM(0, 2), EXIT()};
	/* adjust_head(+14), adjust_tail(-4): r0 = XDP_TX */
	struct bpf_insn adj[] = {INSN(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0), MOV64_IMM(2, 14),
				 INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_xdp_adjust_head),
				 INSN(BPF_ALU64 | BPF_MOV | BPF_X, 1, 6, 0, 0), MOV64_IMM(2, -4),
				 INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_xdp_adjust_tail),
				 MOV64_IMM(0, 3), EXIT()};
	struct bpf_insn sf_len[] = {LDXW(0, 1, 0), EXIT()};
	struct bpf_insn sf_abs[] = {INSN(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0),
				    INSN(BPF_LD | BPF_ABS | BPF_W, 0, 0, 0, 2), EXIT()};
	struct bpf_insn cls_len[] = {LDXW(2, 1, 76), LDXW(3, 1, 80),
				     INSN(BPF_ALU64 | BPF_SUB | BPF_X, 3, 2, 0, 0), LDXW(0, 1, 0),
				     INSN(BPF_ALU64 | BPF_LSH | BPF_K, 0, 0, 0, 16),
				     INSN(BPF_ALU64 | BPF_OR | BPF_X, 0, 3, 0, 0), EXIT()};
	struct bpf_insn cls_mark[] = {LDXW(0, 1, 8), INSN(BPF_ST | BPF_MEM | BPF_W, 1, 0, 8, 77), EXIT()};
	struct bpf_insn sys[] = {LDXW(0, 1, 4), INSN(BPF_ST | BPF_MEM | BPF_W, 1, 0, 0, 7), EXIT()};
	struct bpf_insn cg[] = {MOV64_IMM(0, 1), EXIT()};
	fds[P_XDP] = load(f, BPF_PROG_TYPE_XDP, xdp, 2, 0);
	fds[P_XDP_ADJ] = load(f, BPF_PROG_TYPE_XDP, adj, 8, 0);
	fds[P_SF_LEN] = load(f, BPF_PROG_TYPE_SOCKET_FILTER, sf_len, 2, 0);
	fds[P_SF_LDABS] = load(f, BPF_PROG_TYPE_SOCKET_FILTER, sf_abs, 3, 0);
	fds[P_CLS_LEN] = load(f, BPF_PROG_TYPE_SCHED_CLS, cls_len, 7, 0);
	fds[P_CLS_MARK] = load(f, BPF_PROG_TYPE_SCHED_CLS, cls_mark, 3, 0);
	fds[P_SYSCALL] = load(f, BPF_PROG_TYPE_SYSCALL, sys, 3, BPF_F_SLEEPABLE);
	fds[P_CGSOCK] = load(f, BPF_PROG_TYPE_CGROUP_SOCK, cg, 2, 0);
	for (int i = 0; i < NPROGS; i++)
		if (fds[i] < 0)
			return -i - 1;
	return 0;
}

int main(void)
{
	int ufds[NPROGS], kfds[NPROGS];
	int r = load_all(ubpf, ufds);
	CHECK(r == 0, "userbpf loads the test programs (%d: %s)", r, strerror(errno));
	int kernel = load_all(kbpf, kfds) == 0;
	if (!kernel)
		SKIP("kernel bpf() unavailable or refused a program");
	static struct outcome u, k;
	int kran = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *c = &cases[i];
		run(ubpf, ufds, c, &u);
		if (!kernel)
			continue;
		run(kbpf, kfds, c, &k);
		kran++;
		CHECK(u.ret == k.ret && u.err == k.err, "%s: userbpf %d/%s kernel %d/%s", c->name, u.ret,
		      strerror(u.err), k.ret, strerror(k.err));
		if (u.ret != k.ret || k.err == EINVAL || k.err == EBADF || k.err == E2BIG)
			continue;
		CHECK(u.retval == k.retval, "%s: retval userbpf 0x%x kernel 0x%x", c->name, u.retval,
		      k.retval);
		CHECK(u.size_out == k.size_out, "%s: data_size_out userbpf %u kernel %u", c->name,
		      u.size_out, k.size_out);
		CHECK(!memcmp(u.out, k.out, sizeof(u.out)), "%s: data_out bytes differ", c->name);
		CHECK(u.ctx_size_out == k.ctx_size_out, "%s: ctx_size_out userbpf %u kernel %u", c->name,
		      u.ctx_size_out, k.ctx_size_out);
		/* ctx_out of skb programs carries kernel-only fields (ifindex, hash, ...): compare what userbpf sets. */
		size_t cmp = c->prog == P_CLS_MARK ? 48 : sizeof(u.ctx_out);
		CHECK(!memcmp(u.ctx_out + 8, k.ctx_out + 8, cmp - 8) && !memcmp(u.ctx_out, k.ctx_out, 4),
		      "%s: ctx_out bytes differ", c->name);
		CHECK(!memcmp(u.ctx_in, k.ctx_in, sizeof(u.ctx_in)), "%s: ctx_in after run differs",
		      c->name);
	}
	if (kernel)
		CHECK(kran > 0, "the kernel half ran");
	return T_DONE();
}
