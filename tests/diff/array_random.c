// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Seeded random operation sequences on ARRAY/PERCPU_ARRAY, run in lockstep on
 * the kernel, userbpf and a simple model, comparing results and full contents.
 */
#include "diff.h"

#include <sys/mman.h>
#include <time.h>

#define OPS 5000
#define BUFSZ 4096
#define PG 4096

struct out {
	long ret;
	int err;
	size_t n;
	uint8_t buf[2 * BUFSZ];
};

/* The model: an array's bytes (per-CPU: every CPU's slot). */
struct model {
	uint32_t type, vs, me, flags, stride, vb;
	bool frozen, percpu, mmapable;
	bool rd, wr; /* the fd's access mode (BPF_F_RDONLY / BPF_F_WRONLY) */
	uint8_t *data; /* me * vb bytes: what a syscall lookup returns, per element */
	uint8_t *pad;  /* mmapable arrays: me * stride bytes as mapped */
};

static uint64_t rng;
static unsigned long long seed;
static int failures;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static uint32_t pick(const uint32_t *v, size_t n)
{
	return v[rnd() % n];
}

static bool same(const char *what, int step, struct out *o, const bool *on)
{
	int ref = -1;
	for (int i = 0; i < 3; i++) {
		if (!on[i])
			continue;
		if (ref < 0) {
			ref = i;
			continue;
		}
		if (o[i].ret != o[ref].ret || o[i].err != o[ref].err || o[i].n != o[ref].n ||
		    memcmp(o[i].buf, o[ref].buf, o[i].n)) {
			static const char *nm[] = {"kernel", "userbpf", "model"};
			failures++;
			CHECK(0, "seed %llu step %d %s: %s ret %ld errno %d; %s ret %ld errno %d%s",
			      seed, step, what, nm[ref], o[ref].ret, o[ref].err, nm[i], o[i].ret,
			      o[i].err, o[i].n == o[ref].n ? " (bytes differ)" : " (lengths differ)");
			return false;
		}
	}
	t_pass++;
	return true;
}

static void res(struct out *o, long r, int e, const void *bytes, size_t n)
{
	o->ret = r < 0 ? -1 : r;
	o->err = r < 0 ? e : 0;
	o->n = n;
	if (n)
		memcpy(o->buf, bytes, n);
}

/* ---- the model's answers (SEMANTICS.md 3, 4, 6, 9) ---------------------- */

static int m_lookup(struct model *m, uint32_t k, uint64_t flags, uint8_t *v)
{
	if (flags & ~(uint64_t)BPF_F_LOCK) /* unknown flags: before the fd */
		return -EINVAL;
	if (!m->rd)
		return -EPERM;
	if (flags) /* BPF_F_LOCK without a spin lock */
		return -EINVAL;
	if (k >= m->me)
		return -ENOENT;
	memcpy(v, m->data + (size_t)k * m->vb, m->vb);
	return 0;
}

static int m_update(struct model *m, uint32_t k, const uint8_t *v, uint64_t flags)
{
	if (m->frozen || !m->wr)
		return -EPERM;
	if (flags & BPF_F_LOCK)
		return -EINVAL;
	if (flags > BPF_EXIST)
		return -EINVAL;
	if (k >= m->me)
		return -E2BIG;
	if (flags == BPF_NOEXIST)
		return -EEXIST;
	memcpy(m->data + (size_t)k * m->vb, v, m->vb);
	if (m->mmapable)
		memcpy(m->pad + (size_t)k * m->stride, v, m->vs);
	return 0;
}

static int m_next(struct model *m, const uint32_t *k, uint32_t *next)
{
	if (!k || *k >= m->me) {
		*next = 0;
		return 0;
	}
	if (*k == m->me - 1)
		return -ENOENT;
	*next = *k + 1;
	return 0;
}

/* ---- one side's operations --------------------------------------------- */

static long s_create(int s, struct model *m)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_type = m->type;
	a.key_size = 4;
	a.value_size = m->vs;
	a.max_entries = m->me;
	a.map_flags = m->flags;
	return d_bpf(s, BPF_MAP_CREATE, &a, sizeof(a));
}

static long s_elem(int s, int cmd, int fd, const void *k, void *v, uint64_t flags)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = (uint64_t)(uintptr_t)k;
	a.value = (uint64_t)(uintptr_t)v;
	a.flags = flags;
	errno = 0;
	return d_bpf(s, cmd, &a, sizeof(a));
}

static void round_(int *step)
{
	struct model m = {0};
	static const uint32_t vss[] = {1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 20, 24, 31, 40, 64};
	static const uint32_t mes[] = {1, 2, 3, 4, 7, 8, 16, 33, 64, 100};
	static const uint32_t fl[] = {0, 0, 0, BPF_F_MMAPABLE, BPF_F_MMAPABLE, BPF_F_RDONLY_PROG,
				      BPF_F_WRONLY_PROG, BPF_F_NUMA_NODE, BPF_F_INNER_MAP,
				      BPF_F_MMAPABLE | BPF_F_RDONLY_PROG, BPF_F_NO_PREALLOC,
				      BPF_F_ZERO_SEED, BPF_F_RDONLY, BPF_F_WRONLY,
				      BPF_F_RDONLY | BPF_F_WRONLY, BPF_F_RDONLY | BPF_F_MMAPABLE,
				      BPF_F_WRONLY | BPF_F_MMAPABLE};
	bool on[3] = {d.kernel, true, true};
	struct out o[3];
	int fd[2] = {-1, -1};
	uint8_t *map[2] = {NULL, NULL};

	m.type = rnd() % 2 ? BPF_MAP_TYPE_ARRAY : BPF_MAP_TYPE_PERCPU_ARRAY;
	m.percpu = m.type == BPF_MAP_TYPE_PERCPU_ARRAY;
	m.vs = pick(vss, ARRAY_SIZE(vss));
	m.me = pick(mes, ARRAY_SIZE(mes));
	m.flags = pick(fl, ARRAY_SIZE(fl));
	m.stride = (m.vs + 7) & ~7u;
	m.vb = m.percpu ? m.stride * (uint32_t)d.ncpus : m.vs;

	/* Create: the model knows which flags an array takes. */
	uint32_t ok_flags = BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG | BPF_F_INNER_MAP |
			    BPF_F_MMAPABLE | BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY;
	if (m.percpu)
		ok_flags &= ~(BPF_F_MMAPABLE | BPF_F_INNER_MAP | BPF_F_NUMA_NODE);
	for (int s = d_first(); s < 2; s++) {
		errno = 0;
		long r = s_create(s, &m);
		res(&o[s], r >= 0 ? 0 : r, errno, NULL, 0);
		fd[s] = (int)r;
	}
	bool bad = (m.flags & ~ok_flags) ||
		   (m.flags & (BPF_F_RDONLY | BPF_F_WRONLY)) == (BPF_F_RDONLY | BPF_F_WRONLY);
	res(&o[2], bad ? -1 : 0, EINVAL, NULL, 0);
	(*step)++;
	if (!same("create", *step, o, on) || o[1].ret < 0) {
		for (int s = 0; s < 2; s++)
			if (fd[s] >= 0)
				close(fd[s]);
		return;
	}
	m.mmapable = m.flags & BPF_F_MMAPABLE;
	m.rd = !(m.flags & BPF_F_WRONLY);
	m.wr = !(m.flags & BPF_F_RDONLY);
	m.data = calloc(m.me, m.vb);
	m.pad = calloc(m.me, m.stride);
	size_t maplen = ((size_t)m.me * m.stride + PG - 1) & ~(size_t)(PG - 1);
	/* Programs-only-read arrays map read-only (a writable mapping is EACCES). */
	bool mapw = !(m.flags & BPF_F_RDONLY_PROG);
	/* RDONLY and WRONLY fds cannot be mapped at all (EINVAL / EACCES). */
	if (m.mmapable && m.rd && m.wr)
		for (int s = d_first(); s < 2; s++) {
			map[s] = mmap(NULL, maplen, mapw ? PROT_READ | PROT_WRITE : PROT_READ,
				      MAP_SHARED, fd[s], 0);
			CHECK(map[s] != MAP_FAILED, "mmap");
			if (map[s] == MAP_FAILED)
				map[s] = NULL;
		}

	int nops = 20 + (int)(rnd() % 150);
	static const uint64_t lflags[] = {0, 0, 0, 0, BPF_F_LOCK, 1, 8};
	static const uint64_t uflags[] = {0, 0, 0, BPF_NOEXIST, BPF_EXIST, 3, BPF_F_LOCK, 8};
	for (int i = 0; i < nops && *step < OPS; i++) {
		uint32_t k = rnd() % 10 < 8 ? rnd() % m.me
					    : (uint32_t[]){m.me, m.me + 1, 1000, 0x80000000u,
							   0xffffffffu}[rnd() % 5];
		uint8_t v[BUFSZ], w[BUFSZ];
		int op = (int)(rnd() % 100);
		(*step)++;
		if (op < 30) { /* lookup */
			uint64_t f = lflags[rnd() % ARRAY_SIZE(lflags)];
			for (int s = d_first(); s < 2; s++) {
				memset(v, 0xcd, m.vb + 8);
				long r = s_elem(s, BPF_MAP_LOOKUP_ELEM, fd[s], &k, v, f);
				res(&o[s], r, errno, v, m.vb + 8);
			}
			memset(v, 0xcd, m.vb + 8);
			int r = m_lookup(&m, k, f, v);
			res(&o[2], r ? -1 : 0, -r, v, m.vb + 8);
			same("lookup", *step, o, on);
		} else if (op < 60) { /* update */
			uint64_t f = uflags[rnd() % ARRAY_SIZE(uflags)];
			for (uint32_t b = 0; b < m.vb; b++)
				w[b] = (uint8_t)rnd();
			for (int s = d_first(); s < 2; s++) {
				long r = s_elem(s, BPF_MAP_UPDATE_ELEM, fd[s], &k, w, f);
				res(&o[s], r, errno, NULL, 0);
			}
			int r = m_update(&m, k, w, f);
			res(&o[2], r ? -1 : 0, -r, NULL, 0);
			same("update", *step, o, on);
		} else if (op < 75) { /* get_next_key */
			bool null = rnd() % 5 == 0;
			uint32_t nk[2];
			for (int s = d_first(); s < 2; s++) {
				nk[0] = 0xcdcdcdcd;
				long r = s_elem(s, BPF_MAP_GET_NEXT_KEY, fd[s], null ? NULL : &k, nk, 0);
				res(&o[s], r, errno, nk, 4);
			}
			nk[0] = 0xcdcdcdcd;
			int r = m.rd ? m_next(&m, null ? NULL : &k, nk) : -EPERM;
			res(&o[2], r ? -1 : 0, -r, nk, 4);
			same("get_next_key", *step, o, on);
		} else if (op < 85) { /* lookup_batch */
			uint32_t count = rnd() % (m.me + 3);
			if ((size_t)(count + 1) * m.vb > BUFSZ - 64)
				count = (uint32_t)((BUFSZ - 64) / m.vb) - 1;
			bool has_in = rnd() % 3;
			uint64_t ef = rnd() % 8 == 0 ? (rnd() % 2 ? BPF_F_LOCK : 1) : 0;
			for (int s = d_first(); s < 2; s++) {
				union bpf_attr a;
				uint32_t in = k, outb = 0xcdcdcdcd;
				memset(&a, 0, sizeof(a));
				memset(v, 0xcd, sizeof(v));
				memset(w, 0xcd, sizeof(w));
				a.batch.map_fd = (uint32_t)fd[s];
				a.batch.in_batch = has_in ? (uint64_t)(uintptr_t)&in : 0;
				a.batch.out_batch = (uint64_t)(uintptr_t)&outb;
				a.batch.keys = (uint64_t)(uintptr_t)w;
				a.batch.values = (uint64_t)(uintptr_t)v;
				a.batch.count = count;
				a.batch.elem_flags = ef;
				size_t vn = (size_t)(count + 1) * m.vb;
				if (vn > BUFSZ - 64)
					vn = BUFSZ - 64;
				errno = 0;
				long r = d_bpf(s, BPF_MAP_LOOKUP_BATCH, &a, sizeof(a));
				res(&o[s], r, errno, NULL, 0);
				memcpy(o[s].buf, &a.batch.count, 4);
				memcpy(o[s].buf + 4, &outb, 4);
				memcpy(o[s].buf + 8, w, 4 * (count + 1));
				memcpy(o[s].buf + 8 + 4 * (count + 1), v, vn);
				o[s].n = 8 + 4 * (count + 1) + vn;
			}
			/* Model: start after in_batch (restart past the end), copy until count. */
			{
				uint32_t cnt = count, outb = 0xcdcdcdcd, cp = 0;
				int r = 0;
				memset(v, 0xcd, sizeof(v));
				memset(w, 0xcd, sizeof(w));
				if (!m.rd) {
					r = -EPERM;
				} else if (ef) {
					r = -EINVAL;
				} else if (count) {
					uint32_t cur;
					const uint32_t *prev = has_in ? &k : NULL;
					uint32_t pk;
					while (cp < count) {
						r = m_next(&m, prev, &cur);
						if (r)
							break;
						memcpy(w + 4 * cp, &cur, 4);
						if ((size_t)(cp + 1) * m.vb <= BUFSZ - 64)
							memcpy(v + (size_t)cp * m.vb,
							       m.data + (size_t)cur * m.vb, m.vb);
						pk = cur;
						prev = &pk;
						cp++;
					}
					cnt = cp;
					if (cp)
						outb = pk;
				}
				size_t vn = (size_t)(count + 1) * m.vb;
				if (vn > BUFSZ - 64)
					vn = BUFSZ - 64;
				res(&o[2], r ? -1 : 0, -r, NULL, 0);
				memcpy(o[2].buf, &cnt, 4);
				memcpy(o[2].buf + 4, &outb, 4);
				memcpy(o[2].buf + 8, w, 4 * (count + 1));
				memcpy(o[2].buf + 8 + 4 * (count + 1), v, vn);
				o[2].n = 8 + 4 * (count + 1) + vn;
			}
			same("lookup_batch", *step, o, on);
		} else if (op < 93) { /* update_batch */
			uint32_t count = rnd() % 5, keys[5];
			uint64_t ef = rnd() % 8 == 0 ? (rnd() % 2 ? BPF_F_LOCK : BPF_EXIST) : 0;
			for (int j = 0; j < 5; j++)
				keys[j] = rnd() % 8 ? rnd() % m.me : m.me + (uint32_t)j;
			for (size_t b = 0; b < (size_t)5 * m.vb && b < sizeof(w); b++)
				w[b] = (uint8_t)rnd();
			for (int s = d_first(); s < 2; s++) {
				union bpf_attr a;
				memset(&a, 0, sizeof(a));
				a.batch.map_fd = (uint32_t)fd[s];
				a.batch.keys = (uint64_t)(uintptr_t)keys;
				a.batch.values = (uint64_t)(uintptr_t)w;
				a.batch.count = count;
				a.batch.elem_flags = ef;
				errno = 0;
				long r = d_bpf(s, BPF_MAP_UPDATE_BATCH, &a, sizeof(a));
				res(&o[s], r, errno, &a.batch.count, 4);
			}
			{
				uint32_t cnt = count, cp = 0;
				int r = 0;
				if (m.frozen || !m.wr)
					r = -EPERM;
				else if (ef)
					r = -EINVAL;
				else if (count) {
					for (cp = 0; cp < count; cp++) {
						r = m_update(&m, keys[cp], w + (size_t)cp * m.vb, 0);
						if (r)
							break;
					}
					cnt = cp;
				}
				res(&o[2], r ? -1 : 0, -r, &cnt, 4);
			}
			same("update_batch", *step, o, on);
		} else if (op < 96 && m.mmapable && mapw && !m.frozen && map[1]) { /* write via mmap */
			size_t off = rnd() % maplen, n = 1 + rnd() % 16;
			if (off + n > (size_t)m.me * m.stride)
				n = off < (size_t)m.me * m.stride ? (size_t)m.me * m.stride - off : 0;
			for (size_t b = 0; b < n; b++)
				w[b] = (uint8_t)rnd();
			for (int s = d_first(); s < 2; s++)
				if (map[s])
					memcpy(map[s] + off, w, n);
			memcpy(m.pad + off, w, n);
			for (size_t b = off; b < off + n; b++)
				if (b % m.stride < m.vs)
					m.data[(b / m.stride) * m.vb + b % m.stride] = m.pad[b];
			t_pass++;
		} else if (op < 97) { /* freeze */
			if (mapw && (map[0] || map[1]))
				continue; /* would be EBUSY: covered by array_mmap */
			for (int s = d_first(); s < 2; s++) {
				long r = s_elem(s, BPF_MAP_FREEZE, fd[s], NULL, NULL, 0);
				res(&o[s], r, errno, NULL, 0);
			}
			res(&o[2], m.frozen || !m.wr ? -1 : 0, EPERM, NULL, 0);
			m.frozen |= m.wr;
			same("freeze", *step, o, on);
		} else { /* delete / lookup_and_delete */
			bool lad = rnd() % 2;
			for (int s = d_first(); s < 2; s++) {
				long r = s_elem(s, lad ? BPF_MAP_LOOKUP_AND_DELETE_ELEM
						       : BPF_MAP_DELETE_ELEM,
						fd[s], &k, lad ? v : NULL, 0);
				res(&o[s], r, errno, NULL, 0);
			}
			bool perm = !m.frozen && m.wr && (!lad || m.rd);
			res(&o[2], -1, !perm ? EPERM : lad ? 524 : EINVAL, NULL, 0);
			same(lad ? "lookup_and_delete" : "delete", *step, o, on);
		}
	}

	/* Full contents: every element, and the mapping's bytes. */
	for (uint32_t k = 0; k < m.me; k++) {
		uint8_t v[BUFSZ];
		for (int s = d_first(); s < 2; s++) {
			memset(v, 0xcd, m.vb);
			long r = s_elem(s, BPF_MAP_LOOKUP_ELEM, fd[s], &k, v, 0);
			res(&o[s], r, errno, v, m.vb);
		}
		if (m.rd)
			res(&o[2], 0, 0, m.data + (size_t)k * m.vb, m.vb);
		else
			res(&o[2], -1, EPERM, v, m.vb); /* buffer untouched */
		same("contents", *step, o, on);
	}
	if (m.mmapable && m.rd && m.wr) {
		for (int s = d_first(); s < 2; s++)
			res(&o[s], map[s] ? 0 : -1, 0, map[s], map[s] ? (size_t)m.me * m.stride : 0);
		res(&o[2], 0, 0, m.pad, (size_t)m.me * m.stride);
		same("mmap contents", *step, o, on);
	}
	for (int s = d_first(); s < 2; s++) {
		if (map[s])
			munmap(map[s], maplen);
		close(fd[s]);
	}
	free(m.data);
	free(m.pad);
}

int main(void)
{
	const char *env = getenv("UB_SEED");
	d_init_ex("array_random", false); /* the model stands in for the kernel */
	seed = env && *env ? strtoull(env, NULL, 0) : (unsigned long long)time(NULL);
	rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	fprintf(stderr, "array_random: seed %llu (UB_SEED=%llu to repeat)\n", seed, seed);
	int step = 0;
	while (step < OPS)
		round_(&step);
	if (failures)
		fprintf(stderr, "array_random: %d mismatches with seed %llu\n", failures, seed);
	if (d.kernel)
		d.kcases = step; /* every step above ran on the kernel too */
	d.ucases = step;
	return d_done();
}
