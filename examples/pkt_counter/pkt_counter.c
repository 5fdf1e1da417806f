// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The packet counter's loader: unmodified libbpf opens and loads
 * pkt_counter.bpf.o, test-runs count_packets RUNS times on a 64-byte packet
 * and reads the count back. Against the kernel as is; against userbpf with
 * LD_PRELOAD=libuserbpf-preload.so. Usage: pkt_counter OBJ [RUNS]
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "pkt_counter.bpf.o";
	unsigned runs = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 0) : 1000;
	unsigned char pkt[64];
	struct bpf_object *obj;
	int err;

	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		fprintf(stderr, "open %s failed\n", path);
		return 1;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "load failed: %s\n", strerror(-err));
		return 1;
	}
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, "count_packets");
	struct bpf_map *map = bpf_object__find_map_by_name(obj, "pkt_count");
	if (!prog || !map) {
		fprintf(stderr, "program or map missing\n");
		return 1;
	}
	memset(pkt, 0, sizeof(pkt));
	pkt[12] = 0x08; /* IPv4 ethertype */
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = sizeof(pkt),
		    .repeat = runs);
	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	if (err) {
		fprintf(stderr, "test run failed: %s\n", strerror(-err));
		return 1;
	}
	__u32 key = 0;
	__u64 count = 0;
	err = bpf_map_lookup_elem(bpf_map__fd(map), &key, &count);
	if (err) {
		fprintf(stderr, "lookup failed: %s\n", strerror(errno));
		return 1;
	}
	printf("retval %u count %llu runs %u\n", opts.retval, (unsigned long long)count, runs);
	bpf_object__close(obj);
	return count == runs && opts.retval == 2 /* XDP_PASS */ ? 0 : 2;
}
