// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Data-driven VM tests (the .data files in tests/vm, uBPF's shape): each program runs
 * under both engines (threaded and switch) with r1 = a writable copy of the
 * memory and r2 its length; r0 or the error must match. Programs without
 * memory also run through PROG_LOAD + PROG_TEST_RUN on userbpf and, where
 * bpf() works and its verifier accepts them, on the kernel: retval compared.
 */
#include "t.h"
#include "sides.h"
#include "vm/vm.h"
#include "../vm/asm.h"

#include <dirent.h>
#include <sys/syscall.h>
#include <unistd.h>

struct vcase {
	char name[256];
	struct bpf_insn insns[512];
	unsigned cnt;
	unsigned char mem[1024];
	unsigned memlen;
	int has_result;
	unsigned long long result;
	char error[128];
	int no_kernel;
};

static int parse_hex_bytes(const char *s, unsigned char *out, unsigned max)
{
	unsigned n = 0;
	while (*s) {
		while (*s && !isxdigit((unsigned char)*s))
			s++;
		if (!*s)
			break;
		unsigned v;
		if (sscanf(s, "%2x", &v) != 1 || n >= max)
			return -1;
		out[n++] = (unsigned char)v;
		s += 2;
	}
	return (int)n;
}

static int load_case(const char *path, struct vcase *c)
{
	FILE *f = fopen(path, "r");
	char line[512], section[32] = "";
	if (!f)
		return -1;
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%.200s", path);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || (!line[0] && strcmp(section, "error")))
			continue;
		if (!strncmp(line, "-- ", 3)) {
			snprintf(section, sizeof(section), "%.30s", line + 3);
			if (!strcmp(section, "no-kernel"))
				c->no_kernel = 1;
			continue;
		}
		if (!strcmp(section, "asm")) {
			char *hash = strchr(line, '#');
			if (hash)
				*hash = '\0';
			const char *p = line;
			while (isspace((unsigned char)*p))
				p++;
			if (!*p)
				continue;
			int n = asm_line(p, &c->insns[c->cnt]);
			if (n < 0) {
				fprintf(stderr, "%s: cannot assemble '%s'\n", path, line);
				fclose(f);
				return -1;
			}
			c->cnt += (unsigned)n;
		} else if (!strcmp(section, "raw")) {
			int n = parse_hex_bytes(line, (unsigned char *)&c->insns[c->cnt],
						(unsigned)(sizeof(c->insns) - c->cnt * 8));
			if (n < 0 || n % 8) {
				fclose(f);
				return -1;
			}
			c->cnt += (unsigned)n / 8;
		} else if (!strcmp(section, "mem")) {
			int n = parse_hex_bytes(line, c->mem + c->memlen, sizeof(c->mem) - c->memlen);
			if (n < 0) {
				fclose(f);
				return -1;
			}
			c->memlen += (unsigned)n;
		} else if (!strcmp(section, "result")) {
			c->has_result = 1;
			c->result = strtoull(line, NULL, 0);
		} else if (!strcmp(section, "error")) {
			snprintf(c->error, sizeof(c->error), "%.120s", line);
		}
	}
	fclose(f);
	return 0;
}

/* Run under one engine; returns 0 with *r0, or -1 with the error text. */
static int run_engine(struct vcase *c, bool threaded, unsigned long long *r0, char *err, size_t elen)
{
	struct ub_xinsn x[512];
	unsigned char mem[1024];
	memcpy(mem, c->mem, sizeof(mem));
	if (ub_vm_decode_raw(c->insns, c->cnt, x, err, elen))
		return -1;
	struct ub_run run = {.x = x, .threaded = threaded, .checked = true};
	if (c->memlen)
		ub_run_add_region(&run, mem, c->memlen, true);
	run.pkt_data = mem;
	run.pkt_len = c->memlen;
	u64 args[5] = {c->memlen ? (u64)(uintptr_t)mem : 0, c->memlen, 0, 0, 0}, r = 0;
	if (ub_vm_exec(&run, 0, args, &r)) {
		snprintf(err, elen, "memory access out of bounds at insn %u", run.fault_pc);
		return -1;
	}
	*r0 = r;
	return 0;
}


/* Load as a socket filter and test-run once on a zeroed packet: retval or -1. */
static long long load_and_run(bpf_fn f, struct vcase *c)
{
	union bpf_attr a;
	unsigned char pkt[64] = {0};
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (unsigned long)c->insns;
	a.insn_cnt = c->cnt;
	a.license = (unsigned long)"GPL";
	int fd = f(BPF_PROG_LOAD, &a, sizeof(a));
	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = fd;
	a.test.data_in = (unsigned long)pkt;
	a.test.data_size_in = sizeof(pkt);
	int r = f(BPF_PROG_TEST_RUN, &a, sizeof(a));
	close(fd);
	return r ? -2 : (long long)a.test.retval;
}

int main(void)
{
	const char *dirs[] = {"tests/vm", "../tests/vm", NULL};
	DIR *d = NULL;
	const char *dir = NULL;
	for (int i = 0; dirs[i] && !d; i++)
		d = opendir(dir = dirs[i]);
	if (!d) {
		CHECK(0, "tests/vm not found (run from the source tree)");
		return T_DONE();
	}
	int ncases = 0, kernel_runs = 0, kernel_works = -1;
	struct dirent *de;
	static struct vcase c;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l < 6 || strcmp(de->d_name + l - 5, ".data"))
			continue;
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (load_case(path, &c)) {
			CHECK(0, "%s: cannot parse", path);
			continue;
		}
		ncases++;
		for (int e = 0; e < 2; e++) {
			unsigned long long r0 = 0;
			char err[160] = "";
			int rc = run_engine(&c, e == 0, &r0, err, sizeof(err));
			const char *eng = e == 0 ? "threaded" : "switch";
			if (c.has_result)
				CHECK(rc == 0 && r0 == c.result, "%s [%s]: r0 0x%llx want 0x%llx (%s)",
				      de->d_name, eng, r0, c.result, err);
			else
				CHECK(rc != 0 && strstr(err, c.error), "%s [%s]: error '%s' want '%s'",
				      de->d_name, eng, err, c.error);
		}
		if (!c.has_result || c.memlen || c.no_kernel)
			continue;
		long long k = load_and_run(kbpf, &c);
		if (kernel_works < 0) {
			int fd = sides_map(kbpf, BPF_MAP_TYPE_ARRAY, 4, 4, 0);
			kernel_works = fd >= 0;
			if (fd >= 0)
				close(fd);
		}
		long long u = load_and_run(ubpf, &c);
		CHECK(u == (long long)(unsigned)c.result, "%s: userbpf PROG_TEST_RUN retval %lld want %u",
		      de->d_name, u, (unsigned)c.result);
		if (k >= 0) {
			kernel_runs++;
			CHECK(k == u, "%s: kernel retval %lld, userbpf %lld", de->d_name, k, u);
		}
	}
	closedir(d);
	CHECK(ncases >= 20, "found %d cases", ncases);
	if (kernel_works == 1)
		CHECK(kernel_runs > 0, "the kernel ran some cases (%d)", kernel_runs);
	printf("%d cases, %d also on the kernel\n", ncases, kernel_runs);
	return T_DONE();
}
