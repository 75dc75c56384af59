/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* STATE_DIR's layout (include/jail/layout.h): the path builder. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "jail/layout.h"

static void assert_path(const char *dir, const char *user, const char *leaf, const char *want)
{
	char buf[PATH_MAX];

	assert_int_equal(jail_state_path(buf, sizeof(buf), dir, user, leaf), 0);
	assert_string_equal(buf, want);
}

static void test_state_path(void **state)
{
	(void)state;
	assert_path("/run/pam_jail", "ann", JAIL_STATE_ROOT, "/run/pam_jail/ann/root");
	assert_path("/run/pam_jail", "ann", JAIL_STATE_SKEL, "/run/pam_jail/ann/skel");
	assert_path("/var/lib/ov", "ann", JAIL_OVERLAY_UPPER, "/var/lib/ov/ann/upper");
	/* the user's own directory */
	assert_path("/run/pam_jail", "ann", NULL, "/run/pam_jail/ann");
	assert_path("/run/pam_jail", "ann", "", "/run/pam_jail/ann");
	/* a leaf may be deeper */
	assert_path("/run/pam_jail", "ann", "root/dev/pts", "/run/pam_jail/ann/root/dev/pts");
	/* trailing slashes of DIR do not count; "/" is the root */
	assert_path("/run/pam_jail/", "ann", JAIL_STATE_ROOT, "/run/pam_jail/ann/root");
	assert_path("/run/pam_jail//", "ann", NULL, "/run/pam_jail/ann");
	assert_path("/", "ann", JAIL_STATE_ROOT, "/ann/root");
	/* names that are not one path component */
	{
		static const char *const bad[] = { "",     ".",    "..",   "a/b", "/ann",
						   "ann/", ".ann", "-ann", "a\nb" };
		char buf[64];

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			assert_int_equal(
				jail_state_path(buf, sizeof(buf), "/run/pam_jail", bad[i], NULL),
				-EINVAL);
		}
	}
}

static void test_state_path_too_long(void **state)
{
	/* "/s/ann/root" is 11 bytes: it fits in 12, not in 11 */
	char buf[12];

	(void)state;
	assert_int_equal(jail_state_path(buf, 12, "/s", "ann", JAIL_STATE_ROOT), 0);
	assert_string_equal(buf, "/s/ann/root");
	assert_int_equal(jail_state_path(buf, 11, "/s", "ann", JAIL_STATE_ROOT), -ENAMETOOLONG);
	assert_int_equal(jail_state_path(buf, 7, "/s", "ann", NULL), 0);
	assert_int_equal(jail_state_path(buf, 6, "/s", "ann", NULL), -ENAMETOOLONG);
	assert_int_equal(jail_state_path(buf, 0, "/s", "ann", NULL), -ENAMETOOLONG);
}

/* the state record's keys are "KEY=" prefixes no other key starts with, so
 * a reader that matches prefixes (lib/state.c jail_state_read) cannot confuse two */
static void test_state_keys_distinct(void **state)
{
	static const char *const keys[] = {
		JAIL_STATE_KEY_VERSION, JAIL_STATE_KEY_PID,      JAIL_STATE_KEY_START,
		JAIL_STATE_KEY_PIDNS,   JAIL_STATE_KEY_NSFLAGS,  JAIL_STATE_KEY_CREATED,
		JAIL_STATE_KEY_TEMPLATE, JAIL_STATE_KEY_CGROUP,  JAIL_STATE_KEY_GENERATION,
		JAIL_STATE_KEY_ROOTFS,  JAIL_STATE_KEY_ROOTFS_ID,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		size_t n = strlen(keys[i]);

		assert_true(n > 1 && keys[i][n - 1] == '=' && !strchr(keys[i], '\n'));
		for (size_t j = 0; j < sizeof(keys) / sizeof(keys[0]); j++)
			if (i != j)
				assert_false(strncmp(keys[j], keys[i], n) == 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_path),
		cmocka_unit_test(test_state_path_too_long),
		cmocka_unit_test(test_state_keys_distinct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
