// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The verifier log's shape at each level, against the kernel: level 1 of a
 * program that loads is the "processed" line alone; level 1 of a refused one
 * is the path that failed (each insn as "N: (opcode)", the lines of paths
 * that ended safely dropped) then the reason; level 2 keeps every path;
 * BPF_LOG_STATS (4) adds "verification time" and "stack depth" with one
 * figure per function; level 2 opens with the registers live before each
 * insn, which must be the kernel's. Register states and instruction counts are not
 * compared (userbpf prints neither the same way).
 */
#include "t.h"
#include "sides.h"
#include "insns.h"

#include <stdio.h>

struct lcase {
	const char *name;
	struct bpf_insn insns[32];
	unsigned n;
};

static const struct lcase cases[] = {
	{"two paths, both safe", {LDX(BPF_W, 2, 1, 0), JEQ(2, 7, 2), MOV(0, 1), EXIT(), MOV(0, 2), EXIT()}, 6},
	{"the second path fails", {LDX(BPF_W, 2, 1, 0), JEQ(2, 7, 2), MOV(0, 1), EXIT(), LDX(BPF_DW, 0, 10, 8), EXIT()}, 6},
	{"the first path fails", {LDX(BPF_W, 2, 1, 0), JEQ(2, 7, 2), LDX(BPF_DW, 0, 10, 8), EXIT(), MOV(0, 2), EXIT()}, 6},
	{"a call with stack in both functions",
	 {ST(BPF_DW, 10, -8, 0), MOV(1, 5), CALLPC(3), LDX(BPF_DW, 1, 10, -8), ADDX(0, 1), EXIT(),
	  ST(BPF_DW, 10, -24, 1), LDX(BPF_DW, 0, 10, -24), ADDX(0, 1), EXIT()}, 10},
	{"a call whose callee fails",
	 {MOV(1, 5), CALLPC(1), EXIT(), LDX(BPF_DW, 0, 10, -8), JEQ(1, 5, 1), LDX(BPF_DW, 0, 10, 16), EXIT()}, 7},
};

static int load(bpf_fn f, const struct lcase *c, unsigned level, char *log, size_t len)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (unsigned long)c->insns;
	a.insn_cnt = c->n;
	a.license = (unsigned long)"GPL";
	a.log_level = level;
	a.log_buf = (unsigned long)log;
	a.log_size = (unsigned)len;
	log[0] = '\0';
	int fd = f(BPF_PROG_LOAD, &a, sizeof(a));
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/*
 * The log reduced to what both sides print alike: "N: (xx)" for each insn
 * line, "from X to Y" for resumed paths, "stack depth ..." whole, and
 * "verification time", "processed", "func#" as bare markers; other lines
 * (reasons, states) are dropped.
 */
static void shape(const char *log, char *out, size_t len)
{
	size_t o = 0;
	out[0] = '\0';
	for (const char *l = log; *l;) {
		const char *e = strchr(l, '\n');
		size_t n = e ? (size_t)(e - l) : strlen(l);
		char line[256];
		snprintf(line, sizeof(line), "%.*s", (int)(n < 255 ? n : 255), l);
		char item[256] = "";
		unsigned a, b, code;
		if (sscanf(line, "%u: (%x)", &a, &code) == 2)
			snprintf(item, sizeof(item), "%u:(%02x)", a, code);
		else if (sscanf(line, "from %u to %u", &a, &b) == 2)
			snprintf(item, sizeof(item), "from %u to %u", a, b);
		else if (!strncmp(line, "stack depth", 11))
			snprintf(item, sizeof(item), "%s", line);
		else if (!strncmp(line, "verification time", 17))
			snprintf(item, sizeof(item), "time");
		else if (!strncmp(line, "processed", 9))
			snprintf(item, sizeof(item), "processed");
		else if (!strncmp(line, "func#", 5))
			snprintf(item, sizeof(item), "%s", line);
		if (item[0] && o + strlen(item) + 2 < len)
			o += (size_t)snprintf(out + o, len - o, "%s|", item);
		l += n + (e ? 1 : 0);
	}
}

/* The "Live regs before insn:" block (level 2), line by line, or "" when there is none. */
static void live_block(const char *log, char *out, size_t len)
{
	out[0] = '\0';
	const char *b = strstr(log, "Live regs before insn:\n");
	if (!b)
		return;
	b += strlen("Live regs before insn:\n");
	size_t o = 0;
	while (!strncmp(b, "      ", 6) || (*b == ' ' && b[1] == ' ')) {
		const char *e = strchr(b, '\n');
		size_t n = e ? (size_t)(e - b) + 1 : strlen(b);
		/* Up to the instruction's opcode: the disassembly may differ (map addresses). */
		const char *paren = memchr(b, '(', n);
		size_t keep = paren ? (size_t)(paren - b) + 4 : n;
		if (o + keep + 2 < len) {
			memcpy(out + o, b, keep);
			o += keep;
			out[o++] = '|';
			out[o] = '\0';
		}
		b += n;
	}
}

int main(void)
{
	static char ulog[65536], klog[65536], ushape[8192], kshape[8192];
	union bpf_attr probe;
	memset(&probe, 0, sizeof(probe));
	int kernel = sides_map(kbpf, BPF_MAP_TYPE_ARRAY, 4, 1, 0);
	if (kernel < 0)
		SKIP("kernel bpf() unavailable: the recorded shapes only");
	else
		close(kernel);
	/* Recorded from Linux 6.18: level 1 of a loaded program, and the stack depths. */
	CHECK(load(ubpf, &cases[0], 1, ulog, sizeof(ulog)) == 0 && !strncmp(ulog, "processed", 9),
	      "level 1 of a loaded program is the processed line: %s", ulog);
	CHECK(load(ubpf, &cases[3], 4, ulog, sizeof(ulog)) == 0 &&
		      strstr(ulog, "\nstack depth 8+24\n") != NULL,
	      "stack depth per function: %s", ulog);
	static const unsigned levels[] = {1, 2, 4, 5, 6};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (size_t l = 0; l < sizeof(levels) / sizeof(levels[0]); l++) {
			int ue = load(ubpf, &cases[i], levels[l], ulog, sizeof(ulog));
			shape(ulog, ushape, sizeof(ushape));
			CHECK(strstr(ushape, "processed") != NULL, "%s, level %u: a processed line: %s",
			      cases[i].name, levels[l], ulog);
			if (kernel < 0)
				continue;
			int ke = load(kbpf, &cases[i], levels[l], klog, sizeof(klog));
			shape(klog, kshape, sizeof(kshape));
			CHECK(ue == ke, "%s, level %u: userbpf %d, kernel %d", cases[i].name, levels[l],
			      ue, ke);
			if (levels[l] & 2) {
				static char ulive[8192], klive[8192];
				live_block(ulog, ulive, sizeof(ulive));
				live_block(klog, klive, sizeof(klive));
				CHECK(klive[0] && !strcmp(ulive, klive),
				      "%s, level %u: live registers\n  userbpf %s\n  kernel  %s",
				      cases[i].name, levels[l], ulive, klive);
			}
			CHECK(!strcmp(ushape, kshape),
			      "%s, level %u:\n  userbpf %s\n  kernel  %s\n--- userbpf log:\n%s--- kernel log:\n%s",
			      cases[i].name, levels[l], ushape, kshape, ulog, klog);
		}
	}
	return T_DONE();
}
