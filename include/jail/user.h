/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef JAIL_USER_H
#define JAIL_USER_H

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

#endif
