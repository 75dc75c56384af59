/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The template syscall filter's rules, through libseccomp: it resolves
 * syscall names per architecture and emits correct BPF (including the
 * architecture check that hand-written filters tend to forget).  Used at
 * build time only (tools/gen-seccomp.c writes the BPF into a header that
 * lib/seccomp.c loads) and by tests/unit/test-seccomp.c, which checks that
 * the program a login loads is the one libseccomp makes from these rules.
 */
#include <errno.h>
#include <seccomp.h>
#include <string.h>
#include "jail/seccomp-rules.h"

/* clang-format off: a table, grouped by kind */
const char *const jail_seccomp_blocked[] = {
	/* file system and mount manipulation */
	"mount", "umount", "umount2", "pivot_root", "move_mount", "open_tree", "fsopen",
	"fsconfig", "fsmount", "fspick", "mount_setattr", "open_by_handle_at",
	"name_to_handle_at", "quotactl", "swapon", "swapoff",
	/* namespaces (setns stays: it needs CAP_SYS_ADMIN for anything useful,
	 * and pam_jail's own teardown in sshd's monitor uses it) */
	"unshare",
	/* kernel and module loading, system-wide state */
	"kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
	"reboot", "acct", "syslog", "vhangup", "lookup_dcookie", "iopl", "ioperm",
	"settimeofday", "clock_settime", "adjtimex", "clock_adjtime",
	/* large attack surfaces with a CVE history */
	"keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd",
	"io_uring_setup", "io_uring_enter", "io_uring_register",
	NULL,
};
/* clang-format on */

int jail_seccomp_filter_new(void **ret, const char **failed)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	*ret = NULL;
	*failed = NULL;
	if (!ctx)
		return -ENOMEM;
	if (seccomp_arch_native() == SCMP_ARCH_X86_64) {
		(void)seccomp_arch_add(ctx, SCMP_ARCH_X86);
		(void)seccomp_arch_add(ctx, SCMP_ARCH_X32);
	}
	for (size_t i = 0; jail_seccomp_blocked[i]; i++) {
		int nr = seccomp_syscall_resolve_name(jail_seccomp_blocked[i]);

		if (nr == __NR_SCMP_ERROR)
			continue; /* not a syscall on this architecture */
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
		if (r < 0 && r != -EDOM) {
			seccomp_release(ctx);
			*failed = jail_seccomp_blocked[i];
			return r;
		}
	}
	*ret = ctx;
	return 0;
}
