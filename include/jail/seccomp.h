/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef JAIL_SECCOMP_H
#define JAIL_SECCOMP_H

#include <stddef.h>
#include <linux/filter.h>
#include "error.h"

/* Installs the template syscall filter (the rules: include/jail/seccomp-rules.h)
 * in the calling thread (inherited by children and kept across execve).  Sets
 * no_new_privs first, as libseccomp's seccomp_load does.  Covers the native
 * ABI and, on x86_64, the i386 and x32 ABIs, so a 32-bit binary cannot walk
 * around it.  The BPF program was made by libseccomp at build time
 * (tools/gen-seccomp.c): a login loads it as it is, without building it
 * again.  Returns 0 or -errno. */
int jail_seccomp_apply(struct jail_error *err);

/* The program jail_seccomp_apply() loads (for the tests). */
const struct sock_filter *jail_seccomp_program(size_t *len);

#endif
