// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Alignment at load, as the kernel's verifier rules it: stack accesses
 * always, atomics everywhere, every access under BPF_F_STRICT_ALIGNMENT
 * (the packet counted from 2 bytes past an aligned address), nothing under
 * BPF_F_ANY_ALIGNMENT but the stack. Variable offsets are aligned when their
 * low bits are known zero. Each case loads or is refused on userbpf with the
 * recorded errno and log line; where bpf() works the kernel must agree.
 */
#include "t.h"
#include "sides.h"
#include "insns.h"
#include "userbpf.h"

#include <linux/bpf.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <unistd.h>

/* r0 = the map's only value (64 bytes): a constant key in range cannot fail. */
#define LOOKUP() ST(BPF_W, 10, -4, 0), MOVX(2, 10), ADD(2, -4), LDMAP(1), CALL_LOOKUP
#define CALL_LOOKUP INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem)
/* XDP: r2 = data, r3 = data_end, 16 bytes proven (else return 0). */
#define PKT16() LDX(BPF_W, 2, 1, 0), LDX(BPF_W, 3, 1, 4), MOVX(4, 2), ADD(4, 16), JGTX(4, 3, 100)
#define RET0() MOV(0, 0), EXIT()

struct acase {
	const char *name;
	unsigned type, flags;
	struct bpf_insn insns[24];
	int err;	 /* the kernel's errno (0: loads) */
	const char *log; /* a line the log must hold when refused */
};

static const struct acase cases[] = {
	{"aligned stack load", BPF_PROG_TYPE_SOCKET_FILTER, 0, {ST(BPF_DW, 10, -16, 0), LDX(BPF_DW, 0, 10, -16), EXIT()}, 0, NULL},
	{"misaligned stack store", BPF_PROG_TYPE_SOCKET_FILTER, 0, {ST(BPF_W, 10, -6, 0), RET0()}, EACCES, "misaligned stack access off 0+0+-6 size 4"},
	{"misaligned stack load, any alignment", BPF_PROG_TYPE_SOCKET_FILTER, BPF_F_ANY_ALIGNMENT, {ST(BPF_DW, 10, -16, 0), LDX(BPF_H, 0, 10, -15), EXIT()}, EACCES, "misaligned stack access off 0+0+-15 size 2"},
	{"misaligned value load", BPF_PROG_TYPE_SOCKET_FILTER, 0, {LOOKUP(), LDX(BPF_DW, 0, 0, 3), EXIT()}, 0, NULL},
	{"misaligned value load, strict", BPF_PROG_TYPE_SOCKET_FILTER, BPF_F_STRICT_ALIGNMENT, {LOOKUP(), LDX(BPF_DW, 0, 0, 3), EXIT()}, EACCES, "misaligned value access off 0+0+3 size 8"},
	{"misaligned value load, strict and any", BPF_PROG_TYPE_SOCKET_FILTER, BPF_F_STRICT_ALIGNMENT | BPF_F_ANY_ALIGNMENT, {LOOKUP(), LDX(BPF_DW, 0, 0, 3), EXIT()}, 0, NULL},
	{"atomic in a value, fixed part of the pointer misaligned", BPF_PROG_TYPE_SOCKET_FILTER, 0, {LOOKUP(), ADD(0, 4), MOV(1, 1), ATOMIC(BPF_DW, 0, 1, 0, BPF_ADD), RET0()}, EACCES, "misaligned value access off 0+4+0 size 8"},
	{"atomic in a value, aligned constant offset", BPF_PROG_TYPE_SOCKET_FILTER, 0, {LOOKUP(), MOV(1, 1), ATOMIC(BPF_DW, 0, 1, 16, BPF_ADD), RET0()}, 0, NULL},
	{"atomic at a variable offset masked to 8s", BPF_PROG_TYPE_SOCKET_FILTER, 0, {LOOKUP(), LDX(BPF_DW, 1, 0, 0), AND(1, 0x18), ADDX(0, 1), MOV(1, 1), ATOMIC(BPF_DW, 0, 1, 0, BPF_ADD), RET0()}, 0, NULL},
	{"atomic at a variable offset shifted to 8s", BPF_PROG_TYPE_SOCKET_FILTER, 0, {LOOKUP(), LDX(BPF_B, 1, 0, 0), AND(1, 3), LSH(1, 3), ADDX(0, 1), MOV(1, 1), ATOMIC(BPF_DW, 0, 1, 8, BPF_XCHG), RET0()}, 0, NULL},
	{"atomic at a variable offset of 4s", BPF_PROG_TYPE_SOCKET_FILTER, 0, {LOOKUP(), LDX(BPF_DW, 1, 0, 0), AND(1, 0xc), ADDX(0, 1), MOV(1, 1), ATOMIC(BPF_DW, 0, 1, 0, BPF_ADD), RET0()}, EACCES, "misaligned value access off (0x0; 0xc)+0+0 size 8"},
	{"32-bit atomic at a variable offset of 4s", BPF_PROG_TYPE_SOCKET_FILTER, 0, {LOOKUP(), LDX(BPF_DW, 1, 0, 0), AND(1, 0xc), ADDX(0, 1), MOV(1, 1), ATOMIC(BPF_W, 0, 1, 4, BPF_ADD), RET0()}, 0, NULL},
	{"packet word at 2, strict", BPF_PROG_TYPE_XDP, BPF_F_STRICT_ALIGNMENT, {PKT16(), LDX(BPF_W, 0, 2, 2), EXIT()}, 0, NULL},
	{"packet word at 0, strict", BPF_PROG_TYPE_XDP, BPF_F_STRICT_ALIGNMENT, {PKT16(), LDX(BPF_W, 0, 2, 0), EXIT()}, EACCES, "misaligned packet access off 2+0+0+0 size 4"},
	{"packet word at 0", BPF_PROG_TYPE_XDP, 0, {PKT16(), LDX(BPF_W, 0, 2, 0), EXIT()}, 0, NULL},
};


static int load(bpf_fn f, const struct acase *c, int map, char *log, unsigned loglen)
{
	struct bpf_insn p[24];
	unsigned n = 0;
	memcpy(p, c->insns, sizeof(p));
	while (n < 24 && (p[n].code || (n && p[n - 1].code == (BPF_LD | BPF_IMM | BPF_DW))))
		n++;
	bool ret0 = false;
	for (unsigned i = 0; i < n; i++) {
		if (p[i].code == (BPF_LD | BPF_IMM | BPF_DW) && p[i].src_reg == BPF_PSEUDO_MAP_FD)
			p[i].imm = map;
		/* PKT16's "return 0" jump: to a RET0 appended below. */
		if (p[i].code == (BPF_JMP | BPF_JGT | BPF_X) && p[i].off == 100) {
			p[i].off = (short)(n - i - 1);
			ret0 = true;
		}
	}
	if (ret0) {
		p[n++] = MOV(0, 0);
		p[n++] = EXIT();
	}
	int fd = sides_prog_load(f, c->type, c->flags, p, n, log, loglen);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int mkmap(bpf_fn f)
{
	return sides_map(f, BPF_MAP_TYPE_ARRAY, 64, 1, 0);
}

int main(void)
{
	static char ulog[65536], klog[65536];
	int um = mkmap(ubpf), km = mkmap(kbpf);
	CHECK(um >= 0, "userbpf map");
	if (km < 0)
		SKIP("kernel bpf() unavailable: checked against the recorded verdicts only");
	int kran = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct acase *c = &cases[i];
		int ue = load(ubpf, c, um, ulog, sizeof(ulog));
		CHECK(ue == c->err, "%s: userbpf errno %d, recorded %d\n%s", c->name, ue, c->err, ulog);
		if (c->log)
			CHECK(strstr(ulog, c->log) != NULL, "%s: the log says '%s': %s", c->name,
			      c->log, ulog);
		if (km < 0)
			continue;
		int ke = load(kbpf, c, km, klog, sizeof(klog));
		kran++;
		CHECK(ke == c->err, "%s: the kernel's errno %d, recorded %d\n%s", c->name, ke, c->err,
		      klog);
		if (c->log)
			CHECK(strstr(klog, c->log) != NULL, "%s: the kernel's log says '%s': %s",
			      c->name, c->log, klog);
	}
	if (km >= 0)
		CHECK(kran > 0, "the kernel half ran");
	return T_DONE();
}
