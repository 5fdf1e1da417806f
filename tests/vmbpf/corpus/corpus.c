// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The corpus loader: opens a BPF object with unmodified libbpf, loads it,
 * fills its cfg_* maps, test-runs each program (or the one named) on RUNS
 * seeded packets (skb programs with a seeded __sk_buff context too, syscall
 * programs with a seeded context) and prints every observable result: errno,
 * retval, the packet and context out, then every map's contents (per-CPU
 * values summed per 8-byte lane, as the run's CPU is not fixed). The output
 * under userbpf (LD_PRELOAD) must equal the kernel's byte for byte.
 * Usage: corpus OBJ SEED RUNS [PROG]
 */
#include "pkt.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PKT_MAX 1024
#define SYSCALL_CTX 80

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

static void hex(const char *what, const void *p, unsigned n)
{
	const unsigned char *b = p;
	printf(" %s", what);
	for (unsigned i = 0; i < n; i++)
		printf("%s%02x", i % 4 ? "" : " ", b[i]);
}

/* cfg_* maps: entry k gets seed-independent bytes the programs read as settings. */
static void fill_cfg(struct bpf_map *m)
{
	unsigned vs = bpf_map__value_size(m), n = bpf_map__max_entries(m);
	unsigned char *v = calloc(1, vs);
	for (unsigned k = 0; v && k < n && k < 65536; k++) {
		struct rng r = {k * 7919u + 1};
		fill_random(&r, v, vs);
		if (bpf_map_update_elem(bpf_map__fd(m), &k, v, BPF_ANY))
			printf("cfg %s[%u] update failed\n", bpf_map__name(m), k);
	}
	free(v);
}

static void run_pkt(struct bpf_program *p, struct rng *r, unsigned run)
{
	enum bpf_prog_type t = bpf_program__type(p);
	static unsigned char in[PKT_MAX], out[PKT_MAX + 512];
	unsigned len = gen_packet(r, in, PKT_MAX);
	struct __sk_buff skb, skb_out;
	struct xdp_md md, md_out;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = len, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = 1);
	memset(out, 0, sizeof(out));
	memset(&skb, 0, sizeof(skb));
	memset(&skb_out, 0, sizeof(skb_out));
	memset(&md, 0, sizeof(md));
	memset(&md_out, 0, sizeof(md_out));
	unsigned kind = rng_below(r, 4);
	if (t == BPF_PROG_TYPE_XDP && kind == 0) {
		/* Meta data in front of the packet. */
		md.data = 4 * rng_below(r, 9);
		md.data_end = len;
		o.ctx_in = &md, o.ctx_size_in = sizeof(md);
		o.ctx_out = &md_out, o.ctx_size_out = sizeof(md_out);
	} else if (t != BPF_PROG_TYPE_XDP && kind != 0) {
		skb.mark = (unsigned)rng_next(r);
		skb.priority = rng_below(r, 3) ? rng_below(r, 8) : (unsigned)rng_next(r);
		for (int i = 0; i < 5; i++)
			skb.cb[i] = rng_below(r, 2) ? (unsigned)rng_next(r) : 0;
		if (kind == 1) {
			skb.tstamp = rng_next(r) >> 8;
			skb.hwtstamp = rng_next(r) >> 8;
			skb.ingress_ifindex = rng_below(r, 8);
		}
		if (kind == 2) {
			skb.ifindex = 1;
			/* At least the packet's length when set; now and then less (EINVAL). */
			skb.wire_len =
			    rng_below(r, 3) ? len + rng_below(r, 3000) : rng_below(r, 100);
			skb.gso_segs = rng_below(r, 4) ? rng_below(r, 64) : (unsigned)rng_next(r);
			skb.gso_size = rng_below(r, 2) ? 1448 : 0;
		}
		o.ctx_in = &skb, o.ctx_size_in = sizeof(skb);
		o.ctx_out = &skb_out, o.ctx_size_out = sizeof(skb_out);
		/* CHECKSUM_COMPLETE: packet writes must keep the one's complement sum. */
		if (kind == 3)
			o.flags = 1u << 2;
	}
	int err = bpf_prog_test_run_opts(bpf_program__fd(p), &o);
	printf("run %u len %u", run, len);
	if (o.ctx_in)
		printf(" ctx");
	if (o.flags)
		printf(" csum");
	printf(" err %d retval %u size_out %u", err, o.retval, o.data_size_out);
	if (err) {
		printf("\n");
		return;
	}
	unsigned n = o.data_size_out < sizeof(out) ? o.data_size_out : sizeof(out);
	if (n == len && !memcmp(in, out, n))
		printf(" out same");
	else
		hex("out", out, n);
	if (o.ctx_out == &md_out)
		printf(" md data %u data_end %u meta %u", md_out.data, md_out.data_end,
		       md_out.data_meta);
	if (o.ctx_out == &skb_out) {
		struct __sk_buff *k = &skb_out;
		printf(" skb mark %x prio %x iif %u ifindex %u cb %x %x %x %x %x tstamp %llx "
		       "wire_len %u"
		       " gso_segs %u gso_size %u hwtstamp %llx",
		       k->mark, k->priority, k->ingress_ifindex, k->ifindex, k->cb[0], k->cb[1],
		       k->cb[2], k->cb[3], k->cb[4], (unsigned long long)k->tstamp, k->wire_len,
		       k->gso_segs, k->gso_size, (unsigned long long)k->hwtstamp);
	}
	printf("\n");
}

static void run_syscall(struct bpf_program *p, struct rng *r, unsigned run)
{
	unsigned char ctx[SYSCALL_CTX];
	fill_random(r, ctx, sizeof(ctx));
	/* The first word picks the operation: keep it small now and then. */
	if (rng_below(r, 4))
		ctx[0] = (unsigned char)rng_below(r, 8), ctx[1] = ctx[2] = ctx[3] = 0;
	LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = ctx, .ctx_size_in = sizeof(ctx));
	int err = bpf_prog_test_run_opts(bpf_program__fd(p), &o);
	printf("run %u err %d retval %u", run, err, o.retval);
	hex("ctx", ctx, sizeof(ctx));
	printf("\n");
}

static void dump_map(struct bpf_map *m)
{
	const char *name = bpf_map__name(m), *dot = strchr(name, '.');
	enum bpf_map_type t = bpf_map__type(m);
	unsigned vs = bpf_map__value_size(m), n = bpf_map__max_entries(m);
	int percpu = t == BPF_MAP_TYPE_PERCPU_ARRAY, ncpu = percpu ? libbpf_num_possible_cpus() : 1;
	unsigned stride = percpu ? (vs + 7) / 8 * 8 : vs;
	if (t != BPF_MAP_TYPE_ARRAY && t != BPF_MAP_TYPE_PERCPU_ARRAY) {
		printf("map %s: type %d not dumped\n", name, t);
		return;
	}
	unsigned char *v = malloc((size_t)stride * ncpu), *sum = malloc(stride);
	for (unsigned k = 0; v && sum && k < n; k++) {
		if (bpf_map_lookup_elem(bpf_map__fd(m), &k, v)) {
			printf("%s[%u] lookup failed\n", dot ? dot : name, k);
			continue;
		}
		memset(sum, 0, stride);
		for (int c = 0; c < ncpu; c++)
			for (unsigned w = 0; w + 8 <= stride; w += 8) {
				unsigned long long a, b;
				memcpy(&a, sum + w, 8);
				memcpy(&b, v + (size_t)c * stride + w, 8);
				a += b;
				memcpy(sum + w, &a, 8);
			}
		const unsigned char *show = percpu ? sum : v;
		unsigned nz = 0;
		for (unsigned i = 0; i < vs; i++)
			nz |= show[i];
		if (!nz)
			continue;
		printf("%s[%u] =", dot ? dot : name, k);
		hex("", show, vs);
		printf("\n");
	}
	free(v);
	free(sum);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: corpus OBJ SEED RUNS [PROG]\n");
		return 2;
	}
	unsigned long long seed = strtoull(argv[2], NULL, 0);
	unsigned runs = (unsigned)atoi(argv[3]);
	libbpf_set_print(quiet);
	struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		printf("cannot open %s\n", argv[1]);
		return 1;
	}
	struct bpf_program *p;
	/* A program named: only that one is loaded. */
	bpf_object__for_each_program(p, obj)
		if (argc > 4 && strcmp(argv[4], bpf_program__name(p)))
			bpf_program__set_autoload(p, false);
	int err = bpf_object__load(obj);
	if (err) {
		printf("refused %d\n", -err);
		return 1;
	}
	struct bpf_map *m;
	bpf_object__for_each_map(m, obj)
		if (!strncmp(bpf_map__name(m), "cfg_", 4))
			fill_cfg(m);
	unsigned idx = 0;
	bpf_object__for_each_program(p, obj) {
		const char *name = bpf_program__name(p);
		idx++;
		if (!bpf_program__autoload(p))
			continue;
		printf("prog %s\n", name);
		for (unsigned run = 0; run < runs; run++) {
			struct rng r = {seed * 1000003u + idx * 7777u + run};
			if (bpf_program__type(p) == BPF_PROG_TYPE_SYSCALL)
				run_syscall(p, &r, run);
			else
				run_pkt(p, &r, run);
		}
	}
	/* The cfg_* maps are the input: not printed. */
	bpf_object__for_each_map(m, obj)
		if (strncmp(bpf_map__name(m), "cfg_", 4))
			dump_map(m);
	bpf_object__close(obj);
	return 0;
}
