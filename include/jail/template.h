/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef JAIL_TEMPLATE_H
#define JAIL_TEMPLATE_H

#include <stddef.h>
#include <sys/stat.h>
#include "error.h"

/*
 * Root file system templates: the checks (lib/template-verify.c) and the
 * `jailctl template` command (helper/template.c).
 */

/* A template with more entries, or deeper, is refused (-EFBIG / -ELOOP):
 * templates are meant to hold what jailed users run, not a distribution. */
#define JAIL_TEMPLATE_MAX_ENTRIES 100000
#define JAIL_TEMPLATE_MAX_DEPTH 64

/* One entry of a template, as jail_template_walk() sees it. */
struct jail_template_entry {
	int dir_fd;          /* the directory that holds it (for the *at() calls) */
	const char *name;    /* its name in dir_fd; "." for the template itself */
	const char *path;    /* relative to the template: "." or "usr/bin/ls" */
	const struct stat *st;  /* lstat() of it; NULL when `error` is set */
	const char *problem; /* its security problem (jail_template_problem()), or NULL */
	int error;           /* 0, or -errno: it could not be stat()ed or read */
};

/* Called for each entry, parents before children; a negative return stops
 * the walk and is returned by it. */
typedef int (*jail_template_visit_fn)(const struct jail_template_entry *e, void *userdata);

/*
 * The security problems of one entry, as "not owned by root (uid 1000),
 * world-writable" in buf, or NULL when there is none:
 *   - not owned by root (uid 0);
 *   - a directory writable by group or others without the sticky bit
 *     (a sticky one such as tmp/ is accepted, like jail_open_trusted() does);
 *     any other non-symlink writable by group or others;
 *   - a setuid or setgid non-directory;
 *   - a character or block device node, a socket or a fifo.
 */
const char *jail_template_problem(const struct stat *st, char *buf, size_t size);

/*
 * Walks the template open at `dir_fd` (O_PATH is fine), the template itself
 * first, with openat()/fstatat(AT_SYMLINK_NOFOLLOW) only: no path is ever
 * resolved twice, symlinks are never followed, a directory is entered only
 * if the opened one is the one that was checked.  Directories on another
 * file system (mount points) are reported but not entered: the jail's
 * overlay does not see below them either.  Returns 0, the callback's
 * negative return, or -errno with err->msg "PATH: message" (-EFBIG over
 * JAIL_TEMPLATE_MAX_ENTRIES, -ELOOP over JAIL_TEMPLATE_MAX_DEPTH).  Never logs.
 */
int jail_template_walk(int dir_fd, jail_template_visit_fn fn, void *userdata, struct jail_error *err);

/*
 * For the jail builder: 0 if no entry of the template open at `dir_fd` has
 * a security problem (see jail_template_problem()); otherwise -EPERM with
 * "template 'SHOWN': PATH: problem" about the first one found, or another
 * -errno if the template could not be read completely.  `shown` names the
 * template in messages (its rootfs path).  Cost: one fstatat() per entry and
 * one open per directory (a few milliseconds for a few thousand entries).
 */
int jail_template_verify_security(int dir_fd, const char *shown, struct jail_error *err);

/* `jailctl template ...`: argv[0] is "template".  Returns the exit code
 * (0 fine, 1 failure or problems found, 2 usage). */
int jail_template_main(int argc, char **argv);

#endif
