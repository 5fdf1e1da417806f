/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The userbpf CLI: command tables, the JSON writer and shared argument helpers. */
#ifndef UB_CLI_MAIN_H
#define UB_CLI_MAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * A command table entry, bpftool's shape: the first word of argv picks one
 * entry by unambiguous prefix and its function gets the remaining words.
 * Each function returns 0, or a non-zero exit status after printing an error.
 */
struct cmd {
	const char *name;
	int (*func)(int argc, char **argv);
};

int cmd_select(const struct cmd *cmds, int argc, char **argv, int (*help)(int argc, char **argv));

/* Global options. */
extern bool json_output;
extern bool pretty_output;
extern const char *bin_name;

/*
 * p_err - print an error: "Error: <sentence>" on stderr, or {"error": ...}
 * into the JSON output. Always returns the exit status to use (1).
 * p_errno - the same with ": <ERRNO_NAME>: <strerror>" appended for @err
 * (a positive errno).
 */
int p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int p_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Argument helpers: is argv[0] @word; advance argc/argv by one. */
static inline bool is_prefix(const char *pfx, const char *word)
{
	while (*pfx && *pfx == *word) {
		pfx++;
		word++;
	}
	return !*pfx;
}
#define NEXT_ARG() ({ argc--; argv++; })
#define REQ_ARGS(n)                                                                         \
	({                                                                                  \
		if (argc < (n))                                                             \
			return p_err("'%s' needs at least %d more argument%s", argc ? *argv : \
				     "command", (n), (n) > 1 ? "s" : "");                   \
	})

/* ---- the one JSON writer (iproute2/bpftool layout, compact or pretty) ---- */
struct json_writer;
extern struct json_writer *json_wtr;

struct json_writer *jsonw_new(FILE *f, bool pretty);
void jsonw_destroy(struct json_writer **w);
void jsonw_start_object(struct json_writer *w);
void jsonw_end_object(struct json_writer *w);
void jsonw_start_array(struct json_writer *w);
void jsonw_end_array(struct json_writer *w);
void jsonw_name(struct json_writer *w, const char *name);
void jsonw_printf(struct json_writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void jsonw_string(struct json_writer *w, const char *s);
void jsonw_null(struct json_writer *w);
void jsonw_bool(struct json_writer *w, bool v);
void jsonw_uint(struct json_writer *w, uint64_t v);
void jsonw_int(struct json_writer *w, int64_t v);
void jsonw_string_field(struct json_writer *w, const char *name, const char *v);
void jsonw_uint_field(struct json_writer *w, const char *name, uint64_t v);
void jsonw_int_field(struct json_writer *w, const char *name, int64_t v);
/* An array of "0xNN" strings, bpftool's print_hex_data_json(). */
void jsonw_hex_bytes(struct json_writer *w, const void *data, unsigned int n);

/* Subcommands. */
int do_map(int argc, char **argv);

/*
 * BTF formatting of map keys and values (btf_fmt.c). @btf is a struct btf
 * from libbpf. Emits one JSON value for @type_id at @data to @w; @plain_text
 * prints hex numbers unquoted, as bpftool's text dumps do.
 */
struct btf;
int btf_fmt_value(struct json_writer *w, const struct btf *btf, uint32_t type_id, const void *data,
		  bool plain_text);

/* `userbpf conformance-plugin ...` lives in conformance.c (VM tests). */
int ub_cli_conformance_plugin(int argc, char **argv) __attribute__((weak));

#endif
