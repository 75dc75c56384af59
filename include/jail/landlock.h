/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef JAIL_LANDLOCK_H
#define JAIL_LANDLOCK_H

#include "error.h"

/*
 * Landlock scoping (Linux >= 6.12, Landlock ABI 6): the calling process and
 * its descendants may no longer connect to abstract unix sockets outside
 * their own Landlock domain.  Abstract sockets cross
 * chroots and mount namespaces, so without this a colluding process outside
 * could pass a jailed process a directory fd of the host.  Needs
 * no_new_privs.  Each caller gets a Landlock domain of its own, and Landlock
 * denies ptrace (and ptrace-mode /proc access) into other domains, so two
 * logins of one user cannot trace each other (see pam_jail.conf(5)).
 * Returns 1 when applied, 0 when the kernel has no scoping (nothing done),
 * -errno on failure.
 */
int jail_landlock_scope(struct jail_error *err);

struct jail_template;
/* The running kernel's Landlock ABI version (0: none). */
long jail_landlock_abi(void);
/* The template's `landlock` setting for the calling process: "auto" scopes
 * where the kernel can (ABI >= 6) and does nothing elsewhere, true scopes or
 * fails (-EOPNOTSUPP, named in err), false does nothing.  Returns 1 when
 * applied, 0 when not, -errno on failure. */
int jail_landlock_apply(const struct jail_template *t, struct jail_error *err);
/* The refusal jail_landlock_apply() would give (landlock = true on a kernel
 * without scoping), without applying anything.  Returns 0 or -EOPNOTSUPP. */
int jail_landlock_check(const struct jail_template *t, struct jail_error *err);
/* Whether the template's jails keep the abstract-socket hole open on this
 * host (network = "host" without scoping): NULL (closed) or why, as a
 * key=value-safe word ("landlock=false", "kernel-without-landlock-scoping"). */
const char *jail_landlock_hole(const struct jail_template *t);

#endif
