// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * BPF_OBJ_PIN / BPF_OBJ_GET against the kernel on a fresh bpffs (mounted at
 * a temp dir when root) and userbpf on /sys/fs/bpf: the same sequence of
 * pins and gets must give the same results, path rules and errnos included.
 * The kernel's answers are also the table's expectations, so without a
 * kernel bpffs userbpf is still checked against them.
 */
#include "t.h"
#include "userbpf.h"

#include <fcntl.h>
#include <linux/bpf.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef BPF_F_PATH_FD
#define BPF_F_PATH_FD (1U << 14)
#endif
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* 6.1 headers lack obj's path_fd: the s32 after file_flags (6.18 layout). */
#define SET_PATH_FD(a, fd) (*(int *)((char *)&(a) + 16) = (fd))

enum { K, U };
static char base[2][256];
static int mapfd[2];

static long sys_bpf(int side, int cmd, union bpf_attr *a)
{
	if (side == K)
		return syscall(__NR_bpf, cmd, a, sizeof(*a));
	return ub_bpf(cmd, a, sizeof(*a));
}

enum op { PIN, GET };
enum fdsel { FD_MAP, FD_BAD, FD_STDIN, FD_NONE };

struct pcase {
	enum op op;
	const char *path; /* "%B" is replaced by the side's base; NULL: a NULL pointer */
	unsigned flags;
	enum fdsel fd;
	int want;         /* 0: success (GET: an fd); else the errno */
	int accmode;      /* GET success: the fd's O_ACCMODE */
};

static const struct pcase cases[] = {
	{PIN, "%B/m", 0, FD_MAP, 0, 0},
	{PIN, "%B/m", 0, FD_MAP, EEXIST, 0},
	{PIN, "%B/nodir/m", 0, FD_MAP, ENOENT, 0},
	{PIN, "%B/m/x", 0, FD_MAP, ENOTDIR, 0},
	{PIN, "%B/t/", 0, FD_MAP, ENOENT, 0},
	{PIN, "%B", 0, FD_MAP, EEXIST, 0},
	{PIN, "%B/", 0, FD_MAP, EEXIST, 0},
	{PIN, "%B/q", 1, FD_MAP, EINVAL, 0},
	{PIN, "%B/q", BPF_F_RDONLY, FD_MAP, EINVAL, 0},
	{PIN, "%B/q", 0, FD_BAD, EINVAL, 0},
	{PIN, "%B/q", 0, FD_STDIN, EINVAL, 0},
	{PIN, "/nonexistent-dir/x", 0, FD_BAD, EINVAL, 0},
	{PIN, "", 0, FD_MAP, ENOENT, 0},
	{PIN, NULL, 0, FD_MAP, EFAULT, 0},
	{PIN, "/tmp/ub-no-such-pin", 0, FD_MAP, EPERM, 0},
	{PIN, "ub-relative-pin", 0, FD_MAP, EPERM, 0},
	{PIN, "/etc/passwd", 0, FD_MAP, EEXIST, 0},
	{PIN, "/tmp", 0, FD_MAP, EEXIST, 0},
	{PIN, "/nonexistent-dir/x", 0, FD_MAP, ENOENT, 0},
	{PIN, "%B/dir/m2", 0, FD_MAP, 0, 0},
	{PIN, "%B/./dir/../m3", 0, FD_MAP, 0, 0},
	{PIN, "%B//dir//m4", 0, FD_MAP, 0, 0},
	{GET, "%B/m", 0, FD_NONE, 0, O_RDWR},
	{GET, "%B/m", BPF_F_RDONLY, FD_NONE, 0, O_RDONLY},
	{GET, "%B/m", BPF_F_WRONLY, FD_NONE, 0, O_WRONLY},
	{GET, "%B/m3", 0, FD_NONE, 0, O_RDWR},
	{GET, "%B/dir/m4", BPF_F_RDONLY, FD_NONE, 0, O_RDONLY},
	{GET, "%B/m", BPF_F_RDONLY | BPF_F_WRONLY, FD_NONE, EINVAL, 0},
	{GET, "%B/m", 4, FD_NONE, EINVAL, 0},
	{GET, "%B/m", 0, FD_STDIN, EINVAL, 0},
	{GET, "%B/none", 0, FD_NONE, ENOENT, 0},
	{GET, "%B/none", 4, FD_NONE, EINVAL, 0},
	{GET, "%B/dir", 0, FD_NONE, EACCES, 0},
	{GET, "%B/dir", BPF_F_RDONLY, FD_NONE, EACCES, 0},
	{GET, "%B/m/", 0, FD_NONE, ENOTDIR, 0},
	{GET, "%B", 0, FD_NONE, EACCES, 0},
	{GET, "/etc/passwd", 0, FD_NONE, EACCES, 0},
	{GET, "/nonexistent-dir", 0, FD_NONE, ENOENT, 0},
	{GET, "", 0, FD_NONE, ENOENT, 0},
	{GET, NULL, 0, FD_NONE, EFAULT, 0},
	{GET, "ub-relative-none", 0, FD_NONE, ENOENT, 0},
};

static void expand(int side, const char *tmpl, char *out, size_t sz)
{
	const char *b = strstr(tmpl, "%B");
	if (!b) {
		snprintf(out, sz, "%s", tmpl);
		return;
	}
	snprintf(out, sz, "%.*s%s%s", (int)(b - tmpl), tmpl, base[side], b + 2);
}

/* Run one case: the result as 0 / errno, and the access mode of a GET's fd. */
static int run_case(int side, const struct pcase *c, int *accmode)
{
	char path[512];
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	if (c->path) {
		expand(side, c->path, path, sizeof(path));
		a.pathname = (unsigned long)path;
	}
	a.file_flags = c->flags;
	a.bpf_fd = c->fd == FD_MAP ? (unsigned)mapfd[side] : c->fd == FD_BAD ? ~0u
			 : c->fd == FD_STDIN ? 0u : 0u;
	if (c->op == GET && c->fd == FD_NONE)
		a.bpf_fd = 0;
	else if (c->op == GET && c->fd == FD_STDIN)
		a.bpf_fd = 1; /* any non-zero bpf_fd */
	long r = sys_bpf(side, c->op == PIN ? BPF_OBJ_PIN : BPF_OBJ_GET, &a);
	if (r < 0)
		return errno;
	if (c->op == GET) {
		*accmode = fcntl((int)r, F_GETFL) & O_ACCMODE;
		close((int)r);
	}
	return 0;
}

static const char *side_name(int side)
{
	return side == K ? "kernel" : "userbpf";
}

/* Read-only and write-only fds from OBJ_GET refuse the other direction. */
static void check_modes(int side)
{
	char path[512];
	unsigned key = 1;
	unsigned long long val = 7;
	union bpf_attr a;

	snprintf(path, sizeof(path), "%s/m", base[side]);
	for (int ro = 0; ro < 2; ro++) {
		memset(&a, 0, sizeof(a));
		a.pathname = (unsigned long)path;
		a.file_flags = ro ? BPF_F_RDONLY : BPF_F_WRONLY;
		int fd = (int)sys_bpf(side, BPF_OBJ_GET, &a);
		CHECK(fd >= 0, "%s: get %s", side_name(side), ro ? "rdonly" : "wronly");
		memset(&a, 0, sizeof(a));
		a.map_fd = (unsigned)fd;
		a.key = (unsigned long)&key;
		a.value = (unsigned long)&val;
		long up = sys_bpf(side, BPF_MAP_UPDATE_ELEM, &a);
		int uerr = errno;
		long lk = sys_bpf(side, BPF_MAP_LOOKUP_ELEM, &a);
		int lerr = errno;
		if (ro) {
			CHECK(up == -1 && uerr == EPERM, "%s: update via rdonly fd: %ld %d",
			      side_name(side), up, uerr);
			CHECK(lk == 0, "%s: lookup via rdonly fd", side_name(side));
		} else {
			CHECK(up == 0, "%s: update via wronly fd: %d", side_name(side), uerr);
			CHECK(lk == -1 && lerr == EPERM, "%s: lookup via wronly fd: %ld %d",
			      side_name(side), lk, lerr);
		}
		close(fd);
	}
}

/* BPF_F_PATH_FD: pin and get relative to a directory fd of the pin tree. */
static void check_path_fd(int side)
{
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/dir", base[side]);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(dfd >= 0, "%s: open pin dir %s", side_name(side), dir);
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.pathname = (unsigned long)"m5";
	a.bpf_fd = (unsigned)mapfd[side];
	a.file_flags = BPF_F_PATH_FD;
	SET_PATH_FD(a, dfd);
	CHECK(sys_bpf(side, BPF_OBJ_PIN, &a) == 0, "%s: pin relative to path_fd: %d",
	      side_name(side), errno);
	memset(&a, 0, sizeof(a));
	a.pathname = (unsigned long)"m5";
	a.file_flags = BPF_F_PATH_FD;
	SET_PATH_FD(a, dfd);
	long fd = sys_bpf(side, BPF_OBJ_GET, &a);
	CHECK(fd >= 0, "%s: get relative to path_fd: %d", side_name(side), errno);
	if (fd >= 0)
		close((int)fd);
	/* path_fd without the flag is refused. */
	a.file_flags = 0;
	CHECK(sys_bpf(side, BPF_OBJ_GET, &a) == -1 && errno == EINVAL,
	      "%s: path_fd without BPF_F_PATH_FD", side_name(side));
	close(dfd);
}

/* A non-root user cannot open a root-owned 0600 pin: EACCES for every mode. */
static void check_other_user(int side)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/m", base[side]);
	pid_t pid = fork();
	if (pid == 0) {
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(100);
		int bad = 0;
		unsigned fl[] = {0, BPF_F_RDONLY, BPF_F_WRONLY};
		for (int i = 0; i < 3; i++) {
			union bpf_attr a;
			memset(&a, 0, sizeof(a));
			a.pathname = (unsigned long)path;
			a.file_flags = fl[i];
			if (sys_bpf(side, BPF_OBJ_GET, &a) != -1 || errno != EACCES)
				bad++;
		}
		_exit(bad);
	}
	int st;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: other user's get: status %d",
	      side_name(side), WEXITSTATUS(st));
}

static int make_map(int side)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 8;
	a.max_entries = 4;
	return (int)sys_bpf(side, BPF_MAP_CREATE, &a);
}

int main(void)
{
	char kdir[] = "/tmp/ub-ns-pin.XXXXXX";
	bool kernel = false;

	snprintf(base[U], sizeof(base[U]), "/sys/fs/bpf");
	mapfd[U] = make_map(U);
	CHECK(mapfd[U] >= 0, "userbpf map create: %d", errno);

	mapfd[K] = make_map(K);
	if (mapfd[K] >= 0 && geteuid() == 0 && mkdtemp(kdir)) {
		if (mount("bpf", kdir, "bpf", 0, NULL) == 0) {
			kernel = true;
			snprintf(base[K], sizeof(base[K]), "%s", kdir);
		} else {
			rmdir(kdir);
		}
	}
	if (!kernel)
		SKIP("no kernel bpffs (not root or no bpf()): userbpf checked against the table");

	int kernel_cases = 0;
	for (int side = kernel ? K : U; side <= U; side++) {
		char dir[512];
		snprintf(dir, sizeof(dir), "%s/dir", base[side]);
		CHECK(mkdir(dir, 0755) == 0, "%s: mkdir %s: %d", side_name(side), dir, errno);
		for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
			const struct pcase *c = &cases[i];
			int acc = -1;
			int got = run_case(side, c, &acc);
			CHECK(got == c->want, "%s: case %zu (%s %s flags %u): got %s, want %s",
			      side_name(side), i, c->op == PIN ? "pin" : "get",
			      c->path ? c->path : "NULL", c->flags, got ? strerrorname_np(got) : "ok",
			      c->want ? strerrorname_np(c->want) : "ok");
			if (!got && !c->want && c->op == GET)
				CHECK(acc == c->accmode, "%s: case %zu: access mode %d, want %d",
				      side_name(side), i, acc, c->accmode);
			if (side == K)
				kernel_cases++;
		}
		check_modes(side);
		check_path_fd(side);
		if (geteuid() == 0)
			check_other_user(side);
		/* A pin is removed with unlink(); then the name is free again. */
		char pin[512];
		snprintf(pin, sizeof(pin), "%s/m", base[side]);
		CHECK(unlink(pin) == 0, "%s: unlink pin: %d", side_name(side), errno);
		struct pcase again = {GET, "%B/m", 0, FD_NONE, ENOENT, 0};
		int acc;
		CHECK(run_case(side, &again, &acc) == ENOENT, "%s: get after unlink",
		      side_name(side));
	}
	if (kernel) {
		CHECK(kernel_cases > 0, "bpf() works but no case ran on the kernel");
		umount2(base[K], MNT_DETACH);
		rmdir(base[K]);
	}
	if (mapfd[K] >= 0)
		close(mapfd[K]);
	return T_DONE();
}
