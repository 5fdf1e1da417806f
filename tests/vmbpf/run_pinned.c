// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Opens a pinned program with plain libbpf and test-runs it N times on a
 * 64-byte packet; prints the retval. Run under LD_PRELOAD=libuserbpf-preload.so
 * to attach a program another process loaded. Usage: run_pinned PATH [N]
 */
#include <bpf/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	int fd = bpf_obj_get(argv[1]);
	if (fd < 0) {
		perror("bpf_obj_get");
		return 1;
	}
	unsigned char pkt[64];
	memset(pkt, 0, sizeof(pkt));
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = sizeof(pkt),
		    .repeat = argc > 2 ? (unsigned)atoi(argv[2]) : 1);
	int err = bpf_prog_test_run_opts(fd, &opts);
	if (err) {
		fprintf(stderr, "test run: %d\n", err);
		return 1;
	}
	printf("retval %u\n", opts.retval);
	return 0;
}
