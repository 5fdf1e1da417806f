// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Debian's bpftool, unmodified, under LD_PRELOAD=libuserbpf-preload.so and
 * without root (user nobody when we are root): map create (pinned), update,
 * lookup, dump, show, pin, freeze, each from a separate process, then rm and
 * mkdir in the pin tree. The output is what bpftool prints for kernel maps.
 */
#include "t.h"
#include "userbpf.h"

#include <fcntl.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define BPFTOOL "/usr/sbin/bpftool"

static char ns[256], preload[300];
static bool drop;

/*
 * Run argv (NULL-terminated) as the test user, under the preload library if
 * @use_preload; stdout+stderr into @out.
 */
static int run(char *out, size_t sz, bool use_preload, const char *const *argv)
{
	int p[2];
	if (pipe(p))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		char env_root[300], env_pre[400];
		snprintf(env_root, sizeof(env_root), "USERBPF_ROOT=%s", ns);
		snprintf(env_pre, sizeof(env_pre), "LD_PRELOAD=%s", preload);
		const char *args[64];
		int n = 0;
		if (drop) {
			args[n++] = "/usr/bin/setpriv";
			args[n++] = "--reuid=65534";
			args[n++] = "--regid=65534";
			args[n++] = "--clear-groups";
		}
		args[n++] = "/usr/bin/env";
		args[n++] = "-i";
		args[n++] = env_root;
		if (use_preload)
			args[n++] = env_pre;
		args[n++] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
		args[n++] = "/usr/bin/timeout";
		args[n++] = "20";
		for (int i = 0; argv[i] && n < 63; i++)
			args[n++] = argv[i];
		args[n] = NULL;
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		execv(args[0], (char **)args);
		_exit(127);
	}
	close(p[1]);
	size_t len = 0;
	ssize_t r;
	while ((r = read(p[0], out + len, sz - 1 - len)) > 0)
		len += (size_t)r;
	out[len] = '\0';
	close(p[0]);
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

#define RUN(out, ...) run(out, sizeof(out), true, (const char *const[]){__VA_ARGS__, NULL})
/* The CLI carries the library itself (and may be a sanitizer build). */
#define RUN_CLI(out, ...) run(out, sizeof(out), false, (const char *const[]){__VA_ARGS__, NULL})

static void expect(const char *what, int rc, int want_rc, const char *out, const char *want)
{
	CHECK(rc == want_rc, "%s: exit %d, want %d; output:\n%s", what, rc, want_rc, out);
	if (want)
		CHECK(!strcmp(out, want), "%s: output\n%s\nwant\n%s", what, out, want);
}

int main(void)
{
	char out[8192], dir[] = "/dev/shm/ub-bpftool.XXXXXX";
	const char *pre = getenv("UB_PRELOAD");

	if (access(BPFTOOL, X_OK)) {
		SKIP("no " BPFTOOL);
		return T_DONE();
	}
	if (!pre || access(pre, R_OK)) {
		SKIP("UB_PRELOAD is not set to the preload library");
		return T_DONE();
	}
	if (!mkdtemp(dir)) {
		CHECK(0, "mkdtemp: %d", errno);
		return T_DONE();
	}
	chmod(dir, 0755);
	drop = geteuid() == 0;
	/* Our own copy of the library, readable by the unprivileged user. */
	snprintf(preload, sizeof(preload), "%s/libuserbpf-preload.so", dir);
	char cp[700];
	snprintf(cp, sizeof(cp), "cp '%s' '%s'", pre, preload);
	CHECK(system(cp) == 0, "copy the preload library");
	snprintf(ns, sizeof(ns), "%s/ns", dir);
	mkdir(ns, 0755);
	if (drop && chown(ns, 65534, 65534))
		CHECK(0, "chown namespace: %d", errno);
	/* This process looks at the same namespace through the library. */
	setenv("USERBPF_ROOT", ns, 1);

	char pin[64], pin2[64];
	snprintf(pin, sizeof(pin), "/sys/fs/bpf/ubt_%d", getpid());
	snprintf(pin2, sizeof(pin2), "/sys/fs/bpf/ubt2_%d", getpid());

	int rc = RUN(out, BPFTOOL, "map", "create", pin, "type", "array", "key", "4", "value", "8",
		     "entries", "4", "name", "X");
	expect("map create", rc, 0, out, "");
	rc = RUN(out, BPFTOOL, "map", "update", "pinned", pin, "key", "1", "0", "0", "0", "value",
		 "1", "2", "3", "4", "5", "6", "7", "8");
	expect("map update", rc, 0, out, "");
	rc = RUN(out, BPFTOOL, "map", "update", "pinned", pin, "key", "hex", "03", "00", "00",
		 "00", "value", "hex", "ff", "ee", "dd", "cc", "bb", "aa", "99", "88");
	expect("map update hex", rc, 0, out, "");
	rc = RUN(out, BPFTOOL, "map", "lookup", "pinned", pin, "key", "1", "0", "0", "0");
	expect("map lookup", rc, 0, out, "key: 01 00 00 00  value: 01 02 03 04 05 06 07 08\n");
	rc = RUN(out, BPFTOOL, "map", "dump", "pinned", pin);
	expect("map dump", rc, 0, out,
	       "key: 00 00 00 00  value: 00 00 00 00 00 00 00 00\n"
	       "key: 01 00 00 00  value: 01 02 03 04 05 06 07 08\n"
	       "key: 02 00 00 00  value: 00 00 00 00 00 00 00 00\n"
	       "key: 03 00 00 00  value: ff ee dd cc bb aa 99 88\n"
	       "Found 4 elements\n");
	rc = RUN(out, BPFTOOL, "map", "show");
	expect("map show", rc, 0, out,
	       "1: array  name X  flags 0x0\n"
	       "\tkey 4B  value 8B  max_entries 4  memlock 344B\n");
	rc = RUN(out, BPFTOOL, "-j", "map", "show", "pinned", pin);
	expect("map show -j", rc, 0, out,
	       "{\"id\":1,\"type\":\"array\",\"name\":\"X\",\"flags\":0,\"bytes_key\":4,"
	       "\"bytes_value\":8,\"max_entries\":4,\"bytes_memlock\":344,\"frozen\":0}\n");
	rc = RUN(out, BPFTOOL, "map", "pin", "id", "1", pin2);
	expect("map pin", rc, 0, out, "");
	rc = RUN(out, BPFTOOL, "map", "freeze", "pinned", pin2);
	expect("map freeze", rc, 0, out, "");
	rc = RUN(out, BPFTOOL, "map", "show", "pinned", pin);
	expect("map show frozen", rc, 0, out,
	       "1: array  name X  flags 0x0\n"
	       "\tkey 4B  value 8B  max_entries 4  memlock 344B\n"
	       "\tfrozen\n");
	rc = RUN(out, BPFTOOL, "map", "update", "pinned", pin, "key", "1", "0", "0", "0", "value",
		 "0", "0", "0", "0", "0", "0", "0", "0");
	CHECK(rc != 0 && strstr(out, "Operation not permitted"), "update of a frozen map: %s", out);

	/* The userbpf CLI lists the namespace exactly as bpftool does. */
	const char *build = getenv("UB_BUILD");
	if (build) {
		char cli[512], out2[8192];
		snprintf(cli, sizeof(cli), "%s/userbpf", build);
		for (int j = 0; j < 2; j++) {
			rc = j ? RUN(out, BPFTOOL, "-j", "map", "show") : RUN(out, BPFTOOL, "map", "show");
			int rc2 = j ? RUN_CLI(out2, cli, "-j", "map", "show")
				    : RUN_CLI(out2, cli, "map", "show");
			CHECK(rc == 0 && rc2 == 0 && !strcmp(out, out2),
			      "userbpf%s map show equals bpftool's:\n%s\nvs\n%s", j ? " -j" : "", out2,
			      out);
		}
	}

	/* This process sees what the separate bpftool processes did. */
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.pathname = (unsigned long)pin2;
	int fd = ub_bpf(BPF_OBJ_GET, &a, sizeof(a));
	CHECK(fd >= 0, "OBJ_GET of bpftool's pin: %d", errno);
	unsigned key = 3;
	unsigned long long v = 0;
	CHECK(fd >= 0 && ub_map_lookup_elem(fd, &key, &v, 0) == 0 && v == 0x8899aabbccddeeffULL,
	      "value written by bpftool: %llx", v);
	if (fd >= 0)
		close(fd);

	/* rm and mkdir work on the pin tree; the real bpffs is untouched. */
	rc = RUN(out, "rm", pin2);
	expect("rm pin", rc, 0, out, "");
	rc = RUN(out, BPFTOOL, "map", "show", "pinned", pin2);
	CHECK(rc != 0, "pin removed by rm: %s", out);
	rc = RUN(out, "mkdir", "-p", "/sys/fs/bpf/ub_sub/deeper");
	expect("mkdir -p", rc, 0, out, "");
	rc = RUN(out, BPFTOOL, "map", "create", "/sys/fs/bpf/ub_sub/deeper/Y", "type", "array",
		 "key", "4", "value", "4", "entries", "1", "name", "Y");
	expect("map create in a nested dir", rc, 0, out, "");
	rc = RUN(out, "ls", "/sys/fs/bpf/ub_sub/deeper");
	expect("ls", rc, 0, out, "Y\n");
	struct stat st;
	CHECK(syscall(SYS_newfstatat, AT_FDCWD, pin, &st, 0) == -1 && errno == ENOENT,
	      "the real /sys/fs/bpf has no such pin");
	CHECK(syscall(SYS_newfstatat, AT_FDCWD, "/sys/fs/bpf/ub_sub", &st, 0) == -1,
	      "nor the directory");

	snprintf(cp, sizeof(cp), "rm -rf '%s'", dir);
	if (system(cp))
		fprintf(stderr, "cleanup of %s failed\n", dir);
	return T_DONE();
}
