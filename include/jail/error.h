/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef JAIL_ERROR_H
#define JAIL_ERROR_H

#include <stdarg.h>
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
int jail_err_at(struct jail_error *err, int r, const char *file, unsigned line, const char *fmt, ...)
	_printf_(5, 6);
/* Formats the error as "FILE:LINE: msg" or "msg" into buf. Returns buf. */
const char *jail_error_format(const struct jail_error *err, char *buf, size_t size);
/* Copies `s` into `buf`, replacing control characters and non-ASCII bytes with
 * \xNN so that user-controlled text cannot forge log lines. Returns buf. */
const char *jail_escape(const char *s, char *buf, size_t size);

#endif
