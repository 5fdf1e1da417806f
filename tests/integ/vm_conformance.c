// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * `userbpf conformance-plugin`: the bpf_conformance plugin protocol. A line of
 * hex bytes on stdin is the program, the argument the memory; r0 comes out in
 * hex with exit 0, an error on stderr with a non-zero exit.
 */
#include "t.h"

#include <sys/wait.h>

static int plugin(const char *prog, const char *mem, const char *opt, char *out, size_t len)
{
	const char *b = getenv("UB_BUILD");
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "echo '%s' | %s/userbpf conformance-plugin %s%s%s%s 2>&1", prog, b,
		 mem ? "'" : "", mem ? mem : "", mem ? "'" : "", opt ? opt : "");
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	size_t n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(void)
{
	char out[1024];
	if (!getenv("UB_BUILD")) {
		SKIP("UB_BUILD not set");
		return T_DONE();
	}
	const char *opts[] = {"", " --switch"};
	for (int e = 0; e < 2; e++) {
		/* r0 = 42 */
		int rc = plugin("b7 00 00 00 2a 00 00 00 95 00 00 00 00 00 00 00", NULL, opts[e], out,
				sizeof(out));
		CHECK(rc == 0 && !strcmp(out, "2a\n"), "mov/exit%s: rc %d out '%s'", opts[e], rc, out);
		/* r0 = *(u32 *)(r1 + 4) with memory; r2 holds the length */
		rc = plugin("61 10 04 00 00 00 00 00 0f 20 00 00 00 00 00 00 95 00 00 00 00 00 00 00",
			    "11 22 33 44 55 66 77 88", opts[e], out, sizeof(out));
		CHECK(rc == 0 && !strcmp(out, "8877665d\n"), "load + r2%s: rc %d out '%s'", opts[e], rc,
		      out);
		/* the memory is writable: store then load */
		rc = plugin("72 01 00 00 ff 00 00 00 71 10 00 00 00 00 00 00 95 00 00 00 00 00 00 00",
			    "00", opts[e], out, sizeof(out));
		CHECK(rc == 0 && !strcmp(out, "ff\n"), "store%s: rc %d out '%s'", opts[e], rc, out);
		/* division by zero is not an error */
		rc = plugin("b7 00 00 00 05 00 00 00 b7 01 00 00 00 00 00 00 3f 10 00 00 00 00 00 00 95 00 00 00 00 00 00 00",
			    NULL, opts[e], out, sizeof(out));
		CHECK(rc == 0 && !strcmp(out, "0\n"), "div by zero%s: rc %d out '%s'", opts[e], rc, out);
		/* errors: unknown opcode, out-of-bounds access, not whole instructions */
		rc = plugin("ff 00 00 00 00 00 00 00 95 00 00 00 00 00 00 00", NULL, opts[e], out,
			    sizeof(out));
		CHECK(rc != 0 && strstr(out, "unknown opcode"), "unknown opcode%s: rc %d '%s'", opts[e], rc,
		      out);
		rc = plugin("61 10 08 00 00 00 00 00 95 00 00 00 00 00 00 00", "00 00 00 00", opts[e], out,
			    sizeof(out));
		CHECK(rc != 0 && strstr(out, "out of bounds"), "oob%s: rc %d '%s'", opts[e], rc, out);
		rc = plugin("b7 00 00", NULL, opts[e], out, sizeof(out));
		CHECK(rc != 0, "partial instruction%s: rc %d '%s'", opts[e], rc, out);
	}
	return T_DONE();
}
