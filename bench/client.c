// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The client-side benchmark: an ordinary libbpf program, run once as is (its
 * syscall(__NR_bpf) reaches the kernel) and once under LD_PRELOAD of
 * libuserbpf-preload.so (the same calls reach userbpf). Prints one
 * "name ns_per_op" line per figure; bench.c runs it and builds the tables.
 */
#include "bench.h"

#include <bpf/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SYSCALL_BPF(cmd, attr, size) syscall(__NR_bpf, (cmd), (attr), (size))
BENCH_ELEM_LOOPS(syscall, SYSCALL_BPF)

static double lookup_libbpf(void *ctx_, long n)
{
	struct bench_elem_ctx *c = ctx_;
	uint32_t key;
	double t0 = bench_now();
	for (long i = 0; i < n; i++) {
		key = (uint32_t)i & c->mask;
		if (bpf_map_lookup_elem(c->fd, &key, c->value))
			bench_die("bpf_map_lookup_elem");
	}
	return bench_now() - t0;
}

static double update_libbpf(void *ctx_, long n)
{
	struct bench_elem_ctx *c = ctx_;
	uint32_t key;
	double t0 = bench_now();
	for (long i = 0; i < n; i++) {
		key = (uint32_t)i & c->mask;
		*(volatile uint64_t *)c->value = (uint64_t)i;
		if (bpf_map_update_elem(c->fd, &key, c->value, BPF_ANY))
			bench_die("bpf_map_update_elem");
	}
	return bench_now() - t0;
}

static double next_key_libbpf(void *ctx_, long n)
{
	struct bench_elem_ctx *c = ctx_;
	uint32_t key, next;
	double t0 = bench_now();
	for (long i = 0; i < n; i++) {
		key = (uint32_t)i & (c->mask >> 1);
		if (bpf_map_get_next_key(c->fd, &key, &next))
			bench_die("bpf_map_get_next_key");
	}
	return bench_now() - t0;
}

static void run(const char *name, bench_loop_fn fn, struct bench_elem_ctx *c)
{
	long n = bench_calibrate(fn, c);
	for (int r = 0; r < CLIENT_ROUNDS; r++)
		printf("%s %.4f\n", name, fn(c, n) / (double)n);
	fflush(stdout);
}

int main(void)
{
	static uint64_t value[1024];
	struct bench_elem_ctx array = {.mask = 1023, .value = value,
				       .attr_size = sizeof(union bpf_attr)};
	struct bench_elem_ctx percpu = array;

	array.fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "bench_arr", 4, 8, 1024, NULL);
	percpu.fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "bench_pcpu", 4, 8, 1024, NULL);
	if (array.fd < 0 || percpu.fd < 0)
		bench_die("bpf_map_create");

	run("array.lookup.syscall", lookup_syscall, &array);
	run("array.update.syscall", update_syscall, &array);
	run("array.next_key.syscall", next_key_syscall, &array);
	run("array.lookup.libbpf", lookup_libbpf, &array);
	run("array.update.libbpf", update_libbpf, &array);
	run("array.next_key.libbpf", next_key_libbpf, &array);
	run("percpu.lookup.syscall", lookup_syscall, &percpu);
	run("percpu.update.syscall", update_syscall, &percpu);
	run("percpu.lookup.libbpf", lookup_libbpf, &percpu);
	run("percpu.update.libbpf", update_libbpf, &percpu);
	close(array.fd);
	close(percpu.fd);
	return 0;
}
