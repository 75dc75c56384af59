/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef JAIL_USER_H
#define JAIL_USER_H

#include <stdbool.h>
#include <sys/types.h>
#include "error.h"

/* What the jail needs to know about a user, resolved once through NSS (so
 * LDAP/sssd work) before any namespace or chroot change. */
struct jail_user {
	char *name;
	uid_t uid;
	gid_t gid;
	char *home;
	char *shell;
	gid_t *gids;        /* all groups, primary first */
	size_t n_gids;
	char **group_names; /* names of gids[], NULL-terminated, same order */
	size_t n_group_names;
};

/* Returns 0, -ENOENT (no such user) or another -errno. */
int jail_user_lookup(const char *name, struct jail_user **ret, struct jail_error *err);
int jail_user_lookup_uid(uid_t uid, struct jail_user **ret, struct jail_error *err);
void jail_user_free(struct jail_user *u);

/*
 * Whether the user's systemd manager (user@UID.service: `systemd --user`)
 * runs on this host.  It runs outside any jail and starts the units in
 * ~/.config/systemd/user, so a jailed user must have none (pam_jail(8),
 * SYSTEMD).  False where systemd is not pid 1.
 */
bool jail_user_manager_running(uid_t uid);

#endif
