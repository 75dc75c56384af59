/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef JAIL_SYSTEMD_H
#define JAIL_SYSTEMD_H

/*
 * Hosts where systemd is the service manager: there the cgroup tree is
 * systemd's, and pam_jail asks systemd (D-Bus) for what it needs instead
 * of writing to cgroupfs (docs/DESIGN.md, "cgroups on systemd hosts").
 *
 * The pure part (names, detection) is in lib/unitname.c, linked into
 * everything; the D-Bus part (lib/systemd.c, sd-bus) only into pam_jail.so.
 */
#include <stdbool.h>
#include <sys/types.h>
#include "cgroup.h"
#include "error.h"

/* The longest unit name systemd accepts (UNIT_NAME_MAX - 1). */
#define JAIL_UNIT_NAME_MAX 255

/* sd_booted() semantics: /run/systemd/system exists.  `root` is "/" or a
 * test directory. */
bool jail_systemd_booted_at(const char *root);
bool jail_systemd_booted(void);

/* Escapes `s` for use in a unit name as systemd-escape(1) (without --path)
 * does: [A-Za-z0-9:_.] stay (but a leading '.'), '/' becomes '-', every
 * other byte \xNN.  Returns the length, or -ENAMETOOLONG if buf is too
 * small, -EINVAL for an empty string. */
int jail_unit_escape(const char *s, char *buf, size_t size);

/* "pam-jail-<escaped user>-<pid>.scope": the scope of a jail's init; the
 * pid keeps a dying jail's scope and its successor's apart.  A user name
 * whose escaped form would make the name too long is replaced by
 * "uid<UID>".  Returns 0 or -ENAMETOOLONG. */
int jail_scope_name(const char *user, uid_t uid, pid_t pid, char *buf, size_t size);

/* "user-<UID>.slice": the slice logind puts all sessions of a user into. */
int jail_user_slice_name(uid_t uid, char *buf, size_t size);

/* Whether `proc_cgroup` (the text of /proc/PID/cgroup) places the process
 * below slice `slice` in the unified hierarchy (or, on legacy/hybrid hosts,
 * systemd's name=systemd hierarchy).  A slice maps to one component of the
 * cgroup path (systemd's CGROUP_DELEGATION.md: "a slice named foo-bar.slice
 * maps to a cgroup /foo.slice/foo-bar.slice/"). */
bool jail_cgroup_text_in_slice(const char *proc_cgroup, const char *slice);
/* The line of that text that is in `slice` as a login record's cgroup entry
 * (include/jail/login-record.h): "CONTROLLERS:PATH", PATH ending at the
 * slice.  Returns 0, -ESRCH (not in the slice) or -ENAMETOOLONG. */
int jail_cgroup_slice_entry(const char *proc_cgroup, const char *slice, char *buf, size_t size);

/* The same for the calling process; false if /proc/self/cgroup is unreadable. */
bool jail_self_in_slice(const char *slice);

/* lib/systemd.c (sd-bus; pam_jail.so only) --------------------------------------- */

/*
 * Asks systemd for a transient scope unit (jail_scope_name()) in the
 * user's slice holding `pid` (the jail's init), and waits until its start
 * job is done.  When `l` has limits, sets them on the user's slice
 * (SetUnitProperties, runtime): every session of the user and the jail's
 * scope live there.  The scope is PartOf= the user's
 * user-runtime-dir@UID.service, so that it stops when logind ends the user,
 * unless the jail lingers (`linger_s`): then its init alone ends it.  The
 * scope name goes to ret_scope.  Returns 0 or -errno with err set.
 */
int jail_systemd_place_init(const char *user, uid_t uid, pid_t pid, const struct jail_limits *l,
			    unsigned linger_s, char *ret_scope, size_t scope_size,
			    struct jail_error *err);

#endif
