// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Clang-built programs through unmodified libbpf: the packet counter (count
 * equals the runs) and a program using global data, a bpf-to-bpf call,
 * for_each_map_elem and a spin lock, whose every observable result under
 * userbpf (LD_PRELOAD) must equal the kernel's.
 */
#include "t.h"

#include <linux/bpf.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int run(const char *cmd, char *out, size_t len)
{
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	size_t n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int kernel_bpf_works(void)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	int fd = (int)syscall(__NR_bpf, BPF_MAP_CREATE, &a, sizeof(a));
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

int main(void)
{
	const char *b = getenv("UB_BUILD"), *pre = getenv("UB_PRELOAD");
	char cmd[8192], uout[4096], kout[4096];
	if (!b || !pre) {
		SKIP("UB_BUILD / UB_PRELOAD not set (run through tests/run.sh)");
		return T_DONE();
	}
	int kernel = kernel_bpf_works();

	/* The packet counter, preloaded: exit 0 means count == runs and XDP_PASS. */
	snprintf(cmd, sizeof(cmd), "LD_PRELOAD=%s %s/testbin/pkt_counter %s/bpf/pkt_counter.bpf.o 1000 2>&1",
		 pre, b, b);
	int rc = run(cmd, uout, sizeof(uout));
	CHECK(rc == 0, "pkt_counter under userbpf: exit %d: %s", rc, uout);
	CHECK(strstr(uout, "count 1000 runs 1000") != NULL, "count equals runs: %s", uout);
	if (kernel) {
		snprintf(cmd, sizeof(cmd), "%s/testbin/pkt_counter %s/bpf/pkt_counter.bpf.o 1000 2>&1",
			 b, b);
		rc = run(cmd, kout, sizeof(kout));
		CHECK(rc == 0, "pkt_counter on the kernel: exit %d: %s", rc, kout);
		CHECK(!strcmp(uout, kout), "same output: userbpf [%s] kernel [%s]", uout, kout);
	}

	/* In-process: the loader linked with the library, no LD_PRELOAD. */
	snprintf(cmd, sizeof(cmd), "%s/testbin/pkt_counter_linked %s/bpf/pkt_counter.bpf.o 500 2>&1", b, b);
	rc = run(cmd, uout, sizeof(uout));
	CHECK(rc == 0 && strstr(uout, "count 500 runs 500"), "pkt_counter linked in-process: exit %d: %s",
	      rc, uout);

	/* Unprivileged: as nobody (where the kernel refuses bpf()), under userbpf. */
	if (geteuid() == 0 && access("/usr/bin/setpriv", X_OK) == 0) {
		char dir[] = "/dev/shm/userbpf-nobody.XXXXXX";
		if (mkdtemp(dir) && chmod(dir, 0777) == 0) {
			snprintf(cmd, sizeof(cmd),
				 "setpriv --reuid=65534 --regid=65534 --clear-groups env USERBPF_ROOT=%s "
				 "LD_PRELOAD=%s %s/testbin/pkt_counter %s/bpf/pkt_counter.bpf.o 100 2>&1",
				 dir, pre, b, b);
			rc = run(cmd, uout, sizeof(uout));
			CHECK(rc == 0 && strstr(uout, "count 100 runs 100"),
			      "pkt_counter as nobody under userbpf: exit %d: %s", rc, uout);
			snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
			if (system(cmd))
				SKIP("could not remove the temporary namespace");
		}
	} else {
		SKIP("not root or no setpriv: the unprivileged run is skipped");
	}

	/* bpf_loop and a bounded loop clang did not unroll: the kernel's results. */
	snprintf(cmd, sizeof(cmd), "LD_PRELOAD=%s %s/testbin/vm_features %s/bpf/vm_loop.bpf.o 2>&1", pre, b,
		 b);
	rc = run(cmd, uout, sizeof(uout));
	CHECK(rc == 0 && strstr(uout, "out[1] = 64 00 00 00 00 00 00 00") &&
		      strstr(uout, "out[2] = 0a 19 9d d3 7c bd 5e f0"),
	      "loops under userbpf (values recorded from Linux 6.18): %s", uout);
	if (kernel) {
		snprintf(cmd, sizeof(cmd), "%s/testbin/vm_features %s/bpf/vm_loop.bpf.o 2>&1", b, b);
		run(cmd, kout, sizeof(kout));
		CHECK(!strcmp(uout, kout), "loops: userbpf\n%s\nkernel\n%s", uout, kout);
	}

	/* 2^48 paths and more: loads only with state pruning; the kernel's results. */
	snprintf(cmd, sizeof(cmd), "LD_PRELOAD=%s %s/testbin/vm_features %s/bpf/vm_branchy.bpf.o 2>&1",
		 pre, b, b);
	rc = run(cmd, uout, sizeof(uout));
	CHECK(rc == 0 && strstr(uout, "out[0] = 18 10 4a a1 e6 8e 83 89") &&
		      strstr(uout, "out[3] = 6f 8c 9a ab 1b 06 a0 d5"),
	      "branchy under userbpf (values recorded from Linux 6.18): %s", uout);
	if (kernel) {
		snprintf(cmd, sizeof(cmd), "%s/testbin/vm_features %s/bpf/vm_branchy.bpf.o 2>&1", b, b);
		run(cmd, kout, sizeof(kout));
		CHECK(!strcmp(uout, kout), "branchy: userbpf\n%s\nkernel\n%s", uout, kout);
	}

	/*
	 * bpf_spin_lock misuse and a callback returning 2, compiled by clang:
	 * refused like the kernel refuses them.
	 */
	static const char *locks[] = {"lock_noexit", "lock_call", "lock_double", "refuse_cbret"};
	for (int i = 0; i < 4; i++) {
		snprintf(cmd, sizeof(cmd), "LD_PRELOAD=%s %s/testbin/vm_load_only %s/bpf/vm_%s.bpf.o 2>&1",
			 pre, b, b, locks[i]);
		rc = run(cmd, uout, sizeof(uout));
		CHECK(rc == 0 && !strcmp(uout, "refused 22\n"), "%s under userbpf: %s", locks[i],
		      uout);
		if (kernel) {
			snprintf(cmd, sizeof(cmd), "%s/testbin/vm_load_only %s/bpf/vm_%s.bpf.o 2>&1", b,
				 b, locks[i]);
			run(cmd, kout, sizeof(kout));
			CHECK(!strcmp(uout, kout), "%s: userbpf %s kernel %s", locks[i], uout, kout);
		}
	}

	/* Globals (custom .data.* too), calls, callbacks, locks: byte-for-byte the kernel's results. */
	snprintf(cmd, sizeof(cmd), "LD_PRELOAD=%s %s/testbin/vm_features %s/bpf/vm_features.bpf.o 2>&1",
		 pre, b, b);
	rc = run(cmd, uout, sizeof(uout));
	CHECK(rc == 0, "features under userbpf: exit %d: %s", rc, uout);
	CHECK(strstr(uout, "run 2 err 0 retval 2") != NULL, "three runs passed: %s", uout);
	if (kernel) {
		snprintf(cmd, sizeof(cmd), "%s/testbin/vm_features %s/bpf/vm_features.bpf.o 2>&1", b, b);
		rc = run(cmd, kout, sizeof(kout));
		CHECK(rc == 0, "features on the kernel: exit %d", rc);
		CHECK(!strcmp(uout, kout), "features: userbpf\n%s\nkernel\n%s", uout, kout);
	} else {
		/* Recorded from Linux 6.18: the lock value and the globals after three runs. */
		CHECK(strstr(uout, "lockmap[0] = 00 00 00 00 03 00 00 00 d0 02 00 00 00 00 00 00") &&
			      strstr(uout, ".data[0] = 8f 08 00 00 00 00 00 00") &&
			      strstr(uout, ".data.custom[0] = 2e 00 00 00 00 00 00 00") &&
			      strstr(uout, ".bss[0] = 03 00"),
		      "features match the recorded kernel results: %s", uout);
	}
	return T_DONE();
}
