// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * `userbpf map ...`: bpftool's map commands and output shapes, on the
 * userbpf namespace. The CLI carries the library in-process, so libbpf's
 * bpf() wrappers used here reach userbpf, not the kernel.
 */
#include "main.h"
#include "ns.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#define HANDLE_HELP "MAP := { id MAP_ID | pinned FILE | name MAP_NAME }"

/* ---- map handles ------------------------------------------------------- */

static int map_info(int fd, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);
	memset(info, 0, sizeof(*info));
	return bpf_obj_get_info_by_fd(fd, info, &len) ? -errno : 0;
}

/*
 * Open every map that `id N`, `pinned PATH` or `name NAME` at argv names,
 * into @fds (at most @max); consumes the two words. Returns the count, or -1
 * after printing an error.
 */
static int map_parse_fds(int *argc, char ***argv, int *fds, int max)
{
	char **av = *argv;
	if (*argc < 2)
		return p_err("expected '%s' and a value: " HANDLE_HELP, *argc ? av[0] : "MAP"), -1;
	const char *kw = av[0], *val = av[1];
	*argc -= 2;
	*argv += 2;
	if (is_prefix(kw, "id")) {
		char *end;
		unsigned long id = strtoul(val, &end, 0);
		if (*end || !*val)
			return p_err("can't parse '%s' as an id", val), -1;
		int fd = bpf_map_get_fd_by_id((__u32)id);
		if (fd < 0)
			return p_errno(errno, "can't get map by id (%lu)", id), -1;
		fds[0] = fd;
		return 1;
	}
	if (is_prefix(kw, "pinned")) {
		int fd = bpf_obj_get(val);
		if (fd < 0)
			return p_errno(errno, "can't open pinned object '%s'", val), -1;
		struct bpf_map_info info;
		if (map_info(fd, &info) || !info.id) {
			close(fd);
			return p_err("'%s' is not a map", val), -1;
		}
		fds[0] = fd;
		return 1;
	}
	if (is_prefix(kw, "name")) {
		if (strlen(val) > BPF_OBJ_NAME_LEN - 1)
			return p_err("can't parse name '%s': at most %d characters", val,
				     BPF_OBJ_NAME_LEN - 1), -1;
		int n = 0;
		__u32 id = 0;
		while (!bpf_map_get_next_id(id, &id)) {
			int fd = bpf_map_get_fd_by_id(id);
			if (fd < 0)
				continue; /* gone meanwhile */
			struct bpf_map_info info;
			if (map_info(fd, &info) || strncmp(info.name, val, BPF_OBJ_NAME_LEN) ||
			    n == max) {
				close(fd);
				continue;
			}
			fds[n++] = fd;
		}
		if (!n)
			return p_errno(ENOENT, "no map named '%s'", val), -1;
		return n;
	}
	return p_err("expected 'id', 'pinned' or 'name', got: '%s'", kw), -1;
}

/* Exactly one map. */
static int map_parse_fd(int *argc, char ***argv, struct bpf_map_info *info)
{
	int fds[2];
	int n = map_parse_fds(argc, argv, fds, 2);
	if (n < 0)
		return -1;
	if (n > 1) {
		close(fds[0]);
		close(fds[1]);
		return p_err("several maps match this handle"), -1;
	}
	int err = map_info(fds[0], info);
	if (err) {
		close(fds[0]);
		return p_errno(-err, "can't get map info"), -1;
	}
	return fds[0];
}

static void close_fds(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		close(fds[i]);
}

/* ---- what a map looks like ----------------------------------------------- */

static bool map_is_per_cpu(__u32 type)
{
	return type == BPF_MAP_TYPE_PERCPU_ARRAY || type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

static unsigned int value_buf_size(const struct bpf_map_info *info)
{
	if (!map_is_per_cpu(info->type))
		return info->value_size;
	return ((info->value_size + 7) / 8 * 8) * (unsigned)libbpf_num_possible_cpus();
}

/*
 * The fields of /proc/self/fdinfo/@fd that show needs (memlock, frozen), read
 * in one pass as bpftool reads them. Missing fields stay NULL / 0.
 */
struct fdinfo {
	char memlock[32];
	int frozen;
};

static void get_fdinfo(int fd, struct fdinfo *fi)
{
	char path[64], line[256];
	memset(fi, 0, sizeof(*fi));
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');
		if (!v)
			continue;
		*v++ = '\0';
		v += strspn(v, " \t");
		v[strcspn(v, "\n")] = '\0';
		if (!strcmp(line, "memlock"))
			snprintf(fi->memlock, sizeof(fi->memlock), "%s", v);
		else if (!strcmp(line, "frozen"))
			fi->frozen = atoi(v);
	}
	fclose(f);
}

/* Hex bytes as bpftool's fprint_hex(): "  " every 8, a new line every 16. */
static char *hex_str(char *out, const unsigned char *p, unsigned int n)
{
	static const char digits[] = "0123456789abcdef";
	char *o = out;
	for (unsigned int i = 0; i < n; i++) {
		if (i) {
			if (!(i % 16)) {
				*o++ = '\n';
			} else if (!(i % 8)) {
				*o++ = ' ';
				*o++ = ' ';
			} else {
				*o++ = ' ';
			}
		}
		*o++ = digits[p[i] >> 4];
		*o++ = digits[p[i] & 15];
	}
	*o = '\0';
	return out;
}

static void print_hex(const void *p, unsigned int n)
{
	char stackbuf[512];
	char *buf = n * 3 + 8 <= sizeof(stackbuf) ? stackbuf : malloc((size_t)n * 3 + 8);
	if (!buf)
		return;
	fputs(hex_str(buf, p, n), stdout);
	if (buf != stackbuf)
		free(buf);
}

/* ---- show ------------------------------------------------------------------ */

static void show_map_fields(const struct bpf_map_info *info, const char *memlock, int frozen)
{
	const char *type = libbpf_bpf_map_type_str(info->type);

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_uint_field(json_wtr, "id", info->id);
		if (type)
			jsonw_string_field(json_wtr, "type", type);
		else
			jsonw_uint_field(json_wtr, "type", info->type);
		if (*info->name)
			jsonw_string_field(json_wtr, "name", info->name);
		jsonw_uint_field(json_wtr, "flags", info->map_flags);
		jsonw_uint_field(json_wtr, "bytes_key", info->key_size);
		jsonw_uint_field(json_wtr, "bytes_value", info->value_size);
		jsonw_uint_field(json_wtr, "max_entries", info->max_entries);
		if (memlock)
			jsonw_int_field(json_wtr, "bytes_memlock", atoll(memlock));
		jsonw_int_field(json_wtr, "frozen", frozen);
		if (info->btf_id)
			jsonw_int_field(json_wtr, "btf_id", info->btf_id);
		jsonw_end_object(json_wtr);
	} else {
		printf("%u: ", info->id);
		if (type)
			printf("%s  ", type);
		else
			printf("type %u  ", info->type);
		if (*info->name)
			printf("name %s  ", info->name);
		printf("flags 0x%x\n", info->map_flags);
		printf("\tkey %uB  value %uB  max_entries %u", info->key_size, info->value_size,
		       info->max_entries);
		if (memlock)
			printf("  memlock %sB", memlock);
		if (frozen || info->btf_id)
			printf("\n\t");
		if (info->btf_id)
			printf("btf_id %u", info->btf_id);
		if (frozen)
			printf("%sfrozen", info->btf_id ? "  " : "");
		printf("\n");
	}
}

static void show_map(int fd, const struct bpf_map_info *info)
{
	struct fdinfo fi;
	get_fdinfo(fd, &fi);
	show_map_fields(info, fi.memlock[0] ? fi.memlock : NULL, fi.frozen);
}

static int do_show(int argc, char **argv)
{
	struct bpf_map_info info;
	int err = 0;

	if (argc == 2) {
		int fds[64];
		int n = map_parse_fds(&argc, &argv, fds, 64);
		if (n < 0)
			return 1;
		if (json_output && n > 1)
			jsonw_start_array(json_wtr);
		for (int i = 0; i < n; i++) {
			err = map_info(fds[i], &info);
			if (err) {
				p_errno(-err, "can't get map info");
				break;
			}
			show_map(fds[i], &info);
		}
		if (json_output && n > 1)
			jsonw_end_array(json_wtr);
		close_fds(fds, n);
		return err ? 1 : 0;
	}
	if (argc)
		return p_err("expected nothing or a map: " HANDLE_HELP);

	/*
	 * Every map: the ids MAP_GET_NEXT_ID walks, each described from its
	 * header page (ns.c) rather than opened, attached and closed.
	 */
	if (json_output)
		jsonw_start_array(json_wtr);
	uint32_t id = 0;
	for (;;) {
		int r = ns_next_map_id(id, &id);
		if (r) {
			if (r != -ENOENT)
				err = p_errno(-r, "can't get next map");
			break;
		}
		uint64_t memlock;
		int frozen;
		r = ns_map_describe(id, &info, &memlock, &frozen);
		if (r == -ENOENT)
			continue; /* released meanwhile */
		if (r) {
			err = p_errno(-r, "can't get map by id (%u)", id);
			break;
		}
		char ml[32];
		snprintf(ml, sizeof(ml), "%llu", (unsigned long long)memlock);
		show_map_fields(&info, ml, frozen);
	}
	if (json_output)
		jsonw_end_array(json_wtr);
	return err;
}

/* ---- entries ----------------------------------------------------------------- */

struct dumper {
	const struct bpf_map_info *info;
	struct btf *btf;               /* NULL: hex only */
	struct json_writer *btf_wtr;   /* plain output with BTF: a pretty writer */
	unsigned int ncpus, step;
};

static void emit_btf_entry(struct dumper *d, struct json_writer *w, const void *key,
			   const void *value)
{
	const struct bpf_map_info *info = d->info;
	jsonw_start_object(w);
	if (info->btf_key_type_id) {
		jsonw_name(w, "key");
		btf_fmt_value(w, d->btf, info->btf_key_type_id, key, w != json_wtr);
	}
	if (!map_is_per_cpu(info->type)) {
		jsonw_name(w, "value");
		btf_fmt_value(w, d->btf, info->btf_value_type_id, value, w != json_wtr);
	} else {
		jsonw_name(w, "values");
		jsonw_start_array(w);
		for (unsigned int i = 0; i < d->ncpus; i++) {
			jsonw_start_object(w);
			jsonw_int_field(w, "cpu", i);
			jsonw_name(w, "value");
			btf_fmt_value(w, d->btf, info->btf_value_type_id,
				      (const char *)value + (size_t)i * d->step, w != json_wtr);
			jsonw_end_object(w);
		}
		jsonw_end_array(w);
	}
	jsonw_end_object(w);
}

static void print_entry_json(struct dumper *d, const void *key, const void *value)
{
	const struct bpf_map_info *info = d->info;
	jsonw_start_object(json_wtr);
	jsonw_name(json_wtr, "key");
	jsonw_hex_bytes(json_wtr, key, info->key_size);
	if (!map_is_per_cpu(info->type)) {
		jsonw_name(json_wtr, "value");
		jsonw_hex_bytes(json_wtr, value, info->value_size);
	} else {
		jsonw_name(json_wtr, "values");
		jsonw_start_array(json_wtr);
		for (unsigned int i = 0; i < d->ncpus; i++) {
			jsonw_start_object(json_wtr);
			jsonw_int_field(json_wtr, "cpu", i);
			jsonw_name(json_wtr, "value");
			jsonw_hex_bytes(json_wtr, (const char *)value + (size_t)i * d->step,
					info->value_size);
			jsonw_end_object(json_wtr);
		}
		jsonw_end_array(json_wtr);
	}
	if (d->btf) {
		jsonw_name(json_wtr, "formatted");
		emit_btf_entry(d, json_wtr, key, value);
	}
	jsonw_end_object(json_wtr);
}

static void print_entry_plain(struct dumper *d, const void *key, const void *value)
{
	const struct bpf_map_info *info = d->info;
	if (d->btf_wtr) {
		emit_btf_entry(d, d->btf_wtr, key, value);
		return;
	}
	if (!map_is_per_cpu(info->type)) {
		bool break_names = info->key_size > 16 || info->value_size > 16;
		bool single_line = info->key_size + info->value_size <= 24 && !break_names;
		if (info->key_size) {
			fputs(break_names ? "key:\n" : "key: ", stdout);
			print_hex(key, info->key_size);
			fputs(single_line ? "  " : "\n", stdout);
		}
		if (info->value_size) {
			fputs(break_names ? "value:\n" : "value: ", stdout);
			print_hex(value, info->value_size);
		}
		fputc('\n', stdout);
		return;
	}
	if (info->key_size) {
		fputs("key:\n", stdout);
		print_hex(key, info->key_size);
		fputc('\n', stdout);
	}
	for (unsigned int i = 0; info->value_size && i < d->ncpus; i++) {
		printf("value (CPU %02u):%c", i, info->value_size > 16 ? '\n' : ' ');
		print_hex((const char *)value + (size_t)i * d->step, info->value_size);
		fputc('\n', stdout);
	}
}

static void print_entry(struct dumper *d, const void *key, const void *value)
{
	if (json_output)
		print_entry_json(d, key, value);
	else
		print_entry_plain(d, key, value);
}

static void dumper_init(struct dumper *d, const struct bpf_map_info *info)
{
	memset(d, 0, sizeof(*d));
	d->info = info;
	d->ncpus = (unsigned)libbpf_num_possible_cpus();
	d->step = (info->value_size + 7) / 8 * 8;
	if (info->btf_id && info->btf_value_type_id) {
		d->btf = btf__load_from_kernel_by_id(info->btf_id);
		if (libbpf_get_error(d->btf))
			d->btf = NULL;
	}
	if (d->btf && !json_output)
		d->btf_wtr = jsonw_new(stdout, true);
}

static void dumper_fini(struct dumper *d)
{
	if (d->btf_wtr)
		jsonw_destroy(&d->btf_wtr);
	btf__free(d->btf);
}

/*
 * Every entry of the map, in get_next_key order: LOOKUP_BATCH when the map
 * family has it, else GET_NEXT_KEY and LOOKUP_ELEM one by one (an entry
 * deleted meanwhile is skipped, as bpftool does).
 */
static int dump_entries(int fd, struct dumper *d, unsigned int *count)
{
	const struct bpf_map_info *info = d->info;
	unsigned int ks = info->key_size ? info->key_size : 1, vs = value_buf_size(info);
	__u32 batch = 1024;
	char *keys = malloc((size_t)ks * batch), *values = malloc((size_t)vs * batch);
	/* A batch cursor may be wider than a key (hash tables: a bucket index). */
	size_t cur = ks < 8 ? 8 : ks;
	char *prev = calloc(1, cur), *next = calloc(1, cur);
	int err = 0;

	*count = 0;
	if (!keys || !values || !prev || !next) {
		err = -ENOMEM;
		goto out;
	}
	if (info->key_size) {
		bool first = true;
		for (;;) {
			__u32 n = batch;
			LIBBPF_OPTS(bpf_map_batch_opts, opts);
			int r = bpf_map_lookup_batch(fd, first ? NULL : prev, next, keys, values, &n,
						     &opts);
			int e = r ? errno : 0;
			if (r && e != ENOENT && first && !n)
				goto one_by_one; /* no batch ops for this family */
			for (__u32 i = 0; i < n; i++)
				print_entry(d, keys + (size_t)i * ks, values + (size_t)i * vs);
			*count += n;
			if (r && e != ENOENT) {
				err = -e;
				goto out;
			}
			if (r || !n)
				goto out;
			memcpy(prev, next, cur);
			first = false;
		}
	}
one_by_one:
	*count = 0;
	{
		void *key = NULL;
		while (!bpf_map_get_next_key(fd, key, next)) {
			if (!bpf_map_lookup_elem(fd, next, values)) {
				print_entry(d, next, values);
				(*count)++;
			} else if (errno != ENOENT) {
				err = -errno;
				break;
			}
			memcpy(prev, next, ks);
			key = prev;
		}
		if (!err && errno != ENOENT)
			err = -errno;
	}
out:
	free(keys);
	free(values);
	free(prev);
	free(next);
	return err;
}

static int dump_one(int fd)
{
	struct bpf_map_info info;
	struct dumper d;
	unsigned int count = 0;
	int err = map_info(fd, &info);
	if (err)
		return p_errno(-err, "can't get map info");
	dumper_init(&d, &info);
	if (d.btf_wtr)
		jsonw_start_array(d.btf_wtr);
	err = dump_entries(fd, &d, &count);
	if (d.btf_wtr)
		jsonw_end_array(d.btf_wtr);
	dumper_fini(&d);
	if (err)
		return p_errno(-err, "can't dump map (id %u)", info.id);
	if (!json_output && !d.btf)
		printf("Found %u element%s\n", count, count != 1 ? "s" : "");
	return 0;
}

static int do_dump(int argc, char **argv)
{
	int fds[64], n, err = 0;
	long watch = -1, count = -1;

	n = map_parse_fds(&argc, &argv, fds, 64);
	if (n < 0)
		return 1;
	while (argc) {
		if (!strcmp(*argv, "--watch") || !strcmp(*argv, "watch")) {
			NEXT_ARG();
			if (!argc || (watch = strtol(*argv, NULL, 10)) < 0) {
				close_fds(fds, n);
				return p_err("--watch needs a number of seconds");
			}
		} else if (!strcmp(*argv, "--count") || !strcmp(*argv, "count")) {
			NEXT_ARG();
			if (!argc || (count = strtol(*argv, NULL, 10)) < 1) {
				close_fds(fds, n);
				return p_err("--count needs a positive number");
			}
		} else {
			close_fds(fds, n);
			return p_err("unexpected argument '%s'", *argv);
		}
		NEXT_ARG();
	}
	bool tty = isatty(STDOUT_FILENO);
	for (long round = 0;; round++) {
		if (watch >= 0 && tty && !json_output)
			fputs("\033[H\033[2J", stdout); /* redraw in place */
		if (json_output)
			jsonw_start_array(json_wtr);
		for (int i = 0; i < n && !err; i++)
			err = dump_one(fds[i]);
		if (json_output)
			jsonw_end_array(json_wtr);
		fflush(stdout);
		if (err || watch < 0 || (count > 0 && round + 1 >= count))
			break;
		if (json_output) {
			/* One JSON document per round (JSON lines), not one stream. */
			jsonw_destroy(&json_wtr);
			json_wtr = jsonw_new(stdout, pretty_output);
		} else if (!tty) {
			fputc('\n', stdout);
		}
		if (watch)
			sleep((unsigned)watch);
	}
	close_fds(fds, n);
	return err;
}

/* ---- element commands ------------------------------------------------------- */

/* bpftool's parse_bytes(): [hex] BYTE... exactly @n of them. */
static char **parse_bytes(char **argv, int argc, const char *name, unsigned char *val,
			  unsigned int n)
{
	unsigned int i = 0;
	int base = 0;
	if (argc && is_prefix(*argv, "hex")) {
		base = 16;
		argv++;
		argc--;
	}
	while (i < n && (int)i < argc) {
		char *end;
		unsigned long v = strtoul(argv[i], &end, base);
		if (*end || !*argv[i] || v > 255) {
			p_err("error parsing byte: %s", argv[i]);
			return NULL;
		}
		val[i++] = (unsigned char)v;
	}
	if (i != n) {
		p_err("%s expected %u bytes got %u", name, n, i);
		return NULL;
	}
	return argv + i;
}

/* key DATA [value VALUE]; per-CPU values are given once and copied to every CPU. */
static int parse_elem(int *argc, char ***argv, const struct bpf_map_info *info, void *key,
		      void *value)
{
	while (*argc) {
		char **av = *argv, **rest;
		if (key && is_prefix(av[0], "key")) {
			rest = parse_bytes(av + 1, *argc - 1, "key", key, info->key_size);
			key = NULL;
		} else if (value && is_prefix(av[0], "value")) {
			rest = parse_bytes(av + 1, *argc - 1, "value", value, info->value_size);
			if (rest && map_is_per_cpu(info->type)) {
				unsigned int step = (info->value_size + 7) / 8 * 8;
				int ncpus = libbpf_num_possible_cpus();
				memset((char *)value + info->value_size, 0, step - info->value_size);
				for (int i = 1; i < ncpus; i++)
					memcpy((char *)value + (size_t)i * step, value, step);
			}
			value = NULL;
		} else {
			break;
		}
		if (!rest)
			return -1;
		*argc -= (int)(rest - av);
		*argv = rest;
	}
	if (key)
		return p_err("did not find key"), -1;
	if (value)
		return p_err("did not find value"), -1;
	return 0;
}

static int alloc_kv(const struct bpf_map_info *info, void **key, void **value)
{
	*key = calloc(1, info->key_size ? info->key_size : 1);
	*value = calloc(1, value_buf_size(info) + 8);
	if (!*key || !*value) {
		free(*key);
		free(*value);
		return p_errno(ENOMEM, "can't allocate buffers");
	}
	return 0;
}

/*
 * What lookup, getnext, update and delete share: the map from the command
 * line, key and value buffers, and the key (and value) parsed from the rest.
 */
struct elem_cmd {
	struct bpf_map_info info;
	int fd;
	void *key, *value;
};

/* 0, or the command's exit status (1) with everything released. */
static int elem_cmd_open(struct elem_cmd *ec, int *argc, char ***argv, bool key, bool value)
{
	ec->key = ec->value = NULL;
	ec->fd = map_parse_fd(argc, argv, &ec->info);
	if (ec->fd < 0)
		return 1;
	if (alloc_kv(&ec->info, &ec->key, &ec->value)) {
		close(ec->fd);
		return 1;
	}
	if (key && parse_elem(argc, argv, &ec->info, ec->key, value ? ec->value : NULL)) {
		free(ec->key);
		free(ec->value);
		close(ec->fd);
		return 1;
	}
	return 0;
}

static int elem_cmd_close(struct elem_cmd *ec, int err)
{
	free(ec->key);
	free(ec->value);
	close(ec->fd);
	return err;
}

static int unexpected_arg(int argc, char **argv)
{
	return argc ? p_err("unexpected argument '%s'", *argv) : 0;
}

static int do_lookup(int argc, char **argv)
{
	struct elem_cmd ec;
	if (elem_cmd_open(&ec, &argc, &argv, true, false))
		return 1;
	if (unexpected_arg(argc, argv))
		return elem_cmd_close(&ec, 1);
	int err = 0;
	if (bpf_map_lookup_elem(ec.fd, ec.key, ec.value)) {
		if (errno == ENOENT) {
			if (json_output) {
				jsonw_null(json_wtr);
			} else {
				fputs("key:\n", stdout);
				print_hex(ec.key, ec.info.key_size);
				fputs("\n\nNot found\n", stdout);
			}
			err = 1;
		} else {
			err = p_errno(errno, "lookup failed");
		}
		return elem_cmd_close(&ec, err);
	}
	struct dumper d;
	dumper_init(&d, &ec.info);
	print_entry(&d, ec.key, ec.value);
	dumper_fini(&d);
	return elem_cmd_close(&ec, 0);
}

static int do_getnext(int argc, char **argv)
{
	struct elem_cmd ec;
	int err = 0;
	/* The key is optional: without one, the first key. */
	if (elem_cmd_open(&ec, &argc, &argv, false, false))
		return 1;
	bool have_key = argc > 0;
	const struct bpf_map_info info = ec.info;
	void *key = ec.key, *next = ec.value;
	if (have_key && parse_elem(&argc, &argv, &ec.info, key, NULL))
		return elem_cmd_close(&ec, 1);
	if (unexpected_arg(argc, argv))
		return elem_cmd_close(&ec, 1);
	if (bpf_map_get_next_key(ec.fd, have_key ? key : NULL, next))
		return elem_cmd_close(&ec, p_errno(errno, "can't get next key"));
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_name(json_wtr, "key");
		if (have_key)
			jsonw_hex_bytes(json_wtr, key, info.key_size);
		else
			jsonw_null(json_wtr);
		jsonw_name(json_wtr, "next_key");
		jsonw_hex_bytes(json_wtr, next, info.key_size);
		jsonw_end_object(json_wtr);
	} else {
		if (have_key) {
			fputs("key:\n", stdout);
			print_hex(key, info.key_size);
			fputc('\n', stdout);
		} else {
			fputs("key: None\n", stdout);
		}
		fputs("next key:\n", stdout);
		print_hex(next, info.key_size);
		fputc('\n', stdout);
	}
	return elem_cmd_close(&ec, err);
}

static int do_update(int argc, char **argv)
{
	struct elem_cmd ec;
	__u64 flags = BPF_ANY;
	int err = 0;
	if (elem_cmd_open(&ec, &argc, &argv, true, true))
		return 1;
	if (argc == 1 && is_prefix(*argv, "any")) {
		flags = BPF_ANY;
	} else if (argc == 1 && is_prefix(*argv, "noexist")) {
		flags = BPF_NOEXIST;
	} else if (argc == 1 && is_prefix(*argv, "exist")) {
		flags = BPF_EXIST;
	} else if (unexpected_arg(argc, argv)) {
		return elem_cmd_close(&ec, 1);
	}
	if (bpf_map_update_elem(ec.fd, ec.key, ec.value, flags))
		err = p_errno(errno, "update failed");
	else if (json_output)
		jsonw_null(json_wtr);
	return elem_cmd_close(&ec, err);
}

static int do_delete(int argc, char **argv)
{
	struct elem_cmd ec;
	int err = 0;
	if (elem_cmd_open(&ec, &argc, &argv, true, false))
		return 1;
	if (unexpected_arg(argc, argv))
		return elem_cmd_close(&ec, 1);
	if (bpf_map_delete_elem(ec.fd, ec.key))
		err = p_errno(errno, "delete failed");
	else if (json_output)
		jsonw_null(json_wtr);
	return elem_cmd_close(&ec, err);
}

/* ---- create, pin, freeze ------------------------------------------------------ */

static int parse_u32(const char *what, const char *s, __u32 *v)
{
	char *end;
	unsigned long long x = strtoull(s, &end, 0);
	if (!*s || *end || x > UINT32_MAX)
		return p_err("can't parse %s '%s'", what, s), -1;
	*v = (__u32)x;
	return 0;
}

static int map_type_from_str(const char *s)
{
	for (int t = 1; t < 64; t++) {
		const char *name = libbpf_bpf_map_type_str(t);
		if (name && !strcmp(name, s))
			return t;
	}
	return -1;
}

static int do_create(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts);
	__u32 key_size = 0, value_size = 0, max_entries = 0;
	const char *name = NULL, *path;
	int type = -1, inner_fd = -1, err = 0;
	bool have_key = false, have_value = false, have_entries = false;

	REQ_ARGS(7);
	path = *argv;
	NEXT_ARG();
	while (argc) {
		const char *kw = *argv;
		if (argc < 2) {
			err = p_err("'%s' needs a value", kw);
			goto out;
		}
		const char *v = argv[1];
		if (is_prefix(kw, "type")) {
			if ((type = map_type_from_str(v)) < 0) {
				err = p_err("unrecognized map type: %s", v);
				goto out;
			}
		} else if (is_prefix(kw, "key")) {
			if (parse_u32("key size", v, &key_size))
				return 1;
			have_key = true;
		} else if (is_prefix(kw, "value")) {
			if (parse_u32("value size", v, &value_size))
				return 1;
			have_value = true;
		} else if (is_prefix(kw, "entries")) {
			if (parse_u32("max entries", v, &max_entries))
				return 1;
			have_entries = true;
		} else if (is_prefix(kw, "name")) {
			name = v;
		} else if (is_prefix(kw, "flags")) {
			if (parse_u32("flags", v, &opts.map_flags))
				return 1;
		} else if (is_prefix(kw, "numa_node")) {
			if (parse_u32("numa node", v, &opts.numa_node))
				return 1;
		} else if (is_prefix(kw, "inner_map")) {
			struct bpf_map_info info;
			argc--, argv++;
			inner_fd = map_parse_fd(&argc, &argv, &info);
			if (inner_fd < 0)
				return 1;
			opts.inner_map_fd = (__u32)inner_fd;
			continue;
		} else {
			err = p_err("unknown arg %s", kw);
			goto out;
		}
		argc -= 2;
		argv += 2;
	}
	if (!name) {
		err = p_err("map name not specified");
		goto out;
	}
	if (type < 0 || !have_key || !have_value || !have_entries) {
		err = p_err("map type, key, value and entries must all be given");
		goto out;
	}
	int fd = bpf_map_create((enum bpf_map_type)type, name, key_size, value_size, max_entries,
				&opts);
	if (fd < 0) {
		err = p_errno(errno, "map create failed");
		goto out;
	}
	if (bpf_obj_pin(fd, path)) {
		err = p_errno(errno, "failed to pin map at '%s'", path);
		close(fd);
		goto out;
	}
	close(fd);
	if (json_output)
		jsonw_null(json_wtr);
out:
	if (inner_fd >= 0)
		close(inner_fd);
	return err;
}

static int do_pin(int argc, char **argv)
{
	struct bpf_map_info info;
	int fd = map_parse_fd(&argc, &argv, &info), err = 0;
	if (fd < 0)
		return 1;
	if (argc != 1) {
		close(fd);
		return p_err("expected one path to pin at");
	}
	if (bpf_obj_pin(fd, *argv))
		err = p_errno(errno, "can't pin the map at '%s'", *argv);
	else if (json_output)
		jsonw_null(json_wtr);
	close(fd);
	return err;
}

static int do_freeze(int argc, char **argv)
{
	struct bpf_map_info info;
	int fd = map_parse_fd(&argc, &argv, &info), err = 0;
	if (fd < 0)
		return 1;
	if (argc) {
		close(fd);
		return p_err("unexpected argument '%s'", *argv);
	}
	if (bpf_map_freeze(fd))
		err = p_errno(errno, "failed to freeze map");
	else if (json_output)
		jsonw_null(json_wtr);
	close(fd);
	return err;
}

static int do_help(int argc, char **argv)
{
	(void)argc, (void)argv;
	if (json_output) {
		jsonw_null(json_wtr);
		return 0;
	}
	fprintf(stderr,
		"Usage: %1$s map { show | list }   [MAP]\n"
		"       %1$s map create     FILE type TYPE key KEY_SIZE value VALUE_SIZE \\\n"
		"                              entries MAX_ENTRIES name NAME [flags FLAGS] \\\n"
		"                              [numa_node NODE] [inner_map MAP]\n"
		"       %1$s map dump       MAP [--watch SECONDS [--count N]]\n"
		"       %1$s map update     MAP key DATA value VALUE [UPDATE_FLAGS]\n"
		"       %1$s map lookup     MAP key DATA\n"
		"       %1$s map getnext    MAP [key DATA]\n"
		"       %1$s map delete     MAP key DATA\n"
		"       %1$s map pin        MAP  FILE\n"
		"       %1$s map freeze     MAP\n"
		"       %1$s map help\n"
		"\n"
		"       " HANDLE_HELP "\n"
		"       DATA := { [hex] BYTES }\n"
		"       VALUE := { [hex] BYTES }\n"
		"       UPDATE_FLAGS := { any | exist | noexist }\n"
		"       TYPE := { array | percpu_array | hash | ... (bpftool's names) }\n"
		"       FILE := a path under /sys/fs/bpf (the namespace's pin tree)\n"
		"       OPTIONS := { {-j|--json} [{-p|--pretty}] }\n",
		bin_name);
	return 0;
}

static const struct cmd map_cmds[] = {
	{"show", do_show},     {"list", do_show},     {"help", do_help},
	{"dump", do_dump},     {"update", do_update}, {"lookup", do_lookup},
	{"getnext", do_getnext}, {"delete", do_delete}, {"pin", do_pin},
	{"create", do_create}, {"freeze", do_freeze}, {NULL, NULL},
};

int do_map(int argc, char **argv)
{
	/* --help anywhere shows this object's help. */
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return do_help(0, NULL);
	return cmd_select(map_cmds, argc, argv, do_help);
}
