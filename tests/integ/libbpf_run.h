/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Running the plain libbpf clients of tests/bpf/ against the kernel and under
 * userbpf (LD_PRELOAD, unprivileged) and comparing their transcripts.
 */
#ifndef UB_LIBBPF_RUN_H
#define UB_LIBBPF_RUN_H

#include "t.h"
#include "userbpf.h"

#include <fcntl.h>
#include <ftw.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOBODY 65534

struct run {
	char *out, *err; /* NUL-terminated stdout and stderr */
	int status;      /* the wait() status */
};

static inline char *run_slurp(int fd)
{
	off_t n = lseek(fd, 0, SEEK_END);
	char *buf = malloc(n > 0 ? (size_t)n + 1 : 1);
	ssize_t got = n > 0 ? pread(fd, buf, (size_t)n, 0) : 0;
	buf[got > 0 ? got : 0] = '\0';
	return buf;
}

static inline void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

/*
 * Run @argv under `timeout 30`, as user nobody (setpriv, no capabilities)
 * when @unpriv and we are root, with LD_PRELOAD=@preload when non-NULL and
 * USERBPF_ROOT=@ubroot when non-NULL (both unset otherwise).
 */
static inline int run_client(const char *const argv[], bool unpriv, const char *preload,
		      const char *ubroot, struct run *r)
{
	const char *full[32];
	int n = 0;

	full[n++] = "timeout";
	full[n++] = "30";
	if (unpriv && getuid() == 0) {
		full[n++] = "setpriv";
		full[n++] = "--reuid=65534";
		full[n++] = "--regid=65534";
		full[n++] = "--clear-groups";
		full[n++] = "--inh-caps=-all";
	}
	for (int i = 0; argv[i] && n < 31; i++)
		full[n++] = argv[i];
	full[n] = NULL;

	int ofd = memfd_create("out", MFD_CLOEXEC), efd = memfd_create("err", MFD_CLOEXEC);
	if (ofd < 0 || efd < 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(ofd, 1);
		dup2(efd, 2);
		if (preload)
			setenv("LD_PRELOAD", preload, 1);
		else
			unsetenv("LD_PRELOAD");
		if (ubroot)
			setenv("USERBPF_ROOT", ubroot, 1);
		else
			unsetenv("USERBPF_ROOT");
		/* The clients are not sanitized; keep a sanitized parent's options out. */
		execvp(full[0], (char *const *)full);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &r->status, 0) != pid)
		return -1;
	r->out = run_slurp(ofd);
	r->err = run_slurp(efd);
	close(ofd);
	close(efd);
	return 0;
}

static inline bool run_ok(const struct run *r)
{
	return WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0;
}

/* Print a failed run's stderr, a few lines. */
static inline void run_show_err(const char *what, const struct run *r)
{
	fprintf(stderr, "--- %s: status %#x, stderr:\n%.2000s---\n", what, r->status,
		r->err ? r->err : "");
}

/* Does bpf() reach the live kernel for us? (The test binary's syscall() is libc's.) */
static inline bool kernel_bpf_works(void)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	int fd = (int)syscall(__NR_bpf, BPF_MAP_CREATE, &a, sizeof(a));
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/*
 * Does userbpf answer libbpf's program probes (PROG_LOAD of `r0 = 0; exit`
 * named libbpf_nametest)? Without them libbpf drops map names and refuses
 * global data.
 */
static inline bool userbpf_prog_probe_works(void)
{
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (__u64)(uintptr_t)insns;
	a.insn_cnt = 2;
	a.license = (__u64)(uintptr_t)"GPL";
	strcpy(a.prog_name, "libbpf_nametest");
	int fd = ub_bpf(BPF_PROG_LOAD, &a, sizeof(a));
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* A fresh namespace directory user nobody can use (we may be root). */
static inline char *ubroot_new(void)
{
	char *dir = strdup("/dev/shm/ub-integ.XXXXXX");
	if (!mkdtemp(dir)) {
		free(dir);
		return NULL;
	}
	if (getuid() == 0 && chown(dir, NOBODY, NOBODY)) {
		rmdir(dir);
		free(dir);
		return NULL;
	}
	return dir;
}

static inline int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static inline void ubroot_free(char *dir)
{
	if (dir)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

/* A kernel bpf filesystem on a fresh temp dir (pins for the kernel half). */
static inline char *bpffs_new(void)
{
	char *dir = strdup("/tmp/ub-integ-bpffs.XXXXXX");
	if (!mkdtemp(dir)) {
		free(dir);
		return NULL;
	}
	if (mount("bpf", dir, "bpf", 0, NULL)) {
		int e = errno;
		rmdir(dir);
		free(dir);
		errno = e;
		return NULL;
	}
	return dir;
}

static inline void bpffs_free(char *dir)
{
	if (!dir)
		return;
	umount2(dir, MNT_DETACH);
	rmdir(dir);
	free(dir);
}

/* $UB_BUILD/@rel, or NULL if it does not exist. */
static inline char *build_path(const char *rel)
{
	const char *b = getenv("UB_BUILD");
	char *p;
	if (!b || asprintf(&p, "%s/%s", b, rel) < 0)
		return NULL;
	if (access(p, R_OK)) {
		free(p);
		return NULL;
	}
	return p;
}

/* The preload library the clients run under: $UB_PRELOAD, else the build's. */
static inline char *preload_path(void)
{
	const char *e = getenv("UB_PRELOAD");
	if (e && *e && !access(e, R_OK))
		return strdup(e);
	return build_path("libuserbpf-preload.so");
}

static inline char *read_file(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	size_t cap = 4096, len = 0, n;
	char *s = malloc(cap + 1);
	while ((n = fread(s + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap)
			s = realloc(s, (cap *= 2) + 1);
	}
	fclose(f);
	s[len] = '\0';
	return s;
}

/*
 * Compare two transcripts line by line: one CHECK per line. A differing line
 * for which @excused(line) is true is a SKIP (printed with @why) instead.
 */
static inline void compare_transcripts(const char *what, const char *want, const char *got,
				bool (*excused)(const char *line), const char *why)
{
	char *a = strdup(want), *b = strdup(got), *sa, *sb;
	char *la = strtok_r(a, "\n", &sa), *lb = strtok_r(b, "\n", &sb);
	int line = 1;
	for (; la || lb; line++, la = strtok_r(NULL, "\n", &sa), lb = strtok_r(NULL, "\n", &sb)) {
		bool same = la && lb && !strcmp(la, lb);
		if (!same && excused && la && excused(la)) {
			fprintf(stderr, "%s line %d: kernel \"%s\", userbpf \"%s\"\n", what, line, la,
				lb ? lb : "(missing)");
			SKIP(why);
			continue;
		}
		CHECK(same, "%s line %d: want \"%s\", got \"%s\"", what, line, la ? la : "(missing)",
		      lb ? lb : "(missing)");
	}
	free(a);
	free(b);
}

#endif
