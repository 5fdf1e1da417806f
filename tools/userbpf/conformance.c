// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * `userbpf conformance-plugin [MEMORY-HEX] [--options]`: the plugin protocol
 * of the bpf_conformance suite. One line of hex bytes on stdin is the
 * program (raw 8-byte instructions; spaces between bytes are allowed); the
 * memory argument, if any, is copied to a writable buffer passed in r1 with
 * its length in r2. Prints r0 in hex and exits 0, or prints the error and
 * exits 1. Options: --switch (the switch-dispatch engine), --threaded (the
 * default), other options are accepted and ignored.
 */
#include "vm/vm.h"
#include "main.h"

#include <stdio.h>
#include <stdlib.h>

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode hex digits, skipping whitespace and an optional 0x; -1 on a stray char. */
static long decode_hex(const char *s, u8 **out)
{
	size_t cap = strlen(s) / 2 + 1, n = 0;
	u8 *buf = malloc(cap);
	if (!buf)
		return -1;
	int hi = -1;
	for (const char *p = s; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ',')
			continue;
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && hi < 0) {
			p++;
			continue;
		}
		int v = hexval((unsigned char)*p);
		if (v < 0) {
			free(buf);
			return -1;
		}
		if (hi < 0) {
			hi = v;
		} else {
			buf[n++] = (u8)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0) {
		free(buf);
		return -1;
	}
	*out = buf;
	return (long)n;
}

int ub_cli_conformance_plugin(int argc, char **argv)
{
	const char *mem_hex = NULL;
	bool threaded = true;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--switch"))
			threaded = false;
		else if (!strcmp(argv[i], "--threaded"))
			threaded = true;
		else if (strncmp(argv[i], "--", 2))
			mem_hex = argv[i];
	}

	size_t cap = 1 << 16, len = 0;
	char *line = malloc(cap);
	int c;
	if (!line)
		return 1;
	while ((c = getchar()) != EOF && c != '\n') {
		if (len + 1 >= cap) {
			char *nl = realloc(line, cap * 2);
			if (!nl) {
				free(line);
				return 1;
			}
			line = nl;
			cap *= 2;
		}
		line[len++] = (char)c;
	}
	line[len] = '\0';

	u8 *code = NULL, *mem = NULL;
	long ncode = decode_hex(line, &code);
	free(line);
	if (ncode <= 0 || ncode % 8) {
		fprintf(stderr, "invalid program: expected hex bytes, a multiple of 8\n");
		free(code);
		return 1;
	}
	long nmem = 0;
	if (mem_hex && (nmem = decode_hex(mem_hex, &mem)) < 0) {
		fprintf(stderr, "invalid memory: expected hex bytes\n");
		free(code);
		return 1;
	}
	u32 cnt = (u32)(ncode / 8);
	struct ub_xinsn *x = calloc(cnt, sizeof(*x));
	char err[160];
	int rc = 1;
	if (!x)
		goto out;
	if (ub_vm_decode_raw((const struct bpf_insn *)code, cnt, x, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	struct ub_run run = {.x = x, .threaded = threaded, .checked = true};
	if (nmem)
		ub_run_add_region(&run, mem, (u64)nmem, true);
	run.pkt_data = mem;
	run.pkt_len = (u32)nmem;
	u64 args[5] = {nmem ? (u64)(uintptr_t)mem : 0, (u64)nmem, 0, 0, 0}, r0 = 0;
	if (ub_vm_exec(&run, 0, args, &r0)) {
		fprintf(stderr, "memory access out of bounds at insn %u\n", run.fault_pc);
		goto out;
	}
	printf("%llx\n", (unsigned long long)r0);
	rc = 0;
out:
	free(x);
	free(code);
	free(mem);
	return rc;
}
