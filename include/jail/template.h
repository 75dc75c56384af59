/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef JAIL_TEMPLATE_H
#define JAIL_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include "error.h"

/*
 * Root file system templates: the checks (lib/template-verify.c) and the
 * `jailctl template` command (admin/template.c).
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
 *     (a sticky one is accepted here, like jail_open_trusted() does; the
 *     walk refuses it anywhere but in tmp/ and var/tmp/, see
 *     jail_template_covered());
 *     any other non-symlink writable by group or others;
 *   - a setuid or setgid non-directory;
 *   - a character or block device node, a socket or a fifo.
 */
const char *jail_template_problem(const struct stat *st, char *buf, size_t size);

/*
 * Whether `path` (relative to the template, as in jail_template_entry) is a
 * directory that every jail covers with a file system of its own: tmp and
 * var/tmp (private tmpfs).  Nothing in them is ever seen in a jail, so the
 * walk checks such a directory itself but does not enter it: a file a user
 * drops there cannot make the template fail.  Every other directory writable
 * by group or others is a problem of its own (jail_template_walk() reports
 * it): any host user could put files there for every jail to see, or make
 * the template fail verification with one.
 */
bool jail_template_covered(const char *path);

/*
 * Walks the template open at `dir_fd` (O_PATH is fine), the template itself
 * first, with openat()/fstatat(AT_SYMLINK_NOFOLLOW) only: no path is ever
 * resolved twice, symlinks are never followed, a directory is entered only
 * if the opened one is the one that was checked.  Directories on another
 * file system (mount points) are reported but not entered: the jail's
 * overlay does not see below them either; nor are the directories a jail
 * covers (jail_template_covered()).  Returns 0, the callback's
 * negative return, or -errno with err->msg "PATH: message" (-EFBIG over
 * JAIL_TEMPLATE_MAX_ENTRIES, -ELOOP over JAIL_TEMPLATE_MAX_DEPTH).  Never logs.
 */
int jail_template_walk(int dir_fd, jail_template_visit_fn fn, void *userdata,
		       struct jail_error *err);

/*
 * For the jail builder: 0 if no entry of the template open at `dir_fd` has
 * a security problem (see jail_template_problem()); otherwise -EPERM with
 * "template 'SHOWN': PATH: problem" about the first one found, or another
 * -errno if the template could not be read completely.  `shown` names the
 * template in messages (its rootfs path).  Cost: one fstatat() per entry and
 * one open per directory (a few milliseconds for a few thousand entries).
 */
int jail_template_verify_security(int dir_fd, const char *shown, struct jail_error *err);

/*
 * The verification cache, so that a big template is not walked at every
 * jail creation.  After a full walk finds nothing, the result is kept in
 * STATE_DIR/.verified/DEV:INO (root-only) with the time, the template's own
 * stamp (device, inode, ctime) and the same stamp of every directory in it
 * that is writable by group or others and that the walk enters (none in a
 * template that passes: only tmp/ and var/tmp/ may be writable, and they are
 * not entered).  Everything else in a verified template is root-owned and
 * writable by root only, so a non-root user cannot change what the walk
 * checks; a change in a stamped directory would change its ctime (which no
 * user can set back) and make the next creation walk again.  Changes made by
 * root (chmod u+s, a package installed into the template) are seen at the
 * next full walk: once the entry is older than
 * `interval` seconds, or at once after `jailctl check` (which refreshes it).
 * A directory whose ctime is less than 2 seconds old at the walk is not
 * cached (ctimes move in coarse steps).  Entries are only ever trusted if
 * root-owned in a root-only directory.
 */
#define JAIL_TEMPLATE_CACHE_DIR ".verified"

/* For the jail builder: like jail_template_verify_security(), but answered
 * from the cache in `state_fd` (the state directory) when its entry is
 * younger than `interval` seconds and every stamp in it still matches; else
 * a full walk that refreshes the entry (or drops it on failure).  interval 0:
 * always walk, no cache.  *ret_walked (may be NULL) tells which it was. */
int jail_template_verify_cached(int dir_fd, const char *shown, int state_fd, unsigned interval,
				bool *ret_walked, struct jail_error *err);

/* `jailctl gc`: removes the cache entries older than `interval` seconds
 * (they are never used again) and temporary files writers left.  Returns how
 * many, or -errno. */
int jail_template_cache_gc(int state_fd, unsigned interval);

/* A full walk that refreshes (on success) or drops (on failure) the cache
 * entry of the template: `jailctl check`.  state_fd < 0: no cache. */
int jail_template_verify_refresh(int dir_fd, const char *shown, int state_fd,
				 struct jail_error *err);

/*
 * Template generations (lib/template-gen.c, docs/DESIGN.md).  A template's
 * rootfs P is either a plain directory (unversioned: generation -1) or a
 * root-owned symlink whose target is exactly "BASE.gen/N" (BASE: P's last
 * name, N: decimal, no leading zero), a root-owned directory that is not
 * writable by group or others in the root-owned, not group/world-writable
 * directory P.gen beside P.  `jailctl template add/apt/update` builds N+1
 * beside N and switches the link with rename(2); no tree a jail may use is
 * ever written to.
 */
#define JAIL_TEMPLATE_GEN_SUFFIX ".gen"
#define JAIL_TEMPLATE_GEN_MAX 999999999L
struct jail_template_gen {
	int fd;          /* O_PATH | O_DIRECTORY fd of the generation */
	long generation; /* N, or -1 for an unversioned (plain directory) template */
	char path[4096]; /* the generation's path: P itself or PARENT/BASE.gen/N */
};
/* Resolves P once: the directories above P as jail_open_trusted() walks
 * them, then P itself without following anything but a generation link of
 * the form above.  Anything else (a link elsewhere, a link or a generation
 * not owned by root, writable by others) is refused with -EPERM/-ENOTDIR
 * and the reason in err: fail closed.  Returns 0 and fills *ret (the caller
 * closes ret->fd) or -errno. */
int jail_template_resolve(const char *rootfs, struct jail_template_gen *ret,
			  struct jail_error *err);
/* N if `target` is "BASE.gen/N", else -EINVAL. */
int jail_template_gen_parse(const char *base, const char *target, long *ret);
/* Whether `name` is a generation number as written in the link (no sign,
 * no leading zero, at most JAIL_TEMPLATE_GEN_MAX); *ret (may be NULL) gets it. */
bool jail_template_gen_name(const char *name, long *ret);
/* Which generation of template `rootfs` is the directory with identity
 * dev:ino (the rootfs_id a jail records; a rename keeps it, so a jail built
 * from the plain directory that became generation 0 is found there).
 * Returns 0 with *ret = N, or -1 when it is the plain (unversioned) template
 * itself; -ENODATA when ino is 0 (not recorded), -ENOENT when no generation
 * of the template is that directory, or -errno (the template is resolved as
 * a jail would, every check included). */
int jail_template_gen_of(const char *rootfs, unsigned long long dev, unsigned long long ino,
			 long *ret);

/* For `jailctl template gc/generations`: how many live jails use the
 * generation at `gen_path` (0: none), their users in buf (", "-separated),
 * or -errno when that cannot be told (then nothing is removed).  jailctl
 * sets it (it knows the config's state dir); without it gc refuses. */
typedef int (*jail_template_users_fn)(const char *gen_path, char *buf, size_t size, void *data);
void jail_template_set_users(jail_template_users_fn fn, void *data);
/* `jailctl template gc DIR` (quiet = false) and, for every template of the
 * config, `jailctl gc` (quiet: one line per removed generation, nothing for
 * a template without generations): removes every generation but the current
 * one that no live jail uses (the users function above decides), under the
 * template's lock.  Needs root.  Returns 0, or 1 when something could not be
 * removed or told (then it is kept). */
int jail_template_gc(const char *dir, bool quiet);

/* `jailctl template ...`: argv[0] is "template".  Returns the exit code
 * (0 fine, 1 failure or problems found, 2 usage). */
int jail_template_main(int argc, char **argv);

#endif
