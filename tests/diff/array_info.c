// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Differential test of OBJ_GET_INFO_BY_FD, MAP_GET_NEXT_ID and MAP_GET_FD_BY_ID on arrays (SEMANTICS.md 2, 10). */
#include "array_common.h"

#include <fcntl.h>
#include <limits.h>

static uint8_t info[4200];
static uint8_t hashbuf[64];

static struct dcase *ic(uint32_t sym, uint32_t len, const char *tn, const char *what)
{
	struct dcase *c = d_new(BPF_OBJ_GET_INFO_BY_FD, 168, "%s/info_%s", tn, what);
	memset(info, 0, sizeof(info));
	memset(hashbuf, 0xcd, sizeof(hashbuf));
	c->t.a.info.bpf_fd = sym;
	c->t.a.info.info_len = len;
	c->t.a.info.info = d_ptr(c, info, sizeof(info));
	d_buf(c, hashbuf, sizeof(hashbuf));
	d_mask(c, 0, 4, 4); /* the id differs between the sides */
	return c;
}

static void set_hash(uint64_t ptr, uint32_t size)
{
	memcpy(info + 88, &ptr, 8);
	memcpy(info + 96, &size, 4);
}

static long freeze(uint32_t sym)
{
	long r = 0;
	for (int s = d_first(); s < 2; s++) {
		union bpf_attr a;
		memset(&a, 0, sizeof(a));
		a.map_fd = (uint32_t)d_fd(sym, s);
		r |= d_bpf(s, BPF_MAP_FREEZE, &a, sizeof(a));
	}
	return r;
}

static void info_cases(uint32_t type, const char *tn)
{
	char w[64];
	struct dcase *c;
	uint32_t m = d_map(type, 4, 8, 4, 0);
	uint32_t named = 0;

	d_run(ic(m, 256, tn, "len256"));
	d_run(ic(m, 104, tn, "len104"));
	d_run(ic(m, 88, tn, "len88"));
	d_run(ic(m, 8, tn, "len8"));
	d_run(ic(m, 4, tn, "len4"));
	d_run(ic(m, 3, tn, "len3"));
	d_run(ic(m, 4096, tn, "len4096"));
	d_run(ic(m, 4097, tn, "len4097"));
	c = ic(m, 0, tn, "len0_null");
	c->t.a.info.info = 0;
	d_run(c);
	c = ic(m, 88, tn, "len88_null");
	c->t.a.info.info = 0;
	d_run(c);
	c = ic(m, 256, tn, "len256_null");
	c->t.a.info.info = 0;
	d_run(c);
	/* Non-zero input bytes past the fields the kernel knows, one at a time. */
	for (unsigned off = 84; off < 260; off++) {
		snprintf(w, sizeof(w), "byte%u", off);
		c = ic(m, 260, tn, w);
		info[off] = 0x01;
		d_run(c);
	}
	/* Caller-filled fields: echoed or overwritten. */
	for (unsigned off = 0; off < 88; off += 4) {
		snprintf(w, sizeof(w), "prefill%u", off);
		c = ic(m, 104, tn, w);
		memset(info + off, 0x5a, 4);
		d_run(c);
	}
	/* The hash of the values: only for a frozen array. */
	static const uint32_t hs[] = {0, 1, 20, 31, 32, 33, 64};
	for (int frozen = 0; frozen < 2; frozen++) {
		if (frozen) {
			uint8_t v[64];
			for (int s = d_first(); s < 2; s++)
				for (uint32_t k = 0; k < 4; k += 2) {
					memset(v, (int)(0x11 * (k + 1)), sizeof(v));
					d_elem(s, BPF_MAP_UPDATE_ELEM, m, &k, v, 0);
				}
			CHECK(freeze(m) == 0, "freeze");
		}
		for (size_t i = 0; i < ARRAY_SIZE(hs); i++) {
			snprintf(w, sizeof(w), "hash_size%u_%s", hs[i], frozen ? "frozen" : "live");
			c = ic(m, 104, tn, w);
			set_hash((uint64_t)(uintptr_t)hashbuf, hs[i]);
			d_run(c);
			snprintf(w, sizeof(w), "hash_null_size%u_%s", hs[i], frozen ? "frozen" : "live");
			c = ic(m, 104, tn, w);
			set_hash(0, hs[i]);
			d_run(c);
			snprintf(w, sizeof(w), "hash_size%u_len96_%s", hs[i],
				 frozen ? "frozen" : "live");
			c = ic(m, 96, tn, w);
			set_hash((uint64_t)(uintptr_t)hashbuf, hs[i]);
			d_run(c);
		}
	}
	/* A frozen, all-zero array (SHA-256 of zeros) of a few shapes. */
	static const uint32_t shapes[][2] = {{4, 8}, {1, 1}, {3, 12}, {600, 20}};
	for (size_t i = 0; i < ARRAY_SIZE(shapes); i++) {
		uint32_t z = d_map(type, 4, shapes[i][1], shapes[i][0], 0);
		freeze(z);
		snprintf(w, sizeof(w), "hash_zero_me%u_vs%u", shapes[i][0], shapes[i][1]);
		c = ic(z, 104, tn, w);
		set_hash((uint64_t)(uintptr_t)hashbuf, 32);
		d_run(c);
		d_close(z);
	}
	/* A map with a name and flags. */
	for (int s = d_first(); s < 2; s++) {
		union bpf_attr a;
		memset(&a, 0, sizeof(a));
		a.map_type = type;
		a.key_size = 4;
		a.value_size = 8;
		a.max_entries = 2;
		a.map_flags = BPF_F_RDONLY_PROG | BPF_F_WRONLY;
		memcpy(a.map_name, "nm\0xyz", 6);
		long r = d_bpf(s, BPF_MAP_CREATE, &a, sizeof(a));
		if (s == d_first())
			named = d_sym((uint32_t)r, (uint32_t)r);
		else
			d.syms[named - D_SYM_BASE][s] = (uint32_t)r;
	}
	d_run(ic(named, 256, tn, "named_wronly"));
	d_close(named);

	/* Not a map fd: EBADFD for a closed fd (unlike every other command), EINVAL else. */
	int nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	uint32_t bads[][2] = {{(uint32_t)-1, (uint32_t)-1}, {1000, 1000},
			      {(uint32_t)nullfd, (uint32_t)nullfd}};
	for (size_t i = 0; i < ARRAY_SIZE(bads); i++) {
		uint32_t b = d_sym(bads[i][0], bads[i][1]);
		snprintf(w, sizeof(w), "badfd%zu", i);
		d_run(ic(b, 104, tn, w));
		d_unsym(b);
	}
	close(nullfd);
	/* A closed map fd. */
	uint32_t gone = d_map(type, 4, 8, 4, 0);
	for (int s = d_first(); s < 2; s++)
		close(d_fd(gone, s));
	d_run(ic(gone, 104, tn, "closed_map_fd"));
	d_unsym(gone);
	d_close(m);
}

/*
 * /proc/self/fdinfo of a map fd, without the lines that differ by nature
 * (file position, open flags, mount and inode, the id).
 */
static void fdinfo_case(const char *name, uint32_t sym)
{
	struct dres r[2] = {{0}};
	for (int s = d_first(); s < 2; s++) {
		char path[64], line[256], out[2048] = "";
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", d_fd(sym, s));
		FILE *f = fopen(path, "re");
		if (!f) {
			r[s] = d_res(-1, errno, NULL, 0);
			continue;
		}
		while (fgets(line, sizeof(line), f)) {
			if (!strncmp(line, "pos:", 4) || !strncmp(line, "flags:", 6) ||
			    !strncmp(line, "mnt_id:", 7) || !strncmp(line, "ino:", 4) ||
			    !strncmp(line, "map_id:", 7))
				continue;
			strncat(out, line, sizeof(out) - strlen(out) - 1);
		}
		fclose(f);
		r[s] = d_res(0, 0, out, strlen(out));
		if (getenv("UB_DIFF_VERBOSE"))
			fprintf(stderr, "%s side %d:\n%s", name, s, out);
	}
	d_report(name, r);
}

static void fdinfo_cases(uint32_t type, const char *tn)
{
	static const uint32_t shapes[][3] = {{4, 8, 0}, {1, 1, 0}, {1000, 12, 0}, {3, 20, 0},
					     {4, 8, BPF_F_RDONLY_PROG}, {10, 8, BPF_F_MMAPABLE}};
	char w[64];
	for (size_t i = 0; i < ARRAY_SIZE(shapes); i++) {
		if (type != BPF_MAP_TYPE_ARRAY && (shapes[i][2] & BPF_F_MMAPABLE))
			continue;
		uint32_t m = d_map(type, 4, shapes[i][1], shapes[i][0], shapes[i][2]);
		snprintf(w, sizeof(w), "%s/fdinfo_me%u_vs%u_f%#x", tn, shapes[i][0], shapes[i][1],
			 shapes[i][2]);
		fdinfo_case(w, m);
		freeze(m);
		snprintf(w, sizeof(w), "%s/fdinfo_me%u_vs%u_f%#x_frozen", tn, shapes[i][0],
			 shapes[i][1], shapes[i][2]);
		fdinfo_case(w, m);
		d_close(m);
	}
}

static void id_cases(uint32_t type, const char *tn)
{
	char w[64];
	struct dcase *c;
	uint32_t m = d_map(type, 4, 8, 4, 0);
	uint32_t id = d_map_id(m);
	uint8_t v[64];

	/* GET_NEXT_ID: behaviour only, ids differ (next_id masked). */
	static const uint32_t starts[] = {0, INT_MAX - 1, INT_MAX, 0x80000000u, UINT_MAX};
	for (size_t i = 0; i < ARRAY_SIZE(starts); i++) {
		c = d_new(BPF_MAP_GET_NEXT_ID, 168, "%s/next_id_%#x", tn, starts[i]);
		c->t.a.start_id = starts[i];
		d_mask(c, -1, 4, 4);
		d_run(c);
	}
	c = d_new(BPF_MAP_GET_NEXT_ID, 168, "%s/next_id_from_mine", tn);
	c->t.a.start_id = id;
	d_mask(c, -1, 4, 4);
	d_run(c);
	for (unsigned off = 8; off < 20; off++) {
		c = d_new(BPF_MAP_GET_NEXT_ID, 168, "%s/next_id_byte%u", tn, off);
		c->t.b[off] = 1;
		d_mask(c, -1, 4, 4);
		d_run(c);
	}

	/* GET_FD_BY_ID with open_flags; the fd's access mode is then used. */
	static const uint32_t of[] = {0, BPF_F_RDONLY, BPF_F_WRONLY, BPF_F_RDONLY | BPF_F_WRONLY, 1,
				      BPF_F_RDONLY_PROG, BPF_F_MMAPABLE, 1u << 31};
	for (size_t i = 0; i < ARRAY_SIZE(of); i++) {
		c = d_new(BPF_MAP_GET_FD_BY_ID, 168, "%s/fd_by_id_flags%#x", tn, of[i]);
		c->t.a.map_id = id;
		c->t.a.open_flags = of[i];
		c->keep = true;
		d_run(c);
		uint32_t f = (uint32_t)c->sym;
		bool all = true;
		for (int s = d_first(); s < 2; s++)
			all &= d_fd(f, s) >= 0;
		if (all) {
			uint32_t k = 1;
			memset(v, 0x42, sizeof(v));
			snprintf(w, sizeof(w), "%s/fd_by_id_flags%#x_update", tn, of[i]);
			d_elem_case(w, BPF_MAP_UPDATE_ELEM, f, &k, 4, v, sizeof(v), 0, 168);
			snprintf(w, sizeof(w), "%s/fd_by_id_flags%#x_lookup", tn, of[i]);
			memset(v, 0xcd, sizeof(v));
			d_elem_case(w, BPF_MAP_LOOKUP_ELEM, f, &k, 4, v, sizeof(v), 0, 168);
			snprintf(w, sizeof(w), "%s/fd_by_id_flags%#x_info", tn, of[i]);
			d_info_case(w, f);
		}
		d_close(f);
	}
	static const uint32_t badids[] = {0, 0x7ffffff0u, UINT_MAX};
	for (size_t i = 0; i < ARRAY_SIZE(badids); i++) {
		c = d_new(BPF_MAP_GET_FD_BY_ID, 168, "%s/fd_by_id_bad%#x", tn, badids[i]);
		c->t.a.map_id = badids[i];
		d_run(c);
	}
	for (unsigned off = 12; off < 24; off++) {
		c = d_new(BPF_MAP_GET_FD_BY_ID, 168, "%s/fd_by_id_byte%u", tn, off);
		c->t.a.map_id = id;
		c->t.b[off] = 1;
		d_run(c);
	}
	/* Tokens: the fd only counts with BPF_F_TOKEN_FD, and no token exists here. */
	static const uint32_t tok[][2] = {{1u << 16, 0}, {1u << 16, (uint32_t)-1}, {1u << 16, 0},
					  {(1u << 16) | BPF_F_RDONLY, 999}, {0, (uint32_t)-1}};
	for (size_t i = 0; i < ARRAY_SIZE(tok); i++) {
		c = d_new(BPF_MAP_GET_FD_BY_ID, 168, "%s/fd_by_id_token%zu", tn, i);
		c->t.a.map_id = id;
		c->t.a.open_flags = tok[i][0];
		memcpy(c->t.b + 12, &tok[i][1], 4);
		if (i == 2)
			c->t.a.map_id = 0;
		d_run(c);
	}
	/* A frozen map: fds opened later by id cannot write either. */
	CHECK(freeze(m) == 0, "freeze");
	c = d_new(BPF_MAP_GET_FD_BY_ID, 168, "%s/fd_by_id_frozen", tn);
	c->t.a.map_id = id;
	c->keep = true;
	d_run(c);
	uint32_t f = (uint32_t)c->sym;
	uint32_t k = 0;
	memset(v, 0x42, sizeof(v));
	snprintf(w, sizeof(w), "%s/fd_by_id_frozen_update", tn);
	d_elem_case(w, BPF_MAP_UPDATE_ELEM, f, &k, 4, v, sizeof(v), 0, 168);
	d_close(f);
	/* A closed map's id is gone once the last fd goes. */
	d_close(m);
	c = d_new(BPF_MAP_GET_FD_BY_ID, 168, "%s/fd_by_id_closed", tn);
	c->t.a.map_id = id;
	d_run(c);
	d_unsym(id);
}

int main(void)
{
	d_init("array_info");
	for (size_t t = 0; t < ARRAY_SIZE(d_types); t++) {
		info_cases(d_types[t].type, d_types[t].name);
		fdinfo_cases(d_types[t].type, d_types[t].name);
		id_cases(d_types[t].type, d_types[t].name);
	}
	return d_done();
}
