// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A map fd sent over SCM_RIGHTS to an unrelated, unmodified libbpf program
 * (testbin/libbpf_peer, exec()ed): both processes add atomically through
 * mmap() and update their own elements (libbpf's wrappers there, bpf() here)
 * at once, and nothing is lost. Run on a kernel map with the plain peer, and
 * on a userbpf map with the peer under LD_PRELOAD=libuserbpf-preload.so; the
 * peer's transcripts must be the same. Also run under ThreadSanitizer.
 */
#include "libbpf_run.h"
#include "tsan_mt.h"

#include <sys/socket.h>
#include "scm.h"

#define NELEM 64
#define NSHARED 8
#define OWN_BASE 16
#define OWN_PER 4
#define ADDS 200000
#define UPDATES 20000
#define W_PEER 0
#define W_SELF 1

struct side {
	const char *name;
	int (*bpf)(int cmd, union bpf_attr *attr, unsigned int size);
	const char *preload; /* for the peer, NULL on the kernel side */
};

static int kernel_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	return (int)syscall(__NR_bpf, cmd, attr, size);
}

static int elem(const struct side *s, int cmd, int fd, uint32_t k, uint64_t *v, uint64_t flags)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = (uintptr_t)&k;
	a.value = (uintptr_t)v;
	a.flags = flags;
	return s->bpf(cmd, &a, sizeof(a));
}

/* This process's share, the same loop as the peer's; returns mismatches. */
static int work(const struct side *s, int fd, volatile uint64_t *p)
{
	uint64_t mine[OWN_PER] = { 0 };
	int bad = 0;
	for (int i = 0; i < ADDS; i++) {
		__atomic_fetch_add(&p[i % NSHARED], 1, __ATOMIC_RELAXED);
		if (i % (ADDS / UPDATES))
			continue;
		int j = (i / (ADDS / UPDATES)) % OWN_PER;
		uint32_t k = OWN_BASE + W_SELF * OWN_PER + j;
		uint64_t v = ~0ull;
		if (elem(s, BPF_MAP_LOOKUP_ELEM, fd, k, &v, 0) || v != mine[j]) {
			bad++;
			continue;
		}
		v++;
		if (elem(s, BPF_MAP_UPDATE_ELEM, fd, k, &v, BPF_EXIST)) {
			bad++;
			continue;
		}
		mine[j] = v;
	}
	return bad;
}

/* Run one side; returns the peer's transcript (malloc'd) or NULL. */
static char *run_side(const struct side *s, const char *peer)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 8;
	a.max_entries = NELEM;
	a.map_flags = BPF_F_MMAPABLE;
	strcpy(a.map_name, "scm_peer");
	int fd = s->bpf(BPF_MAP_CREATE, &a, sizeof(a));
	CHECK(fd >= 0, "%s: create: %s", s->name, strerror(errno));
	if (fd < 0)
		return NULL;
	volatile uint64_t *p = mmap(NULL, NELEM * 8, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED, "%s: mmap: %s", s->name, strerror(errno));
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	int ofd = memfd_create("peer-out", MFD_CLOEXEC);
	if (p == MAP_FAILED || ofd < 0) {
		close(fd);
		return NULL;
	}

	char sock[16], w[16], adds[16], upd[16], nsh[16], base[16], per[16];
	snprintf(sock, sizeof(sock), "%d", sv[1]);
	snprintf(w, sizeof(w), "%d", W_PEER);
	snprintf(adds, sizeof(adds), "%d", ADDS);
	snprintf(upd, sizeof(upd), "%d", UPDATES);
	snprintf(nsh, sizeof(nsh), "%d", NSHARED);
	snprintf(base, sizeof(base), "%d", OWN_BASE);
	snprintf(per, sizeof(per), "%d", OWN_PER);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		/* Only the socket crosses exec (the map fd is close-on-exec). */
		close(sv[0]);
		dup2(ofd, 1);
		if (s->preload)
			setenv("LD_PRELOAD", s->preload, 1);
		else
			unsetenv("LD_PRELOAD");
		execlp("timeout", "timeout", "30", peer, sock, w, adds, upd, nsh, base, per,
		       (char *)NULL);
		_exit(127);
	}
	CHECK(pid > 0, "fork: %s", strerror(errno));
	close(sv[1]);
	CHECK(scm_send_fd(sv[0], fd) == 1, "%s: send fd: %s", s->name, strerror(errno));
	CHECK(write(sv[0], "g", 1) == 1, "%s: go", s->name);
	int bad = work(s, fd, p);
	CHECK(bad == 0, "%s: this process: %d lookups/updates went wrong", s->name, bad);
	int st = 0;
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "%s: peer exit status %#x", s->name, st);
	close(sv[0]);
	char *out = run_slurp(ofd);
	close(ofd);

	/* Nothing lost: every add from both processes, every own update. */
	for (uint32_t k = 0; k < NSHARED; k++) {
		uint64_t v = 0;
		CHECK(elem(s, BPF_MAP_LOOKUP_ELEM, fd, k, &v, 0) == 0 && v == 2 * ADDS / NSHARED,
		      "%s: shared elem %u = %llu, want %d", s->name, k, (unsigned long long)v,
		      2 * ADDS / NSHARED);
	}
	for (int wk = 0; wk < 2; wk++)
		for (uint32_t j = 0; j < OWN_PER; j++) {
			uint32_t k = OWN_BASE + wk * OWN_PER + j;
			uint64_t v = 0;
			CHECK(elem(s, BPF_MAP_LOOKUP_ELEM, fd, k, &v, 0) == 0 &&
				      v == UPDATES / OWN_PER,
			      "%s: worker %d elem %u = %llu, want %d", s->name, wk, k,
			      (unsigned long long)v, UPDATES / OWN_PER);
		}
	munmap((void *)p, NELEM * 8);
	close(fd);
	return out;
}

int main(void)
{
	static const struct side kernel = { "kernel", kernel_bpf, NULL };
	struct side userbpf = { "userbpf", ub_bpf, NULL };
	char *peer = build_path("testbin/libbpf_peer");
	userbpf.preload = preload_path();
	if (!peer || !userbpf.preload) {
		CHECK(0, "missing build artifacts (UB_BUILD=%s): peer %s, preload %s",
		      getenv("UB_BUILD"), peer, userbpf.preload);
		return T_DONE();
	}
	_Static_assert(ADDS % NSHARED == 0 && ADDS % UPDATES == 0 && UPDATES % OWN_PER == 0,
		       "exact counts");
	const char *want = "info: type=2 key=4 value=8 max=64 flags=0x400 name=scm_peer\n"
			   "ftruncate: EINVAL\nbad 0\n";
	char *k = NULL;
	if (kernel_bpf_works()) {
		k = run_side(&kernel, peer);
		CHECK(k && !strcmp(k, want), "kernel peer transcript:\n%s", k ? k : "(none)");
	} else {
		fprintf(stderr, "bpf() unavailable: userbpf side only\n");
	}
	char *u = run_side(&userbpf, peer);
	CHECK(u && !strcmp(u, want), "userbpf peer transcript:\n%s", u ? u : "(none)");
	if (k && u)
		CHECK(!strcmp(k, u), "kernel and userbpf peers differ");
	free(k);
	free(u);
	free(peer);
	free((char *)userbpf.preload);
	return T_DONE();
}
