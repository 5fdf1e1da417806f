// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * An unmodified libbpf program (testbin/libbpf_raw: raw map wrappers, batch,
 * get_next_key, freeze, mmap, pins, info) prints the same transcript against
 * the kernel as root and under libuserbpf-preload.so as user nobody, whom the
 * kernel refuses bpf(); and the same again with the library linked in.
 */
#include "libbpf_run.h"

/*
 * Lines that change when libbpf drops map names, which it does when its
 * PROG_LOAD name probe fails: the info lines and the invalid name.
 */
static bool name_line(const char *line)
{
	return strstr(line, " name=") || !strncmp(line, "create bad name:", 16);
}

static const char *name_why = "userbpf PROG_LOAD does not answer libbpf's name probe yet, so "
			      "libbpf drops map names (vm: PROG_LOAD)";

int main(void)
{
	char *client = build_path("testbin/libbpf_raw");
	char *linked = build_path("testbin/libbpf_raw_linked");
	char *expected_path = build_path("testbin/libbpf_raw.expected");
	char *preload = preload_path();
	struct run k = { 0 }, u = { 0 };
	char *want = NULL;

	if (!client || !linked || !preload || !expected_path) {
		CHECK(0, "missing build artifacts (UB_BUILD=%s): client %s, linked %s, "
			 "expected %s, preload %s",
		      getenv("UB_BUILD"), client, linked, expected_path, preload);
		return T_DONE();
	}
	char *recorded = read_file(expected_path);
	CHECK(recorded && strstr(recorded, "\ndone\n"), "recorded kernel transcript %s",
	      expected_path);

	/* (a) The kernel, as root, pins on a bpffs of our own. */
	if (kernel_bpf_works()) {
		char *fs = bpffs_new();
		CHECK(fs, "mount -t bpf: %s", strerror(errno));
		if (fs) {
			const char *argv[] = { client, fs, NULL };
			CHECK(run_client(argv, false, NULL, NULL, &k) == 0, "run kernel client");
			bpffs_free(fs);
			CHECK(run_ok(&k), "kernel client exit status %#x", k.status);
			if (!run_ok(&k))
				run_show_err("kernel", &k);
			/* The recording is what tests use where bpf() is unavailable. */
			if (recorded)
				compare_transcripts("kernel vs recorded", recorded, k.out, NULL, NULL);
			want = k.out;
		}
	} else {
		fprintf(stderr, "bpf() unavailable: comparing with the recorded transcript\n");
		want = recorded;
	}

	/* The kernel refuses bpf() to user nobody. */
	char *sysctl = read_file("/proc/sys/kernel/unprivileged_bpf_disabled");
	fprintf(stderr, "kernel.unprivileged_bpf_disabled = %s", sysctl ? sysctl : "?\n");
	{
		const char *argv[] = { client, "probe", NULL };
		struct run p = { 0 };
		CHECK(run_client(argv, true, NULL, NULL, &p) == 0, "run probe");
		if (sysctl && atoi(sysctl) != 0)
			CHECK(p.out && !strcmp(p.out, "probe map_create: EPERM\n"),
			      "kernel bpf() as nobody: %s", p.out);
		else
			SKIP("unprivileged bpf() is enabled here: the unprivileged run proves less");
		run_free(&p);
	}
	free(sysctl);

	bool names = userbpf_prog_probe_works();
	if (!names)
		fprintf(stderr, "note: %s\n", name_why);

	/* (b) Under LD_PRELOAD as nobody, pins under /sys/fs/bpf in the namespace. */
	char *root = ubroot_new();
	CHECK(root, "namespace dir: %s", strerror(errno));
	if (root && want) {
		const char *argv[] = { client, "/sys/fs/bpf", NULL };
		CHECK(run_client(argv, true, preload, root, &u) == 0, "run preload client");
		CHECK(run_ok(&u), "preload client exit status %#x", u.status);
		if (!run_ok(&u))
			run_show_err("preload", &u);
		compare_transcripts("preload as nobody", want, u.out, names ? NULL : name_line,
				    name_why);
		/* The pin landed in the namespace's pin tree and outlived the client. */
		char pin[4200];
		snprintf(pin, sizeof(pin), "%s/bpffs/raw_pin", root);
		struct stat st;
		CHECK(stat(pin, &st) == 0 && st.st_uid == (getuid() ? getuid() : NOBODY),
		      "pin %s owned by the client's user: %s", pin, strerror(errno));
		run_free(&u);
	}
	ubroot_free(root);

	/* (c) The preload library linked in (in-process use), as nobody too. */
	root = ubroot_new();
	if (root && want) {
		const char *argv[] = { linked, "/sys/fs/bpf", NULL };
		CHECK(run_client(argv, true, NULL, root, &u) == 0, "run linked client");
		CHECK(run_ok(&u), "linked client exit status %#x", u.status);
		if (!run_ok(&u))
			run_show_err("linked", &u);
		compare_transcripts("linked as nobody", want, u.out, names ? NULL : name_line,
				    name_why);
		run_free(&u);
	}
	ubroot_free(root);

	run_free(&k);
	free(recorded);
	free(client);
	free(linked);
	free(expected_path);
	free(preload);
	return T_DONE();
}
