// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libFuzzer harness for the program loader, the verifier and the
 * interpreter. Input: one byte choosing the program type, then raw
 * instructions; lddw map forms are pointed at a real ARRAY map. Whatever
 * loads is test-run on a packet with the checked engine (USERBPF_VM_CHECKED=1;
 * verified programs normally run without the memory checks): they must never
 * fire for a verified program (that would be a verifier hole), and ASan/UBSan
 * watch the rest. Built and run briefly by `make fuzz-smoke`.
 */
#include "userbpf.h"

#include <linux/bpf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int map_fd = -1, ro_fd = -1;

static void setup(void)
{
	if (map_fd >= 0)
		return;
	/* Before the first run: the library reads it once. */
	setenv("USERBPF_VM_CHECKED", "1", 1);
	map_fd = ub_map_create(BPF_MAP_TYPE_ARRAY, "fz", 4, 16, 1, 0);
	ro_fd = ub_map_create(BPF_MAP_TYPE_ARRAY, "fzro", 4, 16, 1, BPF_F_RDONLY_PROG);
	if (map_fd < 0 || ro_fd < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned types[] = {BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_XDP,
					 BPF_PROG_TYPE_SCHED_CLS, BPF_PROG_TYPE_SYSCALL};
	struct bpf_insn insns[256];
	char log[4096];
	union bpf_attr a;

	setup();
	if (size < 9)
		return 0;
	unsigned type = types[data[0] % 4];
	size_t n = (size - 1) / 8;
	if (n > 256)
		n = 256;
	memcpy(insns, data + 1, n * 8);
	for (size_t i = 0; i < n; i++)
		if (insns[i].code == (BPF_LD | BPF_IMM | BPF_DW) &&
		    (insns[i].src_reg == BPF_PSEUDO_MAP_FD || insns[i].src_reg == BPF_PSEUDO_MAP_VALUE))
			insns[i].imm = insns[i].imm & 1 ? ro_fd : map_fd;
	memset(&a, 0, sizeof(a));
	a.prog_type = type;
	a.insns = (uintptr_t)insns;
	a.insn_cnt = (unsigned)n;
	a.license = (uintptr_t)"GPL";
	a.prog_flags = type == BPF_PROG_TYPE_SYSCALL ? BPF_F_SLEEPABLE : 0;
	a.log_level = 1;
	a.log_buf = (uintptr_t)log;
	a.log_size = sizeof(log);
	int fd = ub_bpf(BPF_PROG_LOAD, &a, sizeof(a));
	if (fd < 0)
		return 0;
	unsigned char pkt[128] = {0}, ctx[64] = {0};
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = (unsigned)fd;
	if (type == BPF_PROG_TYPE_SYSCALL) {
		a.test.ctx_in = (uintptr_t)ctx;
		a.test.ctx_size_in = sizeof(ctx);
	} else {
		a.test.data_in = (uintptr_t)pkt;
		a.test.data_size_in = sizeof(pkt);
	}
	int r = ub_bpf(BPF_PROG_TEST_RUN, &a, sizeof(a));
	/* A verified program whose run the interpreter had to stop: a verifier hole. */
	if (r && errno == EFAULT) {
		fprintf(stderr, "verified program faulted at run time\n");
		abort();
	}
	close(fd);
	return 0;
}
