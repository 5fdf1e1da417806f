// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Helpers from programs, against the kernel: map_update/delete return codes
 * on arrays, map_lookup_percpu_elem on a CPU that does not exist, ktime
 * ordering, get_smp_processor_id below the CPU count, and trace_printk's line
 * in the namespace's trace_pipe.
 */
#include "t.h"
#include "sides.h"
#include "userbpf.h"

#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#define INSN(c, d, s, o, i) ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define MOV(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOVX(d, s) INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ADD(d, i) INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define ST(sz, d, o, i) INSN(BPF_ST | BPF_MEM | (sz), d, 0, o, i)
#define CALL(h) INSN(BPF_JMP | BPF_CALL, 0, 0, 0, h)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define LDMAP(d, fd) INSN(BPF_LD | BPF_IMM | BPF_DW, d, BPF_PSEUDO_MAP_FD, 0, fd), INSN(0, 0, 0, 0, 0)


/* Load a socket filter and run it once; its retval, or a negative errno-ish code. */
static long long load_run(bpf_fn f, struct bpf_insn *p, unsigned n)
{
	union bpf_attr a;
	unsigned char pkt[64] = {0};
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (unsigned long)p;
	a.insn_cnt = n;
	a.license = (unsigned long)"GPL";
	int fd = f(BPF_PROG_LOAD, &a, sizeof(a));
	if (fd < 0)
		return -1000 - errno;
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = (unsigned)fd;
	a.test.data_in = (unsigned long)pkt;
	a.test.data_size_in = sizeof(pkt);
	int r = f(BPF_PROG_TEST_RUN, &a, sizeof(a));
	close(fd);
	return r ? -2000 - errno : (long long)a.test.retval;
}

static int mkmap(bpf_fn f, unsigned type)
{
	return sides_map(f, type, 8, 4, 0);
}

/* key (u32 @key) at fp-4, value (u64 7) at fp-16 */
#define KV(key) ST(BPF_W, 10, -4, key), ST(BPF_DW, 10, -16, 7), MOVX(2, 10), ADD(2, -4), MOVX(3, 10), ADD(3, -16)

static int build(int which, int map, int pmap, struct bpf_insn *p)
{
	int n = 0;
	switch (which) {
	case 0: { /* update NOEXIST on an array: -EEXIST */
		struct bpf_insn q[] = {KV(1), LDMAP(1, map), MOV(4, BPF_NOEXIST), CALL(BPF_FUNC_map_update_elem), EXIT()};
		memcpy(p, q, sizeof(q));
		n = sizeof(q) / sizeof(q[0]);
		break;
	}
	case 1: { /* update out of range: -E2BIG */
		struct bpf_insn q[] = {KV(9), LDMAP(1, map), MOV(4, 0), CALL(BPF_FUNC_map_update_elem), EXIT()};
		memcpy(p, q, sizeof(q));
		n = sizeof(q) / sizeof(q[0]);
		break;
	}
	case 2: { /* delete from an array: -EINVAL */
		struct bpf_insn q[] = {KV(1), LDMAP(1, map), CALL(BPF_FUNC_map_delete_elem), EXIT()};
		memcpy(p, q, sizeof(q));
		n = sizeof(q) / sizeof(q[0]);
		break;
	}
	case 3: { /* update flags 8: -EINVAL */
		struct bpf_insn q[] = {KV(1), LDMAP(1, map), MOV(4, 8), CALL(BPF_FUNC_map_update_elem), EXIT()};
		memcpy(p, q, sizeof(q));
		n = sizeof(q) / sizeof(q[0]);
		break;
	}
	case 4: { /* lookup_percpu on CPU 99: NULL -> 1, else 2 */
		struct bpf_insn q[] = {KV(1), LDMAP(1, pmap), MOV(3, 99), CALL(BPF_FUNC_map_lookup_percpu_elem),
				       INSN(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2, 0), MOV(0, 2), EXIT(), MOV(0, 1), EXIT()};
		memcpy(p, q, sizeof(q));
		n = sizeof(q) / sizeof(q[0]);
		break;
	}
	case 5: { /* lookup_percpu on CPU 0: a value -> 2 */
		struct bpf_insn q[] = {KV(1), LDMAP(1, pmap), MOV(3, 0), CALL(BPF_FUNC_map_lookup_percpu_elem),
				       INSN(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2, 0), MOV(0, 2), EXIT(), MOV(0, 1), EXIT()};
		memcpy(p, q, sizeof(q));
		n = sizeof(q) / sizeof(q[0]);
		break;
	}
	case 6: { /* ktime_get_ns twice: the second is not smaller -> 1 */
		struct bpf_insn q[] = {CALL(BPF_FUNC_ktime_get_ns), MOVX(6, 0), CALL(BPF_FUNC_ktime_get_ns),
				       MOV(1, 1), INSN(BPF_JMP | BPF_JGE | BPF_X, 0, 6, 1, 0), MOV(1, 0), MOVX(0, 1), EXIT()};
		memcpy(p, q, sizeof(q));
		n = sizeof(q) / sizeof(q[0]);
		break;
	}
	case 7: { /* get_smp_processor_id below 1024 -> 1 */
		struct bpf_insn q[] = {CALL(BPF_FUNC_get_smp_processor_id), MOVX(1, 0), MOV(0, 0),
				       INSN(BPF_JMP | BPF_JGE | BPF_K, 1, 0, 1, 1024), MOV(0, 1), EXIT()};
		memcpy(p, q, sizeof(q));
		n = sizeof(q) / sizeof(q[0]);
		break;
	}
	}
	return n;
}

int main(void)
{
	static const char *names[] = {"update NOEXIST", "update out of range", "delete from array",
				      "update flags 8", "percpu lookup cpu 99", "percpu lookup cpu 0",
				      "ktime ordering", "processor id"};
	static const long long want[] = {-EEXIST & 0xffffffffLL, -E2BIG & 0xffffffffLL,
					 -EINVAL & 0xffffffffLL, -EINVAL & 0xffffffffLL, 1, 2, 1, 1};
	int um = mkmap(ubpf, BPF_MAP_TYPE_ARRAY), upm = mkmap(ubpf, BPF_MAP_TYPE_PERCPU_ARRAY);
	int km = mkmap(kbpf, BPF_MAP_TYPE_ARRAY), kpm = mkmap(kbpf, BPF_MAP_TYPE_PERCPU_ARRAY);
	int kernel = km >= 0 && kpm >= 0;
	if (!kernel)
		SKIP("kernel bpf() unavailable: recorded expectations only");
	for (int i = 0; i < 8; i++) {
		struct bpf_insn p[32];
		int n = build(i, um, upm, p);
		long long u = load_run(ubpf, p, (unsigned)n);
		CHECK(u == want[i], "%s: userbpf %lld want %lld", names[i], u, want[i]);
		if (kernel) {
			build(i, km, kpm, p);
			long long k = load_run(kbpf, p, (unsigned)n);
			CHECK(k == u, "%s: kernel %lld userbpf %lld", names[i], k, u);
		}
	}

	/* trace_printk("hello %d\n", 42) lands in $USERBPF_ROOT/trace_pipe. */
	struct bpf_insn tp[] = {
		INSN(BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 0x6c6c6568), INSN(0, 0, 0, 0, 0x6425206f), /* "hello %d" */
		INSN(BPF_STX | BPF_MEM | BPF_DW, 10, 1, -16, 0), ST(BPF_DW, 10, -8, 0x0a), /* "\n\0" */
		MOVX(1, 10), ADD(1, -16), MOV(2, 10), MOV(3, 42), CALL(BPF_FUNC_trace_printk), EXIT()};
	long long r = load_run(ubpf, tp, sizeof(tp) / sizeof(tp[0]));
	CHECK(r == 9, "trace_printk returns the bytes written: %lld", r);
	char path[4200], line[512] = "";
	snprintf(path, sizeof(path), "%s/trace_pipe", ub_namespace_root());
	FILE *f = fopen(path, "r");
	CHECK(f != NULL, "trace_pipe exists at %s", path);
	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		fclose(f);
	}
	CHECK(strstr(line, "bpf_trace_printk: hello 42") != NULL, "trace line: %s", line);
	if (kernel) {
		long long k = load_run(kbpf, tp, sizeof(tp) / sizeof(tp[0]));
		CHECK(k == r, "kernel trace_printk returns %lld, userbpf %lld", k, r);
	}
	return T_DONE();
}
