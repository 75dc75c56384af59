/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>
#include "jail/error.h"

static void verr(struct jail_error *err, const char *fmt, va_list ap) _printf_(2, 0);
static void verr(struct jail_error *err, const char *fmt, va_list ap)
{
	if (!err)
		return;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int jail_err(struct jail_error *err, int r, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->file[0] = '\0';
		err->line = 0;
	}
	va_start(ap, fmt);
	verr(err, fmt, ap);
	va_end(ap);
	return r;
}

int jail_err_at(struct jail_error *err, int r, const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
		err->line = line;
	}
	va_start(ap, fmt);
	verr(err, fmt, ap);
	va_end(ap);
	return r;
}

const char *jail_error_format(const struct jail_error *err, char *buf, size_t size)
{
	if (err->file[0] && err->line > 0)
		snprintf(buf, size, "%s:%u: %s", err->file, err->line, err->msg);
	else if (err->file[0])
		snprintf(buf, size, "%s: %s", err->file, err->msg);
	else
		snprintf(buf, size, "%s", err->msg);
	return buf;
}

const char *jail_escape(const char *s, char *buf, size_t size)
{
	size_t o = 0;

	if (size == 0)
		return buf;
	for (; s && *s && o + 5 < size; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch < 0x20 || ch >= 0x7f || ch == '\\') {
			snprintf(buf + o, size - o, "\\x%02x", ch);
			o += 4;
		} else
			buf[o++] = (char)ch;
	}
	buf[o] = '\0';
	return buf;
}
