/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Dropping privileges for good (include/jail/jail.h: jail_bounding_set_empty,
 * jail_drop_privileges): the process that becomes the user's.  Moved out of
 * lib/jail.c.
 */
#include <grp.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <cap-ng.h>
#include "jail/jail.h"

/* the running kernel may know more capabilities than our headers */
static int cap_last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return (v > 0 && v < 64) ? v : (int)CAP_LAST_CAP;
}

int jail_bounding_set_empty(struct jail_error *err)
{
	int last_cap = cap_last_cap();

	for (int i = 0; i <= last_cap; i++)
		if (prctl(PR_CAPBSET_DROP, i, 0, 0, 0) < 0 && errno != EINVAL)
			return jail_err(err, negative_errno(),
					"cannot drop capability %d from the bounding set: %m", i);
	return 0;
}

int jail_drop_privileges(uid_t uid, gid_t gid, const gid_t *gids, size_t n_gids,
			 struct jail_error *err)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	int r;

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return jail_err(err, negative_errno(), "cannot clear ambient capabilities: %m");
	r = jail_bounding_set_empty(err);
	if (r < 0)
		return r;

	if (uid != (uid_t)-1) {
		if (setgroups(n_gids, gids) < 0)
			return jail_err(err, negative_errno(), "setgroups: %m");
		if (setresgid(gid, gid, gid) < 0)
			return jail_err(err, negative_errno(), "setresgid(%u): %m", (unsigned)gid);
		if (setresuid(uid, uid, uid) < 0)
			return jail_err(err, negative_errno(), "setresuid(%u): %m", (unsigned)uid);
		if (getresuid(&ru, &eu, &su) < 0 || ru != uid || eu != uid || su != uid)
			return jail_err(err, -EPERM, "uid change did not stick");
		if (getresgid(&rg, &eg, &sg) < 0 || rg != gid || eg != gid || sg != gid)
			return jail_err(err, -EPERM, "gid change did not stick");
	}
	/* clear effective, permitted and inheritable sets */
	capng_clear(CAPNG_SELECT_CAPS);
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		return jail_err(err, -EPERM, "cannot clear capabilities");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return jail_err(err, negative_errno(), "cannot set no_new_privs: %m");

	/* verify, as OpenSSH's permanently_set_uid does */
	if (uid != (uid_t)-1 && uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
		return jail_err(err, -EPERM, "could regain root after dropping privileges");
	if (capng_get_caps_process() < 0 ||
	    capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE)
		return jail_err(err, -EPERM, "capabilities remain after dropping them");
	for (int i = 0, last = cap_last_cap(); i <= last; i++)
		if (prctl(PR_CAPBSET_READ, i, 0, 0, 0) > 0)
			return jail_err(err, -EPERM, "capability %d remains in the bounding set",
					i);
	return 0;
}
