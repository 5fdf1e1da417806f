/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The differential harness: one bpf() attr run against the kernel and userbpf, compared. */
#ifndef UB_DIFF_H
#define UB_DIFF_H

/*
 * A case is a bpf() attr template (up to 4200 bytes, with an explicit size),
 * plus the caller buffers it points to. d_run() runs it on both sides:
 *
 *   side D_K  the kernel, syscall(__NR_bpf, ...)
 *   side D_U  userbpf, ub_bpf()
 *
 * Each side gets its own copy of every registered buffer; pointers to the
 * template buffers inside the attr (8-aligned u64s) and inside the buffers
 * themselves (bpf_map_info.hash) are replaced by the side's copy. Symbols
 * (d_sym: a map's fd or id, which differ between the sides) are u32 magic
 * numbers replaced at 4-aligned offsets of the attr. After the call the
 * harness compares, side against side: the return value (fd-returning
 * commands: only whether an fd came back), errno, the attr bytes as written
 * back and every buffer, minus ranges the case masks (ids).
 *
 * Expectations: with UB_RECORD=1 each case's kernel result is written as
 * "name ret errno hash" to tests/diff/expected/<test>.txt. When the kernel's
 * bpf() is unavailable (EPERM/ENOSYS on a probe MAP_CREATE; UB_DIFF_NO_KERNEL=1
 * forces it) userbpf is compared against that file instead. When bpf() works
 * but no case reached the kernel, the test fails.
 */
#include "t.h"
#include "userbpf.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define D_K 0
#define D_U 1
#define D_ATTR_MAX 4200
#define D_MAX_BUF 8
#define D_MAX_MASK 8
#define D_MAX_SYMS 512
#define D_SYM_BASE 0x5eed0000u
#define D_MAX_EXP 4096

struct dres {
	long ret;
	int err;
	uint64_t hash;
};

struct dcase {
	char name[96];
	int cmd;
	unsigned size;
	bool fdret;   /* ret is an fd: compare only ret >= 0 */
	bool keep;    /* keep returned fds: d_run returns a symbol for them */
	union {
		union bpf_attr a;
		uint8_t b[D_ATTR_MAX];
	} t;
	int nbuf;
	struct {
		void *tmpl;
		size_t len;
		uint8_t *copy[2];
	} buf[D_MAX_BUF];
	int nmask;
	struct {
		int which; /* -1: the attr; else a buffer index */
		size_t off, len;
	} mask[D_MAX_MASK];
	uint8_t after[2][D_ATTR_MAX];
	struct dres res[2];
	int sym; /* with keep: the symbol of the returned fd pair, or -1 */
};

static struct {
	bool init, kernel, record;
	const char *test;
	int ncpus;
	FILE *rec;
	char exp_path[4300];
	int nexp;
	struct {
		char name[96];
		long ret;
		int err;
		uint64_t hash;
		bool used;
	} exp[D_MAX_EXP];
	int kcases, ucases;
	int nsyms;
	uint32_t syms[D_MAX_SYMS][2];
	bool sym_free[D_MAX_SYMS];
	char names[D_MAX_EXP][96];
	int nnames;
} d;

static inline long d_sys_bpf(int cmd, void *attr, unsigned size)
{
	return syscall(__NR_bpf, cmd, attr, size);
}

/* Run a bpf() command on one side. */
static inline long d_bpf(int side, int cmd, void *attr, unsigned size)
{
	if (side == D_K)
		return d_sys_bpf(cmd, attr, size);
	return ub_bpf(cmd, (union bpf_attr *)attr, size);
}

static inline uint64_t d_fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}
#define D_FNV_INIT 0xcbf29ce484222325ULL

static inline int d_read_possible(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/possible", "re");
	char buf[256];
	int max = 0;
	if (f && fgets(buf, sizeof(buf), f)) {
		char *p = buf;
		while (*p && *p != '\n') {
			char *end;
			long a = strtol(p, &end, 10), b = a;
			if (end == p)
				break;
			if (*end == '-')
				b = strtol(end + 1, &end, 10);
			if (b + 1 > max)
				max = (int)b + 1;
			p = *end == ',' ? end + 1 : end;
		}
	}
	if (f)
		fclose(f);
	return max > 0 ? max : 1;
}

/* The sides that run in this mode: for (s = d_first(); s < 2; s++). */
static inline int d_first(void)
{
	return d.kernel ? D_K : D_U;
}

static inline void d_exp_path(const char *test)
{
	const char *f = __FILE__; /* tests/diff/diff.h, relative to the make dir */
	const char *slash = strrchr(f, '/');
	char dir[4096];
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - f) : 1, slash ? f : ".");
	snprintf(d.exp_path, sizeof(d.exp_path), "%s/expected/%s.txt", dir, test);
	if (access(dir, F_OK) != 0 && getenv("UB_BUILD"))
		snprintf(d.exp_path, sizeof(d.exp_path), "%s/../tests/diff/expected/%s.txt",
			 getenv("UB_BUILD"), test);
}

static inline void d_load_expected(void)
{
	FILE *f = fopen(d.exp_path, "re");
	char line[256];
	if (!f) {
		CHECK(0, "no kernel and no recorded expectations at %s", d.exp_path);
		return;
	}
	while (fgets(line, sizeof(line), f) && d.nexp < D_MAX_EXP) {
		unsigned long long h;
		if (sscanf(line, "%95s %ld %d %llx", d.exp[d.nexp].name, &d.exp[d.nexp].ret,
			   &d.exp[d.nexp].err, &h) == 4) {
			d.exp[d.nexp].hash = h;
			d.nexp++;
		}
	}
	fclose(f);
}

/*
 * Start a differential test named @test (the expectations file's name).
 * @recorded: false for tests that check userbpf against a model of their own
 * when the kernel is missing (no expectations file).
 */
static inline void d_init_ex(const char *test, bool recorded)
{
	d.init = true;
	d.test = test;
	d.ncpus = d_read_possible();
	d_exp_path(test);

	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	long fd = d_sys_bpf(BPF_MAP_CREATE, &a, sizeof(a));
	if (fd >= 0) {
		close((int)fd);
		d.kernel = true;
	} else if (errno == EPERM || errno == ENOSYS) {
		d.kernel = false;
	} else {
		CHECK(0, "probe MAP_CREATE on the kernel: unexpected errno %d", errno);
	}
	const char *nk = getenv("UB_DIFF_NO_KERNEL");
	if (nk && *nk == '1')
		d.kernel = false;
	const char *r = getenv("UB_RECORD");
	if (r && *r == '1' && recorded) {
		if (!d.kernel) {
			CHECK(0, "UB_RECORD=1 needs the kernel's bpf()");
		} else {
			d.record = true;
			d.rec = fopen(d.exp_path, "we");
			CHECK(d.rec != NULL, "cannot write %s", d.exp_path);
		}
	}
	if (!d.kernel && recorded)
		d_load_expected();
	fprintf(stderr, "diff %s: %s\n", test,
		d.kernel ? (d.record ? "kernel, recording" : "kernel vs userbpf")
			 : recorded ? "recorded expectations vs userbpf" : "model vs userbpf");
}

static inline void d_init(const char *test)
{
	d_init_ex(test, true);
}

/* A pair of values (fds, ids) that stand for one thing on both sides. */
static inline uint32_t d_sym(uint32_t kval, uint32_t uval)
{
	for (int i = 0; i < d.nsyms; i++) {
		if (d.sym_free[i]) {
			d.sym_free[i] = false;
			d.syms[i][D_K] = kval;
			d.syms[i][D_U] = uval;
			return D_SYM_BASE + (uint32_t)i;
		}
	}
	if (d.nsyms >= D_MAX_SYMS) {
		fprintf(stderr, "FATAL: too many diff symbols\n");
		exit(2);
	}
	d.syms[d.nsyms][D_K] = kval;
	d.syms[d.nsyms][D_U] = uval;
	return D_SYM_BASE + (uint32_t)d.nsyms++;
}

static inline bool d_is_sym(uint32_t v)
{
	return v >= D_SYM_BASE && v < D_SYM_BASE + (uint32_t)d.nsyms;
}

static inline uint32_t d_val(uint32_t sym, int side)
{
	return d_is_sym(sym) ? d.syms[sym - D_SYM_BASE][side] : sym;
}

static inline void d_case_init(struct dcase *c, const char *name, int cmd, unsigned size)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->cmd = cmd;
	c->size = size;
	c->sym = -1;
	c->fdret = cmd == BPF_MAP_CREATE || cmd == BPF_MAP_GET_FD_BY_ID || cmd == BPF_OBJ_GET ||
		   cmd == BPF_BTF_LOAD || cmd == BPF_PROG_LOAD;
}

/* The one case being built (cases run one at a time). */
static struct dcase d_scratch;

/* Start a new case: name (printf format), command, attr size. */
static inline __attribute__((format(printf, 3, 4))) struct dcase *
d_new(int cmd, unsigned size, const char *fmt, ...)
{
	char name[96];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	d_case_init(&d_scratch, name, cmd, size);
	return &d_scratch;
}

/* Register a caller buffer the attr (or another buffer) points to. */
static inline void *d_buf(struct dcase *c, void *p, size_t len)
{
	if (c->nbuf < D_MAX_BUF) {
		c->buf[c->nbuf].tmpl = p;
		c->buf[c->nbuf].len = len;
		c->nbuf++;
	}
	return p;
}

static inline uint64_t d_ptr(struct dcase *c, void *p, size_t len)
{
	return (uint64_t)(uintptr_t)d_buf(c, p, len);
}

/* Leave bytes out of the comparison (-1: the attr; else a buffer index). */
static inline void d_mask(struct dcase *c, int which, size_t off, size_t len)
{
	if (c->nmask < D_MAX_MASK) {
		c->mask[c->nmask].which = which;
		c->mask[c->nmask].off = off;
		c->mask[c->nmask].len = len;
		c->nmask++;
	}
}

static inline int d_buf_index(struct dcase *c, uint64_t v)
{
	for (int i = 0; i < c->nbuf; i++)
		if (v && v == (uint64_t)(uintptr_t)c->buf[i].tmpl)
			return i;
	return -1;
}

/* Swap template pointers for side copies in @p (n bytes); undo with @undo. */
static inline void d_patch_ptrs(struct dcase *c, uint8_t *p, size_t n, int side, bool undo)
{
	for (size_t off = 0; off + 8 <= n; off += 8) {
		uint64_t v;
		memcpy(&v, p + off, 8);
		for (int i = 0; i < c->nbuf; i++) {
			uint64_t from = (uint64_t)(uintptr_t)(undo ? c->buf[i].copy[side]
								   : c->buf[i].tmpl);
			uint64_t to = undo ? (uint64_t)(i + 1) : (uint64_t)(uintptr_t)c->buf[i].copy[side];
			if (v && v == from) {
				memcpy(p + off, &to, 8);
				break;
			}
		}
	}
}

static inline void d_apply_masks(struct dcase *c, int which, uint8_t *p, size_t n)
{
	for (int i = 0; i < c->nmask; i++) {
		if (c->mask[i].which != which)
			continue;
		for (size_t o = c->mask[i].off; o < c->mask[i].off + c->mask[i].len && o < n; o++)
			p[o] = 0;
	}
}

static inline size_t d_attr_span(const struct dcase *c)
{
	size_t n = c->size < 168 ? 168 : c->size;
	return n > D_ATTR_MAX ? D_ATTR_MAX : n;
}

static inline long d_norm_ret(const struct dcase *c, long r)
{
	if (r < 0)
		return -1;
	return c->fdret ? 0 : r;
}

static inline void d_dump(const char *what, const uint8_t *p, size_t n, size_t from)
{
	fprintf(stderr, "    %s @%zu:", what, from);
	for (size_t i = from; i < n && i < from + 32; i++)
		fprintf(stderr, " %02x", p[i]);
	fprintf(stderr, "\n");
}

static inline void d_note_name(const char *name)
{
	for (int i = 0; i < d.nnames; i++)
		if (!strcmp(d.names[i], name)) {
			CHECK(0, "case name %s used twice", name);
			return;
		}
	if (d.nnames < D_MAX_EXP)
		snprintf(d.names[d.nnames++], 96, "%s", name);
}

/*
 * Compare one case's results: kernel against userbpf when the kernel runs,
 * the recorded kernel result against userbpf otherwise. Records when asked.
 * Returns true when they agree.
 */
static inline bool d_report(const char *name, const struct dres r[2])
{
	bool ok;
	d_note_name(name);
	d.ucases++;
	if (d.kernel) {
		d.kcases++;
		ok = r[D_K].ret == r[D_U].ret && r[D_K].err == r[D_U].err &&
		     r[D_K].hash == r[D_U].hash;
		if (d.record && d.rec)
			fprintf(d.rec, "%s %ld %d %016llx\n", name, r[D_K].ret, r[D_K].err,
				(unsigned long long)r[D_K].hash);
		CHECK(ok, "%s: kernel ret %ld errno %d (%s) hash %016llx; userbpf ret %ld errno %d "
			  "(%s) hash %016llx", name, r[D_K].ret, r[D_K].err, strerror(r[D_K].err),
		      (unsigned long long)r[D_K].hash, r[D_U].ret, r[D_U].err,
		      strerror(r[D_U].err), (unsigned long long)r[D_U].hash);
		return ok;
	}
	for (int i = 0; i < d.nexp; i++) {
		if (strcmp(d.exp[i].name, name))
			continue;
		d.exp[i].used = true;
		ok = d.exp[i].ret == r[D_U].ret && d.exp[i].err == r[D_U].err &&
		     d.exp[i].hash == r[D_U].hash;
		CHECK(ok, "%s: recorded kernel ret %ld errno %d hash %016llx; userbpf ret %ld "
			  "errno %d (%s) hash %016llx", name, d.exp[i].ret, d.exp[i].err,
		      (unsigned long long)d.exp[i].hash, r[D_U].ret, r[D_U].err,
		      strerror(r[D_U].err), (unsigned long long)r[D_U].hash);
		return ok;
	}
	CHECK(0, "%s: no recorded kernel result in %s", name, d.exp_path);
	return false;
}

/* Build a result from a return value, errno and the bytes that matter. */
static inline struct dres d_res(long ret, int err, const void *bytes, size_t n)
{
	struct dres r = {.ret = ret < 0 ? -1 : ret, .err = ret < 0 ? err : 0};
	r.hash = d_fnv(D_FNV_INIT, bytes, n);
	return r;
}

/* Run @c on the sides of this mode and compare. Returns true when they agree. */
static inline bool d_run(struct dcase *c)
{
	size_t span = d_attr_span(c);
	for (int s = d_first(); s < 2; s++) {
		uint8_t attr[D_ATTR_MAX];
		memcpy(attr, c->t.b, span);
		for (int i = 0; i < c->nbuf; i++) {
			c->buf[i].copy[s] = malloc(c->buf[i].len ? c->buf[i].len : 1);
			memcpy(c->buf[i].copy[s], c->buf[i].tmpl, c->buf[i].len);
		}
		for (int i = 0; i < c->nbuf; i++)
			d_patch_ptrs(c, c->buf[i].copy[s], c->buf[i].len, s, false);
		d_patch_ptrs(c, attr, span < 168 ? span : 168, s, false);
		for (size_t off = 0; off + 4 <= 168 && off + 4 <= span; off += 4) {
			uint32_t v;
			memcpy(&v, attr + off, 4);
			if (d_is_sym(v)) {
				v = d_val(v, s);
				memcpy(attr + off, &v, 4);
			}
		}
		errno = 0;
		long r = d_bpf(s, c->cmd, attr, c->size);
		int e = errno;
		if (r >= 0 && c->fdret) {
			if (!c->keep)
				close((int)r);
		}
		c->res[s].ret = d_norm_ret(c, r);
		c->res[s].err = r < 0 ? e : 0;
		if (c->keep && c->fdret) {
			if (s == d_first())
				c->sym = (int)d_sym(D_K == s ? (uint32_t)r : (uint32_t)-1,
						    (uint32_t)r);
			else
				d.syms[c->sym - (int)D_SYM_BASE][s] = (uint32_t)r;
		}
		/* Normalise what was written back: pointers, symbols, masks. */
		d_patch_ptrs(c, attr, span < 168 ? span : 168, s, true);
		for (size_t off = 0; off + 4 <= 168 && off + 4 <= span; off += 4) {
			uint32_t v, t;
			memcpy(&v, attr + off, 4);
			memcpy(&t, c->t.b + off, 4);
			if (d_is_sym(t) && v == d_val(t, s))
				memcpy(attr + off, &t, 4);
		}
		d_apply_masks(c, -1, attr, span);
		memcpy(c->after[s], attr, span);
		uint64_t h = d_fnv(D_FNV_INIT, attr, span);
		for (int i = 0; i < c->nbuf; i++) {
			d_patch_ptrs(c, c->buf[i].copy[s], c->buf[i].len, s, true);
			d_apply_masks(c, i, c->buf[i].copy[s], c->buf[i].len);
			h = d_fnv(h, c->buf[i].copy[s], c->buf[i].len);
		}
		c->res[s].hash = h;
	}
	bool ok = d_report(c->name, c->res);
	if (!ok && d.kernel) {
		for (size_t i = 0; i < span; i++)
			if (c->after[0][i] != c->after[1][i]) {
				d_dump("attr kernel ", c->after[0], span, i & ~(size_t)7);
				d_dump("attr userbpf", c->after[1], span, i & ~(size_t)7);
				break;
			}
		for (int b = 0; b < c->nbuf; b++)
			for (size_t i = 0; i < c->buf[b].len; i++)
				if (c->buf[b].copy[0][i] != c->buf[b].copy[1][i]) {
					char w[32];
					snprintf(w, sizeof(w), "buf%d kernel ", b);
					d_dump(w, c->buf[b].copy[0], c->buf[b].len, i & ~(size_t)7);
					snprintf(w, sizeof(w), "buf%d userbpf", b);
					d_dump(w, c->buf[b].copy[1], c->buf[b].len, i & ~(size_t)7);
					break;
				}
	}
	for (int s = d_first(); s < 2; s++)
		for (int i = 0; i < c->nbuf; i++) {
			free(c->buf[i].copy[s]);
			c->buf[i].copy[s] = NULL;
		}
	return ok;
}

/* Side copies of a case's results stay valid until d_run frees them: use these. */
static inline bool d_ok(const struct dcase *c, int side)
{
	return c->res[side].ret >= 0;
}

/* ---- map pairs ----------------------------------------------------------- */

struct dmap_spec {
	uint32_t type, ks, vs, me, flags, numa;
	const char *name;
};

/* Create the same map on both sides; returns its fd symbol (0 on failure). */
static inline uint32_t d_map(uint32_t type, uint32_t ks, uint32_t vs, uint32_t me, uint32_t flags)
{
	uint32_t fds[2] = {(uint32_t)-1, (uint32_t)-1};
	for (int s = d_first(); s < 2; s++) {
		uint8_t attr[168];
		union bpf_attr *a = (union bpf_attr *)attr;
		memset(attr, 0, sizeof(attr));
		a->map_type = type;
		a->key_size = ks;
		a->value_size = vs;
		a->max_entries = me;
		a->map_flags = flags;
		long r = d_bpf(s, BPF_MAP_CREATE, attr, sizeof(attr));
		if (r < 0) {
			CHECK(0, "d_map(type %u ks %u vs %u me %u flags %#x) on %s: errno %d", type,
			      ks, vs, me, flags, s == D_K ? "kernel" : "userbpf", errno);
			return 0;
		}
		fds[s] = (uint32_t)r;
	}
	return d_sym(fds[D_K], fds[D_U]);
}

/* The fd (or id) a symbol stands for on @side. */
static inline int d_fd(uint32_t sym, int side)
{
	return (int)d_val(sym, side);
}

/* Forget a symbol; its slot is reused. */
static inline void d_unsym(uint32_t sym)
{
	if (d_is_sym(sym))
		d.sym_free[sym - D_SYM_BASE] = true;
}

/* Close both sides' fds of a symbol and forget it. */
static inline void d_close(uint32_t sym)
{
	for (int s = d_first(); s < 2; s++)
		if (d_fd(sym, s) >= 0)
			close(d_fd(sym, s));
	d_unsym(sym);
}

/* Per-side id of a map symbol, as a new symbol. */
static inline uint32_t d_map_id(uint32_t sym)
{
	uint32_t ids[2] = {0, 0};
	for (int s = d_first(); s < 2; s++) {
		uint8_t info[104] = {0};
		union bpf_attr a;
		memset(&a, 0, sizeof(a));
		a.info.bpf_fd = (uint32_t)d_fd(sym, s);
		a.info.info_len = sizeof(info);
		a.info.info = (uint64_t)(uintptr_t)info;
		if (d_bpf(s, BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)) == 0)
			memcpy(&ids[s], info + 4, 4);
	}
	return d_sym(ids[D_K], ids[D_U]);
}

/* Simple element helpers on one side (test set-up, not compared). */
static inline long d_elem(int side, int cmd, uint32_t sym, const void *key, void *value,
			  uint64_t flags)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)d_fd(sym, side);
	a.key = (uint64_t)(uintptr_t)key;
	a.value = (uint64_t)(uintptr_t)value;
	a.flags = flags;
	return d_bpf(side, cmd, &a, sizeof(a));
}

/*
 * An element command case: key/value may be NULL; @value is sent as is and
 * its final bytes compared (fill it with a sentinel to see untouched bytes).
 */
static inline bool d_elem_case(const char *name, int cmd, uint32_t sym, void *key, size_t klen,
			       void *value, size_t vlen, uint64_t flags, unsigned size)
{
	struct dcase *c = d_new(cmd, size, "%s", name);
	c->t.a.map_fd = sym;
	c->t.a.key = key ? d_ptr(c, key, klen) : 0;
	c->t.a.value = value ? d_ptr(c, value, vlen) : 0;
	c->t.a.flags = flags;
	return d_run(c);
}

/* Finish: the kernel must have answered when it is there; stale records fail. */
static inline int d_done(void)
{
	if (d.kernel)
		CHECK(d.kcases > 0, "bpf() works but no case ran on the kernel");
	else
		for (int i = 0; i < d.nexp; i++)
			CHECK(d.exp[i].used, "recorded case %s was not run", d.exp[i].name);
	if (d.rec)
		fclose(d.rec);
	fprintf(stderr, "diff %s: %d cases, %d on the kernel\n", d.test, d.ucases, d.kcases);
	return T_DONE();
}

#endif
