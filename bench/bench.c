// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * `make bench`: userbpf against the live kernel, measured in the same run.
 *
 * This program is linked with libuserbpf.a, so in it syscall(__NR_bpf)
 * reaches the kernel and ub_bpf() reaches userbpf. The interposed syscall()
 * and libbpf's wrappers are measured by bench-client, an ordinary libbpf
 * program this one runs alternately with and without LD_PRELOAD of
 * libuserbpf-preload.so.
 *
 * The machine is shared and its speed drifts over seconds, so the whole
 * suite runs BENCH_PASSES times and every pass adds a few measurements to
 * every figure, kernel and userbpf alternating; each figure is the median of
 * all its measurements, spread over the whole run. The speedup, which
 * PASS/MISS judges, is the median of the ratios of measurements taken back
 * to back (kernel then userbpf, ms apart); "best-of" is the ratio of the
 * fastest measurements of each side, i.e. what a quiet host gives.
 *
 * Usage: bench BUILD_DIR [direct|client|batch|mmap|create]...
 *        bench BUILD_DIR count lookup|update|get_next_key SIZE (see bench_count())
 */
#include "bench.h"
#include "userbpf.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define KBPF(cmd, attr, size) syscall(__NR_bpf, (cmd), (attr), (size))
#define UBPF(cmd, attr, size) ub_bpf((cmd), (attr), (size))
BENCH_ELEM_LOOPS(kernel, KBPF)
BENCH_ELEM_LOOPS(userbpf, UBPF)

#define BENCH_PASSES 24
#define ROUNDS_PER_PASS 4
#define MAX_SAMPLES (BENCH_PASSES * CLIENT_ROUNDS * 2)

static bool have_kernel;
static const char *build_dir;

/* ---- figures: samples gathered over the passes, printed at the end ---------- */

struct fig {
	const char *table, *unit, *base; /* base: the baseline column's name */
	const char *op, *path;
	double goal;  /* minimum base / userbpf; 0: report only */
	double scale; /* ns per displayed unit */
	double b[MAX_SAMPLES], u[MAX_SAMPLES];
	int nb, nu;
};
static struct fig figs[40];
static int nfigs;

static struct fig *fig(const char *table, const char *unit, const char *base, const char *op,
		       const char *path, double goal, double scale)
{
	for (int i = 0; i < nfigs; i++)
		if (figs[i].table == table && !strcmp(figs[i].op, op) && !strcmp(figs[i].path, path))
			return &figs[i];
	if (nfigs == (int)(sizeof(figs) / sizeof(figs[0])))
		bench_die("too many figures");
	struct fig *f = &figs[nfigs++];
	*f = (struct fig){.table = table, .unit = unit, .base = base, .op = op, .path = path,
			  .goal = goal, .scale = scale};
	return f;
}

static void add(double *v, int *n, double x)
{
	if (!isnan(x) && *n < MAX_SAMPLES)
		v[(*n)++] = x;
}

static int print_figs(void)
{
	const char *table = NULL;
	int misses = 0;

	for (int i = 0; i < nfigs; i++) {
		struct fig *f = &figs[i];
		if (f->table != table) {
			table = f->table;
			printf("\n== %s ==\n", table);
			printf("%-14s %-22s %12s %12s %9s %8s  %-6s %s\n", "operation", "path",
			       f->base, "userbpf", "speedup", "goal", "result", "best-of");
			printf("%-14s %-22s %12s %12s\n", "", "", f->unit, f->unit);
		}
		/*
		 * The i-th baseline and userbpf measurements were taken back to
		 * back, under the same host conditions: the speedup is the median
		 * of those paired ratios.
		 */
		double ratio[MAX_SAMPLES];
		int nr = 0;
		for (; nr < f->nb && nr < f->nu; nr++)
			ratio[nr] = f->b[nr] / f->u[nr];
		double sp = nr ? bench_median(ratio, nr) : NAN;
		double b = f->nb ? bench_median(f->b, f->nb) / f->scale : NAN;
		double u = bench_median(f->u, f->nu) / f->scale;
		char gs[16] = "report", bs[16] = "n/a", ss[16] = "n/a", ms[16] = "";
		const char *res = "-";
		if (f->goal > 0)
			snprintf(gs, sizeof(gs), ">=%gx", f->goal);
		if (!isnan(b)) {
			snprintf(bs, sizeof(bs), "%.4g", b);
			snprintf(ss, sizeof(ss), "%.3gx", sp);
			/* The ratio of the fastest measurements: what a quiet host gives. */
			snprintf(ms, sizeof(ms), "%.3gx", bench_min(f->b, f->nb) / bench_min(f->u, f->nu));
			if (f->goal > 0) {
				res = sp >= f->goal ? "PASS" : "MISS";
				misses += sp < f->goal;
			}
		} else if (f->goal > 0) {
			res = "n/a (no kernel bpf)";
		}
		printf("%-14s %-22s %12s %12.4g %9s %8s  %-6s %s\n", f->op, f->path, bs, u, ss, gs, res,
		       ms);
	}
	return misses;
}

/* ROUNDS_PER_PASS alternating measurements of loops @k (baseline) and @u, in ns/op. */
static void measure(struct fig *f, bench_loop_fn k, void *kc, long kn, bench_loop_fn u, void *uc,
		    long un, double per)
{
	for (int r = 0; r < ROUNDS_PER_PASS; r++) {
		if (kn)
			add(f->b, &f->nb, k(kc, kn) / (double)kn / per);
		add(f->u, &f->nu, u(uc, un) / (double)un / per);
	}
}

static int create_array(bool kernel, uint32_t type, uint32_t value_size, uint32_t entries,
			uint32_t flags)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = 4;
	a.value_size = value_size;
	a.max_entries = entries;
	a.map_flags = flags;
	return kernel ? (int)KBPF(BPF_MAP_CREATE, &a, sizeof(a)) : UBPF(BPF_MAP_CREATE, &a, sizeof(a));
}

/* ---- 1. element operations: syscall(__NR_bpf) vs ub_bpf() ------------------- */

static const char T_ARRAY[] = "ARRAY (8-byte value, 1024 entries), raw attr of 144 bytes: "
			      "ns/op";
static const char T_PCPU[] = "PERCPU_ARRAY (8-byte value, 1024 entries), raw attr of 144 "
			     "bytes: ns/op";

static void bench_elem_direct(void)
{
	static uint64_t kval[2][1024], uval[2][1024];
	static struct bench_elem_ctx kc[2], uc[2];
	static const struct {
		const char *op;
		bench_loop_fn k, u;
	} ops[] = {
		{"lookup", lookup_kernel, lookup_userbpf},
		{"update", update_kernel, update_userbpf},
		{"get_next_key", next_key_kernel, next_key_userbpf},
	};
	static long kn[2][3], un[2][3];
	static bool ready;

	for (int p = 0; p < 2; p++) {
		uint32_t type = p ? BPF_MAP_TYPE_PERCPU_ARRAY : BPF_MAP_TYPE_ARRAY;
		if (!ready) {
			kc[p] = (struct bench_elem_ctx){.mask = 1023, .value = kval[p],
							.attr_size = sizeof(union bpf_attr)};
			uc[p] = kc[p];
			uc[p].value = uval[p];
			kc[p].fd = have_kernel ? create_array(true, type, 8, 1024, 0) : -1;
			uc[p].fd = create_array(false, type, 8, 1024, 0);
			if (uc[p].fd < 0 || (have_kernel && kc[p].fd < 0))
				bench_die("map create");
		}
		for (unsigned i = 0; i < (p ? 2u : 3u); i++) {
			if (!ready) {
				kn[p][i] = have_kernel ? bench_calibrate(ops[i].k, &kc[p]) : 0;
				un[p][i] = bench_calibrate(ops[i].u, &uc[p]);
			}
			struct fig *f = fig(p ? T_PCPU : T_ARRAY, "ns/op", "kernel", ops[i].op,
					    "syscall() vs ub_bpf()", p ? 0 : 100, 1);
			measure(f, ops[i].k, &kc[p], kn[p][i], ops[i].u, &uc[p], un[p][i], 1);
		}
	}
	ready = true;
}

/* ---- 2. interposed syscall() and libbpf: bench-client, with and without preload -- */

static const char T_CLIENT[] = "ARRAY (8-byte value, 1024 entries), a libbpf program: kernel vs "
			       "LD_PRELOAD=libuserbpf-preload.so: ns/op";
static const char T_CLIENT_PCPU[] = "PERCPU_ARRAY (8-byte value, 1024 entries), a libbpf "
				    "program: kernel vs LD_PRELOAD: ns/op";
static const struct {
	const char *name, *table, *op, *path;
	double goal;
} client_figs[] = {
	{"array.lookup.syscall", T_CLIENT, "lookup", "syscall() interposed", 100},
	{"array.update.syscall", T_CLIENT, "update", "syscall() interposed", 100},
	{"array.next_key.syscall", T_CLIENT, "get_next_key", "syscall() interposed", 100},
	{"array.lookup.libbpf", T_CLIENT, "lookup", "libbpf bpf_map_*()", 50},
	{"array.update.libbpf", T_CLIENT, "update", "libbpf bpf_map_*()", 50},
	{"array.next_key.libbpf", T_CLIENT, "get_next_key", "libbpf bpf_map_*()", 50},
	{"percpu.lookup.syscall", T_CLIENT_PCPU, "lookup", "syscall() interposed", 0},
	{"percpu.update.syscall", T_CLIENT_PCPU, "update", "syscall() interposed", 0},
	{"percpu.lookup.libbpf", T_CLIENT_PCPU, "lookup", "libbpf bpf_map_*()", 0},
	{"percpu.update.libbpf", T_CLIENT_PCPU, "update", "libbpf bpf_map_*()", 0},
};

static void client_run(bool preload)
{
	char exe[4200], lib[4200];
	int pfd[2];
	snprintf(exe, sizeof(exe), "%s/bench/bench-client", build_dir);
	snprintf(lib, sizeof(lib), "%s/libuserbpf-preload.so", build_dir);
	if (pipe(pfd))
		bench_die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		bench_die("fork");
	if (pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		if (preload)
			setenv("LD_PRELOAD", lib, 1);
		else
			unsetenv("LD_PRELOAD");
		execl(exe, exe, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	FILE *f = fdopen(pfd[0], "r");
	char name[48];
	double v;
	while (fscanf(f, "%47s %lf", name, &v) == 2) {
		for (unsigned i = 0; i < sizeof(client_figs) / sizeof(client_figs[0]); i++) {
			if (strcmp(client_figs[i].name, name))
				continue;
			struct fig *g = fig(client_figs[i].table, "ns/op", "kernel", client_figs[i].op,
					    client_figs[i].path, client_figs[i].goal, 1);
			if (preload)
				add(g->u, &g->nu, v);
			else
				add(g->b, &g->nb, v);
		}
	}
	fclose(f);
	int st;
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "bench-client (%s) failed\n", preload ? "preloaded" : "kernel");
		exit(2);
	}
}

static void bench_elem_client(void)
{
	/* Register the rows in table order before the first samples arrive. */
	for (unsigned i = 0; i < sizeof(client_figs) / sizeof(client_figs[0]); i++)
		fig(client_figs[i].table, "ns/op", "kernel", client_figs[i].op, client_figs[i].path,
		    client_figs[i].goal, 1);
	if (have_kernel)
		client_run(false);
	client_run(true);
}

/* ---- 3. LOOKUP_BATCH over a 1M-entry array -------------------------------- */

#define BATCH_ENTRIES (1u << 20)

struct batch_ctx {
	int fd;
	uint32_t *keys;
	uint64_t *values;
	bool kernel;
};

static double batch_loop(void *ctx_, long n)
{
	struct batch_ctx *c = ctx_;
	union bpf_attr a;
	uint32_t out;
	double t0 = bench_now();
	for (long i = 0; i < n; i++) {
		memset(&a, 0, sizeof(a));
		a.batch.map_fd = (uint32_t)c->fd;
		a.batch.out_batch = bench_ptr(&out);
		a.batch.keys = bench_ptr(c->keys);
		a.batch.values = bench_ptr(c->values);
		a.batch.count = BATCH_ENTRIES;
		long r = c->kernel ? KBPF(BPF_MAP_LOOKUP_BATCH, &a, sizeof(a))
				   : UBPF(BPF_MAP_LOOKUP_BATCH, &a, sizeof(a));
		if ((r && errno != ENOENT) || a.batch.count != BATCH_ENTRIES)
			bench_die("lookup batch");
	}
	return bench_now() - t0;
}

static void batch_setup(struct batch_ctx *c)
{
	union bpf_attr a;
	c->fd = create_array(c->kernel, BPF_MAP_TYPE_ARRAY, 8, BATCH_ENTRIES, 0);
	c->keys = malloc(BATCH_ENTRIES * sizeof(uint32_t));
	c->values = malloc(BATCH_ENTRIES * sizeof(uint64_t));
	if (c->fd < 0 || !c->keys || !c->values)
		bench_die("batch setup");
	for (uint32_t i = 0; i < BATCH_ENTRIES; i++) {
		c->keys[i] = i;
		c->values[i] = (uint64_t)i * 3 + 1;
	}
	memset(&a, 0, sizeof(a));
	a.batch.map_fd = (uint32_t)c->fd;
	a.batch.keys = bench_ptr(c->keys);
	a.batch.values = bench_ptr(c->values);
	a.batch.count = BATCH_ENTRIES;
	long r = c->kernel ? KBPF(BPF_MAP_UPDATE_BATCH, &a, sizeof(a))
			   : UBPF(BPF_MAP_UPDATE_BATCH, &a, sizeof(a));
	if (r)
		bench_die("update batch");
	batch_loop(c, 1); /* warm */
}

static void bench_batch(void)
{
	static struct batch_ctx kc = {.kernel = true}, uc = {.kernel = false};
	static bool ready;
	if (!ready) {
		batch_setup(&uc);
		if (have_kernel)
			batch_setup(&kc);
		ready = true;
	}
	/* One whole-map call per side and pass: a kernel call alone takes ~0.3 s. */
	struct fig *f = fig("LOOKUP_BATCH of a 1M-entry ARRAY (8-byte value), one call for all: "
			    "ns/element",
			    "ns/elem", "kernel", "lookup_batch", "syscall() vs ub_bpf()", 25, 1);
	if (have_kernel)
		add(f->b, &f->nb, batch_loop(&kc, 1) / BATCH_ENTRIES);
	add(f->u, &f->nu, batch_loop(&uc, 1) / BATCH_ENTRIES);
}

/* ---- 4. mmap'd access ------------------------------------------------------ */

#define MMAP_ENTRIES (1u << 20)

struct mem_ctx {
	uint64_t *p;
};

/* One "operation" is a read-modify-write pass over all MMAP_ENTRIES values. */
static __attribute__((noinline)) double mem_loop(void *ctx_, long n)
{
	uint64_t *p = ((struct mem_ctx *)ctx_)->p;
	double t0 = bench_now();
	for (long r = 0; r < n; r++)
		for (uint32_t i = 0; i < MMAP_ENTRIES; i++)
			p[i] += i;
	__asm__ volatile("" : : "r"(p) : "memory");
	return bench_now() - t0;
}

static uint64_t *map_mmap(int fd)
{
	void *p = mmap(NULL, MMAP_ENTRIES * 8ul, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		bench_die("mmap map");
	return p;
}

static void bench_mmap(void)
{
	static struct mem_ctx heap, kmem, umem;
	static long n;
	static const char title[] = "mmap()ed BPF_F_MMAPABLE ARRAY (1M x 8 bytes), p[i] += i over "
				    "all, vs the same loop on malloc() memory: ns/element";

	if (!n) {
		heap.p = malloc(MMAP_ENTRIES * 8ul);
		if (!heap.p)
			bench_die("malloc");
		memset(heap.p, 0, MMAP_ENTRIES * 8ul);
		int ufd = create_array(false, BPF_MAP_TYPE_ARRAY, 8, MMAP_ENTRIES, BPF_F_MMAPABLE);
		if (ufd < 0)
			bench_die("create mmapable");
		umem.p = map_mmap(ufd);
		if (have_kernel) {
			int kfd = create_array(true, BPF_MAP_TYPE_ARRAY, 8, MMAP_ENTRIES,
					       BPF_F_MMAPABLE);
			if (kfd < 0)
				bench_die("create mmapable");
			kmem.p = map_mmap(kfd);
		}
		mem_loop(&umem, 1); /* fault everything in */
		if (have_kernel)
			mem_loop(&kmem, 1);
		n = bench_calibrate(mem_loop, &heap);
	}
	/* "Equal" within this machine's noise: userbpf at most 10% slower. */
	measure(fig(title, "ns/elem", "malloc", "p[i] += i", "userbpf map vs malloc", 0.9, 1),
		mem_loop, &heap, n, mem_loop, &umem, n, MMAP_ENTRIES);
	if (have_kernel)
		measure(fig(title, "ns/elem", "malloc", "p[i] += i", "kernel map vs malloc", 0, 1),
			mem_loop, &heap, n, mem_loop, &kmem, n, MMAP_ENTRIES);
}

/* ---- 5. MAP_CREATE + close ------------------------------------------------- */

struct create_ctx {
	bool kernel;
	uint32_t entries;
};

static double create_loop(void *ctx_, long n)
{
	struct create_ctx *c = ctx_;
	double t0 = bench_now();
	for (long i = 0; i < n; i++) {
		int fd = create_array(c->kernel, BPF_MAP_TYPE_ARRAY, 8, c->entries, 0);
		if (fd < 0)
			bench_die("create");
		close(fd);
	}
	return bench_now() - t0;
}

static void bench_create(void)
{
	static struct create_ctx kc[2] = {{true, 1u << 20}, {true, 8}};
	static struct create_ctx uc[2] = {{false, 1u << 20}, {false, 8}};
	static long kn[2], un[2];
	for (int i = 0; i < 2; i++) {
		if (!un[i]) {
			kn[i] = have_kernel ? bench_calibrate(create_loop, &kc[i]) : 0;
			un[i] = bench_calibrate(create_loop, &uc[i]);
		}
		measure(fig("MAP_CREATE + close of an ARRAY (8-byte value): us/op", "us/op", "kernel",
			    i ? "create 8" : "create 1M", "syscall() vs ub_bpf()", i ? 0 : 1, 1e3),
			create_loop, &kc[i], kn[i], create_loop, &uc[i], un[i], 1);
	}
}

/* ---- count: a fixed number of calls, for valgrind --tool=callgrind ---------- */

#define COUNT_CALLS 1000000

/* COUNT_CALLS calls of @cmd through ub_bpf(); the key changes every call, as above. */
static __attribute__((noinline, noclone)) void count_loop(int cmd, union bpf_attr *a,
							  unsigned int size, volatile uint32_t *key)
{
	for (long i = 0; i < COUNT_CALLS; i++) {
		*key = (uint32_t)i & 511;
		if (UBPF(cmd, a, size))
			bench_die("count");
	}
}

/*
 * `bench BUILD count OP SIZE`: COUNT_CALLS ARRAY lookups, updates or
 * get_next_keys through ub_bpf() with a SIZE-byte attr, in count_loop():
 *   valgrind --tool=callgrind --toggle-collect=count_loop bench BUILD count lookup 168
 * gives the instructions per call (the loop itself adds 12).
 */
static int bench_count(const char *op, unsigned int size)
{
	static const struct {
		const char *name;
		int cmd;
	} ops[] = {
		{"lookup", BPF_MAP_LOOKUP_ELEM},
		{"update", BPF_MAP_UPDATE_ELEM},
		{"get_next_key", BPF_MAP_GET_NEXT_KEY},
	};
	static uint8_t attr[256] __attribute__((aligned(8)));
	static volatile uint32_t key;
	static uint64_t value;
	union bpf_attr *a = (union bpf_attr *)attr;

	if (size < 32 || size > sizeof(attr))
		bench_die("count: size");
	for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strcmp(op, ops[i].name))
			continue;
		a->map_fd = (uint32_t)create_array(false, BPF_MAP_TYPE_ARRAY, 8, 1024, 0);
		a->key = bench_ptr((const void *)&key);
		a->value = bench_ptr(&value); /* next_key for get_next_key */
		count_loop(ops[i].cmd, a, size, &key);
		printf("%d %s calls with a %u-byte attr\n", COUNT_CALLS, op, size);
		return 0;
	}
	fprintf(stderr, "count: lookup, update or get_next_key\n");
	return 2;
}

/* ---- main ------------------------------------------------------------------ */

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} sections[] = {
		{"direct", bench_elem_direct}, {"client", bench_elem_client},
		{"batch", bench_batch},        {"mmap", bench_mmap},
		{"create", bench_create},
	};
	char root[] = "/dev/shm/userbpf-bench.XXXXXX";
	bool own_root = !getenv("USERBPF_ROOT");
	double t0 = bench_now();

	build_dir = argc > 1 ? argv[1] : "build";
	if (argc > 2 && !strcmp(argv[2], "count")) /* in USERBPF_ROOT or the default namespace */
		return bench_count(argc > 3 ? argv[3] : "lookup",
				   argc > 4 ? (unsigned)atoi(argv[4]) : 168);
	/* A namespace of our own, shared with bench-client through the environment. */
	if (own_root) {
		if (!mkdtemp(root))
			bench_die("mkdtemp");
		setenv("USERBPF_ROOT", root, 1);
	}
	int fd = create_array(true, BPF_MAP_TYPE_ARRAY, 8, 1, 0);
	have_kernel = fd >= 0;
	if (have_kernel)
		close(fd);
	else
		printf("kernel bpf() unavailable (%s): userbpf figures only\n", strerror(errno));
	printf("userbpf benchmarks: %d passes over all sections, each adding %d alternating "
	       "~%d ms measurements per figure (bench-client: one process per side and pass, %d "
	       "each; batch: one call); figures are medians; speedup = median of paired "
	       "kernel/userbpf ratios\n",
	       BENCH_PASSES, ROUNDS_PER_PASS, BENCH_ROUND_NS / 1000000, CLIENT_ROUNDS);
	fflush(stdout);

	for (int pass = 0; pass < BENCH_PASSES; pass++) {
		for (unsigned i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
			bool want = argc <= 2;
			for (int a = 2; a < argc; a++)
				want |= !strcmp(argv[a], sections[i].name);
			if (want)
				sections[i].fn();
		}
	}
	int misses = print_figs();
	printf("\n%d goal(s) missed; %.1f s\n", misses, (bench_now() - t0) / 1e9);
	if (own_root) {
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		if (system(cmd))
			fprintf(stderr, "could not remove %s\n", root);
	}
	return 0;
}
