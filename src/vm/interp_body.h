/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The interpreter's instruction bodies, included once per engine by interp.c
 * with three parameters: UB_EXEC_NAME (the function), UB_THREADED (1: computed
 * goto, 0: a switch; only vmdispatch/vmcase/vmnext/vmjump differ) and
 * UB_CHECKED (1: every load, store, atomic and inline lookup key is checked
 * against the run's regions, for code no verifier saw; 0: the verifier proved
 * them, and only what it cannot prove is checked here).
 */
#if UB_THREADED
#define vmdispatch(o) goto *labels[(o)];
#define vmcase(name) L_##name:
#define vmnext() do { ip++; goto *labels[ip->op]; } while (0)
#define vmjump(t) do { ip = x + (t); goto *labels[ip->op]; } while (0)
#else
#define vmdispatch(o) switch (o)
#define vmcase(name) case OP_##name:
#define vmnext() do { ip++; goto top; } while (0)
#define vmjump(t) do { ip = x + (t); goto top; } while (0)
#endif
#if UB_CHECKED
#define mem_ok(a, size, wr) ub_run_mem_ok(run, (a), (size), (wr))
/* Atomics need natural alignment; the verifier proves it as the kernel's does. */
#define aligned_ok(a, size) (!((a) & ((size) - 1)))
/* The stack slice of the current frame, for mem_ok and the callback helpers. */
#define set_stack(lo, hi) do { run->stack_lo = (lo); run->stack_hi = (hi); } while (0)
#else
#define mem_ok(a, size, wr) true
#define aligned_ok(a, size) true
#define set_stack(lo, hi) do { (void)(lo); (void)(hi); } while (0)
#endif

int UB_EXEC_NAME(struct ub_run *run, u32 start, const u64 args[5], u64 *ret)
{
	const struct ub_xinsn *const x = run->x;
	const struct ub_xinsn *ip = x + start;
	u64 r[11] = {0};
	/* Call frames: each has its own stack slice, growing down from the top. */
	u8 stack[UB_MAX_CALL_FRAMES * UB_STACK_SIZE] __attribute__((aligned(16)));
	struct {
		const struct ub_xinsn *ret_ip;
		u64 saved[4];
	} frames[UB_MAX_CALL_FRAMES];
	int fdepth = 0;
	uintptr_t saved_lo = run->stack_lo, saved_hi = run->stack_hi;
	uintptr_t top_of = (uintptr_t)(stack + sizeof(stack));

	memcpy(&r[1], args, 5 * sizeof(u64));
	r[10] = top_of;
	set_stack(top_of - UB_STACK_SIZE, top_of);

#if UB_THREADED
	static const void *const labels[OP_NR] = {
#define UB_INSN_LABEL(name, code, sel, val, fmt, sym) [OP_##name] = &&L_##name,
		UB_INSN_TABLE(UB_INSN_LABEL)
#undef UB_INSN_LABEL
		[OP_CALL_HELPER] = &&L_CALL_HELPER,
		[OP_CALL_LOCAL] = &&L_CALL_LOCAL,
		[OP_ARRAY_LOOKUP] = &&L_ARRAY_LOOKUP,
		[OP_TAIL] = &&L_TAIL,
	};
#endif

#define D r[ip->dst]
#define S r[ip->src]
#define K ip->imm
#define D32 ((u32)r[ip->dst])
#define S32 ((u32)r[ip->src])
#define K32 ((u32)ip->imm)

top: __attribute__((unused));
	vmdispatch(ip->op)
	{
	/* ---- ALU64 ---- */
	vmcase(ADD64_K) D += K; vmnext();
	vmcase(ADD64_X) D += S; vmnext();
	vmcase(SUB64_K) D -= K; vmnext();
	vmcase(SUB64_X) D -= S; vmnext();
	vmcase(MUL64_K) D *= K; vmnext();
	vmcase(MUL64_X) D *= S; vmnext();
	vmcase(DIV64_K) D = K ? D / K : 0; vmnext();
	vmcase(DIV64_X) D = S ? D / S : 0; vmnext();
	vmcase(SDIV64_K) D = sdiv64(D, K); vmnext();
	vmcase(SDIV64_X) D = sdiv64(D, S); vmnext();
	vmcase(OR64_K) D |= K; vmnext();
	vmcase(OR64_X) D |= S; vmnext();
	vmcase(AND64_K) D &= K; vmnext();
	vmcase(AND64_X) D &= S; vmnext();
	vmcase(LSH64_K) D <<= (K & 63); vmnext();
	vmcase(LSH64_X) D <<= (S & 63); vmnext();
	vmcase(RSH64_K) D >>= (K & 63); vmnext();
	vmcase(RSH64_X) D >>= (S & 63); vmnext();
	vmcase(NEG64) D = -D; vmnext();
	vmcase(MOD64_K) D = K ? D % K : D; vmnext();
	vmcase(MOD64_X) D = S ? D % S : D; vmnext();
	vmcase(SMOD64_K) D = smod64(D, K); vmnext();
	vmcase(SMOD64_X) D = smod64(D, S); vmnext();
	vmcase(XOR64_K) D ^= K; vmnext();
	vmcase(XOR64_X) D ^= S; vmnext();
	vmcase(MOV64_K) D = K; vmnext();
	vmcase(MOV64_X) D = S; vmnext();
	vmcase(MOVSX864) D = (u64)(s64)(s8)S; vmnext();
	vmcase(MOVSX1664) D = (u64)(s64)(s16)S; vmnext();
	vmcase(MOVSX32_64) D = (u64)(s64)(s32)S; vmnext();
	vmcase(ARSH64_K) D = (u64)((s64)D >> (K & 63)); vmnext();
	vmcase(ARSH64_X) D = (u64)((s64)D >> (S & 63)); vmnext();
	vmcase(BSWAP16) D = __builtin_bswap16((u16)D); vmnext();
	vmcase(BSWAP32) D = __builtin_bswap32((u32)D); vmnext();
	vmcase(BSWAP64) D = __builtin_bswap64(D); vmnext();

	/* ---- ALU (32-bit, results zero-extended) ---- */
	vmcase(ADD32_K) D = (u32)(D32 + K32); vmnext();
	vmcase(ADD32_X) D = (u32)(D32 + S32); vmnext();
	vmcase(SUB32_K) D = (u32)(D32 - K32); vmnext();
	vmcase(SUB32_X) D = (u32)(D32 - S32); vmnext();
	vmcase(MUL32_K) D = (u32)(D32 * K32); vmnext();
	vmcase(MUL32_X) D = (u32)(D32 * S32); vmnext();
	vmcase(DIV32_K) D = K32 ? D32 / K32 : 0; vmnext();
	vmcase(DIV32_X) D = S32 ? D32 / S32 : 0; vmnext();
	vmcase(SDIV32_K) D = sdiv32(D32, K32); vmnext();
	vmcase(SDIV32_X) D = sdiv32(D32, S32); vmnext();
	vmcase(OR32_K) D = D32 | K32; vmnext();
	vmcase(OR32_X) D = D32 | S32; vmnext();
	vmcase(AND32_K) D = D32 & K32; vmnext();
	vmcase(AND32_X) D = D32 & S32; vmnext();
	vmcase(LSH32_K) D = (u32)(D32 << (K32 & 31)); vmnext();
	vmcase(LSH32_X) D = (u32)(D32 << (S32 & 31)); vmnext();
	vmcase(RSH32_K) D = D32 >> (K32 & 31); vmnext();
	vmcase(RSH32_X) D = D32 >> (S32 & 31); vmnext();
	vmcase(NEG32) D = (u32)-D32; vmnext();
	vmcase(MOD32_K) D = K32 ? D32 % K32 : D32; vmnext();
	vmcase(MOD32_X) D = S32 ? D32 % S32 : D32; vmnext();
	vmcase(SMOD32_K) D = smod32(D32, K32); vmnext();
	vmcase(SMOD32_X) D = smod32(D32, S32); vmnext();
	vmcase(XOR32_K) D = D32 ^ K32; vmnext();
	vmcase(XOR32_X) D = D32 ^ S32; vmnext();
	vmcase(MOV32_K) D = K32; vmnext();
	vmcase(MOV32_X) D = S32; vmnext();
	vmcase(MOVSX832) D = (u32)(s32)(s8)S; vmnext();
	vmcase(MOVSX1632) D = (u32)(s32)(s16)S; vmnext();
	vmcase(ARSH32_K) D = (u32)((s32)D32 >> (K32 & 31)); vmnext();
	vmcase(ARSH32_X) D = (u32)((s32)D32 >> (S32 & 31)); vmnext();
	vmcase(LE16) D = (u16)D; vmnext();
	vmcase(LE32) D = (u32)D; vmnext();
	vmcase(LE64) vmnext();
	vmcase(BE16) D = __builtin_bswap16((u16)D); vmnext();
	vmcase(BE32) D = __builtin_bswap32((u32)D); vmnext();
	vmcase(BE64) D = __builtin_bswap64(D); vmnext();

	/* ---- jumps ---- */
	vmcase(JA) vmjump(ip->off);
	vmcase(JA32) vmjump(ip->off);
#define JCOND(name, cond) vmcase(name) if (cond) vmjump(ip->off); vmnext();
	JCOND(JEQ_K, D == K) JCOND(JEQ_X, D == S)
	JCOND(JGT_K, D > K) JCOND(JGT_X, D > S)
	JCOND(JGE_K, D >= K) JCOND(JGE_X, D >= S)
	JCOND(JSET_K, D & K) JCOND(JSET_X, D & S)
	JCOND(JNE_K, D != K) JCOND(JNE_X, D != S)
	JCOND(JSGT_K, (s64)D > (s64)K) JCOND(JSGT_X, (s64)D > (s64)S)
	JCOND(JSGE_K, (s64)D >= (s64)K) JCOND(JSGE_X, (s64)D >= (s64)S)
	JCOND(JLT_K, D < K) JCOND(JLT_X, D < S)
	JCOND(JLE_K, D <= K) JCOND(JLE_X, D <= S)
	JCOND(JSLT_K, (s64)D < (s64)K) JCOND(JSLT_X, (s64)D < (s64)S)
	JCOND(JSLE_K, (s64)D <= (s64)K) JCOND(JSLE_X, (s64)D <= (s64)S)
	JCOND(WJEQ_K, D32 == K32) JCOND(WJEQ_X, D32 == S32)
	JCOND(WJGT_K, D32 > K32) JCOND(WJGT_X, D32 > S32)
	JCOND(WJGE_K, D32 >= K32) JCOND(WJGE_X, D32 >= S32)
	JCOND(WJSET_K, D32 & K32) JCOND(WJSET_X, D32 & S32)
	JCOND(WJNE_K, D32 != K32) JCOND(WJNE_X, D32 != S32)
	JCOND(WJSGT_K, (s32)D32 > (s32)K32) JCOND(WJSGT_X, (s32)D32 > (s32)S32)
	JCOND(WJSGE_K, (s32)D32 >= (s32)K32) JCOND(WJSGE_X, (s32)D32 >= (s32)S32)
	JCOND(WJLT_K, D32 < K32) JCOND(WJLT_X, D32 < S32)
	JCOND(WJLE_K, D32 <= K32) JCOND(WJLE_X, D32 <= S32)
	JCOND(WJSLT_K, (s32)D32 < (s32)K32) JCOND(WJSLT_X, (s32)D32 < (s32)S32)
	JCOND(WJSLE_K, (s32)D32 <= (s32)K32) JCOND(WJSLE_X, (s32)D32 <= (s32)S32)
#undef JCOND

	/* ---- calls ---- */
	vmcase(CALL) /* never left undecoded by ub_vm_translate */
		goto fault;
	vmcase(CALL_HELPER)
		r[0] = ((ub_helper_fn)(uintptr_t)K)(run, r[1], r[2], r[3], r[4], r[5]);
		if (unlikely(run->fault))
			goto out;
		vmnext();
	vmcase(ARRAY_LOOKUP) {
		/* bpf_map_lookup_elem on an ARRAY map, as the kernel's verifier inlines it. */
		const struct ub_map *m = (const struct ub_map *)(uintptr_t)r[1];
		if (unlikely(!mem_ok(r[2], 4, false)))
			goto fault;
		u32 k;
		__builtin_memcpy(&k, (const void *)(uintptr_t)r[2], 4);
		r[0] = likely(k < m->max_entries) ? (u64)(uintptr_t)(m->data + (u64)k * m->elem_size) : 0;
		vmnext();
	}
	vmcase(CALL_LOCAL)
		if (unlikely(fdepth + 1 >= UB_MAX_CALL_FRAMES))
			goto fault;
		frames[fdepth].ret_ip = ip + 1;
		memcpy(frames[fdepth].saved, &r[6], sizeof(frames[fdepth].saved));
		fdepth++;
		r[10] = top_of - (uintptr_t)fdepth * UB_STACK_SIZE;
		set_stack(r[10] - UB_STACK_SIZE, top_of);
		vmjump(ip->off);
	vmcase(EXIT)
		if (fdepth == 0)
			goto out;
		fdepth--;
		memcpy(&r[6], frames[fdepth].saved, sizeof(frames[fdepth].saved));
		r[10] = top_of - (uintptr_t)fdepth * UB_STACK_SIZE;
		set_stack(r[10] - UB_STACK_SIZE, top_of);
		ip = frames[fdepth].ret_ip;
		vmjump(ip - x);
	vmcase(TAIL) /* the second slot of lddw is jumped over */
		goto fault;
	vmcase(LDDW) D = K; vmjump(ip - x + 2);

	/* ---- legacy packet loads: out of bounds ends the program with r0 = 0 ---- */
#define LDPKT(name, width, conv, offexpr)                                                   \
	vmcase(name) {                                                                      \
		u64 o = (offexpr);                                                          \
		if (unlikely(o + (width) > run->pkt_len || o + (width) < o)) {              \
			r[0] = 0;                                                           \
			goto out;                                                           \
		}                                                                           \
		r[0] = conv(run->pkt_data + o);                                             \
		vmnext();                                                                   \
	}
	LDPKT(LDABS_W, 4, load_be32, (u64)(s64)(s32)K32)
	LDPKT(LDABS_H, 2, load_be16, (u64)(s64)(s32)K32)
	LDPKT(LDABS_B, 1, load_u8, (u64)(s64)(s32)K32)
	LDPKT(LDIND_W, 4, load_be32, (u64)(s64)(s32)(S32 + K32))
	LDPKT(LDIND_H, 2, load_be16, (u64)(s64)(s32)(S32 + K32))
	LDPKT(LDIND_B, 1, load_u8, (u64)(s64)(s32)(S32 + K32))
#undef LDPKT

	/* ---- loads and stores ---- */
#define LDX(name, T, ET)                                                                    \
	vmcase(name) {                                                                      \
		u64 a = S + (u64)(s64)ip->off;                                              \
		if (unlikely(!mem_ok(a, sizeof(T), false)))                                 \
			goto fault;                                                         \
		T v;                                                                        \
		__builtin_memcpy(&v, (void *)(uintptr_t)a, sizeof(T));                      \
		D = (u64)(ET)v;                                                             \
		vmnext();                                                                   \
	}
#define STORE(name, T, val, base)                                                           \
	vmcase(name) {                                                                      \
		u64 a = (base) + (u64)(s64)ip->off;                                         \
		if (unlikely(!mem_ok(a, sizeof(T), true)))                                  \
			goto fault;                                                         \
		T v = (T)(val);                                                             \
		__builtin_memcpy((void *)(uintptr_t)a, &v, sizeof(T));                      \
		vmnext();                                                                   \
	}
	LDX(LDX_B, u8, u64) LDX(LDX_H, u16, u64) LDX(LDX_W, u32, u64) LDX(LDX_DW, u64, u64)
	LDX(LDXSX_B, s8, s64) LDX(LDXSX_H, s16, s64) LDX(LDXSX_W, s32, s64)
	STORE(ST_B, u8, K, D) STORE(ST_H, u16, K, D) STORE(ST_W, u32, K, D) STORE(ST_DW, u64, K, D)
	STORE(STX_B, u8, S, D) STORE(STX_H, u16, S, D) STORE(STX_W, u32, S, D)
	STORE(STX_DW, u64, S, D)
#undef LDX
#undef STORE

	/*
	 * ---- atomics: real atomic operations on the (shared) memory ----
	 * Alignment is checked in both flavours: the verifier does not prove it
	 * (the kernel refuses misaligned atomics at load).
	 */
#define ATOMIC_ADDR(T)                                                                      \
	T *p = (T *)(uintptr_t)(D + (u64)(s64)ip->off);                                     \
	if (unlikely(!mem_ok((uintptr_t)p, sizeof(T), true) ||                              \
		     !aligned_ok((uintptr_t)p, sizeof(T))))                                 \
		goto fault;
#define AOP(name, T, fn)                                                                    \
	vmcase(name) { ATOMIC_ADDR(T) fn(p, (T)S, __ATOMIC_SEQ_CST); vmnext(); }
#define AFOP(name, T, fn)                                                                   \
	vmcase(name) { ATOMIC_ADDR(T) S = (u64)fn(p, (T)S, __ATOMIC_SEQ_CST); vmnext(); }
	AOP(AADD_W, u32, __atomic_fetch_add) AOP(AADD_DW, u64, __atomic_fetch_add)
	AOP(AOR_W, u32, __atomic_fetch_or) AOP(AOR_DW, u64, __atomic_fetch_or)
	AOP(AAND_W, u32, __atomic_fetch_and) AOP(AAND_DW, u64, __atomic_fetch_and)
	AOP(AXOR_W, u32, __atomic_fetch_xor) AOP(AXOR_DW, u64, __atomic_fetch_xor)
	AFOP(AFADD_W, u32, __atomic_fetch_add) AFOP(AFADD_DW, u64, __atomic_fetch_add)
	AFOP(AFOR_W, u32, __atomic_fetch_or) AFOP(AFOR_DW, u64, __atomic_fetch_or)
	AFOP(AFAND_W, u32, __atomic_fetch_and) AFOP(AFAND_DW, u64, __atomic_fetch_and)
	AFOP(AFXOR_W, u32, __atomic_fetch_xor) AFOP(AFXOR_DW, u64, __atomic_fetch_xor)
	AFOP(AXCHG_W, u32, __atomic_exchange_n) AFOP(AXCHG_DW, u64, __atomic_exchange_n)
	vmcase(ACMPXCHG_W) {
		ATOMIC_ADDR(u32)
		u32 expected = (u32)r[0];
		__atomic_compare_exchange_n(p, &expected, (u32)S, false, __ATOMIC_SEQ_CST,
					    __ATOMIC_SEQ_CST);
		r[0] = expected;
		vmnext();
	}
	vmcase(ACMPXCHG_DW) {
		ATOMIC_ADDR(u64)
		u64 expected = r[0];
		__atomic_compare_exchange_n(p, &expected, S, false, __ATOMIC_SEQ_CST,
					    __ATOMIC_SEQ_CST);
		r[0] = expected;
		vmnext();
	}
#undef AOP
#undef AFOP
#undef ATOMIC_ADDR
#if !UB_THREADED
	case OP_NR:
		break;
#endif
	}
fault:
	run->fault = -EFAULT;
	run->fault_pc = (u32)(ip - x);
out:
	set_stack(saved_lo, saved_hi);
	*ret = r[0];
	return run->fault;
#undef D
#undef S
#undef K
#undef D32
#undef S32
#undef K32
}

#undef vmdispatch
#undef vmcase
#undef vmnext
#undef vmjump
#undef mem_ok
#undef aligned_ok
#undef set_stack
#undef UB_EXEC_NAME
#undef UB_THREADED
#undef UB_CHECKED
