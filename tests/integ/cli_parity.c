// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The userbpf CLI prints what Debian's bpftool prints: the same maps (same
 * types, sizes, BTF and contents) are made in the kernel (pinned in a fresh
 * bpffs) and in userbpf (pinned under /sys/fs/bpf), then `bpftool ...` on
 * the kernel's and `userbpf ...` on ours must give identical text, JSON and
 * pretty JSON for dump, lookup, getnext and show (ids masked). Needs root
 * and bpftool; skipped otherwise.
 */
#include "t.h"
#include "userbpf.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <limits.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define BPFTOOL "/usr/sbin/bpftool"

enum { K, U };

static long sys_bpf(int side, int cmd, union bpf_attr *a)
{
	if (side == K)
		return syscall(__NR_bpf, cmd, a, sizeof(*a));
	return ub_bpf(cmd, a, sizeof(*a));
}

struct spec {
	const char *name;
	unsigned type, value_size, entries;
	int btf; /* 0: none; 1: struct value; 2: plain int value */
};

static const struct spec specs[] = {
	{"arr8", BPF_MAP_TYPE_ARRAY, 8, 4, 0},
	{"arr3", BPF_MAP_TYPE_ARRAY, 3, 5, 0},
	{"arr40", BPF_MAP_TYPE_ARRAY, 40, 2, 0},
	{"pcpu4", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 3, 0},
	{"pcpu20", BPF_MAP_TYPE_PERCPU_ARRAY, 20, 2, 0},
	{"btfs", BPF_MAP_TYPE_ARRAY, 32, 3, 1},
	{"btfi", BPF_MAP_TYPE_ARRAY, 8, 3, 2},
	{"btfpc", BPF_MAP_TYPE_PERCPU_ARRAY, 32, 2, 1},
};

/*
 * BTF: key u32; value struct v { int a; char tag[8]; enum color c;
 * unsigned long long big; short arr[3]; unsigned bits:3; unsigned rest:29; }
 * (32 bytes), or a u64 for the plain case.
 */
static int load_btf(int side, __u32 *key_id, __u32 *val_id, int kind)
{
	struct btf *b = btf__new_empty();
	int u32 = btf__add_int(b, "unsigned int", 4, 0);
	int i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int chr = btf__add_int(b, "char", 1, BTF_INT_SIGNED);
	int u64 = btf__add_int(b, "unsigned long long", 8, 0);
	int i16 = btf__add_int(b, "short", 2, BTF_INT_SIGNED);
	int tag = btf__add_array(b, u32, chr, 8);
	int arr = btf__add_array(b, u32, i16, 3);
	int col = btf__add_enum(b, "color", 4);
	btf__add_enum_value(b, "RED", 0);
	btf__add_enum_value(b, "GREEN", 1);
	btf__add_enum_value(b, "BLUE", 2);
	int v = btf__add_struct(b, "v", 32);
	btf__add_field(b, "a", i32, 0, 0);
	btf__add_field(b, "tag", tag, 32, 0);
	btf__add_field(b, "c", col, 96, 0);
	btf__add_field(b, "big", u64, 128, 0);
	btf__add_field(b, "arr", arr, 192, 0);
	btf__add_field(b, "bits", u32, 240, 3);
	btf__add_field(b, "rest", u32, 243, 13);
	__u32 size;
	const void *raw = btf__raw_data(b, &size);
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.btf = (unsigned long)raw;
	a.btf_size = size;
	int fd = (int)sys_bpf(side, BPF_BTF_LOAD, &a);
	btf__free(b);
	*key_id = (__u32)u32;
	*val_id = (__u32)(kind == 1 ? v : u64);
	return fd;
}

static int make(int side, const struct spec *s, const char *pin)
{
	union bpf_attr a;
	int btf_fd = -1;
	__u32 kid = 0, vid = 0;
	if (s->btf) {
		btf_fd = load_btf(side, &kid, &vid, s->btf);
		if (btf_fd < 0)
			return -1;
	}
	memset(&a, 0, sizeof(a));
	a.map_type = s->type;
	a.key_size = 4;
	a.value_size = s->value_size;
	a.max_entries = s->entries;
	strncpy(a.map_name, s->name, sizeof(a.map_name) - 1);
	if (btf_fd >= 0) {
		a.btf_fd = (unsigned)btf_fd;
		a.btf_key_type_id = kid;
		a.btf_value_type_id = vid;
	}
	int fd = (int)sys_bpf(side, BPF_MAP_CREATE, &a);
	if (btf_fd >= 0)
		close(btf_fd);
	if (fd < 0)
		return -1;
	/* Contents: element k's bytes are k*16+i; per-CPU copies differ by CPU. */
	int ncpu = libbpf_num_possible_cpus();
	unsigned stride = (s->value_size + 7) / 8 * 8;
	unsigned char val[4096];
	for (unsigned k = 1; k < s->entries; k++) {
		for (int c = 0; c < (s->type == BPF_MAP_TYPE_PERCPU_ARRAY ? ncpu : 1); c++)
			for (unsigned i = 0; i < stride; i++)
				val[c * stride + i] = i < s->value_size
							      ? (unsigned char)(k * 16 + i + c * 3)
							      : 0;
		if (s->btf == 1) /* readable tag and a valid enum in slot 1 */
			for (int c = 0; c < (s->type == BPF_MAP_TYPE_PERCPU_ARRAY ? ncpu : 1); c++) {
				memcpy(val + c * stride + 4, k == 1 ? "hello\0\0\0" : "x\0\0\0\0\0\0\0", 8);
				unsigned col = k == 1 ? 2 : 7;
				memcpy(val + c * stride + 12, &col, 4);
			}
		memset(&a, 0, sizeof(a));
		a.map_fd = (unsigned)fd;
		a.key = (unsigned long)&k;
		a.value = (unsigned long)val;
		sys_bpf(side, BPF_MAP_UPDATE_ELEM, &a);
	}
	memset(&a, 0, sizeof(a));
	a.bpf_fd = (unsigned)fd;
	a.pathname = (unsigned long)pin;
	int r = (int)sys_bpf(side, BPF_OBJ_PIN, &a);
	close(fd);
	return r;
}

static int run(const char *prog, char **args, char *out, size_t sz)
{
	int p[2];
	if (pipe(p))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[64];
		int n = 0;
		argv[n++] = (char *)prog;
		for (int i = 0; args[i] && n < 63; i++)
			argv[n++] = args[i];
		argv[n] = NULL;
		dup2(p[1], 1);
		close(p[0]);
		alarm(20);
		execv(prog, argv);
		_exit(127);
	}
	close(p[1]);
	size_t len = 0;
	ssize_t r;
	while (len < sz - 1 && (r = read(p[0], out + len, sz - 1 - len)) > 0)
		len += (size_t)r;
	out[len] = '\0';
	close(p[0]);
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* Mask what differs between the sides: ids. */
static void mask_ids(char *s)
{
	char out[65536];
	size_t o = 0;
	for (size_t i = 0; s[i] && o < sizeof(out) - 8;) {
		bool line_start = i == 0 || s[i - 1] == '\n';
		const char *keys[] = {"\"id\":", "\"id\": ", "\"btf_id\":", "\"btf_id\": ", "btf_id "};
		size_t skip = 0;
		for (size_t k = 0; k < 5 && !skip; k++) {
			size_t kl = strlen(keys[k]);
			if (!strncmp(s + i, keys[k], kl) && s[i + kl] >= '0' && s[i + kl] <= '9') {
				memcpy(out + o, keys[k], kl);
				o += kl;
				skip = kl;
			}
		}
		if (!skip && line_start && s[i] >= '0' && s[i] <= '9') {
			size_t j = i;
			while (s[j] >= '0' && s[j] <= '9')
				j++;
			if (s[j] == ':') {
				out[o++] = 'N';
				i = j;
				continue;
			}
		}
		if (skip) {
			i += skip;
			while (s[i] >= '0' && s[i] <= '9')
				i++;
			out[o++] = 'N';
			continue;
		}
		out[o++] = s[i++];
	}
	out[o] = '\0';
	strcpy(s, out);
}

int main(void)
{
	char kdir[] = "/tmp/ub-cli-parity.XXXXXX", cli[PATH_MAX];
	const char *build = getenv("UB_BUILD");

	if (geteuid() != 0 || access(BPFTOOL, X_OK) || !build) {
		SKIP("needs root, " BPFTOOL " and UB_BUILD");
		return T_DONE();
	}
	snprintf(cli, sizeof(cli), "%s/userbpf", build);
	union bpf_attr probe;
	memset(&probe, 0, sizeof(probe));
	probe.map_type = BPF_MAP_TYPE_ARRAY;
	probe.key_size = 4;
	probe.value_size = 4;
	probe.max_entries = 1;
	int pfd = (int)syscall(__NR_bpf, BPF_MAP_CREATE, &probe, sizeof(probe));
	if (pfd < 0 || !mkdtemp(kdir) || mount("bpf", kdir, "bpf", 0, NULL)) {
		SKIP("no kernel bpf() or bpffs");
		return T_DONE();
	}
	close(pfd);

	static const char *const cmds[][8] = {
		{"map", "dump", "pinned", "@"},
		{"-j", "map", "dump", "pinned", "@"},
		{"-p", "map", "dump", "pinned", "@"},
		{"map", "lookup", "pinned", "@", "key", "1", "0", "0"},
		{"-p", "map", "lookup", "pinned", "@", "key", "hex", "01"},
		{"map", "getnext", "pinned", "@"},
		{"-j", "map", "getnext", "pinned", "@"},
		{"map", "show", "pinned", "@"},
		{"-j", "map", "show", "pinned", "@"},
		{"-p", "map", "show", "pinned", "@"},
	};
	int compared = 0;
	for (size_t s = 0; s < sizeof(specs) / sizeof(specs[0]); s++) {
		char kpin[PATH_MAX], upin[PATH_MAX];
		snprintf(kpin, sizeof(kpin), "%s/%s", kdir, specs[s].name);
		snprintf(upin, sizeof(upin), "/sys/fs/bpf/%s", specs[s].name);
		int kr = make(K, &specs[s], kpin), ur = make(U, &specs[s], upin);
		CHECK(kr == 0 && ur == 0, "%s: made on both sides (kernel %d, userbpf %d)",
		      specs[s].name, kr, ur);
		if (kr || ur)
			continue;
		for (size_t c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
			char *args[2][12];
			for (int side = 0; side < 2; side++) {
				int n = 0;
				for (int i = 0; i < 8 && cmds[c][i]; i++)
					args[side][n++] = !strcmp(cmds[c][i], "@")
								  ? (side == K ? kpin : upin)
								  : (char *)cmds[c][i];
				/* The lookup keys are 4 bytes: complete them. */
				if (!strcmp(cmds[c][1], "lookup") || !strcmp(cmds[c][2], "lookup")) {
					if (!strcmp(args[side][n - 1], "01")) {
						args[side][n++] = "00";
						args[side][n++] = "00";
						args[side][n++] = "00";
					} else {
						args[side][n++] = "0";
					}
				}
				args[side][n] = NULL;
			}
			static char kout[65536], uout[65536];
			int krc = run(BPFTOOL, args[K], kout, sizeof(kout));
			int urc = run(cli, args[U], uout, sizeof(uout));
			mask_ids(kout);
			mask_ids(uout);
			char what[256];
			snprintf(what, sizeof(what), "%s: %s %s %s %s", specs[s].name, cmds[c][0],
				 cmds[c][1], cmds[c][2], cmds[c][3] ? cmds[c][3] : "");
			CHECK(krc == 0 && urc == 0, "%s: exit kernel %d userbpf %d", what, krc, urc);
			CHECK(!strcmp(kout, uout), "%s:\nbpftool (kernel):\n%s\nuserbpf:\n%s", what,
			      kout, uout);
			compared++;
		}
	}
	CHECK(compared > 0, "bpf() works but nothing was compared");
	umount2(kdir, MNT_DETACH);
	rmdir(kdir);
	return T_DONE();
}
