/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef JAIL_SECCOMP_H
#define JAIL_SECCOMP_H

#include "error.h"

/* The system calls a jailed user never needs, answered with EPERM when a
 * template says `seccomp = true`.  NULL-terminated; documented in
 * pam_jail.conf(5). */
extern const char *const jail_seccomp_blocked[];

/* Installs the filter in the calling thread (inherited by children and kept
 * across execve).  Needs no_new_privs or CAP_SYS_ADMIN.  Covers the native
 * ABI and, on x86_64, the i386 and x32 ABIs, so a 32-bit binary cannot walk
 * around it.  Returns 0 or -errno. */
int jail_seccomp_apply(struct jail_error *err);

#endif
