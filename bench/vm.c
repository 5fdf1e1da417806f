// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Program runtime benchmarks, userbpf beside the kernel in the same run:
 * wall time around BPF_PROG_TEST_RUN divided by repeat, for the packet
 * counter, 16 array lookups with atomic and with plain adds, and a straight
 * run of simple ALU instructions. Usage: vm-bench [REPEAT]
 */
#include "userbpf.h"

#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define INSN(c, d, s, o, i) ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})

typedef int (*bpf_fn)(int, void *, unsigned);
static int kbpf(int cmd, void *a, unsigned s)
{
	return (int)syscall(__NR_bpf, cmd, a, s);
}
static int ubpf(int cmd, void *a, unsigned s)
{
	return ub_bpf(cmd, a, s);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The packet counter (as clang emits it) or N lookups with (atomic) adds. */
static int build(struct bpf_insn *p, int map, int lookups, int atomic)
{
	int n = 0;
	p[n++] = INSN(BPF_ST | BPF_MEM | BPF_W, 10, 0, -4, 0);
	for (int l = 0; l < lookups; l++) {
		p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0);
		p[n++] = INSN(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -4);
		p[n++] = INSN(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD, 0, map);
		p[n++] = INSN(0, 0, 0, 0, 0);
		p[n++] = INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem);
		p[n++] = INSN(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, atomic ? 2 : 4, 0);
		p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 1);
		if (atomic) {
			p[n++] = INSN(BPF_STX | BPF_ATOMIC | BPF_DW, 0, 1, 0, BPF_ADD);
		} else {
			p[n++] = INSN(BPF_LDX | BPF_MEM | BPF_DW, 3, 0, 0, 0);
			p[n++] = INSN(BPF_ALU64 | BPF_ADD | BPF_X, 3, 1, 0, 0);
			p[n++] = INSN(BPF_STX | BPF_MEM | BPF_DW, 0, 3, 0, 0);
		}
	}
	p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 2);
	p[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return n;
}

static int alu_prog(struct bpf_insn *p, int count)
{
	int n = 0;
	p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1);
	p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, 2, 0, 0, 3);
	for (int i = 0; i < count; i++)
		p[n++] = INSN(BPF_ALU64 | (i % 3 == 0 ? BPF_ADD : i % 3 == 1 ? BPF_XOR : BPF_LSH) | BPF_X,
			      0, i % 3 == 2 ? 2 : 2, 0, 0);
	p[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return n;
}

static double run(bpf_fn f, struct bpf_insn *p, int n, unsigned type, unsigned repeat)
{
	union bpf_attr a;
	unsigned char pkt[64] = {0};
	memset(&a, 0, sizeof(a));
	a.prog_type = type;
	a.insns = (unsigned long)p;
	a.insn_cnt = (unsigned)n;
	a.license = (unsigned long)"GPL";
	int fd = f(BPF_PROG_LOAD, &a, sizeof(a));
	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = (unsigned)fd;
	a.test.data_in = (unsigned long)pkt;
	a.test.data_size_in = sizeof(pkt);
	a.test.repeat = repeat;
	double t0 = now();
	int r = f(BPF_PROG_TEST_RUN, &a, sizeof(a));
	double t = now() - t0;
	close(fd);
	return r ? -1 : t / repeat * 1e9;
}

static int mkmap(bpf_fn f)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 8;
	a.max_entries = 1;
	return f(BPF_MAP_CREATE, &a, sizeof(a));
}

int main(int argc, char **argv)
{
	unsigned repeat = argc > 1 ? (unsigned)atoi(argv[1]) : 1000000;
	static struct bpf_insn p[8192];
	int um = mkmap(ubpf), km = mkmap(kbpf);
	printf("%-34s %12s %12s %8s\n", "benchmark (ns per run)", "userbpf", "kernel", "ratio");
	struct {
		const char *name;
		int lookups, atomic;
	} b[] = {{"packet counter (XDP)", 1, 1}, {"16 lookups + atomic add", 16, 1},
		 {"16 lookups + plain add", 16, 0}};
	for (int i = 0; i < 3; i++) {
		int n = build(p, um, b[i].lookups, b[i].atomic);
		double u = run(ubpf, p, n, BPF_PROG_TYPE_XDP, repeat);
		double k = -1;
		if (km >= 0) {
			build(p, km, b[i].lookups, b[i].atomic);
			k = run(kbpf, p, n, BPF_PROG_TYPE_XDP, repeat);
		}
		printf("%-34s %12.1f %12.1f %8.2f\n", b[i].name, u, k, k > 0 ? u / k : 0);
	}
	int n = alu_prog(p, 4000);
	double u = run(ubpf, p, n, BPF_PROG_TYPE_XDP, repeat / 100 + 1);
	double k = km >= 0 ? run(kbpf, p, n, BPF_PROG_TYPE_XDP, repeat / 100 + 1) : -1;
	printf("%-34s %12.3f %12.3f %8.2f\n", "ns per simple ALU insn (4000)", u / 4000, k / 4000,
	       k > 0 ? u / k : 0);
	return 0;
}
