// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Differential test of FREEZE and mmap/mprotect/munmap/ftruncate of array fds through libc (SEMANTICS.md 7, 8). */
#include "array_common.h"

#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096

static uint32_t mk(uint32_t type, uint32_t vs, uint32_t me, uint32_t flags)
{
	return d_map(type, 4, vs, me, flags);
}

static long freeze_side(int s, uint32_t sym)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)d_fd(sym, s);
	errno = 0;
	return d_bpf(s, BPF_MAP_FREEZE, &a, sizeof(a));
}

/* FREEZE as a compared case. */
static void freeze_case(const char *name, uint32_t sym)
{
	struct dcase *c = d_new(BPF_MAP_FREEZE, 168, "%s", name);
	c->t.a.map_fd = sym;
	d_run(c);
}

/* mmap on each side, compared by result; the mapping is unmapped again. */
static void mmap_case(const char *name, uint32_t sym, size_t len, int prot, int flags, off_t off)
{
	struct dres r[2] = {{0}};
	for (int s = d_first(); s < 2; s++) {
		errno = 0;
		void *p = mmap(NULL, len, prot, flags, d_fd(sym, s), off);
		r[s] = d_res(p == MAP_FAILED ? -1 : 0, errno, NULL, 0);
		if (p != MAP_FAILED)
			munmap(p, len);
	}
	d_report(name, r);
}

/* Map RO on each side, then mprotect to @prot2: compare both steps. */
static void mprotect_case(const char *name, uint32_t sym, int prot1, int prot2)
{
	struct dres r[2] = {{0}};
	for (int s = d_first(); s < 2; s++) {
		errno = 0;
		void *p = mmap(NULL, PG, prot1, MAP_SHARED, d_fd(sym, s), 0);
		if (p == MAP_FAILED) {
			r[s] = d_res(-2, errno, NULL, 0);
			continue;
		}
		errno = 0;
		int x = mprotect(p, PG, prot2);
		r[s] = d_res(x, errno, NULL, 0);
		munmap(p, PG);
	}
	d_report(name, r);
}

static void fill(uint32_t sym, uint32_t me, uint32_t vs, uint8_t base)
{
	uint8_t v[64];
	for (int s = d_first(); s < 2; s++)
		for (uint32_t k = 0; k < me; k++) {
			for (uint32_t i = 0; i < vs; i++)
				v[i] = (uint8_t)(base + k * 3 + i);
			d_elem(s, BPF_MAP_UPDATE_ELEM, sym, &k, v, 0);
		}
}

/* The bytes of the mapping (a page at @off) as a compared result. */
static void content_case(const char *name, uint32_t sym, size_t len, off_t off)
{
	struct dres r[2] = {{0}};
	for (int s = d_first(); s < 2; s++) {
		errno = 0;
		uint8_t *p = mmap(NULL, len, PROT_READ, MAP_SHARED, d_fd(sym, s), off);
		if (p == MAP_FAILED) {
			r[s] = d_res(-1, errno, NULL, 0);
			continue;
		}
		r[s] = d_res(0, 0, p, len);
		munmap(p, len);
	}
	d_report(name, r);
}

/* Write through a mapping, then read every element back through LOOKUP. */
static void write_through_case(const char *name, uint32_t sym, uint32_t me, uint32_t vs)
{
	struct dres r[2] = {{0}};
	size_t len = ((size_t)me * ((vs + 7) & ~7u) + PG - 1) & ~(size_t)(PG - 1);
	for (int s = d_first(); s < 2; s++) {
		uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, d_fd(sym, s), 0);
		if (p == MAP_FAILED) {
			r[s] = d_res(-1, errno, NULL, 0);
			continue;
		}
		for (size_t i = 0; i < len; i++)
			p[i] = (uint8_t)(i * 7 + 1);
		uint64_t h = D_FNV_INIT;
		for (uint32_t k = 0; k < me; k++) {
			uint8_t v[64];
			memset(v, 0xcd, sizeof(v));
			long x = d_elem(s, BPF_MAP_LOOKUP_ELEM, sym, &k, v, 0);
			h = d_fnv(h, &x, sizeof(x));
			h = d_fnv(h, v, sizeof(v));
		}
		r[s].ret = 0;
		r[s].hash = h;
		munmap(p, len);
	}
	d_report(name, r);
}

static void freeze_cases(void)
{
	uint32_t a = mk(BPF_MAP_TYPE_ARRAY, 8, 4, BPF_F_MMAPABLE);
	uint32_t ro = mk(BPF_MAP_TYPE_ARRAY, 8, 4, BPF_F_RDONLY);
	uint32_t wo = mk(BPF_MAP_TYPE_ARRAY, 8, 4, BPF_F_WRONLY);
	uint32_t rop = mk(BPF_MAP_TYPE_ARRAY, 8, 4, BPF_F_RDONLY_PROG);
	uint32_t pc = mk(BPF_MAP_TYPE_PERCPU_ARRAY, 8, 4, 0);
	uint32_t bad = d_sym((uint32_t)-1, (uint32_t)-1);
	void *p[2] = {NULL, NULL};

	/* A writable mapping blocks freeze (EBUSY) until it is gone. */
	for (int s = d_first(); s < 2; s++)
		p[s] = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, d_fd(a, s), 0);
	freeze_case("freeze_with_rw_mmap", a);
	for (int s = d_first(); s < 2; s++)
		mprotect(p[s], PG, PROT_READ);
	freeze_case("freeze_with_rw_mmap_mprotected_ro", a);
	for (int s = d_first(); s < 2; s++)
		munmap(p[s], PG);
	/* Only a read-only mapping: freeze works. */
	for (int s = d_first(); s < 2; s++)
		p[s] = mmap(NULL, PG, PROT_READ, MAP_SHARED, d_fd(a, s), 0);
	freeze_case("freeze_with_ro_mmap", a);
	freeze_case("freeze_second", a);
	for (int s = d_first(); s < 2; s++)
		munmap(p[s], PG);
	freeze_case("freeze_rdonly_fd", ro);
	freeze_case("freeze_wronly", wo);
	freeze_case("freeze_rdonly_prog", rop);
	freeze_case("freeze_percpu", pc);
	freeze_case("freeze_percpu_second", pc);
	freeze_case("freeze_fd_-1", bad);
	/* After freeze: fdinfo says frozen on both. */
	struct dres r[2] = {{0}};
	for (int s = d_first(); s < 2; s++) {
		char path[64], buf[1024] = {0};
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", d_fd(a, s));
		FILE *f = fopen(path, "re");
		size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
		if (f)
			fclose(f);
		buf[n] = 0;
		r[s] = d_res(strstr(buf, "frozen:\t1") ? 1 : 0, 0, NULL, 0);
	}
	d_report("fdinfo_frozen", r);

	/* Partial unmaps: a writable mapping split in pieces blocks freeze until all are gone. */
	uint32_t b = mk(BPF_MAP_TYPE_ARRAY, 8, 2048, BPF_F_MMAPABLE); /* 4 pages */
	for (int s = d_first(); s < 2; s++)
		p[s] = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, d_fd(b, s), 0);
	for (int s = d_first(); s < 2; s++)
		munmap((uint8_t *)p[s] + PG, PG);
	freeze_case("freeze_split_rw_mmap_hole", b);
	for (int s = d_first(); s < 2; s++)
		munmap(p[s], PG);
	freeze_case("freeze_split_rw_mmap_head_gone", b);
	for (int s = d_first(); s < 2; s++)
		munmap((uint8_t *)p[s] + 2 * PG, 2 * PG);
	freeze_case("freeze_split_rw_mmap_all_gone", b);
	/* Two mappings, one unmapped. */
	void *q[2] = {NULL, NULL};
	uint32_t c2 = mk(BPF_MAP_TYPE_ARRAY, 8, 4, BPF_F_MMAPABLE);
	for (int s = d_first(); s < 2; s++) {
		p[s] = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, d_fd(c2, s), 0);
		q[s] = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, d_fd(c2, s), 0);
		munmap(p[s], PG);
	}
	freeze_case("freeze_two_rw_one_left", c2);
	for (int s = d_first(); s < 2; s++)
		munmap(q[s], PG);
	freeze_case("freeze_two_rw_none_left", c2);
	/*
	 * A fork()ed child holds its own copy of a writable mapping: freeze is
	 * EBUSY until it is gone, even after the parent unmapped. exec() drops it.
	 */
	for (int how = 0; how < 2; how++) {
		uint32_t fm = mk(BPF_MAP_TYPE_ARRAY, 8, 4, BPF_F_MMAPABLE);
		pid_t kid[2] = {-1, -1};
		int go[2][2];
		for (int s = d_first(); s < 2; s++) {
			p[s] = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, d_fd(fm, s), 0);
			if (pipe(go[s]))
				go[s][0] = go[s][1] = -1;
			kid[s] = fork();
			if (kid[s] == 0) {
				char c;
				for (int o = d_first(); o < s; o++)
					close(go[o][1]); /* the other child's pipe */
				close(go[s][1]);
				if (how == 1) { /* exec: the child keeps running without the mapping */
					dup2(go[s][0], 0);
					execl("/bin/cat", "cat", (char *)NULL);
					_exit(127);
				}
				(void)!read(go[s][0], &c, 1);
				_exit(0);
			}
			close(go[s][0]);
			munmap(p[s], PG);
		}
		if (how == 1)
			usleep(100 * 1000); /* let cat exec */
		freeze_case(how ? "freeze_exec_child" : "freeze_fork_child_holds_rw", fm);
		for (int s = d_first(); s < 2; s++) {
			close(go[s][1]);
			if (kid[s] > 0)
				waitpid(kid[s], NULL, 0);
		}
		freeze_case(how ? "freeze_exec_child_gone" : "freeze_fork_child_gone", fm);
		d_close(fm);
	}
	/* mremap: no growing (EFAULT); a moved writable mapping still blocks freeze. */
	uint32_t mr = mk(BPF_MAP_TYPE_ARRAY, 8, 2048, BPF_F_MMAPABLE); /* 4 pages */
	for (int s = d_first(); s < 2; s++) {
		errno = 0;
		p[s] = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, d_fd(mr, s), 0);
		void *g = mremap(p[s], 2 * PG, 3 * PG, MREMAP_MAYMOVE);
		r[s] = d_res(g == MAP_FAILED ? -1 : 0, errno, NULL, 0);
		if (g != MAP_FAILED)
			p[s] = g;
	}
	d_report("mremap_grow", r);
	for (int s = d_first(); s < 2; s++) {
		errno = 0;
		void *g = mremap(p[s], 2 * PG, PG, 0);
		r[s] = d_res(g == MAP_FAILED ? -1 : 0, errno, NULL, 0);
	}
	d_report("mremap_shrink", r);
	for (int s = d_first(); s < 2; s++) {
		errno = 0;
		q[s] = mmap(NULL, 8 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		void *g = mremap(p[s], PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, (uint8_t *)q[s] + PG);
		r[s] = d_res(g == MAP_FAILED ? -1 : 0, errno, NULL, 0);
		if (g != MAP_FAILED)
			p[s] = g;
	}
	d_report("mremap_move", r);
	freeze_case("freeze_after_mremap_move", mr);
	for (int s = d_first(); s < 2; s++)
		munmap(q[s], 8 * PG); /* covers the moved mapping */
	freeze_case("freeze_after_mremap_unmapped", mr);
	d_close(mr);
	/* The mapping outlives the fd. */
	uint32_t c3 = mk(BPF_MAP_TYPE_ARRAY, 8, 4, BPF_F_MMAPABLE);
	fill(c3, 4, 8, 0x30);
	for (int s = d_first(); s < 2; s++) {
		p[s] = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, d_fd(c3, s), 0);
		close(d_fd(c3, s));
		if (p[s] != MAP_FAILED)
			((uint8_t *)p[s])[8] = 0x99;
		r[s] = d_res(p[s] == MAP_FAILED ? -1 : 0, errno, p[s] == MAP_FAILED ? NULL : p[s],
			     p[s] == MAP_FAILED ? 0 : PG);
		if (p[s] != MAP_FAILED)
			munmap(p[s], PG);
	}
	d_report("mapping_outlives_fd", r);
	d_unsym(c3);
	d_close(a);
	d_close(ro);
	d_close(wo);
	d_close(rop);
	d_close(pc);
	d_close(b);
	d_close(c2);
	d_unsym(bad);
}

static void mmap_cases(void)
{
	char w[96];
	uint32_t a = mk(BPF_MAP_TYPE_ARRAY, 8, 10, BPF_F_MMAPABLE);
	uint32_t two = mk(BPF_MAP_TYPE_ARRAY, 8, 1024, BPF_F_MMAPABLE);
	uint32_t odd = mk(BPF_MAP_TYPE_ARRAY, 8, 513, BPF_F_MMAPABLE);
	const int RW = PROT_READ | PROT_WRITE;

	mmap_case("rw_4096", a, PG, RW, MAP_SHARED, 0);
	mmap_case("rw_100", a, 100, RW, MAP_SHARED, 0);
	mmap_case("rw_0", a, 0, RW, MAP_SHARED, 0);
	mmap_case("rw_8192_on_80", a, 2 * PG, RW, MAP_SHARED, 0);
	mmap_case("rw_12288_on_8192", two, 3 * PG, RW, MAP_SHARED, 0);
	mmap_case("rw_off4096_1page", a, PG, RW, MAP_SHARED, PG);
	mmap_case("rw_off4096_2page", two, PG, RW, MAP_SHARED, PG);
	mmap_case("rw_off4096_len8192_2page", two, 2 * PG, RW, MAP_SHARED, PG);
	mmap_case("rw_off100", two, PG, RW, MAP_SHARED, 100);
	mmap_case("rw_me513_8192", odd, 2 * PG, RW, MAP_SHARED, 0);
	mmap_case("rw_me513_12288", odd, 3 * PG, RW, MAP_SHARED, 0);
	mmap_case("private_ro", a, PG, PROT_READ, MAP_PRIVATE, 0);
	mmap_case("private_rw", a, PG, RW, MAP_PRIVATE, 0);
	mmap_case("exec", a, PG, PROT_READ | PROT_EXEC, MAP_SHARED, 0);
	mmap_case("exec_private", a, PG, PROT_READ | PROT_EXEC, MAP_PRIVATE, 0);
	mmap_case("none", a, PG, PROT_NONE, MAP_SHARED, 0);
	mmap_case("write_only_prot", a, PG, PROT_WRITE, MAP_SHARED, 0);
	mmap_case("shared_validate", a, PG, RW, MAP_SHARED_VALIDATE, 0);
	mprotect_case("ro_then_rw", a, PROT_READ, RW);
	mprotect_case("ro_then_write", a, PROT_READ, PROT_WRITE);
	mprotect_case("ro_then_exec", a, PROT_READ, PROT_READ | PROT_EXEC);
	mprotect_case("rw_then_ro", a, RW, PROT_READ);
	mprotect_case("rw_then_exec", a, RW, PROT_READ | PROT_EXEC);
	mprotect_case("rw_then_none_then", a, RW, PROT_NONE);
	mprotect_case("none_then_rw", a, PROT_NONE, RW);

	/* Layout: stride round_up(vs, 8), zero padding, zero tail. */
	static const uint32_t vss[] = {1, 3, 4, 8, 12, 16, 20};
	for (size_t i = 0; i < ARRAY_SIZE(vss); i++) {
		uint32_t m = mk(BPF_MAP_TYPE_ARRAY, vss[i], 10, BPF_F_MMAPABLE);
		fill(m, 10, vss[i], (uint8_t)(0xe0 + i));
		snprintf(w, sizeof(w), "layout_vs%u", vss[i]);
		content_case(w, m, PG, 0);
		snprintf(w, sizeof(w), "write_through_vs%u", vss[i]);
		write_through_case(w, m, 10, vss[i]);
		d_close(m);
	}
	fill(two, 1024, 8, 0x10);
	content_case("two_page_off4096", two, PG, PG);

	/* Frozen, read-only and flag cases. */
	uint32_t fz = mk(BPF_MAP_TYPE_ARRAY, 8, 10, BPF_F_MMAPABLE);
	for (int s = d_first(); s < 2; s++)
		freeze_side(s, fz);
	mmap_case("frozen_rw", fz, PG, RW, MAP_SHARED, 0);
	mmap_case("frozen_write_only", fz, PG, PROT_WRITE, MAP_SHARED, 0);
	mmap_case("frozen_ro", fz, PG, PROT_READ, MAP_SHARED, 0);
	mprotect_case("frozen_ro_then_rw", fz, PROT_READ, RW);
	uint32_t rop = mk(BPF_MAP_TYPE_ARRAY, 8, 10, BPF_F_MMAPABLE | BPF_F_RDONLY_PROG);
	mmap_case("rdonly_prog_rw", rop, PG, RW, MAP_SHARED, 0);
	mmap_case("rdonly_prog_ro", rop, PG, PROT_READ, MAP_SHARED, 0);
	mprotect_case("rdonly_prog_ro_then_rw", rop, PROT_READ, RW);
	uint32_t wop = mk(BPF_MAP_TYPE_ARRAY, 8, 10, BPF_F_MMAPABLE | BPF_F_WRONLY_PROG);
	mmap_case("wronly_prog_rw", wop, PG, RW, MAP_SHARED, 0);
	uint32_t ro = mk(BPF_MAP_TYPE_ARRAY, 8, 10, BPF_F_MMAPABLE | BPF_F_RDONLY);
	mmap_case("rdonly_fd_rw", ro, PG, RW, MAP_SHARED, 0);
	mmap_case("rdonly_fd_ro", ro, PG, PROT_READ, MAP_SHARED, 0);
	mmap_case("rdonly_fd_ro_private", ro, PG, PROT_READ, MAP_PRIVATE, 0);
	mmap_case("rdonly_fd_exec", ro, PG, PROT_READ | PROT_EXEC, MAP_SHARED, 0);
	uint32_t wo = mk(BPF_MAP_TYPE_ARRAY, 8, 10, BPF_F_MMAPABLE | BPF_F_WRONLY);
	mmap_case("wronly_fd_rw", wo, PG, RW, MAP_SHARED, 0);
	mmap_case("wronly_fd_write", wo, PG, PROT_WRITE, MAP_SHARED, 0);
	mmap_case("wronly_fd_ro", wo, PG, PROT_READ, MAP_SHARED, 0);
	mmap_case("wronly_fd_none", wo, PG, PROT_NONE, MAP_SHARED, 0);
	uint32_t plain = mk(BPF_MAP_TYPE_ARRAY, 8, 10, 0);
	mmap_case("not_mmapable_shared", plain, PG, RW, MAP_SHARED, 0);
	mmap_case("not_mmapable_private", plain, PG, PROT_READ, MAP_PRIVATE, 0);
	mmap_case("not_mmapable_exec", plain, PG, PROT_READ | PROT_EXEC, MAP_SHARED, 0);
	mmap_case("not_mmapable_len0", plain, 0, PROT_READ, MAP_SHARED, 0);
	uint32_t pc = mk(BPF_MAP_TYPE_PERCPU_ARRAY, 8, 10, 0);
	mmap_case("percpu_shared", pc, PG, RW, MAP_SHARED, 0);
	mmap_case("percpu_private", pc, PG, PROT_READ, MAP_PRIVATE, 0);
	mmap_case("percpu_exec", pc, PG, PROT_READ | PROT_EXEC, MAP_SHARED, 0);
	mmap_case("percpu_len0", pc, 0, PROT_READ, MAP_SHARED, 0);

	/* The 64-bit-offset entry points take the same checks. */
	{
		struct dres r[2] = {{0}};
		static const int prots[] = {PROT_READ | PROT_EXEC, PROT_READ | PROT_WRITE};
		static const int flags[] = {MAP_SHARED, MAP_PRIVATE};
		for (size_t i = 0; i < 2; i++)
			for (size_t j = 0; j < 2; j++) {
				for (int s = d_first(); s < 2; s++) {
					errno = 0;
					void *q = mmap64(NULL, PG, prots[i], flags[j], d_fd(a, s), 0);
					r[s] = d_res(q == MAP_FAILED ? -1 : 0, errno, NULL, 0);
					if (q != MAP_FAILED)
						munmap(q, PG);
				}
				snprintf(w, sizeof(w), "mmap64_prot%d_flags%d", prots[i], flags[j]);
				d_report(w, r);
			}
		for (int s = d_first(); s < 2; s++) {
			errno = 0;
			int x = ftruncate64(d_fd(a, s), 8192);
			r[s] = d_res(x, errno, NULL, 0);
		}
		d_report("ftruncate64_grow", r);
	}
	/* ftruncate on map fds. */
	uint32_t fds[] = {a, ro, wo, pc};
	const char *fn[] = {"rw", "rdonly", "wronly", "percpu"};
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
		struct dres r[2] = {{0}};
		for (int s = d_first(); s < 2; s++) {
			errno = 0;
			int x = ftruncate(d_fd(fds[i], s), 0);
			r[s] = d_res(x, errno, NULL, 0);
		}
		snprintf(w, sizeof(w), "ftruncate_%s", fn[i]);
		d_report(w, r);
	}
	/* An fd received over SCM_RIGHTS (not yet known to userbpf) is still a map fd. */
	{
		struct dres r[2] = {{0}};
		for (int s = d_first(); s < 2; s++) {
			int sv[2], got = -1;
			char c = 'x';
			union {
				struct cmsghdr h;
				char buf[CMSG_SPACE(sizeof(int))];
			} u;
			struct iovec iov = {.iov_base = &c, .iov_len = 1};
			struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
					     .msg_controllen = sizeof(u.buf)};
			int myfd = d_fd(a, s);
			CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0, "socketpair");
			struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(cm), &myfd, sizeof(int));
			CHECK(sendmsg(sv[0], &msg, 0) == 1, "sendmsg");
			memset(u.buf, 0, sizeof(u.buf));
			msg.msg_controllen = sizeof(u.buf);
			if (recvmsg(sv[1], &msg, MSG_CMSG_CLOEXEC) == 1 && CMSG_FIRSTHDR(&msg))
				memcpy(&got, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(int));
			errno = 0;
			int x = ftruncate(got, 0);
			r[s] = d_res(x, errno, NULL, 0);
			close(got);
			close(sv[0]);
			close(sv[1]);
		}
		d_report("ftruncate_scm_rights_fd", r);
	}
	d_close(a);
	d_close(two);
	d_close(odd);
	d_close(fz);
	d_close(rop);
	d_close(wop);
	d_close(ro);
	d_close(wo);
	d_close(plain);
	d_close(pc);
}

int main(void)
{
	d_init("array_mmap");
	freeze_cases();
	mmap_cases();
	return d_done();
}
