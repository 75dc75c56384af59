/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef JAIL_CONFINE_H
#define JAIL_CONFINE_H

#include <stdbool.h>
#include "config.h"
#include "error.h"
#include "user.h"

/*
 * What confines a process to a user's jail, in one place for every way into
 * it: sshd's session child in ChrootDirectory mode (the module's setcred
 * hook), jailsh's shell, and `jailctl enter`.  Called in the jail's
 * namespaces, as root, before any code of the user's runs.
 */
struct jail_confinement {
	const char *state_dir;
	const char *user;
	/* true: chroot into STATE_DIR/U/root below the new namespace's root
	 * (jailsh, jailctl enter); false: sshd's ChrootDirectory does it */
	bool chroot;
	/* drop to these ids and every capability; NULL: stay root (the module:
	 * sshd drops them itself; jailctl enter --root) */
	const struct jail_user *as;
	bool seccomp;                     /* the template's seccomp */
	enum jail_landlock_mode landlock; /* the template's landlock */
	const char *template_name;        /* for messages */
};

/* In this order: a mount namespace whose root holds the jail alone
 * (jail_session_root), the chroot, the ids, the seccomp filter (which blocks
 * the mount calls made before), Landlock scoping.  Returns 0 or -errno with
 * the step named in err; the caller must not go on. */
int jail_confine(const struct jail_confinement *c, struct jail_error *err);

#endif
