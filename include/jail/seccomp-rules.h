/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef JAIL_SECCOMP_RULES_H
#define JAIL_SECCOMP_RULES_H

/*
 * The rules of the template syscall filter (lib/seccomp-rules.c), for the
 * build (tools/gen-seccomp.c) and the tests: never linked into pam_jail.so,
 * jailsh or jailctl, which load the program generated from them
 * (include/jail/seccomp.h).
 */

/* The system calls a jailed user never needs, answered with EPERM when a
 * template says `seccomp = true`.  NULL-terminated; documented in
 * pam_jail.conf(5). */
extern const char *const jail_seccomp_blocked[];

/* A libseccomp filter context (scmp_filter_ctx) with every rule: allow by
 * default, EPERM for jail_seccomp_blocked[], on the native ABI and, on
 * x86_64, the i386 and x32 ABIs.  Returns 0 or -errno (*failed: the name a
 * rule could not be added for). */
int jail_seccomp_filter_new(void **ret, const char **failed);

#endif
