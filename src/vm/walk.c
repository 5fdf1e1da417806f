// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The verifier's path walk: every path of the (acyclic) program is executed
 * on abstract register and stack states, the kernel's way. Each register is
 * NOT_INIT, a scalar with unsigned and signed bounds, or a pointer of a
 * known kind (context, stack of a frame, map value, map value or NULL,
 * packet with its proven range, packet end, map, callback) plus an offset.
 * Every load and store is checked against the memory its base pointer may
 * reach; lookups must be NULL-checked; packet pointers must be compared with
 * data_end; read-only maps cannot be written; helpers get the arguments they
 * need. Branches whose outcome is known are not followed, as in the kernel.
 */
#include "vm/walk.h"

#include <stdio.h>
#include <stdlib.h>

#define VERBOSE(w, ...) ub_vm_logf((w)->env->log, __VA_ARGS__)
#define NFRAMES UB_MAX_CALL_FRAMES
#define SLOTS (UB_STACK_SIZE / 8)
#define LOOP_BUCKETS 65536u

enum rtype {
	NOT_INIT,
	SCALAR,
	PTR_CTX,
	PTR_STACK,
	PTR_MAP_VALUE,
	PTR_MAP_VALUE_OR_NULL,
	CONST_MAP,
	PTR_PACKET,
	PTR_PACKET_END,
	PTR_PACKET_META,
	PTR_FUNC,
	PTR_MEM_RO,	/* read-only memory of @mem_size bytes (a callback's key) */
};

static const char *const rtype_name[] = {
	"?", "scalar", "ctx", "fp", "map_value", "map_value_or_null", "map_ptr",
	"pkt", "pkt_end", "pkt_meta", "func", "rdonly_mem",
};

struct reg {
	u8 type;
	u8 frame;	/* PTR_STACK: whose frame */
	u8 tz;		/* low bits known zero in the scalar, or a pointer's variable offset */
	u32 id;		/* NULL checks and packet ranges follow the id */
	s32 off;	/* fixed part of a pointer's offset */
	u32 range;	/* PTR_PACKET: bytes proven readable from off */
	u32 mem_size;	/* PTR_MEM_RO */
	u64 umin, umax;	/* scalar value, or a pointer's variable offset */
	s64 smin, smax;
	struct ub_map *map;
	u32 func;	/* PTR_FUNC: callback entry insn */
};

enum { SLOT_INVALID, SLOT_MISC, SLOT_SPILL, SLOT_ZERO };

struct frame {
	struct reg regs[11];
	u8 slot_type[UB_STACK_SIZE];	/* per byte */
	struct reg spill[SLOTS];	/* per 8-byte slot when spilled */
	u32 ret_insn;			/* where the caller continues */
	u32 entry;
	u32 depth;			/* deepest byte used below fp */
};

struct vstate {
	int cur;
	u32 next_id;
	u32 lock_id;	/* a bpf_spin_lock is held: 1 + the id of its value pointer */
	u32 pad;
	struct ub_map *lock_map; /* ... in this map */
	struct frame f[NFRAMES];
};

struct walker {
	struct ub_verify_env *env;
	const int *ops;
	bool strict;		/* BPF_F_STRICT_ALIGNMENT: every access aligned */
	bool strict_insn;	/* this insn's accesses must be aligned (atomics) */
	u32 logged;		/* the insn this step printed, or UINT32_MAX */
	u32 *func_stack;	/* per entry insn: deepest stack use */
	u32 max_ctx_off;
	/* Back-edge targets reached on the current path, with the state's hash. */
	struct {
		u32 insn;
		u32 next;	/* older entry in the same bucket, or UINT32_MAX */
		u64 hash;
	} *loops;
	size_t nloops, cap;
	u32 *bucket;		/* LOOP_BUCKETS heads: newest entry per (insn, hash) bucket */
	/* Branches not yet walked: their state, where they start, the loop heads then. */
	struct pending {
		struct vstate *st;
		u32 insn;
		u32 back_from;	/* a loop's back-edge to check on resuming, or UINT32_MAX */
		u32 from;	/* the branch insn */
		size_t loops;
		size_t log_len;	/* level 1 forgets a safe path's lines: back to here */
	} *pend;
	size_t npend, pcap;
	/* State pruning: what each insn's function still needs (needs.c) ... */
	const struct ub_need *need;
	/* ... and the states kept at prune points, a list per insn. */
	struct kept {
		struct vstate *st;
		u32 next;	/* older state kept at the same insn, or UINT32_MAX */
		u32 height;	/* pending branches when kept: those above are its paths */
		bool safe;	/* every path from it was walked and found safe */
		u32 hits, misses;
	} *kept;
	u32 nkept, kcap;
	u32 *kept_head;		/* per insn */
	u16 *kept_count;	/* per insn */
	size_t kept_bytes;
	u32 *open;		/* kept states whose paths are still being walked */
	u32 nopen, ocap;
};

/* ---- scalars ---- */

static void mark_unknown(struct reg *r)
{
	*r = (struct reg){.type = SCALAR, .umin = 0, .umax = UINT64_MAX, .smin = INT64_MIN,
			  .smax = INT64_MAX};
}

static void mark_const(struct reg *r, u64 v)
{
	*r = (struct reg){.type = SCALAR, .umin = v, .umax = v, .smin = (s64)v, .smax = (s64)v};
}

static bool is_const(const struct reg *r)
{
	return r->type == SCALAR && r->umin == r->umax;
}

/* Low bits known zero: of a scalar's value, or of a pointer's variable offset. */
static unsigned known_tz(const struct reg *r)
{
	if (r->umin == r->umax)
		return r->umin ? (unsigned)__builtin_ctzll(r->umin) : 64;
	return r->tz;
}

static void mark_u32_range(struct reg *r, u64 lo, u64 hi)
{
	*r = (struct reg){.type = SCALAR, .umin = lo, .umax = hi, .smin = (s64)lo, .smax = (s64)hi};
}

/* Keep signed and unsigned views consistent when both are known to be small. */
static void sync_bounds(struct reg *r)
{
	if (r->smin >= 0) {
		if ((u64)r->smin > r->umin)
			r->umin = (u64)r->smin;
		if ((u64)r->smax < r->umax)
			r->umax = (u64)r->smax;
	}
	if (r->umax <= (u64)INT64_MAX) {
		if ((s64)r->umin > r->smin)
			r->smin = (s64)r->umin;
		if ((s64)r->umax < r->smax)
			r->smax = (s64)r->umax;
	}
}

/* The low zero bits of dst op src, from those of the operands (the kernel's tnums know more). */
static unsigned alu_tz(const struct reg *d, const struct reg *s, u8 op, bool alu64)
{
	unsigned a = known_tz(d), b = known_tz(s), t;
	switch (op) {
	case BPF_ADD:
	case BPF_SUB:
	case BPF_OR:
	case BPF_XOR:
		t = a < b ? a : b;
		break;
	case BPF_AND:
		t = a > b ? a : b;
		break;
	case BPF_MUL:
		t = a + b;
		break;
	case BPF_LSH:
		t = is_const(s) ? a + (unsigned)(s->umin & (alu64 ? 63 : 31)) : 0;
		break;
	case BPF_MOV:
		t = b;
		break;
	default:
		t = 0;
	}
	unsigned cap = alu64 ? 64 : 32;
	return t < cap ? t : cap;
}

static void scalar_alu_bounds(struct reg *d, const struct reg *s, u8 op, bool alu64);

/* dst = dst op src for scalars: bounds, and the low bits known zero. */
static void scalar_alu(struct reg *d, const struct reg *s, u8 op, bool alu64)
{
	unsigned tz = alu_tz(d, s, op, alu64);
	scalar_alu_bounds(d, s, op, alu64);
	d->tz = (u8)tz;
}

/* An unsigned range; the signed view follows when it does not cross 2^63. */
static void set_urange(struct reg *r, u64 lo, u64 hi)
{
	mark_unknown(r);
	r->umin = lo;
	r->umax = hi;
	if (hi <= (u64)INT64_MAX) {
		r->smin = (s64)lo;
		r->smax = (s64)hi;
	}
}

/* All ones up to the highest set bit of @v: what OR and XOR of values <= v stay under. */
static u64 ones_to_top(u64 v)
{
	return v ? UINT64_MAX >> __builtin_clzll(v) : 0;
}

/*
 * dst = dst op src for scalars: the unsigned range of the result in the
 * operation's width when no wrap is possible (and the signed range of 64-bit
 * add and subtract), unknown otherwise. 32-bit results are zero-extended.
 */
static void scalar_alu_bounds(struct reg *d, const struct reg *s, u8 op, bool alu64)
{
	if (is_const(d) && is_const(s)) {
		u64 a = d->umin, b = s->umin, v;
		if (!alu64)
			a = (u32)a, b = (u32)b;
		switch (op) {
		case BPF_ADD: v = a + b; break;
		case BPF_SUB: v = a - b; break;
		case BPF_MUL: v = a * b; break;
		case BPF_OR: v = a | b; break;
		case BPF_AND: v = a & b; break;
		case BPF_XOR: v = a ^ b; break;
		case BPF_LSH: v = a << (b & (alu64 ? 63 : 31)); break;
		case BPF_RSH: v = a >> (b & (alu64 ? 63 : 31)); break;
		case BPF_ARSH:
			v = alu64 ? (u64)((s64)a >> (b & 63)) : (u32)((s32)(u32)a >> (b & 31));
			break;
		case BPF_MOV: v = b; break;
		default:
			goto unknown;
		}
		mark_const(d, alu64 ? v : (u32)v);
		return;
	}
	u64 lim = alu64 ? UINT64_MAX : UINT32_MAX;
	u64 dl = d->umin, dh = d->umax, sl = s->umin, sh = s->umax;
	/* A 32-bit operation sees the low halves: the whole range unless it fits. */
	if (dh > lim)
		dl = 0, dh = lim;
	if (sh > lim)
		sl = 0, sh = lim;
	bool s_const = sl == sh;
	u64 k = sl & (alu64 ? 63 : 31); /* a constant shift */
	s64 smin = INT64_MIN, smax = INT64_MAX;
	bool signed_known = false;
	if (alu64 && (op == BPF_ADD || op == BPF_SUB)) {
		/* Signed bounds without signed overflow (the kernel keeps both views). */
		s64 lo, hi;
		bool ovf = op == BPF_ADD ? __builtin_add_overflow(d->smin, s->smin, &lo) ||
						   __builtin_add_overflow(d->smax, s->smax, &hi)
					 : __builtin_sub_overflow(d->smin, s->smax, &lo) ||
						   __builtin_sub_overflow(d->smax, s->smin, &hi);
		if (!ovf)
			smin = lo, smax = hi, signed_known = true;
	}
	u64 lo, hi;
	switch (op) {
	case BPF_ADD:
		if (dh + sh < dh || dh + sh > lim)
			goto no_unsigned;
		lo = dl + sl, hi = dh + sh;
		break;
	case BPF_SUB:
		if (dl < sh)
			goto no_unsigned;
		lo = dl - sh, hi = dh - sl;
		break;
	case BPF_MUL:
		if (dh && sh > lim / dh)
			goto unknown;
		lo = dl * sl, hi = dh * sh;
		break;
	case BPF_AND:
		lo = 0, hi = dh < sh ? dh : sh;
		break;
	case BPF_OR:
		lo = dl > sl ? dl : sl, hi = ones_to_top(dh > sh ? dh : sh);
		break;
	case BPF_XOR:
		lo = 0, hi = ones_to_top(dh > sh ? dh : sh);
		break;
	case BPF_RSH:
		lo = s_const ? dl >> k : 0, hi = s_const ? dh >> k : dh;
		break;
	case BPF_ARSH:
		/* Non-negative in the operation's width: the same as a logical shift. */
		if (!s_const || dh > lim >> 1)
			goto unknown;
		lo = dl >> k, hi = dh >> k;
		break;
	case BPF_LSH:
		if (!s_const || dh > lim >> k)
			goto unknown;
		lo = dl << k, hi = dh << k;
		break;
	default:
		goto unknown;
	}
	set_urange(d, lo, hi);
	if (signed_known && (smin > d->smin || smax < d->smax)) {
		if (smin > d->smin)
			d->smin = smin;
		if (smax < d->smax)
			d->smax = smax;
	}
	sync_bounds(d);
	return;
no_unsigned:
	if (signed_known) {
		mark_unknown(d);
		d->smin = smin;
		d->smax = smax;
		sync_bounds(d);
		return;
	}
unknown:
	mark_unknown(d);
	if (!alu64) {
		d->umax = UINT32_MAX;
		d->smin = 0;
		d->smax = UINT32_MAX;
	}
}

/* ---- errors ---- */

/* The insn being walked, once per step (every level prints the path, as the kernel). */
static void log_insn(struct walker *w, u32 i)
{
	char buf[160];
	if (!w->env->log || !(w->env->log->level & 3) || w->logged == i)
		return;
	w->logged = i;
	ub_insn_disasm(&w->env->insns[i], buf, sizeof(buf));
	VERBOSE(w, "%u: %s\n", i, buf);
}

/* ---- memory ---- */

static bool ptr_fixed(const struct reg *r)
{
	return r->umin == 0 && r->umax == 0;
}

static int check_stack(struct walker *w, struct vstate *st, u32 i, const struct reg *r, s32 off,
		       int size, bool write, int src_reg, int regno)
{
	struct frame *f = &st->f[r->frame];
	s64 o = (s64)r->off + off;
	(void)i;
	if (!ptr_fixed(r)) {
		/* Variable offsets (privileged): every byte they may reach is in the frame. */
		s64 lo = o + (s64)r->umin, hi = o + (s64)r->umax + size;
		if (r->umax > UB_STACK_SIZE || lo < -UB_STACK_SIZE || hi > 0) {
			VERBOSE(w, "invalid variable-offset %s stack R%d var_off=(0x%llx; 0x%llx) off=%d size=%d\n",
				write ? "write to" : "read from", regno, (unsigned long long)r->umin,
				(unsigned long long)r->umax, (int)o, size);
			return -EINVAL; /* the kernel's errno for the variable-offset case */
		}
		if ((u32)-lo > f->depth)
			f->depth = (u32)-lo;
		if ((u32)-lo > w->func_stack[f->entry])
			w->func_stack[f->entry] = (u32)-lo;
		/* A write somewhere in the range: those bytes are data now. */
		if (write)
			for (s64 b = lo; b < hi; b++) {
				u32 k = (u32)(b + UB_STACK_SIZE);
				if (f->slot_type[k & ~7u] == SLOT_SPILL)
					memset(&f->slot_type[k & ~7u], SLOT_MISC, 8);
				f->slot_type[k] = SLOT_MISC;
			}
		return 0;
	}
	if (o < -UB_STACK_SIZE || o + size > 0) {
		VERBOSE(w, "invalid %s stack R%d off=%lld size=%d\n", write ? "write to" : "read from",
			regno, (long long)o, size);
		return -EACCES;
	}
	u32 idx = (u32)(o + UB_STACK_SIZE);
	u32 need = (u32)-o;
	if (need > f->depth)
		f->depth = need;
	if (need > w->func_stack[f->entry])
		w->func_stack[f->entry] = need;
	if (write) {
		const struct reg *sr = src_reg >= 0 ? &st->f[st->cur].regs[src_reg] : NULL;
		bool spill = sr && size == 8 && !(idx & 7);
		/* Known zero bytes (STACK_ZERO): a constant key the lookup can trust. */
		bool zero = (src_reg == -2) || (sr && is_const(sr) && sr->umin == 0);
		for (int b = 0; b < size; b++)
			f->slot_type[idx + (u32)b] = spill ? SLOT_SPILL : zero ? SLOT_ZERO : SLOT_MISC;
		/* Partial overwrites of a spilled register make the slot plain data. */
		for (u32 s = idx / 8; s <= (idx + (u32)size - 1) / 8; s++)
			if (!(spill && s == idx / 8))
				for (u32 b = s * 8; b < s * 8 + 8; b++)
					if (f->slot_type[b] == SLOT_SPILL)
						f->slot_type[b] = SLOT_MISC;
		if (spill)
			f->spill[idx / 8] = *sr;
		return 0;
	}
	/* Reading stack never written is allowed to privileged programs (allow_uninit_stack). */
	return 0;
}

/* The context fields each program type may read and write. */
static int check_ctx(struct walker *w, u32 i, const struct reg *r, s32 off, int size, bool write,
		     struct reg *dst)
{
	u32 type = w->env->prog_type;
	s64 o = (s64)r->off + off;
	if (!ptr_fixed(r)) {
		VERBOSE(w, "variable ctx access var_off=(0x%llx; 0x%llx) disallowed\n",
			(unsigned long long)r->umin, (unsigned long long)r->umax);
		return -EACCES;
	}
	if (dst)
		mark_unknown(dst);
	if (type == BPF_PROG_TYPE_SYSCALL) {
		/* Any bytes of the caller's context, which must be this large at run time. */
		if (o < 0 || o + size > 0xffff)
			goto bad;
		if ((u32)(o + size) > w->max_ctx_off)
			w->max_ctx_off = (u32)(o + size);
		return 0;
	}
	if (o < 0 || (o % size) != 0)
		goto bad;
	if (type == BPF_PROG_TYPE_XDP) {
		if (write || o + size > (s64)sizeof(struct xdp_md))
			goto bad;
		if (o == (s64)offsetof(struct xdp_md, data) || o == (s64)offsetof(struct xdp_md, data_end) ||
		    o == (s64)offsetof(struct xdp_md, data_meta)) {
			if (size != 4)
				goto bad;
			if (dst)
				*dst = (struct reg){.type = o == 0 ? PTR_PACKET
							: o == 4 ? PTR_PACKET_END
								 : PTR_PACKET_META};
		}
		return 0;
	}
	if (type == BPF_PROG_TYPE_CGROUP_SOCK) {
		if (o + size > 80)
			goto bad;
		if (write && !(size == 4 && o <= 8))
			goto bad;
		return 0;
	}
	/* struct __sk_buff: socket filters and tc. */
	bool tc = type != BPF_PROG_TYPE_SOCKET_FILTER;
	if (o + size > (s64)sizeof(struct __sk_buff))
		goto bad;
	if (o >= (s64)offsetof(struct __sk_buff, flow_keys) && o < (s64)offsetof(struct __sk_buff, tstamp))
		goto bad;
	if (o >= (s64)offsetof(struct __sk_buff, sk) && o < (s64)offsetof(struct __sk_buff, gso_size))
		goto bad;
	if (o == (s64)offsetof(struct __sk_buff, data) || o == (s64)offsetof(struct __sk_buff, data_end) ||
	    o == (s64)offsetof(struct __sk_buff, data_meta)) {
		if (!tc || write || size != 4)
			goto bad;
		if (dst)
			*dst = (struct reg){.type = o == (s64)offsetof(struct __sk_buff, data) ? PTR_PACKET
						: o == (s64)offsetof(struct __sk_buff, data_end) ? PTR_PACKET_END
											     : PTR_PACKET_META};
		return 0;
	}
	if (write) {
		bool ok = (o == (s64)offsetof(struct __sk_buff, mark) ||
			   o == (s64)offsetof(struct __sk_buff, priority) ||
			   (o >= (s64)offsetof(struct __sk_buff, cb) &&
			    o + size <= (s64)offsetofend(struct __sk_buff, cb)) ||
			   (tc && (o == (s64)offsetof(struct __sk_buff, tc_index) ||
				   o == (s64)offsetof(struct __sk_buff, tc_classid)))) &&
			  size == 4;
		if (!ok && !(o >= (s64)offsetof(struct __sk_buff, cb) &&
			     o + size <= (s64)offsetofend(struct __sk_buff, cb)))
			goto bad;
	}
	return 0;
bad:
	VERBOSE(w, "invalid bpf_context access off=%lld size=%d\n", (long long)o, size);
	(void)i;
	return -EACCES;
}

static int check_map_value(struct walker *w, const struct reg *r, s32 off, int size, bool write)
{
	struct ub_map *m = r->map;
	s64 lo = (s64)r->off + off + (s64)r->umin, hi = (s64)r->off + off + (s64)r->umax;
	if (r->umax > (1ull << 29) || lo < 0 || hi + size > (s64)m->value_size) {
		VERBOSE(w, "invalid access to map value, value_size=%u off=%lld size=%d\n",
			m->value_size, (long long)(lo < 0 ? lo : hi), size);
		return -EACCES;
	}
	if (write && (m->map_flags & BPF_F_RDONLY_PROG)) {
		VERBOSE(w, "write into map forbidden, value_size=%u off=%lld size=%d\n", m->value_size,
			(long long)lo, size);
		return -EACCES;
	}
	if (m->spin_lock_off >= 0 && hi + size > m->spin_lock_off && lo < m->spin_lock_off + 4) {
		VERBOSE(w, "bpf_spin_lock cannot be accessed directly by load/store\n");
		return -EACCES;
	}
	return 0;
}

static int check_packet(struct walker *w, const struct reg *r, s32 off, int size, int regno)
{
	s64 lo = (s64)r->off + off + (s64)r->umin, hi = (s64)r->off + off + (s64)r->umax + size;
	if (lo < 0 || hi > (s64)r->range || r->umax > 0xffff) {
		VERBOSE(w, "invalid access to packet, off=%lld size=%d, R%d(id=%u,off=%d,r=%u)\n",
			(long long)lo, size, regno, r->id, r->off, r->range);
		return -EACCES;
	}
	return 0;
}

/* A variable offset as the kernel prints a tnum: the value, or (value; unknown bits). */
static void var_off_str(const struct reg *r, char *buf, size_t len)
{
	if (r->umin == r->umax) {
		snprintf(buf, len, "%lld", (long long)r->umin);
		return;
	}
	u64 top = r->umax ? UINT64_MAX >> __builtin_clzll(r->umax) : 0;
	u64 low = known_tz(r) >= 64 ? UINT64_MAX : (1ull << known_tz(r)) - 1;
	snprintf(buf, len, "(0x%llx; 0x%llx)", 0ull, (unsigned long long)(top & ~low));
}

/*
 * The kernel's alignment rules: stack accesses always (its spill tracking
 * needs them), everything when BPF_F_STRICT_ALIGNMENT or for atomics; the
 * packet as if it started 2 bytes past an aligned address (NET_IP_ALIGN).
 */
static int check_align(struct walker *w, const struct reg *r, s32 off, int size)
{
	bool strict = w->strict || w->strict_insn || r->type == PTR_STACK;
	if (!strict || size == 1)
		return 0;
	bool pkt = r->type == PTR_PACKET || r->type == PTR_PACKET_META;
	s64 fixed = (pkt ? 2 : 0) + (s64)r->off + off;
	if (!((u64)fixed & (u64)(size - 1)) && known_tz(r) >= (unsigned)__builtin_ctz((unsigned)size))
		return 0;
	char tn[48];
	var_off_str(r, tn, sizeof(tn));
	if (pkt) {
		VERBOSE(w, "misaligned packet access off %d+%s+%d+%d size %d\n", 2, tn, r->off, off,
			size);
	} else {
		const char *desc = r->type == PTR_STACK ? "stack " : r->type == PTR_MAP_VALUE ? "value "
				   : r->type == PTR_CTX ? "context " : r->type == PTR_MEM_RO ? "key " : "";
		VERBOSE(w, "misaligned %saccess off %s+%d+%d size %d\n", desc, tn, r->off, off, size);
	}
	return -EACCES;
}

/* Load or store of @size bytes at R@regno + @off; a load's result goes to @dst. */
static int check_mem(struct walker *w, struct vstate *st, u32 i, int regno, s32 off, int size,
		     bool write, int src_reg, struct reg *dst)
{
	struct reg *r = &st->f[st->cur].regs[regno];
	struct reg res;
	int err;
	if ((err = check_align(w, r, off, size)))
		return err;
	mark_unknown(&res);
	switch (r->type) {
	case PTR_STACK:
		err = check_stack(w, st, i, r, off, size, write, src_reg, regno);
		if (!err && !write && size == 8) {
			struct frame *f = &st->f[r->frame];
			u32 idx = (u32)(r->off + off + UB_STACK_SIZE);
			if (!(idx & 7) && f->slot_type[idx] == SLOT_SPILL)
				res = f->spill[idx / 8];
		}
		break;
	case PTR_CTX:
		err = check_ctx(w, i, r, off, size, write, &res);
		if (!err && res.type >= PTR_PACKET)
			res.id = 0;
		break;
	case PTR_MAP_VALUE:
		err = check_map_value(w, r, off, size, write);
		break;
	case PTR_PACKET:
		err = write && w->env->prog_type == BPF_PROG_TYPE_SOCKET_FILTER ? -EACCES
									 : check_packet(w, r, off, size, regno);
		break;
	case PTR_PACKET_META:
		err = check_packet(w, r, off, size, regno);
		break;
	case PTR_MEM_RO:
		if (write || r->off + off < 0 || r->off + off + size > (s64)r->mem_size ||
		    !ptr_fixed(r)) {
			VERBOSE(w, "invalid access to memory, mem_size=%u off=%d size=%d\n", r->mem_size,
				r->off + off, size);
			err = -EACCES;
		} else {
			err = 0;
		}
		break;
	default:
		VERBOSE(w, "R%d invalid mem access '%s'\n", regno, rtype_name[r->type]);
		err = -EACCES;
	}
	if (err)
		return err;
	if (dst) {
		*dst = res;
		if (res.type == SCALAR && size < 8 && !(res.umin == res.umax))
			mark_u32_range(dst, 0, size == 4 ? UINT32_MAX : size == 2 ? 0xffff : 0xff);
	}
	return 0;
}

/* ---- the walk ---- */

static int reg_read(struct walker *w, struct vstate *st, u32 i, int r)
{
	if (st->f[st->cur].regs[r].type != NOT_INIT)
		return 0;
	log_insn(w, i);
	VERBOSE(w, "R%d !read_ok\n", r);
	return -EACCES;
}

static bool is_ptr(const struct reg *r)
{
	return r->type != SCALAR && r->type != NOT_INIT;
}

static int do_alu(struct walker *w, struct vstate *st, u32 i, const struct bpf_insn *x,
		  const struct ub_insn_desc *d)
{
	struct reg *regs = st->f[st->cur].regs;
	struct reg *dr = &regs[x->dst_reg];
	bool alu64 = BPF_CLASS(x->code) == BPF_ALU64;
	u8 op = BPF_OP(x->code);
	struct reg src;
	int err;

	if (d->fmt == F_ALU_X || d->fmt == F_MOVSX) {
		if ((err = reg_read(w, st, i, x->src_reg)))
			return err;
		src = regs[x->src_reg];
	} else {
		mark_const(&src, (u64)(s64)x->imm);
	}
	if (d->fmt == F_NEG || d->fmt == F_END) {
		if ((err = reg_read(w, st, i, x->dst_reg)))
			return err;
		if (is_ptr(dr)) {
			VERBOSE(w, "R%d pointer arithmetic prohibited\n", x->dst_reg);
			return -EACCES;
		}
		mark_unknown(dr);
		return 0;
	}
	if (d->fmt == F_MOVSX) {
		if (is_ptr(&src)) {
			VERBOSE(w, "R%d sign-extension part of pointer\n", x->src_reg);
			return -EACCES;
		}
		mark_unknown(dr);
		return 0;
	}
	if (op == BPF_MOV) {
		if (alu64) {
			*dr = src;
		} else if (is_ptr(&src)) {
			/* A 32-bit copy of a pointer is a number. */
			mark_unknown(dr);
			dr->umax = UINT32_MAX;
			dr->smin = 0;
			dr->smax = UINT32_MAX;
		} else if (is_const(&src)) {
			mark_const(dr, (u32)src.umin);
		} else {
			unsigned tz = known_tz(&src);
			mark_u32_range(dr, 0, src.umax > UINT32_MAX ? UINT32_MAX : src.umax);
			dr->tz = (u8)(tz < 32 ? tz : 32);
		}
		return 0;
	}
	if ((err = reg_read(w, st, i, x->dst_reg)))
		return err;
	/* Pointer arithmetic: only add/sub of scalars, 64-bit, on pointers that allow it. */
	if (is_ptr(dr) || is_ptr(&src)) {
		if (!alu64) {
			VERBOSE(w, "R%d 32-bit pointer arithmetic prohibited\n", x->dst_reg);
			return -EACCES;
		}
		if (is_ptr(dr) && is_ptr(&src)) {
			/* Privileged programs may subtract pointers (allow_ptr_leaks): a number. */
			if (op == BPF_SUB) {
				mark_unknown(dr);
				return 0;
			}
			VERBOSE(w, "R%d pointer %s pointer prohibited\n", x->dst_reg,
				op == BPF_SUB ? "-=" : "+=");
			return -EACCES;
		}
		struct reg *ptr = is_ptr(dr) ? dr : &src;
		const struct reg *sc = is_ptr(dr) ? &src : dr;
		if (op != BPF_ADD && !(op == BPF_SUB && is_ptr(dr))) {
			VERBOSE(w, "R%d pointer arithmetic with %s operator prohibited\n", x->dst_reg,
				d->sym);
			return -EACCES;
		}
		if (ptr->type == CONST_MAP || ptr->type == PTR_MAP_VALUE_OR_NULL ||
		    ptr->type == PTR_PACKET_END || ptr->type == PTR_FUNC) {
			VERBOSE(w, "R%d pointer arithmetic on %s prohibited\n", x->dst_reg,
				rtype_name[ptr->type]);
			return -EACCES;
		}
		struct reg res = *ptr;
		if (is_const(sc)) {
			s64 delta = op == BPF_SUB ? -(s64)sc->umin : (s64)sc->umin;
			s64 no = (s64)res.off + delta;
			if (no < -(1 << 29) || no > (1 << 29)) {
				VERBOSE(w, "R%d pointer offset %lld is not allowed\n", x->dst_reg,
					(long long)no);
				return -EACCES;
			}
			res.off = (s32)no;
		} else {
			if (op == BPF_SUB || ptr->type == PTR_CTX || ptr->type == PTR_MEM_RO) {
				VERBOSE(w, "R%d variable %s access prohibited\n", x->dst_reg,
					rtype_name[ptr->type]);
				return -EACCES;
			}
			/* Unbounded offsets cannot be checked: the kernel refuses them too. */
			if (sc->umax > (1ull << 29)) {
				VERBOSE(w, "R%d unbounded memory access, make sure to bounds check any such access\n",
					x->dst_reg);
				return -EACCES;
			}
			unsigned a = known_tz(ptr), b = known_tz(sc);
			res.umin += sc->umin;
			res.umax += sc->umax;
			res.tz = (u8)(a < b ? a : b);
		}
		*dr = res;
		return 0;
	}
	/* Division and modulo, signed or not, even of constants: unknown, as the kernel's. */
	if (op == BPF_DIV || op == BPF_MOD) {
		mark_unknown(dr);
		return 0;
	}
	scalar_alu(dr, &src, op, alu64);
	return 0;
}

/*
 * A scalar's range as a comparison of width @jmp32 sees it, or false when its
 * value may not fit (then only constants are compared). Signed 32-bit views
 * need the value to be a non-negative s32, or a sign-extended constant.
 */
static bool cmp_view(const struct reg *r, bool jmp32, bool sgn, u64 *ul, u64 *uh, s64 *sl,
		     s64 *sh)
{
	if (r->type != SCALAR)
		return false;
	if (!jmp32) {
		*ul = r->umin, *uh = r->umax, *sl = r->smin, *sh = r->smax;
		return true;
	}
	if (is_const(r)) {
		u32 v = (u32)r->umin;
		*ul = *uh = v;
		*sl = *sh = (s32)v;
		return true;
	}
	if (r->umax > (sgn ? (u64)INT32_MAX : (u64)UINT32_MAX))
		return false;
	*ul = r->umin, *uh = r->umax, *sl = (s64)r->umin, *sh = (s64)r->umax;
	return true;
}

static u8 negate_jmp(u8 op)
{
	switch (op) {
	case BPF_JEQ: return BPF_JNE;
	case BPF_JNE: return BPF_JEQ;
	case BPF_JGT: return BPF_JLE;
	case BPF_JGE: return BPF_JLT;
	case BPF_JLT: return BPF_JGE;
	case BPF_JLE: return BPF_JGT;
	case BPF_JSGT: return BPF_JSLE;
	case BPF_JSGE: return BPF_JSLT;
	case BPF_JSLT: return BPF_JSGE;
	case BPF_JSLE: return BPF_JSGT;
	}
	return 0; /* JSET: nothing learnt from ranges */
}

/* A scalar with no bounds left, still with its known low zero bits (the kernel keeps its tnum). */
static void unbound(struct reg *r)
{
	if (r->type != SCALAR || is_const(r))
		return;
	u8 tz = r->tz;
	mark_unknown(r);
	r->tz = tz;
}

/* Write a refined comparison view back into a register (the view is its value). */
static void refine_apply(struct reg *r, bool jmp32, bool sgn, u64 ul, u64 uh, s64 sl, s64 sh)
{
	if (is_const(r))
		return;
	if (!sgn || !jmp32) {
		if (ul > r->umin)
			r->umin = ul;
		if (uh < r->umax)
			r->umax = uh;
	}
	if (sgn && jmp32) {
		/* A non-negative s32 view: the signed bounds are the value's bounds. */
		if ((u64)sl > r->umin)
			r->umin = (u64)sl;
		if ((u64)sh < r->umax)
			r->umax = (u64)sh;
	} else if (!jmp32) {
		if (sl > r->smin)
			r->smin = sl;
		if (sh < r->smax)
			r->smax = sh;
	}
	sync_bounds(r);
}

/*
 * On the taken (@taken) or fall-through side of "a op b", narrow both
 * scalars' ranges to what the comparison allows. A side the ranges say is
 * impossible is left as it is (branch_known keeps such sides from being
 * walked at all).
 */
static void refine_pair(struct reg *a, struct reg *b, u8 op, bool taken, bool jmp32)
{
	if (!taken && !(op = negate_jmp(op)))
		return;
	if (a == b) {
		/*
		 * "r < r" and the like never hold, but the kernel walks that side too,
		 * and its bounds check finds the narrowed range empty and drops the
		 * bounds (REG INVARIANTS VIOLATION): so do we, to refuse what it refuses.
		 */
		if (a->type == SCALAR && !is_const(a) &&
		    (op == BPF_JNE || op == BPF_JGT || op == BPF_JLT || op == BPF_JSGT || op == BPF_JSLT))
			unbound(a);
		return;
	}
	if (op == BPF_JSET || op == BPF_JNE)
		return;
	bool sgn = op == BPF_JSGT || op == BPF_JSGE || op == BPF_JSLT || op == BPF_JSLE;
	u64 al, ah, bl, bh;
	s64 asl, ash, bsl, bsh;
	if (!cmp_view(a, jmp32, sgn, &al, &ah, &asl, &ash) ||
	    !cmp_view(b, jmp32, sgn, &bl, &bh, &bsl, &bsh))
		return;
	switch (op) {
	case BPF_JEQ:
		al = bl = al > bl ? al : bl;
		ah = bh = ah < bh ? ah : bh;
		asl = bsl = asl > bsl ? asl : bsl;
		ash = bsh = ash < bsh ? ash : bsh;
		break;
	case BPF_JGT: /* a > b */
		if (bl == UINT64_MAX || ah == 0)
			return;
		al = al > bl + 1 ? al : bl + 1;
		bh = bh < ah - 1 ? bh : ah - 1;
		break;
	case BPF_JGE:
		al = al > bl ? al : bl;
		bh = bh < ah ? bh : ah;
		break;
	case BPF_JLT: /* a < b */
		if (bh == 0 || al == UINT64_MAX)
			return;
		ah = ah < bh - 1 ? ah : bh - 1;
		bl = bl > al + 1 ? bl : al + 1;
		break;
	case BPF_JLE:
		ah = ah < bh ? ah : bh;
		bl = bl > al ? bl : al;
		break;
	case BPF_JSGT:
		if (bsl == INT64_MAX || ash == INT64_MIN)
			return;
		asl = asl > bsl + 1 ? asl : bsl + 1;
		bsh = bsh < ash - 1 ? bsh : ash - 1;
		break;
	case BPF_JSGE:
		asl = asl > bsl ? asl : bsl;
		bsh = bsh < ash ? bsh : ash;
		break;
	case BPF_JSLT:
		if (bsh == INT64_MIN || asl == INT64_MAX)
			return;
		ash = ash < bsh - 1 ? ash : bsh - 1;
		bsl = bsl > asl + 1 ? bsl : asl + 1;
		break;
	case BPF_JSLE:
		ash = ash < bsh ? ash : bsh;
		bsl = bsl > asl ? bsl : asl;
		break;
	default:
		return;
	}
	if (al > ah || bl > bh || asl > ash || bsl > bsh) {
		/* A side that cannot happen: the kernel's bounds check drops both ranges. */
		unbound(a);
		unbound(b);
		return;
	}
	/* Equality narrows both views; the 64-bit apply takes unsigned and signed. */
	refine_apply(a, jmp32, sgn, al, ah, asl, ash);
	refine_apply(b, jmp32, sgn, bl, bh, bsl, bsh);
}

/* Does the compare have a known outcome? 1 taken, 0 not taken, -1 unknown. */
/* 1: the branch is always taken, 0: never, -1: either (the kernel's is_branch_taken on ranges). */
static int branch_known(const struct reg *a, const struct reg *b, u8 op, bool jmp32)
{
	if (a->type != SCALAR || b->type != SCALAR) {
		/* A non-NULL pointer compared with 0. */
		if ((a->type == PTR_MAP_VALUE || a->type == PTR_STACK || a->type == PTR_CTX) &&
		    is_const(b) && b->umin == 0 && !jmp32) {
			if (op == BPF_JEQ)
				return 0;
			if (op == BPF_JNE)
				return 1;
		}
		return -1;
	}
	bool sgn = op == BPF_JSGT || op == BPF_JSGE || op == BPF_JSLT || op == BPF_JSLE;
	u64 al, ah, bl, bh;
	s64 asl, ash, bsl, bsh;
	if (!cmp_view(a, jmp32, sgn, &al, &ah, &asl, &ash) ||
	    !cmp_view(b, jmp32, sgn, &bl, &bh, &bsl, &bsh))
		return -1;
	switch (op) {
	case BPF_JEQ:
		if (al == ah && bl == bh)
			return al == bl;
		return ah < bl || bh < al ? 0 : -1;
	case BPF_JNE:
		if (al == ah && bl == bh)
			return al != bl;
		return ah < bl || bh < al ? 1 : -1;
	case BPF_JGT: return al > bh ? 1 : ah <= bl ? 0 : -1;
	case BPF_JGE: return al >= bh ? 1 : ah < bl ? 0 : -1;
	case BPF_JLT: return ah < bl ? 1 : al >= bh ? 0 : -1;
	case BPF_JLE: return ah <= bl ? 1 : al > bh ? 0 : -1;
	case BPF_JSGT: return asl > bsh ? 1 : ash <= bsl ? 0 : -1;
	case BPF_JSGE: return asl >= bsh ? 1 : ash < bsl ? 0 : -1;
	case BPF_JSLT: return ash < bsl ? 1 : asl >= bsh ? 0 : -1;
	case BPF_JSLE: return ash <= bsl ? 1 : asl > bsh ? 0 : -1;
	case BPF_JSET:
		if (al == ah && bl == bh)
			return (al & bl) != 0;
		/* Every bit of a below b's lowest possible bit: a & b is 0. */
		if (bl == bh && bl && ah < (1ull << __builtin_ctzll(bl)))
			return 0;
		return -1;
	}
	return -1;
}

/* NULL check of a lookup result: every copy (same id) becomes a value or 0. */
static void mark_null(struct vstate *st, u32 id, bool is_null)
{
	for (int f = 0; f <= st->cur; f++) {
		for (int r = 0; r < 11; r++) {
			struct reg *x = &st->f[f].regs[r];
			if (x->type == PTR_MAP_VALUE_OR_NULL && x->id == id) {
				if (is_null)
					mark_const(x, 0);
				else
					x->type = PTR_MAP_VALUE;
			}
		}
		for (int s = 0; s < SLOTS; s++) {
			struct reg *x = &st->f[f].spill[s];
			if (x->type == PTR_MAP_VALUE_OR_NULL && x->id == id) {
				if (is_null)
					mark_const(x, 0);
				else
					x->type = PTR_MAP_VALUE;
			}
		}
	}
}

/*
 * A packet pointer compared with its end: on the safe side the packet is
 * known to hold @bytes bytes from its start, for every pointer of that kind
 * (ranges are absolute, from data or data_meta).
 */
static void mark_pkt_range(struct vstate *st, u8 type, s64 bytes)
{
	if (bytes <= 0)
		return;
	for (int f = 0; f <= st->cur; f++) {
		for (int r = 0; r < 11; r++) {
			struct reg *x = &st->f[f].regs[r];
			if (x->type == type && (u64)bytes > x->range)
				x->range = (u32)bytes;
		}
		for (int s = 0; s < SLOTS; s++) {
			struct reg *x = &st->f[f].spill[s];
			if (x->type == type && (u64)bytes > x->range)
				x->range = (u32)bytes;
		}
	}
}

static void refine_branch(struct vstate *st, const struct bpf_insn *x, bool taken)
{
	struct reg *regs = st->f[st->cur].regs;
	u8 op = BPF_OP(x->code);
	bool jmp32 = BPF_CLASS(x->code) == BPF_JMP32;
	struct reg *a = &regs[x->dst_reg];
	if (BPF_SRC(x->code) == BPF_K) {
		if (a->type == PTR_MAP_VALUE_OR_NULL && x->imm == 0 && !jmp32 &&
		    (op == BPF_JEQ || op == BPF_JNE))
			mark_null(st, a->id, (op == BPF_JEQ) == taken);
		else {
			struct reg k;
			mark_const(&k, (u64)(s64)x->imm);
			refine_pair(a, &k, op, taken, jmp32);
		}
		return;
	}
	struct reg *b = &regs[x->src_reg];
	/* Which side proves pkt + off <= pkt_end (meta + off <= data)? */
	const struct reg *pkt = NULL;
	bool safe = false;
	if (a->type == PTR_PACKET && b->type == PTR_PACKET_END) {
		pkt = a;
		safe = ((op == BPF_JGT || op == BPF_JGE) && !taken) ||
		       ((op == BPF_JLE || op == BPF_JLT) && taken);
	} else if (a->type == PTR_PACKET_END && b->type == PTR_PACKET) {
		pkt = b;
		safe = ((op == BPF_JLT || op == BPF_JLE) && !taken) ||
		       ((op == BPF_JGE || op == BPF_JGT) && taken);
	} else if (a->type == PTR_PACKET_META && b->type == PTR_PACKET) {
		pkt = a;
		safe = ((op == BPF_JGT || op == BPF_JGE) && !taken) ||
		       ((op == BPF_JLE || op == BPF_JLT) && taken);
	} else if (a->type == PTR_PACKET && b->type == PTR_PACKET_META) {
		pkt = b;
		safe = ((op == BPF_JLT || op == BPF_JLE) && !taken) ||
		       ((op == BPF_JGE || op == BPF_JGT) && taken);
	}
	if (pkt && !jmp32) {
		if (safe)
			mark_pkt_range(st, pkt->type, (s64)pkt->off + (s64)pkt->umin);
		return;
	}
	refine_pair(a, b, op, taken, jmp32);
}

static int walk(struct walker *w, struct vstate *st, u32 i);

/* Copy a state: the frames in use only (most of struct vstate is unused frames). */
static void copy_state(struct vstate *dst, const struct vstate *src)
{
	memcpy(dst, src, offsetof(struct vstate, f) + (size_t)(src->cur + 1) * sizeof(struct frame));
}

/* The key a stack pointer points to, when its bytes are known (zeros or a spilled constant). */
static bool const_key(const struct vstate *st, const struct reg *r, const struct ub_map *map,
		      u64 *key)
{
	if (r->type != PTR_STACK || !ptr_fixed(r) || map->key_size > 8)
		return false;
	const struct frame *f = &st->f[r->frame];
	s64 o = (s64)r->off;
	if (o < -UB_STACK_SIZE || o + map->key_size > 0)
		return false;
	u32 idx = (u32)(o + UB_STACK_SIZE);
	bool zeros = true;
	for (u32 b = 0; b < map->key_size; b++)
		zeros &= f->slot_type[idx + b] == SLOT_ZERO;
	if (zeros) {
		*key = 0;
		return true;
	}
	if (!(idx & 7) && f->slot_type[idx] == SLOT_SPILL && is_const(&f->spill[idx / 8])) {
		u64 v = f->spill[idx / 8].umin;
		*key = map->key_size == 8 ? v : v & ((1ull << (8 * map->key_size)) - 1);
		return true;
	}
	return false;
}

/* @size bytes at a stack pointer passed to a helper: inside the frame, or EINVAL. */
static int helper_stack(struct walker *w, struct vstate *st, const struct reg *r, int regno,
			u64 size)
{
	s64 o = (s64)r->off;
	if (!ptr_fixed(r) || o < -UB_STACK_SIZE || o + (s64)size > 0) {
		VERBOSE(w, "invalid read from stack R%d off=%lld size=%llu\n", regno, (long long)o,
			(unsigned long long)size);
		return -EINVAL;
	}
	struct frame *f = &st->f[r->frame];
	if ((u32)-o > f->depth)
		f->depth = (u32)-o;
	if ((u32)-o > w->func_stack[f->entry])
		w->func_stack[f->entry] = (u32)-o;
	return 0;
}

/* Check a helper's arguments against what it takes; set r0. */
static int do_helper(struct walker *w, struct vstate *st, u32 i, const struct bpf_insn *x)
{
	const struct ub_helper *h = ub_helper_get((u32)x->imm);
	struct reg *regs = st->f[st->cur].regs;
	struct reg key_reg = regs[2];
	struct ub_map *map = NULL;
	int err;
	/* Holding a bpf_spin_lock, a program calls nothing but the unlock. */
	if (st->lock_id && x->imm != BPF_FUNC_spin_unlock) {
		log_insn(w, i);
		VERBOSE(w, "function calls are not allowed while holding a lock\n");
		return -EINVAL;
	}
	for (int a = 0; a < 5 && h->args[a] != A_NONE; a++) {
		int rn = a + 1;
		struct reg *r = &regs[rn];
		if ((err = reg_read(w, st, i, rn)))
			return err;
		switch (h->args[a]) {
		case A_MAP:
			if (r->type != CONST_MAP)
				goto bad_type;
			map = r->map;
			break;
		case A_KEY:
		case A_VALUE: {
			u32 sz = h->args[a] == A_KEY ? map->key_size : map->value_size;
			if (r->type != PTR_STACK && r->type != PTR_MAP_VALUE && r->type != PTR_PACKET &&
			    r->type != PTR_MEM_RO)
				goto bad_type;
			/* The helper reads sz bytes there: every one must be readable. */
			if (r->type != PTR_STACK && (err = check_mem(w, st, i, rn, 0, 1, false, -1, NULL)))
				return err;
			if (r->type == PTR_STACK) {
				if ((err = helper_stack(w, st, r, rn, sz)))
					return err;
			} else if (sz && (err = check_mem(w, st, i, rn, (s32)sz - 1, 1, false, -1, NULL))) {
				return err;
			}
			break;
		}
		case A_MEM: {
			struct reg *sz = &regs[rn + 1];
			if (sz->type != SCALAR || sz->umax > 0xffff || sz->umax == 0) {
				VERBOSE(w, "R%d unbounded memory access, use 'var &= const' or 'if (var < const)'\n",
					rn + 1);
				return -EACCES;
			}
			if (r->type == PTR_STACK) {
				if ((err = helper_stack(w, st, r, rn, sz->umax)))
					return err;
			} else {
				if ((err = check_mem(w, st, i, rn, 0, 1, false, -1, NULL)) ||
				    (err = check_mem(w, st, i, rn, (s32)sz->umax - 1, 1, false, -1, NULL)))
					return err;
			}
			break;
		}
		case A_SIZE:
			break;
		case A_CTX:
			if (r->type != PTR_CTX || r->off || !ptr_fixed(r))
				goto bad_type;
			break;
		case A_FUNC:
			if (r->type != PTR_FUNC)
				goto bad_type;
			break;
		case A_STACK_OR_NULL:
			if (r->type != PTR_STACK && !(is_const(r) && r->umin == 0))
				goto bad_type;
			break;
		case A_LOCK:
			if (r->type != PTR_MAP_VALUE)
				goto bad_type;
			if (r->map->spin_lock_off < 0 ||
			    r->off + (s64)r->umin != r->map->spin_lock_off || !ptr_fixed(r)) {
				VERBOSE(w, "R%d doesn't point to a bpf_spin_lock\n", rn);
				return -EINVAL;
			}
			break;
		case A_ANY:
		case A_NONE:
			break;
		}
		continue;
bad_type:
		log_insn(w, i);
		VERBOSE(w, "R%d type=%s expected=%s\n", rn, rtype_name[r->type],
			h->args[a] == A_MAP ? "map_ptr" : h->args[a] == A_CTX ? "ctx"
			: h->args[a] == A_FUNC ? "func" : h->args[a] == A_LOCK ? "map_value"
			: "fp, pkt, map_value");
		return -EACCES;
	}
	/* Array lookups can run inline when every path gives this call an ARRAY map. */
	if (x->imm == BPF_FUNC_map_lookup_elem && w->env->inline_lookup) {
		u8 *il = &w->env->inline_lookup[i];
		*il = map->map_type == BPF_MAP_TYPE_ARRAY && *il != 2 ? 1 : 2;
	}
	/* A callback runs in a frame of its own with the arguments it will get. */
	if (x->imm == BPF_FUNC_for_each_map_elem || x->imm == 181 /* bpf_loop */) {
		if (st->cur + 1 >= NFRAMES) {
			VERBOSE(w, "the call stack of %d frames is too deep !\n", st->cur + 2);
			return -E2BIG;
		}
		struct vstate *cb = malloc(sizeof(*cb));
		if (!cb)
			return -ENOMEM;
		copy_state(cb, st);
		int nf = ++cb->cur;
		struct frame *f = &cb->f[nf];
		memset(f, 0, sizeof(*f));
		f->entry = regs[2].func;
		f->ret_insn = UINT32_MAX; /* returns to the helper */
		if (x->imm == BPF_FUNC_for_each_map_elem) {
			f->regs[1] = (struct reg){.type = CONST_MAP, .map = map};
			f->regs[2] = (struct reg){.type = PTR_MEM_RO, .mem_size = map->key_size};
			f->regs[3] = (struct reg){.type = PTR_MAP_VALUE, .map = map};
			f->regs[4] = regs[3];
			mark_const(&f->regs[5], 0);
		} else {
			/* bpf_loop: the index, and the context as given. */
			mark_u32_range(&f->regs[1], 0, 1u << 23);
			f->regs[2] = regs[3];
		}
		f->regs[10] = (struct reg){.type = PTR_STACK, .frame = (u8)nf};
		err = walk(w, cb, f->entry);
		free(cb);
		if (err)
			return err;
	}
	/* One lock at a time, unlocked by the program that took it. */
	if (x->imm == BPF_FUNC_spin_lock) {
		if (st->lock_id) {
			VERBOSE(w, "Locking two bpf_spin_locks are not allowed\n");
			return -EINVAL;
		}
		st->lock_id = regs[1].id + 1;
		st->lock_map = regs[1].map;
	} else if (x->imm == BPF_FUNC_spin_unlock) {
		u32 id = regs[1].id + 1;
		if (!st->lock_id) {
			VERBOSE(w, "bpf_spin_unlock without taking a lock\n");
			return -EINVAL;
		}
		if (id != st->lock_id || regs[1].map != st->lock_map) {
			VERBOSE(w, "bpf_spin_unlock of different lock\n");
			return -EINVAL;
		}
		st->lock_id = 0;
		st->lock_map = NULL;
	}
	/* Packet-moving helpers invalidate every packet pointer. */
	if (x->imm == BPF_FUNC_xdp_adjust_head || x->imm == BPF_FUNC_xdp_adjust_tail ||
	    x->imm == BPF_FUNC_xdp_adjust_meta)
		for (int f = 0; f <= st->cur; f++)
			for (int r = 0; r < 11; r++)
				if (st->f[f].regs[r].type >= PTR_PACKET &&
				    st->f[f].regs[r].type <= PTR_PACKET_META)
					mark_unknown(&st->f[f].regs[r]);
	for (int r = 1; r <= 5; r++)
		regs[r].type = NOT_INIT;
	if (h->ret == RET_VALUE_OR_NULL) {
		regs[0] = (struct reg){.type = PTR_MAP_VALUE_OR_NULL, .map = map, .id = ++st->next_id};
		/* An array lookup with a constant key in range cannot fail. */
		u64 key;
		if (x->imm == BPF_FUNC_map_lookup_elem && const_key(st, &key_reg, map, &key) &&
		    (map->map_type == BPF_MAP_TYPE_ARRAY || map->map_type == BPF_MAP_TYPE_PERCPU_ARRAY) &&
		    key < map->max_entries)
			regs[0].type = PTR_MAP_VALUE;
	}
	else
		mark_unknown(&regs[0]);
	return 0;
}

static u64 mix(u64 h, u64 v)
{
	h ^= v;
	return h * 0x100000001b3ull;
}

/* A hash of everything the walk knows (the kernel's states_equal, exactly). */
static u64 state_hash(const struct vstate *st)
{
	u64 h = 0xcbf29ce484222325ull;
	h = mix(h, (u64)st->cur | (u64)st->lock_id << 32);
	for (int f = 0; f <= st->cur; f++) {
		const struct frame *fr = &st->f[f];
		for (int r = 0; r < 11; r++) {
			const struct reg *x = &fr->regs[r];
			h = mix(h, x->type | (u64)x->frame << 8 | (u64)x->tz << 16 | (u64)x->id << 24);
			h = mix(h, (u64)(u32)x->off | (u64)x->range << 32);
			h = mix(h, x->umin);
			h = mix(h, x->umax);
			h = mix(h, (u64)x->smin);
			h = mix(h, (u64)x->smax);
			h = mix(h, (u64)(uintptr_t)x->map ^ x->func ^ (u64)x->mem_size << 32);
		}
		for (int b = 0; b < UB_STACK_SIZE; b += 8) {
			u64 v;
			memcpy(&v, &fr->slot_type[b], 8);
			if (!v)
				continue;
			h = mix(h, v ^ (u64)b << 56);
			if (fr->slot_type[b] == SLOT_SPILL) {
				const struct reg *x = &fr->spill[b / 8];
				h = mix(h, x->type | (u64)(u32)x->off << 8);
				h = mix(h, x->umin ^ (x->umax << 1) ^ (u64)(uintptr_t)x->map);
			}
		}
		h = mix(h, fr->ret_insn);
	}
	return h;
}

/* ---- state pruning ---- */

#define KEPT_PER_INSN 64
#define KEPT_BYTES (256u << 20)

/* Ids of the old state paired one to one with ids of the new (kernel's check_ids). */
struct idmap {
	u32 n;
	u32 old[64], cur[64];
};

static bool ids_match(struct idmap *m, u32 o, u32 c)
{
	if (!o || !c)
		return o == c;
	for (u32 k = 0; k < m->n; k++)
		if (m->old[k] == o || m->cur[k] == c)
			return m->old[k] == o && m->cur[k] == c;
	if (m->n == 64)
		return false;
	m->old[m->n] = o;
	m->cur[m->n++] = c;
	return true;
}

static bool bounds_within(const struct reg *o, const struct reg *c)
{
	return c->umin >= o->umin && c->umax <= o->umax && c->smin >= o->smin &&
	       c->smax <= o->smax && known_tz(c) >= known_tz(o);
}

/*
 * Does register @o of a safe state cover @c? NOT_INIT was never read on any
 * path; a scalar whose bounds decide nothing (!@precise) covers any scalar;
 * otherwise the same kind of thing with bounds and ranges at least as tight.
 */
static bool reg_within(const struct reg *o, const struct reg *c, bool precise, struct idmap *m)
{
	if (o->type == NOT_INIT)
		return true;
	if (o->type != c->type)
		return false;
	switch (o->type) {
	case SCALAR:
		return !precise || bounds_within(o, c);
	case CONST_MAP:
		return o->map == c->map;
	case PTR_FUNC:
		return o->func == c->func;
	default:
		return o->frame == c->frame && o->off == c->off && o->map == c->map &&
		       o->mem_size == c->mem_size && c->range >= o->range && bounds_within(o, c) &&
		       ids_match(m, o->id, c->id);
	}
}

/*
 * One 8-byte stack slot. Reads of never-written, data and zero bytes all
 * give an unknown scalar (privileged programs may read uninitialised stack);
 * only an 8-byte read of a spill gives the register back, and only a
 * lookup's constant key looks at zero bytes.
 */
static bool slot_within(const struct frame *fo, const struct frame *fc, int s, bool precise,
			struct idmap *m)
{
	const u8 *ot = &fo->slot_type[s * 8], *ct = &fc->slot_type[s * 8];
	const struct reg *os = &fo->spill[s], *cs = &fc->spill[s];
	u64 o8, c8;
	memcpy(&o8, ot, 8);
	memcpy(&c8, ct, 8);
	if (o8 == c8 && ot[0] != SLOT_SPILL)
		return true; /* the same bytes, no register in them */
	if (ot[0] == SLOT_SPILL) {
		if (ct[0] == SLOT_SPILL)
			return reg_within(os, cs, precise, m);
		return !precise && os->type == SCALAR;
	}
	if (ct[0] == SLOT_SPILL && cs->type != SCALAR)
		return false;
	if (precise)
		for (int b = 0; b < 8; b++)
			if (ot[b] == SLOT_ZERO && ct[b] != SLOT_ZERO)
				return false;
	return true;
}

/* Is every concrete state of @c one of @o's, as far as the rest of the walk can tell? */
static bool state_within(const struct walker *w, const struct vstate *o, const struct vstate *c,
			 u32 i)
{
	struct idmap m; /* lock_id is 1 + the locked value's id: one id space */
	m.n = 0;
	if (o->cur != c->cur || !o->lock_id != !c->lock_id || o->lock_map != c->lock_map ||
	    (o->lock_id && !ids_match(&m, o->lock_id - 1, c->lock_id - 1)))
		return false;
	const struct ub_need *nd = &w->need[i];
	for (int f = 0; f <= o->cur; f++) {
		const struct frame *fo = &o->f[f], *fc = &c->f[f];
		bool top = f == o->cur;
		if (fo->entry != fc->entry || fo->ret_insn != fc->ret_insn)
			return false;
		/* A caller's r0-r5 are overwritten or cleared when the call returns. */
		for (int r = top ? 0 : 6; r < 11; r++) {
			if (top && !(nd->live & (1u << r)))
				continue;
			if (!reg_within(&fo->regs[r], &fc->regs[r], !top || (nd->precise & (1u << r)),
					&m))
				return false;
		}
		/* Below both frames' deepest use every slot is untouched in both. */
		u32 deep = fo->depth > fc->depth ? fo->depth : fc->depth;
		for (int s = (int)((UB_STACK_SIZE - deep) / 8); s < SLOTS; s++)
			if (!slot_within(fo, fc, s, !top || (nd->slots >> s & 1), &m))
				return false;
	}
	return true;
}

static size_t state_size(const struct vstate *st)
{
	return offsetof(struct vstate, f) + (size_t)(st->cur + 1) * sizeof(struct frame);
}

/*
 * A path reaches prune point @i in @st: 1 when a state already proven safe
 * here covers it (the path need not go on), else 0 after keeping a copy
 * that becomes proof once every path from it is walked.
 */
static int prune_visit(struct walker *w, const struct vstate *st, u32 i)
{
	for (u32 *link = &w->kept_head[i], k; (k = *link) != UINT32_MAX;) {
		struct kept *kp = &w->kept[k];
		if (!kp->safe) {
			link = &kp->next;
			continue;
		}
		if (state_within(w, kp->st, st, i)) {
			kp->hits++;
			if (w->env->log && (w->env->log->level & 2))
				VERBOSE(w, "%u: safe\n", i);
			return 1;
		}
		/* A state that keeps failing to cover others costs more than it saves (the kernel's rule). */
		if (++kp->misses > kp->hits * 3 + 3) {
			*link = kp->next;
			w->kept_bytes -= state_size(kp->st);
			w->kept_count[i]--;
			free(kp->st);
			kp->st = NULL;
			continue;
		}
		link = &kp->next;
	}
	size_t sz = state_size(st);
	if (w->kept_count[i] >= KEPT_PER_INSN || w->kept_bytes + sz > KEPT_BYTES)
		return 0;
	if (w->nkept == w->kcap) {
		u32 cap = w->kcap ? w->kcap * 2 : 256;
		void *n = realloc(w->kept, cap * sizeof(*w->kept));
		if (!n)
			return -ENOMEM;
		w->kept = n;
		w->kcap = cap;
	}
	if (w->nopen == w->ocap) {
		u32 cap = w->ocap ? w->ocap * 2 : 256;
		void *n = realloc(w->open, cap * sizeof(*w->open));
		if (!n)
			return -ENOMEM;
		w->open = n;
		w->ocap = cap;
	}
	struct vstate *copy = malloc(sz);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, st, sz);
	w->kept[w->nkept] = (struct kept){.st = copy, .next = w->kept_head[i],
					  .height = (u32)w->npend};
	w->kept_head[i] = w->nkept;
	if (++w->kept_count[i] > w->env->max_states_per_insn)
		w->env->max_states_per_insn = w->kept_count[i];
	w->env->total_states++;
	w->kept_bytes += sz;
	w->open[w->nopen++] = w->nkept++;
	return 0;
}

/*
 * A path ended safely: kept states none of whose paths is left pending
 * (every branch pushed since they were kept is walked) are proven safe.
 */
static void prune_path_done(struct walker *w, u32 open_base)
{
	while (w->nopen > open_base && w->kept[w->open[w->nopen - 1]].height >= w->npend)
		w->kept[w->open[--w->nopen]].safe = true;
}

/*
 * A jump back to @target: the same state at the same insn on this path means
 * the loop never ends (the kernel's "infinite loop detected"). Otherwise the
 * loop is walked again, iteration by iteration, within the insn budget.
 */
static int back_edge(struct walker *w, const struct vstate *st, u32 from, u32 target)
{
	u64 h = state_hash(st);
	u32 b = (u32)((h ^ target * 0x9e3779b97f4a7c15ull) >> 48) & (LOOP_BUCKETS - 1);
	for (u32 k = w->bucket[b]; k != UINT32_MAX; k = w->loops[k].next) {
		if (w->loops[k].insn == target && w->loops[k].hash == h) {
			log_insn(w, from);
			VERBOSE(w, "infinite loop detected at insn %u\n", from);
			return -EINVAL;
		}
	}
	if (w->nloops == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		void *n = realloc(w->loops, cap * sizeof(*w->loops));
		if (!n)
			return -ENOMEM;
		w->loops = n;
		w->cap = cap;
	}
	w->loops[w->nloops].insn = target;
	w->loops[w->nloops].hash = h;
	w->loops[w->nloops].next = w->bucket[b];
	w->bucket[b] = (u32)w->nloops;
	w->nloops++;
	return 0;
}

/* Forget the loop heads above @height (a path ended): newest first, so each is its bucket's head. */
static void loops_truncate(struct walker *w, size_t height)
{
	while (w->nloops > height) {
		w->nloops--;
		u64 h = w->loops[w->nloops].hash;
		u32 b = (u32)((h ^ w->loops[w->nloops].insn * 0x9e3779b97f4a7c15ull) >> 48) &
			(LOOP_BUCKETS - 1);
		w->bucket[b] = w->loops[w->nloops].next;
	}
}

static int walk_from(struct walker *w, struct vstate *st, u32 i);

/* Leave the other side of a branch for later (takes @st). */
static int push_pending(struct walker *w, struct vstate *st, u32 from, u32 insn, u32 back_from)
{
	/* The kernel's BPF_COMPLEXITY_LIMIT_JMP_SEQ. */
	if (w->npend >= 8192) {
		free(st);
		VERBOSE(w, "The sequence of %u jumps is too complex.\n", 8193u);
		return -E2BIG;
	}
	if (w->npend == w->pcap) {
		size_t cap = w->pcap ? w->pcap * 2 : 64;
		void *n = realloc(w->pend, cap * sizeof(*w->pend));
		if (!n) {
			free(st);
			return -ENOMEM;
		}
		w->pend = n;
		w->pcap = cap;
	}
	struct ub_vm_log *log = w->env->log;
	w->pend[w->npend++] = (struct pending){.st = st, .insn = insn, .back_from = back_from,
					       .from = from, .loops = w->nloops,
					       .log_len = log ? log->len : 0};
	return 0;
}

/*
 * Walk from insn @i in state @st (owned by the caller) until every path
 * exits: one path at a time, the other sides of its branches kept pending
 * (no recursion, so no C stack depth to run out of).
 */
static int walk(struct walker *w, struct vstate *st0, u32 i)
{
	size_t loops_base = w->nloops, pend_base = w->npend;
	u32 open_base = w->nopen;
	struct vstate *st = st0;
	int err;
	for (;;) {
		err = walk_from(w, st, i);
		if (st != st0)
			free(st);
		if (err)
			break;
		prune_path_done(w, open_base);
		if (w->npend == pend_base)
			break;
		struct pending p = w->pend[--w->npend];
		st = p.st;
		i = p.insn;
		/* The kernel's pop_stack: level 1 keeps only the path that fails. */
		struct ub_vm_log *log = w->env->log;
		if (log && log->level && !(log->level & 2) && log->len > p.log_len) {
			log->len = p.log_len;
			log->buf[log->len] = '\0';
		}
		if (log && (log->level & 2))
			VERBOSE(w, "from %u to %u:\n", p.from, i);
		loops_truncate(w, p.loops);
		if (p.back_from != UINT32_MAX && (err = back_edge(w, st, p.back_from, i))) {
			free(st);
			break;
		}
	}
	while (w->npend > pend_base)
		free(w->pend[--w->npend].st);
	loops_truncate(w, loops_base); /* loop heads of this walk only */
	return err;
}

static int walk_from(struct walker *w, struct vstate *st, u32 i)
{
	const struct bpf_insn *in = w->env->insns;
	int err;
	for (;;) {
		if (w->need[i].prune && (err = prune_visit(w, st, i)))
			return err > 0 ? 0 : err;
		if (++w->env->processed > UB_MAX_INSNS) {
			VERBOSE(w, "BPF program is too large. Processed %u insn\n", w->env->processed);
			return -E2BIG;
		}
		const struct bpf_insn *x = &in[i];
		const struct ub_insn_desc *d = &ub_insn_descs[w->ops[i]];
		struct reg *regs = st->f[st->cur].regs;
		w->logged = UINT32_MAX;
		log_insn(w, i);
		int size = BPF_SIZE(x->code) == BPF_DW	 ? 8
			   : BPF_SIZE(x->code) == BPF_W ? 4
			   : BPF_SIZE(x->code) == BPF_H ? 2
							: 1;
		switch (d->fmt) {
		case F_ALU_K:
		case F_ALU_X:
		case F_NEG:
		case F_END:
		case F_MOVSX:
			if ((err = do_alu(w, st, i, x, d)))
				goto out_err;
			break;
		case F_LDDW: {
			struct reg *dr = &regs[x->dst_reg];
			struct ub_map *m = w->env->maps[i];
			if (x->src_reg == BPF_PSEUDO_MAP_FD)
				*dr = (struct reg){.type = CONST_MAP, .map = m};
			else if (x->src_reg == BPF_PSEUDO_MAP_VALUE)
				*dr = (struct reg){.type = PTR_MAP_VALUE, .map = m,
						   .off = (s32)(u32)in[i + 1].imm};
			else if (x->src_reg == BPF_PSEUDO_FUNC)
				*dr = (struct reg){.type = PTR_FUNC,
						   .func = (u32)((s64)i + 1 + x->imm)};
			else
				mark_const(dr, (u32)x->imm | (u64)(u32)in[i + 1].imm << 32);
			i += 2;
			continue;
		}
		case F_LDX:
		case F_LDXSX: {
			if ((err = reg_read(w, st, i, x->src_reg)))
				goto out_err;
			struct reg res;
			if ((err = check_mem(w, st, i, x->src_reg, x->off, size, false, -1, &res)))
				goto out_err;
			if (d->fmt == F_LDXSX)
				mark_unknown(&res);
			regs[x->dst_reg] = res;
			break;
		}
		case F_ST:
			if ((err = reg_read(w, st, i, x->dst_reg)) ||
			    (err = check_mem(w, st, i, x->dst_reg, x->off, size, true,
					     x->imm == 0 ? -2 : -1, NULL)))
				goto out_err;
			break;
		case F_STX:
			if ((err = reg_read(w, st, i, x->dst_reg)) ||
			    (err = reg_read(w, st, i, x->src_reg)))
				goto out_err;
			/* Privileged programs may store pointers anywhere they may write. */
			if ((err = check_mem(w, st, i, x->dst_reg, x->off, size, true,
					     size == 8 ? x->src_reg : -1, NULL)))
				goto out_err;
			break;
		case F_ATOMIC:
			if ((err = reg_read(w, st, i, x->dst_reg)) ||
			    (err = reg_read(w, st, i, x->src_reg)))
				goto out_err;
			if (x->imm == BPF_CMPXCHG && (err = reg_read(w, st, i, 0)))
				goto out_err;
			if (regs[x->dst_reg].type == PTR_CTX || regs[x->dst_reg].type == PTR_PACKET) {
				log_insn(w, i);
				VERBOSE(w, "BPF_ATOMIC stores into R%d %s is not allowed\n", x->dst_reg,
					rtype_name[regs[x->dst_reg].type]);
				err = -EACCES;
				goto out_err;
			}
			if (is_ptr(&regs[x->src_reg])) {
				log_insn(w, i);
				VERBOSE(w, "R%d leaks addr into mem\n", x->src_reg);
				err = -EACCES;
				goto out_err;
			}
			w->strict_insn = true;
			err = check_mem(w, st, i, x->dst_reg, x->off, size, false, -1, NULL);
			if (!err)
				err = check_mem(w, st, i, x->dst_reg, x->off, size, true, -1, NULL);
			w->strict_insn = false;
			if (err)
				goto out_err;
			if (x->imm == BPF_CMPXCHG)
				mark_unknown(&regs[0]);
			else if (x->imm & BPF_FETCH)
				mark_unknown(&regs[x->src_reg]);
			break;
		case F_LDABS:
		case F_LDIND:
			if ((err = reg_read(w, st, i, 6)))
				goto out_err;
			if (regs[6].type != PTR_CTX) {
				log_insn(w, i);
				VERBOSE(w, "at the time of BPF_LD_ABS|IND R6 != pointer to skb\n");
				err = -EINVAL;
				goto out_err;
			}
			if (d->fmt == F_LDIND && (err = reg_read(w, st, i, x->src_reg)))
				goto out_err;
			for (int r = 1; r <= 5; r++)
				regs[r].type = NOT_INIT;
			mark_unknown(&regs[0]);
			break;
		case F_CALL:
			if (x->src_reg == BPF_PSEUDO_CALL) {
				if (st->cur + 1 >= NFRAMES) {
					log_insn(w, i);
					VERBOSE(w, "the call stack of %d frames is too deep !\n", st->cur + 2);
					err = -E2BIG;
					goto out_err;
				}
				int nf = ++st->cur;
				struct frame *f = &st->f[nf];
				struct reg args[6];
				memcpy(args, regs, sizeof(args));
				memset(f, 0, sizeof(*f));
				memcpy(f->regs + 1, args + 1, 5 * sizeof(struct reg));
				f->regs[10] = (struct reg){.type = PTR_STACK, .frame = (u8)nf};
				f->entry = (u32)((s64)i + 1 + x->imm);
				f->ret_insn = i + 1;
				i = f->entry;
				continue;
			}
			if ((err = do_helper(w, st, i, x)))
				goto out_err;
			break;
		case F_EXIT:
			if ((err = reg_read(w, st, i, 0)))
				goto out_err;
			/* A lock taken is released before leaving (the kernel checks at every exit). */
			if (st->lock_id && st->cur == 0) {
				log_insn(w, i);
				VERBOSE(w, "bpf_spin_unlock is missing\n");
				err = -EINVAL;
				goto out_err;
			}
			if (st->cur == 0) {
				const struct reg *r0 = &regs[0];
				/* cgroup programs answer 0 or 1. */
				if (w->env->prog_type == BPF_PROG_TYPE_CGROUP_SOCK &&
				    (r0->type != SCALAR || r0->umax > 1)) {
					log_insn(w, i);
					VERBOSE(w, "At program exit the register R0 has unknown scalar value should have been in [0, 1]\n");
					err = -EINVAL;
					goto out_err;
				}
				return 0;
			}
			{
				struct frame *f = &st->f[st->cur];
				struct reg r0 = f->regs[0];
				if (r0.type == PTR_STACK && r0.frame == st->cur) {
					VERBOSE(w, "cannot return stack pointer to the caller\n");
					err = -EINVAL;
					goto out_err;
				}
				u32 ret = f->ret_insn;
				if (ret == UINT32_MAX) {
					/* A callback returns a number to its helper. */
					if (r0.type != SCALAR) {
						VERBOSE(w, "At callback return the register R0 is not a known value (%s)\n",
							rtype_name[r0.type]);
						err = -EACCES;
						goto out_err;
					}
					/* Its helper reads 0 as "go on" and 1 as "stop": nothing else. */
					if (r0.smin < 0 || r0.smax > 1) {
						VERBOSE(w, "At callback return the register R0 has smin=%lld smax=%lld should have been in [0, 1]\n",
							(long long)r0.smin, (long long)r0.smax);
						err = -EINVAL;
						goto out_err;
					}
					return 0;
				}
				if (w->env->log && (w->env->log->level & 2))
					VERBOSE(w, "from %u to %u:\n", i, ret);
				st->cur--;
				struct reg *cr = st->f[st->cur].regs;
				cr[0] = r0;
				for (int r = 1; r <= 5; r++)
					cr[r].type = NOT_INIT;
				i = ret;
				continue;
			}
		case F_JA:
		case F_JA32: {
			u32 t = (u32)((s64)i + 1 + (d->fmt == F_JA ? x->off : x->imm));
			if (t <= i && (err = back_edge(w, st, i, t)))
				goto out_err;
			i = t;
			continue;
		}
		case F_JMP_K:
		case F_JMP_X: {
			if ((err = reg_read(w, st, i, x->dst_reg)))
				goto out_err;
			struct reg b;
			if (d->fmt == F_JMP_X) {
				if ((err = reg_read(w, st, i, x->src_reg)))
					goto out_err;
				b = regs[x->src_reg];
			} else {
				mark_const(&b, (u64)(s64)x->imm);
			}
			u8 op = BPF_OP(x->code);
			bool jmp32 = BPF_CLASS(x->code) == BPF_JMP32;
			const struct reg *a = &regs[x->dst_reg];
			/* Comparing pointers of different kinds leaks nothing but means nothing. */
			int known = branch_known(a, &b, op, jmp32);
			u32 target = (u32)((s64)i + 1 + x->off);
			if (known == 1) {
				if (target <= i && (err = back_edge(w, st, i, target)))
					goto out_err;
				i = target;
				continue;
			}
			if (known == 0)
				break;
			struct vstate *other = malloc(sizeof(*other));
			if (!other) {
				err = -ENOMEM;
				goto out_err;
			}
			copy_state(other, st);
			refine_branch(other, x, true);
			refine_branch(st, x, false);
			/* A loop goes round again later: the way out is walked first. */
			if ((err = push_pending(w, other, i, target, target <= i ? i : UINT32_MAX)))
				goto out_err;
			break;
		}
		}
		i++;
	}
out_err:
	return err;
}

int ub_verify_walk(struct ub_verify_env *env, const int *ops, const u8 *is_entry,
		   u32 *func_stack, u32 *max_ctx_off)
{
	struct walker w = {.env = env, .ops = ops, .func_stack = func_stack, .logged = UINT32_MAX};
	/* Unaligned access is efficient here: strict only when asked (BPF_F_ANY_ALIGNMENT wins). */
	w.strict = (env->prog_flags & BPF_F_STRICT_ALIGNMENT) &&
		   !(env->prog_flags & BPF_F_ANY_ALIGNMENT);
	struct ub_need *need = calloc(env->cnt, sizeof(*need));
	struct vstate *st = calloc(1, sizeof(*st));
	w.bucket = malloc(LOOP_BUCKETS * sizeof(u32));
	w.kept_head = malloc(env->cnt * sizeof(u32));
	w.kept_count = calloc(env->cnt, sizeof(u16));
	int err = -ENOMEM;
	if (!need || !st || !w.bucket || !w.kept_head || !w.kept_count)
		goto out;
	if ((err = ub_verify_needs(env, ops, is_entry, need)))
		goto out;
	w.need = need;
	if (env->log && (env->log->level & 2)) {
		/* As the kernel's level 2: each insn with the registers live before it. */
		ub_vm_logf(env->log, "Live regs before insn:\n");
		for (u32 i = 0; i < env->cnt; i++) {
			if (ops[i] == OP_TAIL)
				continue;
			char regs[11], buf[160];
			for (int r = 0; r < 10; r++)
				regs[r] = need[i].live & (1u << r) ? (char)('0' + r) : '.';
			regs[10] = '\0';
			ub_insn_disasm(&env->insns[i], buf, sizeof(buf));
			ub_vm_logf(env->log, "%7u: %s %s\n", i, regs, buf);
		}
	}
	if (env->log && (env->log->level & 3))
		ub_vm_logf(env->log, "0: R1=ctx() R10=fp0\n");
	memset(w.bucket, 0xff, LOOP_BUCKETS * sizeof(u32));
	memset(w.kept_head, 0xff, env->cnt * sizeof(u32));
	st->f[0].regs[1] = (struct reg){.type = PTR_CTX};
	st->f[0].regs[10] = (struct reg){.type = PTR_STACK, .frame = 0};
	err = walk(&w, st, 0);
	*max_ctx_off = w.max_ctx_off;
out:
	for (u32 k = 0; k < w.nkept; k++)
		free(w.kept[k].st);
	free(w.kept);
	free(w.open);
	free(w.kept_head);
	free(w.kept_count);
	free(need);
	free(st);
	free(w.loops);
	free(w.bucket);
	free(w.pend);
	return err;
}
