// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Differential test of element commands and access modes on ARRAY/PERCPU_ARRAY (SEMANTICS.md 2-6). */
#include "array_common.h"

#include <fcntl.h>

static uint8_t vbuf[1024];
static uint8_t kbuf[8];

/* A value buffer: @n meaningful bytes plus a sentinel tail. */
static void *val(size_t n, uint8_t fill)
{
	(void)n;
	memset(vbuf, fill, sizeof(vbuf));
	return vbuf;
}

static void *key(uint32_t k)
{
	memset(kbuf, 0xee, sizeof(kbuf));
	memcpy(kbuf, &k, 4);
	return kbuf;
}

/* A patterned value: bytes base, base+1, ... (padding bytes included). */
static void *pattern(size_t n, uint8_t base)
{
	memset(vbuf, 0x77, sizeof(vbuf));
	for (size_t i = 0; i < n; i++)
		vbuf[i] = (uint8_t)(base + i);
	return vbuf;
}

static void freeze(uint32_t sym)
{
	for (int s = d_first(); s < 2; s++) {
		union bpf_attr a;
		memset(&a, 0, sizeof(a));
		a.map_fd = (uint32_t)d_fd(sym, s);
		CHECK(d_bpf(s, BPF_MAP_FREEZE, &a, sizeof(a)) == 0, "freeze for set-up");
	}
}

static const uint32_t keys[] = {0, 3, 4, 1000, 0x80000000u, 0xffffffffu};
static const uint64_t lflags[] = {0, BPF_F_LOCK, 1, 2, 3, 8, 16, 32, 1ULL << 32, 1ULL << 63};
static const uint64_t uflags[] = {0, 1, 2, 3, 4, 5, 6, 8, 16, 1ULL << 32, 1ULL << 63};

#define E(name, cmd, m, k, v, f)                                                              \
	do {                                                                                  \
		char n_[200];                                                                  \
		snprintf(n_, sizeof(n_), "%s/vs%u/%s", tn, vs, name);                         \
		d_elem_case(n_, cmd, m, k, 8, v, vb + 16, f, 168);                            \
	} while (0)

static void one_map_kind(uint32_t type, const char *tn, uint32_t vs)
{
	char w[64];
	size_t vb = d_value_bytes(type, vs);
	uint32_t m = d_map(type, 4, vs, 4, 0);
	uint32_t ro = d_map(type, 4, vs, 4, BPF_F_RDONLY);
	uint32_t wo = d_map(type, 4, vs, 4, BPF_F_WRONLY);
	uint32_t rop = d_map(type, 4, vs, 4, BPF_F_RDONLY_PROG);
	uint32_t wop = d_map(type, 4, vs, 4, BPF_F_WRONLY_PROG);
	uint32_t fz = d_map(type, 4, vs, 4, 0);
	uint32_t one = d_map(type, 4, vs, 1, 0);
	int nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	uint32_t devnull = d_sym((uint32_t)nullfd, (uint32_t)nullfd);
	uint32_t bad = d_sym((uint32_t)-1, (uint32_t)-1);
	uint32_t unopened = d_sym(987, 987);

	/* 4: updates with every flag and key; fills the map with patterns. */
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		for (size_t f = 0; f < ARRAY_SIZE(uflags); f++) {
			snprintf(w, sizeof(w), "update_k%#x_f%#llx", keys[i],
				 (unsigned long long)uflags[f]);
			E(w, BPF_MAP_UPDATE_ELEM, m, key(keys[i]), pattern(vb, (uint8_t)(16 * i + f)),
			  uflags[f]);
		}
	/* 3: lookups with every flag and key: values, padding and untouched tails. */
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		for (size_t f = 0; f < ARRAY_SIZE(lflags); f++) {
			snprintf(w, sizeof(w), "lookup_k%#x_f%#llx", keys[i],
				 (unsigned long long)lflags[f]);
			E(w, BPF_MAP_LOOKUP_ELEM, m, key(keys[i]), val(vb, 0xab), lflags[f]);
		}
	E("lookup_key_null", BPF_MAP_LOOKUP_ELEM, m, NULL, val(vb, 0xab), 0);
	E("lookup_value_null", BPF_MAP_LOOKUP_ELEM, m, key(1), NULL, 0);
	E("lookup_value_null_oor", BPF_MAP_LOOKUP_ELEM, m, key(4), NULL, 0);
	E("lookup_key_null_value_null", BPF_MAP_LOOKUP_ELEM, m, NULL, NULL, 0);
	E("lookup_fd_-1", BPF_MAP_LOOKUP_ELEM, bad, key(1), val(vb, 0xab), 0);
	E("lookup_fd_unopened", BPF_MAP_LOOKUP_ELEM, unopened, key(1), val(vb, 0xab), 0);
	E("lookup_fd_devnull", BPF_MAP_LOOKUP_ELEM, devnull, key(1), val(vb, 0xab), 0);
	E("lookup_fd_-1_flags8", BPF_MAP_LOOKUP_ELEM, bad, key(1), val(vb, 0xab), 8);
	E("lookup_fd_-1_lock", BPF_MAP_LOOKUP_ELEM, bad, key(1), val(vb, 0xab), BPF_F_LOCK);
	E("lookup_wronly", BPF_MAP_LOOKUP_ELEM, wo, key(1), val(vb, 0xab), 0);
	E("lookup_wronly_key_null", BPF_MAP_LOOKUP_ELEM, wo, NULL, val(vb, 0xab), 0);
	E("lookup_wronly_lock", BPF_MAP_LOOKUP_ELEM, wo, key(1), val(vb, 0xab), BPF_F_LOCK);
	E("lookup_wronly_flags8", BPF_MAP_LOOKUP_ELEM, wo, key(1), val(vb, 0xab), 8);
	E("lookup_key_null_lock", BPF_MAP_LOOKUP_ELEM, m, NULL, val(vb, 0xab), BPF_F_LOCK);
	E("lookup_rdonly", BPF_MAP_LOOKUP_ELEM, ro, key(1), val(vb, 0xab), 0);
	E("lookup_rdonly_prog", BPF_MAP_LOOKUP_ELEM, rop, key(1), val(vb, 0xab), 0);
	E("lookup_wronly_prog", BPF_MAP_LOOKUP_ELEM, wop, key(1), val(vb, 0xab), 0);

	/* 4: the other update cases and their order. */
	E("update_oor_flags3", BPF_MAP_UPDATE_ELEM, m, key(4), pattern(vb, 1), 3);
	E("update_oor_lock", BPF_MAP_UPDATE_ELEM, m, key(4), pattern(vb, 1), BPF_F_LOCK);
	E("update_oor_value_null", BPF_MAP_UPDATE_ELEM, m, key(4), NULL, 0);
	E("update_key_null", BPF_MAP_UPDATE_ELEM, m, NULL, pattern(vb, 1), 0);
	E("update_key_null_flags8", BPF_MAP_UPDATE_ELEM, m, NULL, pattern(vb, 1), 8);
	E("update_key_null_lock", BPF_MAP_UPDATE_ELEM, m, NULL, pattern(vb, 1), BPF_F_LOCK);
	E("update_value_null", BPF_MAP_UPDATE_ELEM, m, key(1), NULL, 0);
	E("update_value_null_flags8", BPF_MAP_UPDATE_ELEM, m, key(1), NULL, 8);
	E("update_value_null_lock", BPF_MAP_UPDATE_ELEM, m, key(1), NULL, BPF_F_LOCK);
	E("update_fd_-1", BPF_MAP_UPDATE_ELEM, bad, key(1), pattern(vb, 1), 0);
	E("update_fd_-1_flags8", BPF_MAP_UPDATE_ELEM, bad, key(1), pattern(vb, 1), 8);
	E("update_fd_devnull", BPF_MAP_UPDATE_ELEM, devnull, key(1), pattern(vb, 1), 0);
	E("update_rdonly", BPF_MAP_UPDATE_ELEM, ro, key(1), pattern(vb, 1), 0);
	E("update_rdonly_null_key_flags8", BPF_MAP_UPDATE_ELEM, ro, NULL, pattern(vb, 1), 8);
	E("update_wronly", BPF_MAP_UPDATE_ELEM, wo, key(1), pattern(vb, 0x40), 0);
	E("update_rdonly_prog", BPF_MAP_UPDATE_ELEM, rop, key(1), pattern(vb, 0x50), 0);
	E("update_wronly_prog", BPF_MAP_UPDATE_ELEM, wop, key(2), pattern(vb, 0x60), 0);
	E("lookup_rdonly_prog_after", BPF_MAP_LOOKUP_ELEM, rop, key(1), val(vb, 0), 0);
	E("lookup_wronly_prog_after", BPF_MAP_LOOKUP_ELEM, wop, key(2), val(vb, 0), 0);

	/* 5: delete and lookup_and_delete. */
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		snprintf(w, sizeof(w), "delete_k%#x", keys[i]);
		E(w, BPF_MAP_DELETE_ELEM, m, key(keys[i]), NULL, 0);
		snprintf(w, sizeof(w), "lookup_and_delete_k%#x", keys[i]);
		E(w, BPF_MAP_LOOKUP_AND_DELETE_ELEM, m, key(keys[i]), val(vb, 0xab), 0);
	}
	E("delete_key_null", BPF_MAP_DELETE_ELEM, m, NULL, NULL, 0);
	E("delete_rdonly", BPF_MAP_DELETE_ELEM, ro, key(1), NULL, 0);
	E("delete_rdonly_key_null", BPF_MAP_DELETE_ELEM, ro, NULL, NULL, 0);
	E("delete_wronly", BPF_MAP_DELETE_ELEM, wo, key(1), NULL, 0);
	E("delete_fd_-1", BPF_MAP_DELETE_ELEM, bad, key(1), NULL, 0);
	for (size_t f = 0; f < ARRAY_SIZE(lflags); f++) {
		snprintf(w, sizeof(w), "lookup_and_delete_f%#llx", (unsigned long long)lflags[f]);
		E(w, BPF_MAP_LOOKUP_AND_DELETE_ELEM, m, key(1), val(vb, 0xab), lflags[f]);
	}
	E("lookup_and_delete_key_null", BPF_MAP_LOOKUP_AND_DELETE_ELEM, m, NULL, val(vb, 0xab), 0);
	E("lookup_and_delete_value_null", BPF_MAP_LOOKUP_AND_DELETE_ELEM, m, key(1), NULL, 0);
	E("lookup_and_delete_rdonly", BPF_MAP_LOOKUP_AND_DELETE_ELEM, ro, key(1), val(vb, 0xab), 0);
	E("lookup_and_delete_rdonly_flags1", BPF_MAP_LOOKUP_AND_DELETE_ELEM, ro, key(1),
	  val(vb, 0xab), 1);
	E("lookup_and_delete_wronly", BPF_MAP_LOOKUP_AND_DELETE_ELEM, wo, key(1), val(vb, 0xab), 0);
	E("lookup_and_delete_fd_-1", BPF_MAP_LOOKUP_AND_DELETE_ELEM, bad, key(1), val(vb, 0xab), 0);
	E("lookup_and_delete_fd_-1_flags1", BPF_MAP_LOOKUP_AND_DELETE_ELEM, bad, key(1),
	  val(vb, 0xab), 1);
	E("lookup_and_delete_key_null_flags1", BPF_MAP_LOOKUP_AND_DELETE_ELEM, m, NULL,
	  val(vb, 0xab), 1);

	/* 6: get_next_key. */
	E("next_null", BPF_MAP_GET_NEXT_KEY, m, NULL, val(4, 0xab), 0);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		snprintf(w, sizeof(w), "next_k%#x", keys[i]);
		E(w, BPF_MAP_GET_NEXT_KEY, m, key(keys[i]), val(4, 0xab), 0);
		snprintf(w, sizeof(w), "next_k%#x_next_null", keys[i]);
		E(w, BPF_MAP_GET_NEXT_KEY, m, key(keys[i]), NULL, 0);
	}
	E("next_k1_k2", BPF_MAP_GET_NEXT_KEY, m, key(2), val(4, 0xab), 0);
	E("next_null_next_null", BPF_MAP_GET_NEXT_KEY, m, NULL, NULL, 0);
	E("next_wronly", BPF_MAP_GET_NEXT_KEY, wo, key(0), val(4, 0xab), 0);
	E("next_wronly_null", BPF_MAP_GET_NEXT_KEY, wo, NULL, NULL, 0);
	E("next_rdonly", BPF_MAP_GET_NEXT_KEY, ro, key(0), val(4, 0xab), 0);
	E("next_fd_-1", BPF_MAP_GET_NEXT_KEY, bad, key(0), val(4, 0xab), 0);
	E("next_fd_devnull", BPF_MAP_GET_NEXT_KEY, devnull, key(0), val(4, 0xab), 0);
	E("next_me1_null", BPF_MAP_GET_NEXT_KEY, one, NULL, val(4, 0xab), 0);
	E("next_me1_k0", BPF_MAP_GET_NEXT_KEY, one, key(0), val(4, 0xab), 0);
	E("next_me1_k1", BPF_MAP_GET_NEXT_KEY, one, key(1), val(4, 0xab), 0);

	/* 2 and 7: frozen maps refuse writes from every fd; reads work. */
	E("update_before_freeze", BPF_MAP_UPDATE_ELEM, fz, key(3), pattern(vb, 0x33), 0);
	freeze(fz);
	E("frozen_update", BPF_MAP_UPDATE_ELEM, fz, key(1), pattern(vb, 1), 0);
	E("frozen_update_flags8", BPF_MAP_UPDATE_ELEM, fz, key(1), pattern(vb, 1), 8);
	E("frozen_update_key_null", BPF_MAP_UPDATE_ELEM, fz, NULL, pattern(vb, 1), 0);
	E("frozen_delete", BPF_MAP_DELETE_ELEM, fz, key(1), NULL, 0);
	E("frozen_lookup_and_delete", BPF_MAP_LOOKUP_AND_DELETE_ELEM, fz, key(1), val(vb, 0xab), 0);
	E("frozen_lookup", BPF_MAP_LOOKUP_ELEM, fz, key(3), val(vb, 0xab), 0);
	E("frozen_next", BPF_MAP_GET_NEXT_KEY, fz, key(0), val(4, 0xab), 0);

	/* Contents after all that: every key. */
	for (uint32_t k = 0; k < 4; k++) {
		snprintf(w, sizeof(w), "final_lookup_k%u", k);
		E(w, BPF_MAP_LOOKUP_ELEM, m, key(k), val(vb, 0xab), 0);
	}
	d_close(m);
	d_close(ro);
	d_close(wo);
	d_close(rop);
	d_close(wop);
	d_close(fz);
	d_close(one);
	close(nullfd);
}

int main(void)
{
	static const uint32_t vss[] = {1, 3, 4, 8, 12, 20};
	d_init("array_elem");
	for (size_t t = 0; t < ARRAY_SIZE(d_types); t++)
		for (size_t i = 0; i < ARRAY_SIZE(vss); i++)
			one_map_kind(d_types[t].type, d_types[t].name, vss[i]);
	return d_done();
}
