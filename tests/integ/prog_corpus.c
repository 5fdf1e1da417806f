// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The program corpus (tests/vmbpf/corpus/): realistic clang-built programs,
 * each built for -mcpu=v1, v2 and v3, loaded by unmodified libbpf and test-run
 * on seeded packets (tests/vmbpf/corpus/corpus.c prints every retval, packet
 * and context out and every map). Under userbpf (LD_PRELOAD, the checked
 * engine, and in-process) the output must be the kernel's byte for byte: the
 * live kernel's where bpf() works, else the transcript recorded from Linux
 * 6.18 (tests/vmbpf/corpus/expected/). Programs in known/ show differences not
 * fixed yet: each is skipped with its cause while it differs.
 * Also: XDP test-run context checks in the kernel's order, on both sides.
 */
#include "t.h"
#include "sides.h"

#include <dirent.h>
#include <sys/wait.h>

#define SEED 1
#define RUNS 100
/* A second seed, compared with the live kernel only. */
#define SEED2 7
#define RUNS2 300

static const struct {
	const char *name, *why;
} known[] = {
    {"xdp_parse", "variable-offset packet pointers: userbpf keeps one absolute readable range "
		  "per packet, so data + ihl * 4 compared with data_end proves no access after it "
		  "(the kernel keeps a range per pointer id); src/vm/walk.c"},
    {"ip_ext", "variable-offset packet pointers (option and extension header lengths): as "
	       "xdp_parse; src/vm/walk.c"},
    {"ptr_sub32", "32-bit subtraction of two packet pointers (clang -mcpu=v3: w1 -= w2) is "
		  "refused ('32-bit pointer arithmetic prohibited'); the kernel gives privileged "
		  "programs an unknown scalar; src/vm/walk.c"},
    {"tc_family", "tc programs may not read __sk_buff family .. local_port (the kernel refuses "
		  "the load); userbpf's context table allows it; src/vm/walk.c check_ctx"},
    {"global_ret", "a global function is walked with its caller's state, so its result keeps "
		   "bounds the kernel (which verifies it alone: any scalar) does not give; "
		   "src/vm/walk.c"},
};

static const char *known_why(const char *name)
{
	for (unsigned i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(known[i].name, name))
			return known[i].why;
	return NULL;
}

/* Run @cmd, its whole stdout in a malloc'd string; NULL if it could not start. */
static char *run(const char *cmd, int *rc)
{
	FILE *p = popen(cmd, "r");
	if (!p)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	for (size_t got; buf && (got = fread(buf + n, 1, cap - n - 1, p)) > 0;) {
		n += got;
		if (cap - n < 4096) {
			char *more = realloc(buf, cap * 2);
			if (!more)
				break;
			buf = more;
			cap *= 2;
		}
	}
	int st = pclose(p);
	*rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (buf)
		buf[n] = '\0';
	return buf;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	char *buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The first line where @a and @b differ, for the failure message. */
static void first_diff(const char *a, const char *b, char *out, size_t len)
{
	const char *la = a, *lb = b;
	while (*a && *a == *b) {
		if (*a == '\n')
			la = a + 1, lb = b + 1;
		a++, b++;
	}
	snprintf(out, len, "userbpf: %.200s\n  kernel: %.200s", la, lb);
	for (char *p = out; *p; p++)
		if (*p == '\n' && p[1] != ' ')
			*p = ' ';
}

static int kernel_bpf_works(void)
{
	int fd = sides_map(kbpf, BPF_MAP_TYPE_ARRAY, 4, 1, 0);
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/* One object: userbpf three ways against the reference (kernel or recorded). */
static void check_object(const char *b, const char *pre, const char *src, const char *dir,
			 const char *file, int kernel)
{
	char name[256], obj[1024], cmd[4096], diff[512];
	int rc;
	snprintf(name, sizeof(name), "%s", file);
	*strchr(name, '.') = '\0';
	snprintf(obj, sizeof(obj), "%s/bpf/%s/%s", b, dir, file);
	const char *why = known_why(name);

	snprintf(cmd, sizeof(cmd), "LD_PRELOAD=%s %s/testbin/corpus %s %d %d 2>/dev/null", pre, b,
		 obj, SEED, RUNS);
	char *u = run(cmd, &rc);
	/* The transcript for this CPU version (NAME.vN.out) if the program has one. */
	char path[1024], cpu[8] = "";
	const char *v = strstr(file, ".v");
	if (v && v[2] >= '1' && v[2] <= '9')
		snprintf(cpu, sizeof(cpu), "%.3s", v);
	snprintf(path, sizeof(path), "%s/tests/vmbpf/corpus/expected/%s%s.out", src, name, cpu);
	char *rec = slurp(path), *k = NULL;
	if (!rec) {
		snprintf(path, sizeof(path), "%s/tests/vmbpf/corpus/expected/%s.out", src, name);
		rec = slurp(path);
	}
	if (kernel) {
		snprintf(cmd, sizeof(cmd), "%s/testbin/corpus %s %d %d 2>/dev/null", b, obj, SEED,
			 RUNS);
		k = run(cmd, &rc);
		if (k && rec && strcmp(k, rec))
			SKIP("a recorded transcript differs from this kernel's output: re-record "
			     "with tests/vmbpf/corpus/record.sh");
	}
	const char *ref = k ? k : rec;
	if (!u || !ref) {
		CHECK(0, "%s: no output (userbpf %p) or no reference (%s)", file, (void *)u, path);
		goto out;
	}
	if (why) {
		if (strcmp(u, ref)) {
			char msg[1024];
			snprintf(msg, sizeof(msg), "%s differs from the kernel, a known cause: %s",
				 file, why);
			SKIP(msg);
		} else {
			CHECK(1, "");
		}
		goto out;
	}
	first_diff(u, ref, diff, sizeof(diff));
	CHECK(!strcmp(u, ref), "%s under userbpf differs from the %s:\n  %s", file,
	      k ? "kernel" : "recorded kernel transcript", diff);

	/* The checked engine (every access checked) and in-process use: the same. */
	snprintf(cmd, sizeof(cmd),
		 "USERBPF_VM_CHECKED=1 LD_PRELOAD=%s %s/testbin/corpus %s %d %d 2>&1", pre, b, obj,
		 SEED, RUNS);
	char *c = run(cmd, &rc);
	CHECK(c && !strcmp(c, u), "%s: the checked engine's output differs: %.300s", file, c);
	free(c);
	snprintf(cmd, sizeof(cmd), "%s/testbin/corpus_linked %s %d %d 2>&1", b, obj, SEED, RUNS);
	c = run(cmd, &rc);
	CHECK(c && !strcmp(c, u), "%s: in-process output differs: %.300s", file, c);
	free(c);

	/* More packets, against the live kernel only. */
	if (kernel) {
		free(u);
		free(k);
		snprintf(cmd, sizeof(cmd), "LD_PRELOAD=%s %s/testbin/corpus %s %d %d 2>/dev/null",
			 pre, b, obj, SEED2, RUNS2);
		u = run(cmd, &rc);
		snprintf(cmd, sizeof(cmd), "%s/testbin/corpus %s %d %d 2>/dev/null", b, obj, SEED2,
			 RUNS2);
		k = run(cmd, &rc);
		if (u && k)
			first_diff(u, k, diff, sizeof(diff));
		CHECK(u && k && !strcmp(u, k), "%s seed %d: userbpf differs from the kernel:\n  %s",
		      file, SEED2, diff);
	}
out:
	free(u);
	free(k);
	free(rec);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_obj(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return n > 6 && !strcmp(d->d_name + n - 6, ".bpf.o");
}

static void corpus(const char *b, const char *pre, const char *src, int kernel)
{
	static const char *dirs[] = {"corpus", "corpus-known"};
	for (int d = 0; d < 2; d++) {
		char path[512];
		struct dirent **list;
		snprintf(path, sizeof(path), "%s/bpf/%s", b, dirs[d]);
		int n = scandir(path, &list, is_obj, by_name);
		CHECK(n > 0, "no corpus objects in %s", path);
		for (int i = 0; i < n; i++) {
			check_object(b, pre, src, dirs[d], list[i]->d_name, kernel);
			free(list[i]);
		}
		if (n > 0)
			free(list);
	}
}

/*
 * XDP test runs with a context, in the kernel's order: the context's own
 * checks, then at least an Ethernet header after the meta data, the packet
 * copy (EFAULT), then the receive queue (ENODEV, EINVAL past the device's
 * queues). Errnos recorded from Linux 6.18.
 */
static void xdp_ctx_order(int kernel)
{
	static const struct {
		unsigned size, meta, end, ifindex, rxq, egress, nodata;
		int err;
	} cases[] = {
		{18, 4, 18, 0, 0, 0, 0, 0},	  {17, 4, 17, 0, 0, 0, 0, EINVAL},
		{17, 4, 16, 0, 0, 0, 0, EINVAL}, {20, 4, 17, 0, 0, 0, 0, 0},
		{5000, 4, 14, 0, 0, 0, 0, 0},	  {17, 4, 17, 999, 0, 0, 0, EINVAL},
		{13, 0, 13, 999, 0, 0, 0, EINVAL}, {64, 0, 64, 999, 0, 0, 1, EFAULT},
		{64, 0, 64, 0, 0, 1, 1, EFAULT},   {17, 4, 17, 0, 0, 0, 1, EINVAL},
		{18, 4, 18, 0, 0, 0, 1, EFAULT},   {64, 0, 64, 1, 0, 0, 0, 0},
		{64, 0, 64, 1, 5, 0, 0, EINVAL},   {64, 0, 64, 0, 1, 0, 0, EINVAL},
		{20, 4, 20, 999, 0, 0, 0, ENODEV}, {20, 4, 20, 0, 0, 1, 0, EINVAL},
	};
	static const struct bpf_insn pass[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = XDP_PASS},
		{.code = BPF_JMP | BPF_EXIT},
	};
	bpf_fn sides[2] = {ubpf, kbpf};
	for (int s = 0; s < 1 + kernel; s++) {
		int fd = sides_prog_load(sides[s], BPF_PROG_TYPE_XDP, 0, pass, 2, NULL, 0);
		CHECK(fd >= 0, "%s: XDP program load: errno %d", s ? "kernel" : "userbpf", errno);
		if (fd < 0)
			continue;
		for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			static unsigned char pkt[8192];
			struct xdp_md md = {.data = cases[i].meta,
					    .data_end = cases[i].end,
					    .ingress_ifindex = cases[i].ifindex,
					    .rx_queue_index = cases[i].rxq,
					    .egress_ifindex = cases[i].egress},
				      mo;
			union bpf_attr a;
			memset(&a, 0, sizeof(a));
			a.test.prog_fd = (unsigned)fd;
			a.test.data_in = cases[i].nodata ? 0 : (unsigned long)pkt;
			a.test.data_size_in = cases[i].size;
			a.test.ctx_in = (unsigned long)&md;
			a.test.ctx_size_in = sizeof(md);
			a.test.ctx_out = (unsigned long)&mo;
			a.test.ctx_size_out = sizeof(mo);
			int r = sides[s](BPF_PROG_TEST_RUN, &a, sizeof(a));
			int e = r < 0 ? errno : 0;
			CHECK(e == cases[i].err,
			      "%s: XDP case %u (size %u meta %u end %u ifindex %u "
			      "rxq %u egress %u nodata %u): errno %d, want %d",
			      s ? "kernel" : "userbpf", i, cases[i].size, cases[i].meta,
			      cases[i].end, cases[i].ifindex, cases[i].rxq, cases[i].egress,
			      cases[i].nodata, e, cases[i].err);
		}
		close(fd);
	}
}

int main(void)
{
	const char *b = getenv("UB_BUILD"), *pre = getenv("UB_PRELOAD"), *src = getenv("UB_SRC");
	if (!b || !pre || !src) {
		SKIP("UB_BUILD / UB_PRELOAD / UB_SRC not set (run through tests/run.sh)");
		return T_DONE();
	}
	/* UB_CORPUS_RECORDED=1: compare with the transcripts even where the kernel works. */
	int kernel = !getenv("UB_CORPUS_RECORDED") && kernel_bpf_works();
	if (!kernel)
		SKIP("the kernel's bpf() is not available: comparing with recorded transcripts");
	xdp_ctx_order(kernel);
	corpus(b, pre, src, kernel);
	return T_DONE();
}
