/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of lib/user.c (jail_user_lookup*, through the real NSS of the
 * machine) and lib/error.c (jail_escape, jail_error_format, jail_err*).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "jail/error.h"
#include "jail/user.h"

#define NO_SUCH_USER "pam-jail-no-such-user"

/* ---- jail_user_lookup ----------------------------------------------------------- */

static bool has_name(const struct jail_user *u, const char *name)
{
	for (size_t i = 0; i < u->n_group_names; i++)
		if (strcmp(u->group_names[i], name) == 0)
			return true;
	return false;
}

static bool has_gid(const struct jail_user *u, gid_t gid)
{
	for (size_t i = 0; i < u->n_gids; i++)
		if (u->gids[i] == gid)
			return true;
	return false;
}

/* What every looked-up user must satisfy, checked against NSS directly. */
static void assert_user_consistent(const struct jail_user *u)
{
	struct passwd *pw = getpwnam(u->name);
	gid_t gids[4096];
	int n = (int)ELEMENTSOF(gids);
	struct group *gr;

	assert_non_null(pw);
	assert_int_equal(u->uid, pw->pw_uid);
	assert_int_equal(u->gid, pw->pw_gid);
	assert_string_equal(u->home, pw->pw_dir);
	assert_string_equal(u->shell, pw->pw_shell);

	/* the primary group comes first, in both lists */
	assert_true(u->n_gids >= 1);
	assert_int_equal(u->gids[0], u->gid);
	for (size_t i = 1; i < u->n_gids; i++)
		assert_true(u->gids[i] != u->gid);
	gr = getgrgid(u->gid);
	if (gr) {
		assert_true(u->n_group_names >= 1);
		assert_string_equal(u->group_names[0], gr->gr_name);
	}

	/* the same set of groups as getgrouplist() */
	assert_true(getgrouplist(u->name, u->gid, gids, &n) >= 0);
	assert_int_equal(u->n_gids, (size_t)n);
	for (int i = 0; i < n; i++)
		assert_true(has_gid(u, gids[i]));

	/* the names are NULL-terminated */
	assert_true(u->n_group_names <= u->n_gids);
	assert_null(u->group_names[u->n_group_names]);
}

static void test_lookup_root(void **state)
{
	struct jail_error err = { 0 };
	struct jail_user *u = NULL;

	(void)state;
	assert_int_equal(jail_user_lookup("root", &u, &err), 0);
	assert_non_null(u);
	assert_string_equal(u->name, "root");
	assert_int_equal(u->uid, 0);
	assert_int_equal(u->gid, 0);
	assert_string_equal(u->home, "/root");
	assert_int_equal(u->gids[0], 0);
	assert_string_equal(u->group_names[0], "root");
	assert_true(has_name(u, "root"));
	assert_user_consistent(u);
	jail_user_free(u);
}

static void test_lookup_uid_root(void **state)
{
	struct jail_error err = { 0 };
	struct jail_user *u = NULL;

	(void)state;
	assert_int_equal(jail_user_lookup_uid(0, &u, &err), 0);
	assert_non_null(u);
	assert_string_equal(u->name, "root");
	assert_int_equal(u->uid, 0);
	assert_string_equal(u->home, "/root");
	assert_true(has_name(u, "root"));
	assert_user_consistent(u);
	jail_user_free(u);
}

static void test_lookup_unknown(void **state)
{
	struct jail_error err = { 0 };
	struct jail_user *u = NULL;
	char buf[600];

	(void)state;
	assert_null(getpwnam(NO_SUCH_USER));
	assert_int_equal(jail_user_lookup(NO_SUCH_USER, &u, &err), -ENOENT);
	assert_null(u);
	assert_string_equal(err.msg, "unknown user '" NO_SUCH_USER "'");
	assert_string_equal(jail_error_format(&err, buf, sizeof(buf)),
			    "unknown user '" NO_SUCH_USER "'");

	assert_int_equal(jail_user_lookup("", &u, &err), -ENOENT);
	assert_null(u);
	assert_string_equal(err.msg, "unknown user ''");
}

static void test_lookup_uid_unknown(void **state)
{
	struct jail_error err = { 0 };
	struct jail_user *u = NULL;
	uid_t uid = 2147483646;

	(void)state;
	if (getpwuid(uid)) {
		fprintf(stderr, "\n*** SKIPPED %s: uid %u exists on this machine\n\n", __func__,
			(unsigned)uid);
		skip();
	}
	assert_int_equal(jail_user_lookup_uid(uid, &u, &err), -ENOENT);
	assert_null(u);
	assert_string_equal(err.msg, "unknown uid 2147483646");
}

/* Every user of this machine (at most 200 of them): primary group first,
 * the same groups as NSS says. */
static void test_lookup_all_users(void **state)
{
	char *names[200];
	size_t n = 0;
	struct passwd *pw;

	(void)state;
	setpwent();
	while (n < ELEMENTSOF(names) && (pw = getpwent())) {
		names[n] = strdup(pw->pw_name);
		assert_non_null(names[n]);
		n++;
	}
	endpwent();
	assert_true(n >= 1);

	for (size_t i = 0; i < n; i++) {
		struct jail_error err = { 0 };
		struct jail_user *u = NULL;

		int r = jail_user_lookup(names[i], &u, &err);

		/* other test suites on the machine may remove their users meanwhile */
		if (r == -ENOENT) {
			free(names[i]);
			continue;
		}
		assert_int_equal(r, 0);
		assert_string_equal(u->name, names[i]);
		assert_user_consistent(u);
		jail_user_free(u);
		free(names[i]);
	}
}

static void test_user_free_null(void **state)
{
	(void)state;
	jail_user_free(NULL);
}

/* ---- jail_escape ------------------------------------------------------------------ */

static void test_escape(void **state)
{
	static const struct {
		const char *in, *out;
	} t[] = {
		{ "plain text, 100% ok: [x] {y} (z) ~w", "plain text, 100% ok: [x] {y} (z) ~w" },
		/* a value cannot end the quotes around it or pose as a field */
		{ "\"z\" 'w'", "\\\"z\\\" \\'w\\'" },
		{ "a user='root'", "a user\\x3d\\'root\\'" },
		{ "", "" },
		{ "a\nb", "a\\x0ab" },
		{ "line\r\nforged: root logged in", "line\\x0d\\x0aforged: root logged in" },
		{ "\t", "\\x09" },
		{ "\x01\x1f", "\\x01\\x1f" },
		{ "\x1b[31mred", "\\x1b[31mred" },
		{ "del\x7f", "del\\x7f" },
		{ "back\\slash", "back\\\\slash" },
		{ "\\x0a", "\\\\x0a" }, /* an escape in the input cannot pose as ours */
		{ "caf\xc3\xa9", "caf\\xc3\\xa9" },
		{ "\xff", "\\xff" },
		{ "~", "~" },
	};
	char buf[256];

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		assert_ptr_equal(jail_escape(t[i].in, buf, sizeof(buf)), buf);
		assert_string_equal(buf, t[i].out);
	}
	assert_string_equal(jail_escape(NULL, buf, sizeof(buf)), "");
}

/* Whatever the buffer size, jail_escape() writes inside it, terminates it,
 * produces a prefix of the full result and never cuts an escape in half. */
static void test_escape_truncation(void **state)
{
	static const char *const inputs[] = {
		"abcdefghijklmnopqrstuvwxyz",
		"\n\n\n\n\n\n\n\n",
		"a\nbc\\d\xc3\xa9-fg\x7fh'\"=",
		"\xff\xfe\xfd",
	};
	char full[256], buf[64];

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(inputs); i++) {
		size_t full_len;

		jail_escape(inputs[i], full, sizeof(full));
		full_len = strlen(full);
		for (size_t size = 0; size <= sizeof(buf) - 8; size++) {
			size_t len;

			memset(buf, 'Z', sizeof(buf));
			jail_escape(inputs[i], buf, size);
			for (size_t k = size; k < sizeof(buf); k++)
				assert_int_equal(buf[k], 'Z'); /* nothing written past size */
			if (size == 0)
				continue;
			len = strnlen(buf, size);
			assert_true(len < size); /* terminated inside */
			assert_memory_equal(buf, full, len);
			for (size_t k = 0; k < len; k++)
				if (buf[k] == '\\') { /* whole "\xNN" or "\'" "\"" "\\" */
					assert_true(k + 2 <= len);
					if (buf[k + 1] == 'x') {
						assert_true(k + 4 <= len);
						k += 3;
					} else {
						assert_non_null(strchr("'\"\\", buf[k + 1]));
						k++;
					}
				}
			if (size >= full_len + 5)
				assert_int_equal(len, full_len); /* room enough: nothing lost */
			/* it stops once fewer than 5 bytes are left, so it wastes
			 * at most 4 bytes of the buffer */
			if (size > 5)
				assert_true(len >= size - 5 || len == full_len);
		}
	}
}

/* ---- jail_error_format / jail_err ------------------------------------------------- */

static void test_error_format(void **state)
{
	struct jail_error err = { 0 };
	char buf[1024];

	(void)state;
	assert_int_equal(jail_err_at(&err, -EINVAL, "/etc/security/pam_jail.conf", 12,
				     "no such option '%s'", "foo"),
			 -EINVAL);
	assert_string_equal(err.file, "/etc/security/pam_jail.conf");
	assert_int_equal(err.line, 12);
	assert_string_equal(err.msg, "no such option 'foo'");
	assert_string_equal(jail_error_format(&err, buf, sizeof(buf)),
			    "/etc/security/pam_jail.conf:12: no such option 'foo'");

	/* a file without a line */
	assert_int_equal(jail_err_at(&err, -EILSEQ, "x.conf", 0, "not a text file"), -EILSEQ);
	assert_string_equal(jail_error_format(&err, buf, sizeof(buf)), "x.conf: not a text file");

	/* jail_err() forgets the file and line of an earlier error */
	assert_int_equal(jail_err(&err, -ENOENT, "unknown user '%s'", "bob"), -ENOENT);
	assert_string_equal(err.file, "");
	assert_int_equal(err.line, 0);
	assert_string_equal(jail_error_format(&err, buf, sizeof(buf)), "unknown user 'bob'");

	/* a line without a file is not shown */
	assert_int_equal(jail_err_at(&err, -EINVAL, NULL, 7, "odd"), -EINVAL);
	assert_string_equal(jail_error_format(&err, buf, sizeof(buf)), "odd");

	/* no error struct: the code is still returned */
	assert_int_equal(jail_err(NULL, -EPERM, "ignored %d", 1), -EPERM);
	assert_int_equal(jail_err_at(NULL, -EPERM, "f", 1, "ignored"), -EPERM);
}

static void test_error_format_truncation(void **state)
{
	struct jail_error err = { 0 };
	char long_name[1000], buf[16];

	(void)state;
	jail_err_at(&err, -EINVAL, "pam_jail.conf", 123, "a rather long message");
	memset(buf, 'Z', sizeof(buf));
	assert_ptr_equal(jail_error_format(&err, buf, 10), buf);
	assert_string_equal(buf, "pam_jail.");
	assert_int_equal(buf[10], 'Z');

	/* fields longer than the struct are cut, and still terminated */
	memset(long_name, 'f', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	jail_err_at(&err, -EINVAL, long_name, 1, "%s", long_name);
	assert_int_equal(strlen(err.file), sizeof(err.file) - 1);
	assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_root),
		cmocka_unit_test(test_lookup_uid_root),
		cmocka_unit_test(test_lookup_unknown),
		cmocka_unit_test(test_lookup_uid_unknown),
		cmocka_unit_test(test_lookup_all_users),
		cmocka_unit_test(test_user_free_null),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_escape_truncation),
		cmocka_unit_test(test_error_format),
		cmocka_unit_test(test_error_format_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
