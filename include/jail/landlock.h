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
 * hides processes of other domains from /proc and ptrace, so two logins of
 * one user no longer see each other's processes: opt-in per template.  Returns 1 when applied, 0 when the kernel has no scoping
 * (nothing done), -errno on failure.
 */
int jail_landlock_scope(struct jail_error *err);

#endif
