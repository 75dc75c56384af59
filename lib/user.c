/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <pwd.h>
#include <string.h>
#include "jail/systemd.h"
#include "jail/user.h"

void jail_user_free(struct jail_user *u)
{
	if (!u)
		return;
	free(u->name);
	free(u->home);
	free(u->shell);
	free(u->gids);
	if (u->group_names) {
		for (size_t i = 0; u->group_names[i]; i++)
			free(u->group_names[i]);
		free(u->group_names);
	}
	free(u);
}

static int from_passwd(const struct passwd *pw, struct jail_user **ret, struct jail_error *err)
{
	struct jail_user *u;
	int ngroups = 64;
	gid_t *gids = NULL;

	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->name = strdup(pw->pw_name);
	u->home = strdup(pw->pw_dir ? pw->pw_dir : "");
	u->shell = strdup(pw->pw_shell ? pw->pw_shell : "");
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	if (!u->name || !u->home || !u->shell)
		goto oom;

	for (;;) {
		gid_t *n = realloc(gids, sizeof(gid_t) * (size_t)ngroups);
		int want = ngroups;

		if (!n)
			goto oom;
		gids = n;
		if (getgrouplist(pw->pw_name, pw->pw_gid, gids, &want) >= 0) {
			ngroups = want;
			break;
		}
		if (want <= ngroups)
			want = ngroups * 2;
		if (want > 65536) {
			free(gids);
			jail_user_free(u);
			return jail_err(err, -E2BIG, "user '%s' is in too many groups",
					pw->pw_name);
		}
		ngroups = want;
	}
	/* getgrouplist puts the primary group first on glibc; make sure. */
	for (int i = 1; i < ngroups; i++)
		if (gids[i] == pw->pw_gid) {
			gids[i] = gids[0];
			gids[0] = pw->pw_gid;
		}
	u->gids = gids;
	u->n_gids = (size_t)ngroups;
	gids = NULL;

	u->group_names = calloc(u->n_gids + 1, sizeof(char *));
	if (!u->group_names)
		goto oom;
	for (size_t i = 0; i < u->n_gids; i++) {
		struct group *gr = getgrgid(u->gids[i]);

		if (!gr)
			continue; /* a gid without a name cannot match a `group` entry */
		char *name = strdup(gr->gr_name);

		if (!name)
			goto oom;
		u->group_names[u->n_group_names++] = name;
	}
	*ret = u;
	return 0;
oom:
	free(gids);
	jail_user_free(u);
	return jail_err(err, -ENOMEM, "out of memory");
}

int jail_user_lookup(const char *name, struct jail_user **ret, struct jail_error *err)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(name);
	if (!pw)
		return jail_err(err, errno ? negative_errno() : -ENOENT, "unknown user '%s'", name);
	return from_passwd(pw, ret, err);
}

int jail_user_lookup_uid(uid_t uid, struct jail_user **ret, struct jail_error *err)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwuid(uid);
	if (!pw)
		return jail_err(err, errno ? negative_errno() : -ENOENT, "unknown uid %u",
				(unsigned)uid);
	return from_passwd(pw, ret, err);
}

bool jail_user_manager_running(uid_t uid)
{
	/* where systemd keeps user@UID.service: cgroup v2, hybrid, v1 */
	static const char *const bases[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified",
					     "/sys/fs/cgroup/systemd" };
	struct stat st;
	char p[PATH_MAX];

	if (!jail_systemd_booted())
		return false; /* no systemd, no user manager */
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		/* init.scope is the manager's own cgroup, made once it runs;
		 * an ExecCondition= still deciding runs beside it, not in it */
		snprintf(p, sizeof(p), "%s/user.slice/user-%u.slice/user@%u.service/init.scope",
			 bases[i], (unsigned)uid, (unsigned)uid);
		if (stat(p, &st) == 0)
			return true;
	}
	return false;
}
