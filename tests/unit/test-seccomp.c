/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The template syscall filter: the program a login loads (lib/seccomp.c,
 * generated at build time) is exactly what libseccomp makes of the rules
 * (lib/seccomp-rules.c) on this machine, and loaded it answers every blocked
 * call with EPERM and lets the others through.  No root needed (the filter
 * sets no_new_privs itself).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "jail/seccomp.h"
#include "jail/seccomp-rules.h"

static void test_program_is_libseccomps(void **state)
{
	static struct sock_filter made[4096];
	const struct sock_filter *prog;
	const char *failed;
	size_t len;
	void *ctx;
	ssize_t n;
	int fd;

	(void)state;
	assert_int_equal(jail_seccomp_filter_new(&ctx, &failed), 0);
	fd = memfd_create("bpf", MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(seccomp_export_bpf(ctx, fd), 0);
	seccomp_release(ctx);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	n = read(fd, made, sizeof(made));
	close(fd);
	prog = jail_seccomp_program(&len);
	assert_true(len > 10);
	assert_int_equal((size_t)n, len * sizeof(*prog));
	assert_memory_equal(made, prog, (size_t)n);
}

/* in a child: load the filter, then report what the calls return */
static void test_loaded(void **state)
{
	struct jail_error err = { 0 };
	int status;
	pid_t c;

	(void)state;
	c = fork();
	assert_true(c >= 0);
	if (c == 0) {
		if (jail_seccomp_apply(&err) < 0)
			_exit(10);
		if (unshare(CLONE_NEWUTS) == 0 || errno != EPERM)
			_exit(11); /* blocked, answered with EPERM */
		if (syscall(SYS_keyctl, 0, 0, 0, 0, 0) != -1 || errno != EPERM)
			_exit(12);
		if (syscall(SYS_umount2, "/nonexistent", 0) != -1 || errno != EPERM)
			_exit(13);
		if (getpid() <= 0 || getppid() <= 0)
			_exit(14); /* everything else goes through */
		if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
			_exit(15);
		_exit(0);
	}
	assert_int_equal(waitpid(c, &status, 0), c);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_program_is_libseccomps),
		cmocka_unit_test(test_loaded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
