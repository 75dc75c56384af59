/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mini-init: what helper/jail-init.c does before it reports "ready", with
 * raw system calls and no C library (no start-up code): for the comparison in
 * bench/run.sh --profile (see bench/init-startup.c).  Not a replacement for
 * jail-init: it does not reap, and it handles no errors.
 *
 *   cc -O2 -static -nostdlib -fno-stack-protector -fno-builtin -o mini-init mini-init.c
 */
#include <sys/syscall.h>
#include <linux/capability.h>
#include <linux/prctl.h>

static long sc(long n, long a, long b, long c, long d)
{
	long r;
	register long r10 __asm__("r10") = d;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return r;
}

static const int ready_record[102] = { 3 }; /* struct record { kind = 3 (ready) } */

void _start(void);
__attribute__((force_align_arg_pointer, noreturn)) void _start(void)
{
	unsigned long all = ~0UL;
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { { 0, 0, 0 }, { 0, 0, 0 } };

	if (sc(SYS_getpid, 0, 0, 0, 0) != 1)
		sc(SYS_exit_group, 1, 0, 0, 0);
	sc(SYS_rt_sigprocmask, 2 /* SIG_SETMASK */, (long)&all, 0, 8);
	sc(SYS_setsid, 0, 0, 0, 0);
	sc(SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0);
	for (int i = 0; i < 64; i++)
		sc(SYS_prctl, PR_CAPBSET_DROP, i, 0, 0);
	sc(SYS_capset, (long)&hdr, (long)data, 0, 0);
	sc(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0);
	sc(SYS_write, 3, (long)ready_record, sizeof(ready_record), 0);
	sc(SYS_close, 3, 0, 0, 0);
	for (;;)
		sc(SYS_pause, 0, 0, 0, 0);
}
