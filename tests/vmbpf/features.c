// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Loads features.bpf.o with unmodified libbpf, test-runs it a few times and
 * prints every observable result (retval, globals, map contents), so the
 * output under userbpf (LD_PRELOAD) can be compared with the kernel's.
 * Usage: features OBJ
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <string.h>

struct locked {
	__u32 lock;
	__u32 hits;
	__u64 total;
};

int main(int argc, char **argv)
{
	struct bpf_object *obj = bpf_object__open_file(argc > 1 ? argv[1] : "features.bpf.o", NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "load failed\n");
		return 1;
	}
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, "features");
	unsigned char pkt[64];
	for (int run = 0; run < 3; run++) {
		memset(pkt, run + 1, sizeof(pkt));
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = sizeof(pkt),
			    .repeat = 1);
		int err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
		printf("run %d err %d retval %u\n", run, err, opts.retval);
	}
	struct bpf_map *m;
	bpf_object__for_each_map(m, obj) {
		const char *name = bpf_map__name(m);
		int fd = bpf_map__fd(m);
		unsigned vs = bpf_map__value_size(m);
		unsigned char v[64];
		for (__u32 k = 0; k < bpf_map__max_entries(m); k++) {
			memset(v, 0, sizeof(v));
			if (bpf_map_lookup_elem(fd, &k, v))
				continue;
			const char *dot = strchr(name, '.');
			printf("%s[%u] =", dot ? dot : name, k);
			for (unsigned i = 0; i < vs && i < sizeof(v); i++)
				printf(" %02x", v[i]);
			printf("\n");
		}
	}
	bpf_object__close(obj);
	return 0;
}
