// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * `make bench`: userbpf against the live kernel, measured in the same run.
 *
 * This program is linked with libuserbpf.a, so in it syscall(__NR_bpf)
 * reaches the kernel and ub_bpf() reaches userbpf; the two are measured in
 * alternating rounds and the median of each is reported. The interposed
 * syscall() and libbpf's wrappers are measured by bench-client, an ordinary
 * libbpf program this one runs alternately with and without LD_PRELOAD of
 * libuserbpf-preload.so. Usage: bench BUILD_DIR [direct|client|batch|mmap|create]...
 */
#include "bench.h"
#include "userbpf.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define KBPF(cmd, attr, size) syscall(__NR_bpf, (cmd), (attr), (size))
#define UBPF(cmd, attr, size) ub_bpf((cmd), (attr), (size))
BENCH_ELEM_LOOPS(kernel, KBPF)
BENCH_ELEM_LOOPS(userbpf, UBPF)

static bool have_kernel;
static int misses;

/* ---- tables ------------------------------------------------------------- */

static void table_head(const char *title, const char *unit)
{
	printf("\n== %s ==\n", title);
	printf("%-14s %-26s %12s %12s %10s %8s  %s\n", "operation", "path", "kernel", "userbpf",
	       "speedup", "goal", "result");
	printf("%-14s %-26s %12s %12s %10s %8s\n", "", "", unit, unit, "", "");
}

/* One row: @goal is the minimum speedup (kernel / userbpf), 0 to report only. */
static void row(const char *op, const char *path, double k, double u, double goal)
{
	char gs[16] = "report", ks[16] = "n/a";
	const char *res = "-";
	if (goal > 0)
		snprintf(gs, sizeof(gs), ">=%gx", goal);
	if (!isnan(k) && k > 0) {
		snprintf(ks, sizeof(ks), "%.4g", k);
		if (goal > 0) {
			res = k / u >= goal ? "PASS" : "MISS";
			misses += k / u < goal;
		}
		printf("%-14s %-26s %12s %12.4g %9.1fx %8s  %s\n", op, path, ks, u, k / u, gs, res);
	} else {
		printf("%-14s %-26s %12s %12.4g %10s %8s  %s\n", op, path, ks, u, "n/a", gs,
		       goal > 0 ? "n/a (no kernel bpf)" : "-");
	}
}

/* Median ns/op of @k (kernel) and @u (userbpf) loops measured in alternating rounds. */
static void measure_pair(bench_loop_fn k, void *kc, bench_loop_fn u, void *uc, double *kns,
			 double *uns, int rounds)
{
	double kv[BENCH_ROUNDS], uv[BENCH_ROUNDS];
	long kn = have_kernel && k ? bench_calibrate(k, kc) : 0, un = bench_calibrate(u, uc);
	for (int r = 0; r < rounds; r++) {
		kv[r] = kn ? k(kc, kn) / (double)kn : NAN;
		uv[r] = u(uc, un) / (double)un;
	}
	*kns = kn ? bench_median(kv, rounds) : NAN;
	*uns = bench_median(uv, rounds);
}

/* ---- helpers -------------------------------------------------------------- */

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
	int fd = kernel ? (int)KBPF(BPF_MAP_CREATE, &a, sizeof(a)) : UBPF(BPF_MAP_CREATE, &a,
									       sizeof(a));
	return fd;
}

/* ---- 1. element operations through ub_bpf() -------------------------------- */

static void bench_elem_direct(const char *build)
{
	(void)build;
	static uint64_t kval[1024], uval[1024];
	struct bench_elem_ctx kc = {.mask = 1023, .value = kval, .attr_size = sizeof(union bpf_attr)};
	struct bench_elem_ctx uc = {.mask = 1023, .value = uval, .attr_size = sizeof(union bpf_attr)};
	static const struct {
		const char *op;
		bench_loop_fn k, u;
	} ops[] = {
		{"lookup", lookup_kernel, lookup_userbpf},
		{"update", update_kernel, update_userbpf},
		{"get_next_key", next_key_kernel, next_key_userbpf},
	};
	double k, u;

	for (int percpu = 0; percpu < 2; percpu++) {
		uint32_t type = percpu ? BPF_MAP_TYPE_PERCPU_ARRAY : BPF_MAP_TYPE_ARRAY;
		kc.fd = have_kernel ? create_array(true, type, 8, 1024, 0) : -1;
		uc.fd = create_array(false, type, 8, 1024, 0);
		if (uc.fd < 0 || (have_kernel && kc.fd < 0))
			bench_die("map create");
		table_head(percpu ? "PERCPU_ARRAY (8-byte value, 1024 entries), direct: ns/op"
				  : "ARRAY (8-byte value, 1024 entries), direct: ns/op",
			   "ns/op");
		for (unsigned i = 0; i < (percpu ? 2u : 3u); i++) {
			measure_pair(ops[i].k, &kc, ops[i].u, &uc, &k, &u, BENCH_ROUNDS);
			row(ops[i].op, "syscall() vs ub_bpf()", k, u, percpu ? 0 : 100);
		}
		if (kc.fd >= 0)
			close(kc.fd);
		close(uc.fd);
	}
}

/* ---- 2. interposed syscall() and libbpf: bench-client, with and without preload -- */

#define CLIENT_MAX 16
struct client_fig {
	char name[48];
	double v[2][BENCH_ROUNDS]; /* [0] kernel, [1] userbpf */
	int n[2];
};
static struct client_fig figs[CLIENT_MAX];
static int nfigs;

static void client_run(const char *build, bool preload)
{
	char exe[4200], lib[4200];
	int pfd[2];
	snprintf(exe, sizeof(exe), "%s/bench/bench-client", build);
	snprintf(lib, sizeof(lib), "%s/libuserbpf-preload.so", build);
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
		int i;
		for (i = 0; i < nfigs && strcmp(figs[i].name, name); i++)
			;
		if (i == nfigs) {
			if (nfigs == CLIENT_MAX)
				continue;
			snprintf(figs[nfigs++].name, sizeof(figs[0].name), "%s", name);
		}
		if (figs[i].n[preload] < BENCH_ROUNDS)
			figs[i].v[preload][figs[i].n[preload]++] = v;
	}
	fclose(f);
	int st;
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "bench-client (%s) failed\n", preload ? "preloaded" : "kernel");
		exit(2);
	}
}

static double client_median(const char *name, int preload)
{
	for (int i = 0; i < nfigs; i++)
		if (!strcmp(figs[i].name, name) && figs[i].n[preload])
			return bench_median(figs[i].v[preload], figs[i].n[preload]);
	return NAN;
}

static void bench_elem_client(const char *build)
{
	static const struct {
		const char *fig, *op, *path;
		double goal;
	} rows[] = {
		{"array.lookup.syscall", "lookup", "syscall() interposed", 100},
		{"array.update.syscall", "update", "syscall() interposed", 100},
		{"array.next_key.syscall", "get_next_key", "syscall() interposed", 100},
		{"array.lookup.libbpf", "lookup", "libbpf bpf_map_*()", 50},
		{"array.update.libbpf", "update", "libbpf bpf_map_*()", 50},
		{"array.next_key.libbpf", "get_next_key", "libbpf bpf_map_*()", 50},
		{"percpu.lookup.syscall", "lookup", "syscall() interposed", 0},
		{"percpu.update.syscall", "update", "syscall() interposed", 0},
		{"percpu.lookup.libbpf", "lookup", "libbpf bpf_map_*()", 0},
		{"percpu.update.libbpf", "update", "libbpf bpf_map_*()", 0},
	};

	for (int r = 0; r < BENCH_ROUNDS; r++) {
		if (have_kernel)
			client_run(build, false);
		client_run(build, true);
	}
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (i == 0)
			table_head("ARRAY (8-byte value, 1024 entries), a libbpf program: kernel "
				   "vs LD_PRELOAD=libuserbpf-preload.so: ns/op",
				   "ns/op");
		if (i == 6)
			table_head("PERCPU_ARRAY (8-byte value, 1024 entries), a libbpf program: "
				   "kernel vs LD_PRELOAD: ns/op",
				   "ns/op");
		row(rows[i].op, rows[i].path, client_median(rows[i].fig, 0),
		    client_median(rows[i].fig, 1), rows[i].goal);
	}
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

static void batch_fill(struct batch_ctx *c)
{
	union bpf_attr a;
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
}

static void bench_batch(const char *build)
{
	(void)build;
	struct batch_ctx kc = {.kernel = true}, uc = {.kernel = false};
	double k, u;
	size_t kb = BATCH_ENTRIES * sizeof(uint32_t), vb = BATCH_ENTRIES * sizeof(uint64_t);

	uc.fd = create_array(false, BPF_MAP_TYPE_ARRAY, 8, BATCH_ENTRIES, 0);
	uc.keys = malloc(kb);
	uc.values = malloc(vb);
	if (uc.fd < 0 || !uc.keys || !uc.values)
		bench_die("batch setup");
	batch_fill(&uc);
	if (have_kernel) {
		kc.fd = create_array(true, BPF_MAP_TYPE_ARRAY, 8, BATCH_ENTRIES, 0);
		kc.keys = malloc(kb);
		kc.values = malloc(vb);
		if (kc.fd < 0 || !kc.keys || !kc.values)
			bench_die("batch setup");
		batch_fill(&kc);
	}
	measure_pair(batch_loop, &kc, batch_loop, &uc, &k, &u, 5);
	k /= BATCH_ENTRIES;
	u /= BATCH_ENTRIES;
	table_head("LOOKUP_BATCH of a 1M-entry ARRAY (8-byte value), one call: ns/element",
		   "ns/elem");
	row("lookup_batch", "syscall() vs ub_bpf()", k, u, 25);
	printf("%-14s %-26s %12.4g %12.4g  (million elements/s)\n", "", "", 1e3 / k, 1e3 / u);
	if (have_kernel) {
		close(kc.fd);
		free(kc.keys);
		free(kc.values);
	}
	close(uc.fd);
	free(uc.keys);
	free(uc.values);
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

static void *map_mmap(int fd)
{
	void *p = mmap(NULL, MMAP_ENTRIES * 8ul, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		bench_die("mmap map");
	return p;
}

static void bench_mmap(const char *build)
{
	(void)build;
	struct mem_ctx heap, kmem = {0}, umem;
	int kfd = -1, ufd;
	double h, k = NAN, u, v[BENCH_ROUNDS];

	heap.p = malloc(MMAP_ENTRIES * 8ul);
	if (!heap.p)
		bench_die("malloc");
	memset(heap.p, 0, MMAP_ENTRIES * 8ul);
	ufd = create_array(false, BPF_MAP_TYPE_ARRAY, 8, MMAP_ENTRIES, BPF_F_MMAPABLE);
	if (ufd < 0)
		bench_die("create mmapable");
	umem.p = map_mmap(ufd);
	if (have_kernel) {
		kfd = create_array(true, BPF_MAP_TYPE_ARRAY, 8, MMAP_ENTRIES, BPF_F_MMAPABLE);
		if (kfd < 0)
			bench_die("create mmapable");
		kmem.p = map_mmap(kfd);
	}
	/* Three-way alternation: malloc, kernel map, userbpf map. */
	long n = bench_calibrate(mem_loop, &heap);
	double hv[BENCH_ROUNDS], kv[BENCH_ROUNDS];
	mem_loop(&umem, 1);
	if (have_kernel)
		mem_loop(&kmem, 1);
	for (int r = 0; r < BENCH_ROUNDS; r++) {
		hv[r] = mem_loop(&heap, n) / (double)n / MMAP_ENTRIES;
		if (have_kernel)
			kv[r] = mem_loop(&kmem, n) / (double)n / MMAP_ENTRIES;
		v[r] = mem_loop(&umem, n) / (double)n / MMAP_ENTRIES;
	}
	h = bench_median(hv, BENCH_ROUNDS);
	if (have_kernel)
		k = bench_median(kv, BENCH_ROUNDS);
	u = bench_median(v, BENCH_ROUNDS);

	printf("\n== mmap()ed BPF_F_MMAPABLE ARRAY (1M x 8 bytes), p[i] += i over all: "
	       "ns/element ==\n");
	printf("%-12s %12s %12s %14s %8s  %s\n", "malloc", "kernel map", "userbpf map",
	       "userbpf/malloc", "goal", "result");
	/* "Equal" within the noise of this machine: 10%. */
	bool ok = u <= h * 1.10;
	misses += !ok;
	printf("%-12.4g %12.4g %12.4g %13.3fx %8s  %s\n", h, k, u, u / h, "<=1.10x",
	       ok ? "PASS" : "MISS");
	munmap(umem.p, MMAP_ENTRIES * 8ul);
	close(ufd);
	if (have_kernel) {
		munmap(kmem.p, MMAP_ENTRIES * 8ul);
		close(kfd);
	}
	free(heap.p);
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

static void bench_create(const char *build)
{
	(void)build;
	table_head("MAP_CREATE + close of an ARRAY (8-byte value): us/op", "us/op");
	for (int big = 1; big >= 0; big--) {
		struct create_ctx kc = {true, big ? 1u << 20 : 8}, uc = {false, kc.entries};
		double k, u;
		measure_pair(create_loop, &kc, create_loop, &uc, &k, &u, 5);
		row(big ? "create 1M" : "create 8", "syscall() vs ub_bpf()", k / 1e3, u / 1e3,
		    big ? 1 : 0);
	}
}

/* ---- main ------------------------------------------------------------------ */

int main(int argc, char **argv)
{
	const char *build = argc > 1 ? argv[1] : "build";
	char root[] = "/dev/shm/userbpf-bench.XXXXXX";
	bool own_root = !getenv("USERBPF_ROOT");
	double t0 = bench_now();

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
	printf("userbpf benchmarks: median of %d alternating rounds of ~%d ms each "
	       "(5 for batch and create); speedup = kernel / userbpf\n",
	       BENCH_ROUNDS, BENCH_ROUND_NS / 1000000);

	static const struct {
		const char *name;
		void (*fn)(const char *build);
	} sections[] = {
		{"direct", bench_elem_direct}, {"client", bench_elem_client},
		{"batch", bench_batch},        {"mmap", bench_mmap},
		{"create", bench_create},
	};
	for (unsigned i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		bool want = argc <= 2;
		for (int a = 2; a < argc; a++)
			want |= !strcmp(argv[a], sections[i].name);
		if (want)
			sections[i].fn(build);
	}

	printf("\n%d goal(s) missed; %.1f s\n", misses, (bench_now() - t0) / 1e9);
	if (own_root) {
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		if (system(cmd))
			fprintf(stderr, "could not remove %s\n", root);
	}
	return 0;
}
