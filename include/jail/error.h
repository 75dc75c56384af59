/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef JAIL_ERROR_H
#define JAIL_ERROR_H

#include <stdarg.h>
#include <stddef.h>
#include "macro.h"

/*
 * Detail for a failure, filled by library functions that return -errno.
 * `file`/`line` are set for errors that point into a config file; `msg` is a
 * one-line human message without trailing newline.  The library never logs:
 * the caller (PAM module, jailsh, jailctl) prints or syslogs this once.
 */
struct jail_error {
	char file[256];
	unsigned line;
	char msg[512];
};

/* Sets err->msg (if err != NULL); returns `r` so callers can `return jail_err(...)`. */
int jail_err(struct jail_error *err, int r, const char *fmt, ...) _printf_(3, 4);
/* Same, also recording FILE:LINE. */
int jail_err_at(struct jail_error *err, int r, const char *file, unsigned line, const char *fmt,
		...) _printf_(5, 6);
/* Formats the error as "FILE:LINE: msg" or "msg" into buf. Returns buf. */
const char *jail_error_format(const struct jail_error *err, char *buf, size_t size);
/*
 * Escapes one log value: a quote or backslash gets a backslash (\' \" \\),
 * '=' becomes \x3d and every control character or non-ASCII byte \xNN.  So
 * a value can neither end the quotes around it, nor start a line, nor hold a
 * `key=` that could pass for another field.  Truncates to fit.  Returns buf.
 */
const char *jail_escape(const char *s, char *buf, size_t size);
/*
 * snprintf for log lines of key=value fields: the format is trusted text, and
 * every value it pulls in (%s, %c, %m) is escaped with jail_escape(); numbers
 * (%d %i %u %x %X %o with hh/h/l/ll/z/j/t) are printed plainly: flags and
 * width are ignored, precision applies to %s only.  Always NUL-terminates
 * (truncating).  Returns buf.
 */
const char *jail_log_format(char *buf, size_t size, const char *fmt, ...) _printf_(3, 4);
const char *jail_log_vformat(char *buf, size_t size, const char *fmt, va_list ap) _printf_(3, 0);
/*
 * The same for the setuid jailsh's refusals (helper/shell.c's die()), kept
 * small because it runs as root there: only %s, %m (escaped), %u, %d and %%;
 * no flag, width, precision or length.  Any other conversion ends the line
 * there (no argument is read for it).  Returns buf.
 */
const char *jail_log_line(char *buf, size_t size, const char *fmt, va_list ap) _printf_(3, 0);
/*
 * A refused login tells the user only this line and a reference; the reason
 * goes to syslog with ` ref=REF` so that the admin finds it from what the
 * user reports.  JAIL_REFUSAL_MSG takes the ref as its one %s.
 */
#define JAIL_REF_SIZE 7 /* 6 lowercase hex digits and NUL */
#define JAIL_REFUSAL_MSG "login refused: jail could not be set up (ref %s)"
/* a fresh reference: 24 random bits from getrandom(2) */
const char *jail_ref_new(char ref[JAIL_REF_SIZE]);
/* syslog(3) (callers include <syslog.h>) of one jail_log_format() line */
#define jail_syslog(prio, ...)                                                       \
	do {                                                                         \
		char jail_syslog_line_[2048];                                        \
		syslog((prio), "%s",                                                 \
		       jail_log_format(jail_syslog_line_, sizeof(jail_syslog_line_), \
				       __VA_ARGS__));                                \
	} while (0)

#endif
