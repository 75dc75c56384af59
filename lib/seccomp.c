/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The template syscall filter, loaded as the BPF program libseccomp made from
 * lib/seccomp-rules.c at build time ($(B)/seccomp-bpf.h, tools/gen-seccomp.c).
 * Building it at each login cost ~1.7 ms of libseccomp's time; the rules do
 * not depend on the template, the user or the running kernel, so the program
 * is the same every time (tests/unit/test-seccomp.c checks it against what
 * libseccomp makes of the rules).
 */
#include <errno.h>
#include <unistd.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include "jail/macro.h"
#include "jail/seccomp.h"
#include "seccomp-bpf.h"

const struct sock_filter *jail_seccomp_program(size_t *len)
{
	*len = ELEMENTSOF(jail_seccomp_bpf);
	return jail_seccomp_bpf;
}

int jail_seccomp_apply(struct jail_error *err)
{
	struct sock_fprog prog = {
		.len = (unsigned short)ELEMENTSOF(jail_seccomp_bpf),
		.filter = (struct sock_filter *)jail_seccomp_bpf,
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return jail_err(err, negative_errno(), "cannot set no_new_privs: %m");
	/* = seccomp(SECCOMP_SET_MODE_FILTER, 0, &prog), which valgrind does not know */
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
		return jail_err(err, negative_errno(), "cannot load the seccomp filter: %m");
	return 0;
}
