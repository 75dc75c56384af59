/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef JAIL_PATH_H
#define JAIL_PATH_H

#include <stdbool.h>
#include <sys/types.h>
#include "error.h"

enum {
	/* The final component may be owned by `final_uid` as well as root. */
	JAIL_TRUST_FINAL_OWNER = 1 << 0,
	/* Refuse a symlink as the final component (it is never followed). */
	JAIL_TRUST_NOFOLLOW_FINAL = 1 << 1,
	/* The final component may be group/world-writable (e.g. a user's home). */
	JAIL_TRUST_FINAL_WRITABLE = 1 << 2,
	/* The final component must be a directory / a regular file. */
	JAIL_TRUST_DIR = 1 << 3,
	JAIL_TRUST_REG = 1 << 4,
};

/*
 * Opens absolute `path` with `open_flags` (O_CLOEXEC|O_NOFOLLOW are added)
 * after walking it one component at a time with O_NOFOLLOW: every directory
 * on the way must be root-owned and not writable by group or others (a
 * sticky directory is accepted), every symlink followed must be root-owned
 * and sit in such a directory, ".." is refused.  The final component must be
 * root-owned (or `final_uid` with JAIL_TRUST_FINAL_OWNER) and not writable by
 * group/others (unless JAIL_TRUST_FINAL_WRITABLE).  This is what makes a
 * privileged open immune to symlink and rename races by unprivileged users.
 * Returns the fd or -errno; never logs.
 */
int jail_open_trusted(const char *path, int open_flags, unsigned flags, uid_t final_uid,
		      struct jail_error *err);

/* Opens (creating with mode 0755 when missing) the root-owned state
 * directory `path`; its parents must pass jail_open_trusted().  Returns an
 * O_DIRECTORY fd or -errno. */
int jail_state_dir_open(const char *path, struct jail_error *err);

/* A user or group name that is safe to use as one path component and in
 * mount options: 1..64 bytes of [A-Za-z0-9._@-], not starting with '.' or
 * '-'.  Returns true if valid. */
bool jail_name_valid(const char *name);

/* Joins a and b with exactly one '/' into buf. Returns 0 or -ENAMETOOLONG. */
int jail_path_join(char *buf, size_t size, const char *a, const char *b);

/* True if `path` is absolute, has no "." or ".." component, no "//" and no
 * trailing "/" (except "/" itself), and no control characters. */
bool jail_path_normal(const char *path);

/* mountinfo's octal escapes (\040 for a space, ...) undone in place. */
void jail_mountinfo_unescape(char *s);

/* `path` is `dir` or lies below it: component-wise ("/a/bc" is not under
 * "/a/b"), trailing slashes of `dir` ignored, "/" holds every absolute path,
 * "" is under nothing and holds nothing.  Pure; never logs. */
bool jail_path_at_or_under(const char *path, const char *dir);

/* Whether a login's mount namespace keeps its copy of the host mount at
 * `mp` of type `fstype` (lib/enter.c, enter_login_ns): "/", a mount on the
 * way to one of the NULL-terminated `needed` paths, or, unless it is FUSE,
 * one at or under a system tree (/usr, /etc, /var, /run, /dev, ...). */
bool jail_login_keeps_mount(const char *mp, const char *fstype, const char *const *needed);

/* Reads a small file (/proc, cgroupfs: one read) into buf, NUL-terminated,
 * at most size - 1 bytes; the last component is not followed.  Returns 0 or
 * -errno. */
int jail_read_text(const char *path, char *buf, size_t size);

#endif
