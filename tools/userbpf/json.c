// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The CLI's one JSON writer. Its output is byte-for-byte the layout of the
 * writer bpftool uses (iproute2's json_writer): a separator is written lazily
 * before the next element, names start a new line in pretty mode, scalars in
 * an array stay on the name's line, and a closing bracket goes on its own
 * line only when the container was not empty.
 */
#include "main.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct json_writer {
	FILE *out;
	unsigned depth;
	bool pretty;
	char sep; /* what to write before the next element: '\0' or ',' */
};

struct json_writer *jsonw_new(FILE *f, bool pretty)
{
	struct json_writer *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->out = f;
	w->pretty = pretty;
	return w;
}

void jsonw_destroy(struct json_writer **wp)
{
	if (!*wp)
		return;
	fputc('\n', (*wp)->out);
	fflush((*wp)->out);
	free(*wp);
	*wp = NULL;
}

static void eol(struct json_writer *w)
{
	if (!w->pretty)
		return;
	fputc('\n', w->out);
	for (unsigned i = 0; i < w->depth; i++)
		fputs("    ", w->out);
}

/* End of the previous element: its separator, if any. */
static void eor(struct json_writer *w)
{
	if (w->sep)
		fputc(w->sep, w->out);
	w->sep = ',';
}

static void begin(struct json_writer *w, int c)
{
	eor(w);
	fputc(c, w->out);
	w->depth++;
	w->sep = '\0';
}

static void end(struct json_writer *w, int c)
{
	w->depth--;
	if (w->sep)
		eol(w);
	fputc(c, w->out);
	w->sep = ',';
}

void jsonw_start_object(struct json_writer *w)
{
	begin(w, '{');
}

void jsonw_end_object(struct json_writer *w)
{
	end(w, '}');
}

void jsonw_start_array(struct json_writer *w)
{
	begin(w, '[');
}

void jsonw_end_array(struct json_writer *w)
{
	end(w, ']');
}

static void puts_quoted(struct json_writer *w, const char *s)
{
	fputc('"', w->out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '"':
			fputs("\\\"", w->out);
			break;
		case '\\':
			fputs("\\\\", w->out);
			break;
		case '\n':
			fputs("\\n", w->out);
			break;
		case '\t':
			fputs("\\t", w->out);
			break;
		case '\r':
			fputs("\\r", w->out);
			break;
		case '\b':
			fputs("\\b", w->out);
			break;
		case '\f':
			fputs("\\f", w->out);
			break;
		default:
			if (c < 0x20)
				fprintf(w->out, "\\u%04x", c);
			else
				fputc(c, w->out);
		}
	}
	fputc('"', w->out);
}

void jsonw_name(struct json_writer *w, const char *name)
{
	eor(w);
	eol(w);
	w->sep = '\0';
	puts_quoted(w, name);
	fputc(':', w->out);
	if (w->pretty)
		fputc(' ', w->out);
}

void jsonw_printf(struct json_writer *w, const char *fmt, ...)
{
	va_list ap;
	eor(w);
	va_start(ap, fmt);
	vfprintf(w->out, fmt, ap);
	va_end(ap);
}

void jsonw_string(struct json_writer *w, const char *s)
{
	eor(w);
	puts_quoted(w, s);
}

void jsonw_null(struct json_writer *w)
{
	jsonw_printf(w, "null");
}

void jsonw_bool(struct json_writer *w, bool v)
{
	jsonw_printf(w, "%s", v ? "true" : "false");
}

void jsonw_uint(struct json_writer *w, uint64_t v)
{
	jsonw_printf(w, "%" PRIu64, v);
}

void jsonw_int(struct json_writer *w, int64_t v)
{
	jsonw_printf(w, "%" PRId64, v);
}

void jsonw_string_field(struct json_writer *w, const char *name, const char *v)
{
	jsonw_name(w, name);
	jsonw_string(w, v);
}

void jsonw_uint_field(struct json_writer *w, const char *name, uint64_t v)
{
	jsonw_name(w, name);
	jsonw_uint(w, v);
}

void jsonw_int_field(struct json_writer *w, const char *name, int64_t v)
{
	jsonw_name(w, name);
	jsonw_int(w, v);
}

void jsonw_hex_bytes(struct json_writer *w, const void *data, unsigned int n)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = data;
	char buf[7 * 64];
	jsonw_start_array(w);
	/* The elements as jsonw_printf() would write them, 64 at a time. */
	for (unsigned int i = 0; i < n;) {
		size_t o = 0;
		for (unsigned int j = 0; j < 64 && i < n; j++, i++) {
			if (i)
				buf[o++] = ',';
			memcpy(buf + o, "\"0x", 3);
			buf[o + 3] = digits[p[i] >> 4];
			buf[o + 4] = digits[p[i] & 15];
			buf[o + 5] = '"';
			o += 6;
		}
		fwrite(buf, 1, o, w->out);
	}
	if (n)
		w->sep = ',';
	jsonw_end_array(w);
}
