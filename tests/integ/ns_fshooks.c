// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * What bpf tools see outside bpf(), kernel against userbpf in one process:
 * /proc/self/fdinfo/N of a map fd (same fields, same values), readlink of
 * /proc/self/fd/N, statfs() of the pin tree, and the path calls (mkdir,
 * stat, access, opendir, rename, unlink, rmdir) under /sys/fs/bpf.
 */
#include "t.h"
#include "userbpf.h"

#include <bpf/btf.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BPF_FS_MAGIC 0xcafe4a11

static int kmap(unsigned type, unsigned vs, unsigned n, unsigned flags)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = 4;
	a.value_size = vs;
	a.max_entries = n;
	a.map_flags = flags;
	return (int)syscall(__NR_bpf, BPF_MAP_CREATE, &a, sizeof(a));
}

/* The fdinfo of @fd as read through open()/read(), or fopen() when @use_stdio. */
static void read_fdinfo(const char *path, bool use_stdio, char *buf, size_t sz)
{
	buf[0] = '\0';
	if (use_stdio) {
		FILE *f = fopen(path, "r");
		if (!f)
			return;
		size_t n = fread(buf, 1, sz - 1, f);
		buf[n] = '\0';
		fclose(f);
		return;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, sz - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
}

/* Drop the lines whose value legitimately differs (mount, inode, id). */
static void normalize(char *text)
{
	char out[2048];
	size_t o = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strncmp(line, "mnt_id:", 7) || !strncmp(line, "ino:", 4) ||
		    !strncmp(line, "map_id:", 7)) {
			char *colon = strchr(line, ':');
			o += (size_t)snprintf(out + o, sizeof(out) - o, "%.*s: *\n",
					      (int)(colon - line), line);
			continue;
		}
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s\n", line);
	}
	strcpy(text, out);
}

static void check_fdinfo(unsigned type, unsigned vs, unsigned n, unsigned flags, bool freeze)
{
	int k = kmap(type, vs, n, flags);
	int u = ub_map_create(type, NULL, 4, vs, n, flags);
	CHECK(u >= 0, "userbpf create type %u vs %u n %u flags %#x: %d", type, vs, n, flags, -u);
	if (k < 0) {
		SKIP("no kernel bpf(): fdinfo compared only for its fields");
	}
	if (freeze) {
		union bpf_attr a;
		memset(&a, 0, sizeof(a));
		a.map_fd = (unsigned)k;
		if (k >= 0)
			syscall(__NR_bpf, BPF_MAP_FREEZE, &a, sizeof(a));
		ub_map_freeze(u);
	}
	char kp[64], up[64], kt[2048], ut[2048];
	for (int stdio = 0; stdio < 2; stdio++) {
		/* open() of /proc/self/..., fopen() of /proc/<our pid>/... */
		if (stdio)
			snprintf(up, sizeof(up), "/proc/%d/fdinfo/%d", getpid(), u);
		else
			snprintf(up, sizeof(up), "/proc/self/fdinfo/%d", u);
		read_fdinfo(up, stdio, ut, sizeof(ut));
		CHECK(strstr(ut, "map_type:\t") && strstr(ut, "memlock:\t"),
		      "userbpf fdinfo has the map fields: '%s'", ut);
		if (k < 0)
			continue;
		snprintf(kp, sizeof(kp), "/proc/self/fdinfo/%d", k);
		read_fdinfo(kp, stdio, kt, sizeof(kt));
		normalize(kt);
		normalize(ut);
		CHECK(!strcmp(kt, ut), "fdinfo (type %u vs %u n %u flags %#x frozen %d):\n"
		      "kernel:\n%s\nuserbpf:\n%s", type, vs, n, flags, freeze, kt, ut);
	}
	/* readlink: the anon inode name, truncated like readlink() truncates. */
	char link[64], kl[64] = "", ul[64] = "";
	snprintf(link, sizeof(link), "/proc/self/fd/%d", u);
	ssize_t un = readlink(link, ul, sizeof(ul) - 1);
	if (un > 0)
		ul[un] = '\0';
	CHECK(!strcmp(ul, "anon_inode:bpf-map"), "readlink of a userbpf map fd: '%s'", ul);
	char small[4];
	CHECK(readlink(link, small, sizeof(small)) == 4 && !memcmp(small, "anon", 4),
	      "readlink truncates to the buffer");
	if (k >= 0) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", k);
		ssize_t kn = readlink(link, kl, sizeof(kl) - 1);
		if (kn > 0)
			kl[kn] = '\0';
		CHECK(!strcmp(kl, ul), "readlink: kernel '%s' userbpf '%s'", kl, ul);
		close(k);
	}
	close(u);
}

static void check_paths(void)
{
	struct statfs sf;
	struct stat st;

	CHECK(statfs("/sys/fs/bpf", &sf) == 0 && (unsigned long)sf.f_type == BPF_FS_MAGIC,
	      "statfs(/sys/fs/bpf) says BPF_FS_MAGIC");
	CHECK(mkdir("/sys/fs/bpf/ub_dir", 0755) == 0, "mkdir in the pin tree: %d", errno);
	CHECK(mkdir("/sys/fs/bpf/ub_dir/sub", 0755) == 0, "nested mkdir: %d", errno);
	CHECK(mkdir("/sys/fs/bpf/ub_dir", 0755) == -1 && errno == EEXIST, "mkdir again: EEXIST");
	CHECK(statfs("/sys/fs/bpf/ub_dir/sub", &sf) == 0 &&
	      (unsigned long)sf.f_type == BPF_FS_MAGIC, "statfs of a nested pin directory");
	int dfd = open("/sys/fs/bpf/ub_dir", O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0 && fstatfs(dfd, &sf) == 0 && (unsigned long)sf.f_type == BPF_FS_MAGIC,
	      "fstatfs of an open pin directory");
	if (dfd >= 0)
		close(dfd);
	CHECK(statfs("/tmp", &sf) == 0 && (unsigned long)sf.f_type != BPF_FS_MAGIC,
	      "other paths are untouched");

	int fd = ub_map_create(BPF_MAP_TYPE_ARRAY, "p", 4, 4, 1, 0);
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.bpf_fd = (unsigned)fd;
	a.pathname = (unsigned long)"/sys/fs/bpf/ub_dir/sub/m";
	CHECK(ub_bpf(BPF_OBJ_PIN, &a, sizeof(a)) == 0, "pin into a nested dir: %d", errno);
	close(fd);
	CHECK(stat("/sys/fs/bpf/ub_dir/sub/m", &st) == 0 && S_ISREG(st.st_mode),
	      "stat of a pin");
	CHECK(lstat("/sys/fs/bpf/ub_dir/sub/m", &st) == 0, "lstat of a pin");
	CHECK(access("/sys/fs/bpf/ub_dir/sub/m", R_OK) == 0, "access of a pin");
	CHECK(stat("/sys/fs/bpf/ub_dir/none", &st) == -1 && errno == ENOENT, "stat ENOENT");
	DIR *d = opendir("/sys/fs/bpf/ub_dir/sub");
	bool seen = false;
	for (struct dirent *de; d && (de = readdir(d));)
		seen |= !strcmp(de->d_name, "m");
	if (d)
		closedir(d);
	CHECK(seen, "opendir lists the pin");
	CHECK(rename("/sys/fs/bpf/ub_dir/sub/m", "/sys/fs/bpf/ub_dir/m2") == 0, "rename a pin");
	CHECK(unlink("/sys/fs/bpf/ub_dir/m2") == 0, "unlink a pin: %d", errno);
	CHECK(stat("/sys/fs/bpf/ub_dir/m2", &st) == -1 && errno == ENOENT, "pin gone");
	CHECK(rmdir("/sys/fs/bpf/ub_dir/sub") == 0 && rmdir("/sys/fs/bpf/ub_dir") == 0,
	      "rmdir: %d", errno);
	char ns[4200];
	snprintf(ns, sizeof(ns), "%s/bpffs/ub_dir", ub_namespace_root());
	CHECK(stat(ns, &st) == -1, "the namespace's pin tree saw every change");
}

/* readlink of BTF and program fds: the kernel's anon inode names too. */
static void check_other_kinds(void)
{
	struct btf *b = btf__new_empty();
	btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	__u32 sz;
	const void *raw = btf__raw_data(b, &sz);
	struct bpf_insn insn[2] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	for (int kind = 0; kind < 2; kind++) {
		char link[2][64] = {"", ""};
		for (int side = 0; side < 2; side++) {
			union bpf_attr a;
			memset(&a, 0, sizeof(a));
			int cmd;
			if (kind == 0) {
				cmd = BPF_BTF_LOAD;
				a.btf = (unsigned long)raw;
				a.btf_size = sz;
			} else {
				cmd = BPF_PROG_LOAD;
				a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
				a.insns = (unsigned long)insn;
				a.insn_cnt = 2;
				a.license = (unsigned long)"GPL";
			}
			int fd = side ? ub_bpf(cmd, &a, sizeof(a))
				      : (int)syscall(__NR_bpf, cmd, &a, sizeof(a));
			if (fd < 0)
				continue;
			char p[64];
			snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
			ssize_t n = readlink(p, link[side], sizeof(link[side]) - 1);
			link[side][n > 0 ? n : 0] = '\0';
			close(fd);
		}
		if (!link[0][0] || !link[1][0]) {
			SKIP("kernel or userbpf cannot make this kind of object here");
			continue;
		}
		CHECK(!strcmp(link[0], link[1]), "readlink of a %s fd: kernel '%s' userbpf '%s'",
		      kind ? "program" : "BTF", link[0], link[1]);
	}
	btf__free(b);
}

int main(void)
{
	check_fdinfo(BPF_MAP_TYPE_ARRAY, 8, 4, 0, false);
	check_fdinfo(BPF_MAP_TYPE_ARRAY, 8, 4, 0, true);
	check_fdinfo(BPF_MAP_TYPE_ARRAY, 3, 10, 0, false);
	check_fdinfo(BPF_MAP_TYPE_ARRAY, 8, 4, BPF_F_MMAPABLE, false);
	check_fdinfo(BPF_MAP_TYPE_ARRAY, 8, 1000, BPF_F_RDONLY_PROG, false);
	check_fdinfo(BPF_MAP_TYPE_PERCPU_ARRAY, 8, 4, 0, false);
	check_fdinfo(BPF_MAP_TYPE_PERCPU_ARRAY, 12, 7, 0, false);
	check_paths();
	check_other_kinds();
	return T_DONE();
}
