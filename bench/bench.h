/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Benchmark plumbing shared by bench.c and client.c: clocks, calibration, medians, loops. */
#ifndef UB_BENCH_H
#define UB_BENCH_H

#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_ROUNDS 11        /* measurements per figure; the median is reported */
#define BENCH_ROUND_NS 1000000 /* each measurement runs about this long */
#define CLIENT_ROUNDS 3        /* measurements per figure in each bench-client run */

static inline double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* A loop under test: run @n operations on @ctx and return the elapsed ns. */
typedef double (*bench_loop_fn)(void *ctx, long n);

/* How many operations fill one measurement of about BENCH_ROUND_NS. */
static inline long bench_calibrate(bench_loop_fn fn, void *ctx)
{
	long n = 8;
	for (;;) {
		double t = fn(ctx, n);
		if (t >= BENCH_ROUND_NS / 8 || n >= (1L << 30)) {
			double per = t / (double)n;
			long want = (long)(BENCH_ROUND_NS / (per > 0 ? per : 1));
			return want < 1 ? 1 : want;
		}
		n *= 4;
	}
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static inline double bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static inline double bench_min(const double *v, int n)
{
	double m = v[0];
	for (int i = 1; i < n; i++)
		m = v[i] < m ? v[i] : m;
	return m;
}

static inline void bench_die(const char *what)
{
	perror(what);
	exit(2);
}

static inline uint64_t bench_ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/*
 * The element loops, instantiated once per way of reaching bpf():
 * BENCH_ELEM_LOOPS(suffix, CALL) defines lookup_<suffix>, update_<suffix>
 * and next_key_<suffix>, each over struct bench_elem_ctx, where CALL(cmd,
 * attr, size) is the bpf() entry under test. The attr is built once, as a
 * raw-syscall user would; the key changes every iteration.
 */
struct bench_elem_ctx {
	int fd;
	uint32_t mask;  /* max_entries - 1, a power of two */
	void *value;    /* big enough for a per-CPU value */
	unsigned int attr_size;
};

#define BENCH_ELEM_LOOPS(suffix, CALL)                                                      \
	static double lookup_##suffix(void *ctx_, long n)                                   \
	{                                                                                   \
		struct bench_elem_ctx *c = ctx_;                                            \
		union bpf_attr a;                                                           \
		uint32_t key = 0;                                                           \
		memset(&a, 0, sizeof(a));                                                   \
		a.map_fd = (uint32_t)c->fd;                                                 \
		a.key = bench_ptr(&key);                                                    \
		a.value = bench_ptr(c->value);                                              \
		double t0 = bench_now();                                                    \
		for (long i = 0; i < n; i++) {                                              \
			key = (uint32_t)i & c->mask;                                        \
			if (CALL(BPF_MAP_LOOKUP_ELEM, &a, c->attr_size))                    \
				bench_die("lookup");                                        \
		}                                                                           \
		return bench_now() - t0;                                                    \
	}                                                                                   \
	static double update_##suffix(void *ctx_, long n)                                   \
	{                                                                                   \
		struct bench_elem_ctx *c = ctx_;                                            \
		union bpf_attr a;                                                           \
		uint32_t key = 0;                                                           \
		memset(&a, 0, sizeof(a));                                                   \
		a.map_fd = (uint32_t)c->fd;                                                 \
		a.key = bench_ptr(&key);                                                    \
		a.value = bench_ptr(c->value);                                              \
		a.flags = BPF_ANY;                                                          \
		double t0 = bench_now();                                                    \
		for (long i = 0; i < n; i++) {                                              \
			key = (uint32_t)i & c->mask;                                        \
			*(volatile uint64_t *)c->value = (uint64_t)i;                       \
			if (CALL(BPF_MAP_UPDATE_ELEM, &a, c->attr_size))                    \
				bench_die("update");                                        \
		}                                                                           \
		return bench_now() - t0;                                                    \
	}                                                                                   \
	static double next_key_##suffix(void *ctx_, long n)                                 \
	{                                                                                   \
		struct bench_elem_ctx *c = ctx_;                                            \
		union bpf_attr a;                                                           \
		uint32_t key = 0, next;                                                     \
		memset(&a, 0, sizeof(a));                                                   \
		a.map_fd = (uint32_t)c->fd;                                                 \
		a.key = bench_ptr(&key);                                                    \
		a.next_key = bench_ptr(&next);                                              \
		double t0 = bench_now();                                                    \
		for (long i = 0; i < n; i++) {                                              \
			key = (uint32_t)i & (c->mask >> 1);                                 \
			if (CALL(BPF_MAP_GET_NEXT_KEY, &a, c->attr_size))                   \
				bench_die("get_next_key");                                  \
		}                                                                           \
		return bench_now() - t0;                                                    \
	}

#endif
