/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef JAIL_LOGIN_RECORD_H
#define JAIL_LOGIN_RECORD_H

/*
 * The hand-over from the builder of a login's namespace (jail_enter: the PAM
 * module in sshd's monitor, su or login) to jailsh, the login's shell: who
 * the login is for, which namespace it made, and what jailsh needs to
 * confine the shell (the jail's state dir, the template's shell, seccomp,
 * Landlock, and the cgroups in which the template's limits hold).  With it
 * jailsh neither guesses that it is inside a jail nor reads the config
 * again, nor asks the user database: the user's name and home are here, the
 * ids and groups are the caller's own (sshd, su or login set them from the
 * user database before they ran jailsh, and an unprivileged process cannot
 * add a group to its set).
 *
 * Where: the record is a file on the login namespace's private tmpfs,
 * bind-mounted over JAIL_LOGIN_RECORD (paths.h), an empty root-owned file
 * that `make install` puts on the host.  Only root can mount, and the bind
 * exists only in that namespace, so jailsh trusts a record that is
 * root-owned, not writable by others, names the caller's uid, and names the
 * mount namespace jailsh runs in (the inode of /proc/self/ns/mnt): a record
 * of another login or of an older namespace is refused.  On the host the
 * file is empty, which is "not inside a jail's login".
 *
 * Text, one key=value per line after the magic line; a value never holds a
 * control character (formatting refuses one).
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "config.h"

#define JAIL_LOGIN_RECORD_MAGIC "pam_jail-login 3"
#define JAIL_LOGIN_RECORD_MAX 8192

struct jail_login_record {
	char user[65];
	uid_t uid;
	char home[4096];                  /* the user's home, from the user database */
	unsigned long long mntns;         /* inode of the login's mount namespace */
	char state_dir[4096];
	char template_name[65];
	char shell[4096];
	bool seccomp;
	enum jail_landlock_mode landlock;
	/* Where the login must run for the template's limits to hold: entries
	 * "CONTROLLER:PATH" separated by one space, or "-" (no limits).  Each
	 * asks for a line of /proc/self/cgroup whose controller list names
	 * CONTROLLER ("" : the cgroup v2 line "0::") with a path at or under
	 * PATH: the user's slice on a systemd host (pam_systemd put the login
	 * there), else the jail's own cgroup in each limiting hierarchy (the
	 * module's setcred hook moves sshd's session child there). */
	char cgroup[1024];
};

/* The record as text into buf.  Returns its length, -EINVAL (a newline in a
 * value, an empty name) or -ENAMETOOLONG (does not fit). */
int jail_login_record_format(const struct jail_login_record *r, char *buf, size_t size);
/* Parses text (NUL-terminated): exactly what the formatter writes (every
 * key once, in its order; numbers without leading zeros and in range; no
 * control character in a value).  Returns 0 or -EINVAL. */
int jail_login_record_parse(const char *text, struct jail_login_record *r);
/* Whether /proc/self/cgroup's text `proc_cgroup` satisfies every entry of a
 * record's `cgroup` value (see above).  Pure; false for a malformed value. */
bool jail_login_record_cgroup_ok(const char *want, const char *proc_cgroup);

#endif
