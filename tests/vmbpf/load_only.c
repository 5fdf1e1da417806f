// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Loads a BPF object with plain libbpf and prints "loaded" or "refused <errno>". Usage: load_only OBJ */
#include <bpf/libbpf.h>
#include <stdio.h>
#include <stdlib.h>

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level, (void)fmt, (void)ap;
	return 0;
}

int main(int argc, char **argv)
{
	if (!getenv("UB_SHOW_LOGS"))
		libbpf_set_print(quiet);
	struct bpf_object *obj = bpf_object__open_file(argc > 1 ? argv[1] : "", NULL);
	if (!obj) {
		printf("cannot open\n");
		return 1;
	}
	int err = bpf_object__load(obj);
	if (err)
		printf("refused %d\n", -err);
	else
		printf("loaded\n");
	bpf_object__close(obj);
	return 0;
}
