/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of lib/unitname.c: unit-name escaping (the expected strings are
 * what systemd-escape(1) of systemd 252 prints for the same input), the
 * jail's scope name, systemd detection and the slice test on
 * /proc/PID/cgroup texts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jail/systemd.h"

static void test_escape_like_systemd_escape(void **state)
{
	(void)state;
	/* input, systemd-escape -- input */
	static const char *const cases[][2] = {
		{ "alice", "alice" },
		{ "j.doe@corp.example", "j.doe\\x40corp.example" }, /* LDAP/SSSD names: '@' */
		{ "a-b", "a\\x2db" },                              /* '-' is the slice separator */
		{ "dom\\user", "dom\\x5cuser" },                   /* winbind's DOMAIN\user */
		{ ".hidden", "\\x2ehidden" },                      /* no leading dot */
		{ "x y", "x\\x20y" },
		{ "\xc3\xbc", "\\xc3\\xbc" },                      /* UTF-8, byte by byte */
		{ "a/b", "a-b" },
		{ "a:b_c", "a:b_c" },
	};
	char buf[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = jail_unit_escape(cases[i][0], buf, sizeof(buf));

		assert_int_equal(n, (int)strlen(cases[i][1]));
		assert_string_equal(buf, cases[i][1]);
	}
}

static void test_escape_bounds(void **state)
{
	(void)state;
	char buf[8];

	assert_int_equal(jail_unit_escape("", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(jail_unit_escape(NULL, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(jail_unit_escape("1234567", buf, sizeof(buf)), 7);
	assert_int_equal(jail_unit_escape("12345678", buf, sizeof(buf)), -ENAMETOOLONG);
	/* an escape never half fits */
	assert_int_equal(jail_unit_escape("1234@", buf, sizeof(buf)), -ENAMETOOLONG);
	assert_int_equal(jail_unit_escape("123@", buf, sizeof(buf)), 7);
	assert_string_equal(buf, "123\\x40");
}

static void test_scope_name(void **state)
{
	(void)state;
	char buf[JAIL_UNIT_NAME_MAX + 1], user[65];

	assert_int_equal(jail_scope_name("lab_lim", 1002, 4711, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "pam-jail-lab_lim-4711.scope");
	assert_int_equal(jail_scope_name("j.doe@corp.example", 1002, 9, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "pam-jail-j.doe\\x40corp.example-9.scope");
	/* the user's part never holds a bare '-': "-PID" is unambiguous */
	assert_int_equal(jail_scope_name("a-1", 7, 2, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "pam-jail-a\\x2d1-2.scope");
	/* 64 '@' escape to 256 bytes: too long for a unit name, the uid stands in */
	memset(user, '@', 64);
	user[64] = '\0';
	assert_int_equal(jail_scope_name(user, 123456, 4194304, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "pam-jail-uid123456-4194304.scope");
	assert_true(strlen(buf) <= JAIL_UNIT_NAME_MAX);
	assert_int_equal(jail_scope_name("x", 1, 1, buf, 8), -ENAMETOOLONG);
	assert_int_equal(jail_user_slice_name(1002, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "user-1002.slice");
}

static void test_in_slice(void **state)
{
	(void)state;
	/* pure cgroup v2, a logind session of uid 1002 */
	assert_true(jail_cgroup_text_in_slice("0::/user.slice/user-1002.slice/session-4.scope\n",
					      "user-1002.slice"));
	/* the jail's own scope */
	assert_true(jail_cgroup_text_in_slice(
		"0::/user.slice/user-1002.slice/pam-jail-lab_lim-81.scope\n", "user-1002.slice"));
	/* another user, a prefix of the uid, a system service, the root */
	assert_false(jail_cgroup_text_in_slice("0::/user.slice/user-0.slice/session-1.scope\n",
					       "user-1002.slice"));
	assert_false(jail_cgroup_text_in_slice("0::/user.slice/user-10021.slice/session-1.scope\n",
					       "user-1002.slice"));
	assert_false(jail_cgroup_text_in_slice("0::/user.slice/user-100.slice/session-1.scope\n",
					       "user-1002.slice"));
	assert_false(
		jail_cgroup_text_in_slice("0::/system.slice/ssh.service\n", "user-1002.slice"));
	assert_false(jail_cgroup_text_in_slice("0::/\n", "user-1002.slice"));
	assert_false(jail_cgroup_text_in_slice("", "user-1002.slice"));
	/* our own old cgroup, outside any unit */
	assert_false(jail_cgroup_text_in_slice("0::/pam_jail/lab_lim.81\n", "user-1002.slice"));
	/* the name as a scope, not a path component of its own */
	assert_false(jail_cgroup_text_in_slice("0::/user.slice/x-user-1002.slice.scope\n",
					       "user-1002.slice"));
	/* hybrid: systemd's own hierarchy counts, a v1 controller hierarchy does not */
	assert_true(jail_cgroup_text_in_slice(
		"12:memory:/\n1:name=systemd:/user.slice/user-1002.slice/session-2.scope\n"
		"0::/user.slice/user-1002.slice/session-2.scope\n",
		"user-1002.slice"));
	assert_false(jail_cgroup_text_in_slice(
		"4:pids:/user.slice/user-1002.slice/session-2.scope\n1:name=systemd:/\n",
		"user-1002.slice"));
	/* no trailing newline */
	assert_true(jail_cgroup_text_in_slice("0::/user.slice/user-1002.slice", "user-1002.slice"));
}

/* the login record's entry for the slice: the line, its path cut at the slice */
static void test_slice_entry(void **state)
{
	char buf[128];

	(void)state;
	assert_int_equal(jail_cgroup_slice_entry("0::/user.slice/user-1002.slice/session-4.scope\n",
						 "user-1002.slice", buf, sizeof(buf)),
			 0);
	assert_string_equal(buf, ":/user.slice/user-1002.slice");
	assert_int_equal(
		jail_cgroup_slice_entry("12:memory:/\n1:name=systemd:/a/user.slice/user-1002.slice/"
					"s.scope\n0::/a/user.slice/user-1002.slice/s.scope\n",
					"user-1002.slice", buf, sizeof(buf)),
		0);
	assert_string_equal(buf, "name=systemd:/a/user.slice/user-1002.slice");
	assert_int_equal(jail_cgroup_slice_entry("0::/user.slice/user-1002.slice",
						 "user-1002.slice", buf, sizeof(buf)),
			 0);
	assert_string_equal(buf, ":/user.slice/user-1002.slice");
	assert_int_equal(jail_cgroup_slice_entry("0::/user.slice/user-10021.slice/s.scope\n",
						 "user-1002.slice", buf, sizeof(buf)),
			 -ESRCH);
	assert_int_equal(jail_cgroup_slice_entry("0::/user.slice/user-1002.slice/s.scope\n",
						 "user-1002.slice", buf, 10),
			 -ENAMETOOLONG);
}

static void test_booted(void **state)
{
	(void)state;
	char dir[] = "/tmp/test-unitname.XXXXXX", path[PATH_MAX];

	assert_non_null(mkdtemp(dir));
	assert_false(jail_systemd_booted_at(dir));
	snprintf(path, sizeof(path), "%s/run", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/run/systemd", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_false(jail_systemd_booted_at(dir));
	snprintf(path, sizeof(path), "%s/run/systemd/system", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_true(jail_systemd_booted_at(dir));
	rmdir(path);
	snprintf(path, sizeof(path), "%s/run/systemd", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/run", dir);
	rmdir(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_like_systemd_escape),
		cmocka_unit_test(test_escape_bounds),
		cmocka_unit_test(test_scope_name),
		cmocka_unit_test(test_in_slice),
		cmocka_unit_test(test_slice_entry),
		cmocka_unit_test(test_booted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
