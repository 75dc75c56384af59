/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * jail_confine(): the one sequence that confines a process to its jail
 * (include/jail/confine.h).  The steps are lib/jail.c's, lib/seccomp.c's and
 * lib/landlock.c's; their order is the agreement kept here: the root first
 * (it needs mount calls), the ids next (setgroups and setresuid must still
 * be allowed), then the seccomp filter and Landlock, which only narrow.
 */
#include <limits.h>
#include "jail/confine.h"
#include "jail/jail.h"
#include "jail/landlock.h"
#include "jail/path.h"
#include "jail/seccomp.h"

int jail_confine(const struct jail_confinement *c, struct jail_error *err)
{
	struct jail_template lt = { .name = (char *)c->template_name, .landlock = c->landlock };
	int r;

	r = c->chroot ? jail_enter_root(c->state_dir, c->user, err)
		      : jail_session_root(c->state_dir, c->user, err);
	if (r < 0)
		return r;
	if (c->as) {
		r = jail_drop_privileges(c->as->uid, c->as->gid, c->as->gids, c->as->n_gids, err);
		if (r < 0)
			return r;
	}
	if (c->seccomp) {
		r = jail_seccomp_apply(err);
		if (r < 0)
			return r;
	}
	r = jail_landlock_apply(&lt, err);
	return r < 0 ? r : 0;
}
