// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A bpftool skeleton of an object holding only maps and globals
 * (testbin/skel_globals over bpf/globals.bpf.o): .data, .rodata and .bss are
 * created, initialised, frozen (.rodata) and mmap()ed by libbpf, then read and
 * written through the skeleton. Same transcript against the kernel and under
 * userbpf as user nobody (LD_PRELOAD and linked in).
 */
#include "libbpf_run.h"

static const char *dep_why = "userbpf PROG_LOAD does not answer libbpf's probes yet (trivial "
			     "program, global-data store through BPF_PSEUDO_MAP_VALUE), so libbpf "
			     "refuses the object (vm: PROG_LOAD)";

/* One userbpf run: compare, or SKIP while libbpf's program probes fail. */
static void userbpf_run(const char *what, const char *const argv[], const char *preload,
			const char *want, bool probes_ok)
{
	char *root = ubroot_new();
	struct run u = { 0 };
	CHECK(root, "namespace dir: %s", strerror(errno));
	if (!root)
		return;
	CHECK(run_client(argv, true, preload, root, &u) == 0, "run %s", what);
	if (!run_ok(&u) && !probes_ok && u.out && strstr(u.out, "\nload: ")) {
		run_show_err(what, &u);
		SKIP(dep_why);
	} else {
		CHECK(run_ok(&u), "%s exit status %#x", what, u.status);
		if (!run_ok(&u))
			run_show_err(what, &u);
		compare_transcripts(what, want, u.out, NULL, NULL);
	}
	run_free(&u);
	ubroot_free(root);
}

int main(void)
{
	char *client = build_path("testbin/skel_globals");
	char *linked = build_path("testbin/skel_globals_linked");
	char *expected_path = build_path("testbin/skel_globals.expected");
	char *preload = preload_path();
	struct run k = { 0 };
	const char *want;

	if (!client || !linked || !preload || !expected_path) {
		CHECK(0, "missing build artifacts (UB_BUILD=%s)", getenv("UB_BUILD"));
		return T_DONE();
	}
	char *recorded = read_file(expected_path);
	CHECK(recorded && strstr(recorded, "\ndone\n"), "recorded kernel transcript %s",
	      expected_path);
	want = recorded;

	if (kernel_bpf_works()) {
		const char *argv[] = { client, NULL };
		CHECK(run_client(argv, false, NULL, NULL, &k) == 0, "run kernel client");
		CHECK(run_ok(&k), "kernel client exit status %#x", k.status);
		if (!run_ok(&k))
			run_show_err("kernel", &k);
		if (recorded)
			compare_transcripts("kernel vs recorded", recorded, k.out, NULL, NULL);
		want = k.out;
	} else {
		fprintf(stderr, "bpf() unavailable: comparing with the recorded transcript\n");
	}

	bool probes_ok = userbpf_prog_probe_works();
	if (want) {
		const char *a1[] = { client, NULL };
		userbpf_run("preload as nobody", a1, preload, want, probes_ok);
		const char *a2[] = { linked, NULL };
		userbpf_run("linked as nobody", a2, NULL, want, probes_ok);
	}

	run_free(&k);
	free(recorded);
	free(client);
	free(linked);
	free(expected_path);
	free(preload);
	return T_DONE();
}
