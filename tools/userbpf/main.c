// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The userbpf CLI: global options and the top-level command table (docs/cli.md). */
#include "main.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "userbpf.h"

#define UB_CLI_VERSION "0.1.0"

bool json_output;
bool pretty_output;
const char *bin_name = "userbpf";
struct json_writer *json_wtr;

static void vp_err(const char *fmt, va_list ap, int err)
{
	char msg[1024];
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (err && n >= 0 && (size_t)n < sizeof(msg)) {
		const char *name = strerrorname_np(err);
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s: %s", name ? name : "E?",
			 strerror(err));
	}
	if (json_output && json_wtr) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "error", msg);
		jsonw_end_object(json_wtr);
	} else {
		fprintf(stderr, "Error: %s\n", msg);
	}
}

int p_err(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vp_err(fmt, ap, 0);
	va_end(ap);
	return 1;
}

int p_errno(int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vp_err(fmt, ap, err);
	va_end(ap);
	return 1;
}

int cmd_select(const struct cmd *cmds, int argc, char **argv, int (*help)(int argc, char **argv))
{
	if (argc < 1)
		return help(argc, argv);
	/* An exact name wins; otherwise the first entry the word is a prefix of. */
	for (const struct cmd *c = cmds; c->name; c++)
		if (!strcmp(argv[0], c->name))
			return c->func(argc - 1, argv + 1);
	for (const struct cmd *c = cmds; c->name; c++)
		if (is_prefix(argv[0], c->name))
			return c->func(argc - 1, argv + 1);
	p_err("unknown command '%s'", argv[0]);
	if (!json_output)
		help(argc - 1, argv + 1);
	return 1;
}

static int do_help(int argc, char **argv)
{
	(void)argc, (void)argv;
	if (json_output) {
		jsonw_null(json_wtr);
		return 0;
	}
	fprintf(stderr,
		"Usage: %s [OPTIONS] OBJECT { COMMAND | help }\n"
		"       %s version\n"
		"\n"
		"       OBJECT := { map }\n"
		"       OPTIONS := { {-j|--json} [{-p|--pretty}] | {-h|--help} | {-V|--version} }\n"
		"\n"
		"The userbpf namespace is $USERBPF_ROOT (default /dev/shm/userbpf-$UID);\n"
		"paths under /sys/fs/bpf name its pin tree. See docs/cli.md.\n",
		bin_name, bin_name);
	return 0;
}

static int do_version(int argc, char **argv)
{
	(void)argc, (void)argv;
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "version", UB_CLI_VERSION);
		jsonw_string_field(json_wtr, "namespace", ub_namespace_root());
		jsonw_end_object(json_wtr);
	} else {
		printf("%s v%s\nnamespace: %s\n", bin_name, UB_CLI_VERSION, ub_namespace_root());
	}
	return 0;
}

static int do_conformance(int argc, char **argv)
{
	if (!ub_cli_conformance_plugin)
		return p_errno(ENOSYS, "conformance-plugin is not built into this userbpf");
	return ub_cli_conformance_plugin(argc, argv);
}

static const struct cmd top_cmds[] = {
	{"map", do_map},
	{"help", do_help},
	{"version", do_version},
	{"conformance-plugin", do_conformance},
	{NULL, NULL},
};

int main(int argc, char **argv)
{
	int i, ret;

	/* Options come first, as with bpftool. */
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *o = argv[i];
		if (!strcmp(o, "-j") || !strcmp(o, "--json")) {
			json_output = true;
		} else if (!strcmp(o, "-p") || !strcmp(o, "--pretty")) {
			json_output = pretty_output = true;
		} else if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			return do_help(0, NULL);
		} else if (!strcmp(o, "-V") || !strcmp(o, "--version")) {
			return do_version(0, NULL);
		} else if (!strcmp(o, "--")) {
			i++;
			break;
		} else {
			fprintf(stderr, "Error: unknown option '%s'\n", o);
			do_help(0, NULL);
			return 1;
		}
	}
	/* conformance-plugin speaks its own protocol on stdout: no JSON around it. */
	if (i < argc && !strcmp(argv[i], "conformance-plugin"))
		return do_conformance(argc - i - 1, argv + i + 1);
	if (json_output) {
		json_wtr = jsonw_new(stdout, pretty_output);
		if (!json_wtr) {
			fprintf(stderr, "Error: out of memory\n");
			return 1;
		}
	}
	ret = cmd_select(top_cmds, argc - i, argv + i, do_help);
	if (json_output)
		jsonw_destroy(&json_wtr);
	return ret;
}
