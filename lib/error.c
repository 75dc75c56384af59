/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
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

int jail_err_at(struct jail_error *err, int r, const char *file, unsigned line, const char *fmt,
		...)
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
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		char enc[5];
		size_t n;

		if (ch == '\'' || ch == '"' || ch == '\\')
			n = (size_t)snprintf(enc, sizeof(enc), "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f || ch == '=')
			n = (size_t)snprintf(enc, sizeof(enc), "\\x%02x", ch);
		else
			n = (size_t)snprintf(enc, sizeof(enc), "%c", ch);
		if (o + n >= size)
			break; /* never half an escape */
		memcpy(buf + o, enc, n);
		o += n;
	}
	buf[o] = '\0';
	return buf;
}

/* appends `s` (n bytes) to buf[*o..size), truncating */
static void put(char *buf, size_t size, size_t *o, const char *s, size_t n)
{
	if (*o + 1 >= size)
		return;
	if (n > size - 1 - *o)
		n = size - 1 - *o;
	memcpy(buf + *o, s, n);
	*o += n;
	buf[*o] = '\0';
}

static void put_value(char *buf, size_t size, size_t *o, const char *s, int prec)
{
	/* escape into the rest of buf directly: same truncation rules */
	char *raw = NULL;

	if (!s)
		s = "(null)";
	if (prec >= 0 && strnlen(s, (size_t)prec) == (size_t)prec) {
		raw = strndup(s, (size_t)prec);
		s = raw ? raw : "";
	}
	if (*o + 1 < size) {
		jail_escape(s, buf + *o, size - *o);
		*o += strlen(buf + *o);
	}
	free(raw);
}

const char *jail_log_line(char *buf, size_t size, const char *fmt, va_list ap)
{
	int saved_errno = errno;
	size_t o = 0;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (const char *p = fmt; *p && o + 1 < size; p++) {
		char num[24];
		const char *v = num;

		if (*p != '%') {
			buf[o++] = *p;
			buf[o] = '\0';
			continue;
		}
		switch (*++p) {
		case 's':
			v = va_arg(ap, const char *);
			break;
		case 'm':
			v = strerror(saved_errno);
			break;
		case 'u':
			snprintf(num, sizeof(num), "%u", va_arg(ap, unsigned));
			break;
		case 'd':
			snprintf(num, sizeof(num), "%d", va_arg(ap, int));
			break;
		case '%':
			v = "%";
			break;
		default:
			return buf; /* not one of ours: stop before reading anything */
		}
		o += strlen(jail_escape(v ? v : "(null)", buf + o, size - o));
	}
	return buf;
}

const char *jail_log_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	int saved_errno = errno;
	size_t o = 0;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	while (*fmt) {
		const char *pct = strchr(fmt, '%'), *spec;
		char one[32], num[64];
		int prec = -1, lng = 0, hh = 0;
		char conv;

		if (!pct) {
			put(buf, size, &o, fmt, strlen(fmt));
			break;
		}
		put(buf, size, &o, fmt, (size_t)(pct - fmt));
		spec = pct++;
		while (*pct && strchr("-+ #0", *pct))
			pct++;
		if (*pct == '*') {
			(void)va_arg(ap, int); /* width: not used in log lines */
			pct++;
		} else
			while (*pct >= '0' && *pct <= '9')
				pct++;
		if (*pct == '.') {
			pct++;
			if (*pct == '*') {
				prec = va_arg(ap, int);
				pct++;
			} else {
				prec = 0;
				while (*pct >= '0' && *pct <= '9')
					prec = prec * 10 + (*pct++ - '0');
			}
		}
		/* lng: 0 int, 1 long, 2 long long, 3 size_t, 4 intmax_t, 5 ptrdiff_t */
		if (*pct == 'h') {
			hh = pct[1] == 'h' ? 2 : 1;
			pct += hh;
		} else if (*pct == 'l') {
			lng = pct[1] == 'l' ? 2 : 1;
			pct += lng;
		} else if (*pct == 'z' || *pct == 'j' || *pct == 't') {
			lng = *pct == 'z' ? 3 : *pct == 'j' ? 4 : 5;
			pct++;
		}
		conv = *pct;
		if (!conv)
			break;
		fmt = pct + 1;
		snprintf(one, sizeof(one), "%.*s", (int)(pct - spec + 1), spec);
		switch (conv) {
		case '%':
			put(buf, size, &o, "%", 1);
			break;
		case 's':
			put_value(buf, size, &o, va_arg(ap, const char *), prec);
			break;
		case 'm':
			put_value(buf, size, &o, strerror(saved_errno), -1);
			break;
		case 'c': {
			char c[2] = { (char)va_arg(ap, int), 0 };

			put_value(buf, size, &o, c, -1);
			break;
		}
		case 'd':
		case 'i': {
			long long v = lng == 0   ? va_arg(ap, int)
				      : lng == 1 ? va_arg(ap, long)
				      : lng == 2 ? va_arg(ap, long long)
				      : lng == 3 ? (long long)va_arg(ap, ssize_t)
				      : lng == 4 ? (long long)va_arg(ap, intmax_t)
						 : (long long)va_arg(ap, ptrdiff_t);

			snprintf(num, sizeof(num), "%lld", v);
			put(buf, size, &o, num, strlen(num));
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			unsigned long long v = lng == 0   ? va_arg(ap, unsigned)
					       : lng == 1 ? va_arg(ap, unsigned long)
					       : lng == 2 ? va_arg(ap, unsigned long long)
					       : lng == 3 ? va_arg(ap, size_t)
					       : lng == 4
						       ? (unsigned long long)va_arg(ap, uintmax_t)
						       : (unsigned long long)va_arg(ap, ptrdiff_t);

			if (hh)
				v &= hh == 2 ? 0xffULL : 0xffffULL;
			snprintf(num, sizeof(num),
				 conv == 'u'   ? "%llu"
				 : conv == 'x' ? "%llx"
				 : conv == 'X' ? "%llX"
					       : "%llo",
				 v);
			put(buf, size, &o, num, strlen(num));
			break;
		}
		case 'e':
		case 'E':
		case 'f':
		case 'F':
		case 'g':
		case 'G':
		case 'a':
		case 'A': {
			double v = va_arg(ap, double);

			snprintf(num, sizeof(num), "%g", v);
			put(buf, size, &o, num, strlen(num));
			break;
		}
		case 'p':
			snprintf(num, sizeof(num), "%p", va_arg(ap, void *));
			put(buf, size, &o, num, strlen(num));
			break;
		default: /* not a conversion we know: print it, consume nothing */
			put(buf, size, &o, one, strlen(one));
			break;
		}
	}
	errno = saved_errno;
	return buf;
}

const char *jail_log_format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	jail_log_vformat(buf, size, fmt, ap);
	va_end(ap);
	return buf;
}

const char *jail_ref_new(char ref[JAIL_REF_SIZE])
{
	unsigned char b[3];

	if (getrandom(b, sizeof(b), GRND_NONBLOCK) != (ssize_t)sizeof(b)) {
		/* early boot: a ref needs to be told apart, not to be secret */
		struct timespec ts;
		unsigned long v;

		clock_gettime(CLOCK_REALTIME, &ts);
		v = (unsigned long)ts.tv_nsec ^ ((unsigned long)ts.tv_sec << 7) ^
		    ((unsigned long)getpid() << 11);
		b[0] = (unsigned char)v;
		b[1] = (unsigned char)(v >> 8);
		b[2] = (unsigned char)(v >> 16);
	}
	snprintf(ref, JAIL_REF_SIZE, "%02x%02x%02x", b[0], b[1], b[2]);
	return ref;
}
