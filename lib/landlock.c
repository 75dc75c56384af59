/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Debian 12's kernel headers predate Landlock's `scoped` field (ABI 6), so
 * the attribute struct and flags are spelled out here, exactly as the
 * kernel's uapi defines them.
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "jail/config.h"
#include "jail/landlock.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_restrict_self 446
#endif

struct ruleset_attr_v6 {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

#define CREATE_RULESET_VERSION (1U << 0)
#define SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define SCOPE_SIGNAL (1ULL << 1)

long jail_landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, CREATE_RULESET_VERSION);

	return abi < 0 ? 0 : abi;
}

int jail_landlock_check(const struct jail_template *t, struct jail_error *err)
{
	long abi;

	if (t->landlock != JAIL_LANDLOCK_REQUIRED || (abi = jail_landlock_abi()) >= 6)
		return 0;
	return jail_err(err, -EOPNOTSUPP,
			"template '%s': landlock = true, but this kernel has no Landlock scoping "
			"(ABI %ld < 6, needs Linux 6.12)",
			t->name, abi);
}

int jail_landlock_apply(const struct jail_template *t, struct jail_error *err)
{
	int r;

	if (t->landlock == JAIL_LANDLOCK_OFF)
		return 0;
	r = jail_landlock_check(t, err);
	if (r < 0 || jail_landlock_abi() < 6)
		return r;
	return jail_landlock_scope(err);
}

const char *jail_landlock_hole(const struct jail_template *t)
{
	if (t->network_none)
		return NULL;
	if (t->landlock == JAIL_LANDLOCK_OFF)
		return "landlock=false";
	if (jail_landlock_abi() < 6)
		return "kernel-without-landlock-scoping";
	return NULL;
}

int jail_landlock_scope(struct jail_error *err)
{
	/* Signals need no scoping here: the jail's PID namespace already hides
	 * every process outside, and scoping them would also forbid signals
	 * between two logins of the same user (separate Landlock domains). */
	struct ruleset_attr_v6 attr = { .scoped = SCOPE_ABSTRACT_UNIX_SOCKET };
	long abi;
	int fd;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0, CREATE_RULESET_VERSION);
	if (abi < 6)
		return 0; /* no Landlock, or no scoping in this kernel */
	fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0)
		return jail_err(err, negative_errno(), "cannot create the Landlock ruleset: %m");
	if (syscall(SYS_landlock_restrict_self, fd, 0) < 0) {
		int r = negative_errno();

		close(fd);
		return jail_err(err, r, "cannot apply Landlock scoping: %m");
	}
	close(fd);
	return 1;
}
