/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/cgroup.c without root and without a cgroup file system: a tree of
 * plain directories and files laid out as cgroup v2 and as v1 hierarchies
 * (the files a kernel would create are made by the test), and a host
 * description pointing at it.  What is checked is what pam_jail writes
 * where: the limit files of each version, the controllers it enables, the
 * process it moves, what it refuses, and the pids check.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "jail/cgroup.h"
#include "tmp-tree.h"

static char top[64];

static int setup(void **state)
{
	(void)state;
	snprintf(top, sizeof(top), "/tmp/pam_jail-test-cgroup.XXXXXX");
	return mkdtemp(top) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return tmp_tree_remove(top) < 0 ? -1 : 0;
}

/* top/REL as a directory (and its parents) */
static void dir(const char *rel)
{
	char path[PATH_MAX], *p;

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	for (p = path + strlen(top) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
		*p = '/';
	}
	assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
}

/* top/REL as a file holding `text` (what the kernel would show) */
static void file(const char *rel, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* what pam_jail wrote into top/REL (files are written from offset 0 without
 * truncation, as cgroup files are, so only the first `len` bytes count) */
static void assert_file(const char *rel, const char *want)
{
	char path[PATH_MAX], buf[256] = "";
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (strncmp(buf, want, strlen(want)) != 0)
		fail_msg("%s: want '%s', got '%s'", rel, want, buf);
}

static bool exists(const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	return access(path, F_OK) == 0;
}

static struct jail_cgroup_host host_v2(void)
{
	struct jail_cgroup_host h = { .v2 = true, .have = { true, true, true } };

	snprintf(h.root, sizeof(h.root), "%s", top);
	return h;
}

static struct jail_cgroup_host host_v1(void)
{
	struct jail_cgroup_host h = { .v2 = false, .have = { true, true, true } };

	snprintf(h.root, sizeof(h.root), "%s", top);
	return h;
}

/* the v2 files of our sub-tree and of jail "alice.1" */
static void tree_v2(void)
{
	file("cgroup.subtree_control", "");
	dir("pam_jail/alice.1");
	file("pam_jail/cgroup.subtree_control", "");
	file("pam_jail/alice.1/memory.max", "max\n");
	file("pam_jail/alice.1/memory.swap.max", "max\n");
	file("pam_jail/alice.1/pids.max", "max\n");
	file("pam_jail/alice.1/cpu.max", "max 100000\n");
	file("pam_jail/alice.1/cgroup.procs", "\n");
}

static void test_v2_limits(void **state)
{
	struct jail_cgroup_host h = host_v2();
	struct jail_limits l = { .memory = 256ULL << 20, .pids = 100, .cpu_percent = 50 };
	struct jail_error err = { 0 };

	(void)state;
	tree_v2();
	assert_int_equal(jail_cgroup_setup(&h, "alice.1", &l, 4242, &err), 0);
	assert_file("pam_jail/alice.1/memory.max", "268435456");
	assert_file("pam_jail/alice.1/memory.swap.max", "0"); /* swap would dodge the limit */
	assert_file("pam_jail/alice.1/pids.max", "100");
	assert_file("pam_jail/alice.1/cpu.max", "50000 100000");
	assert_file("pam_jail/alice.1/cgroup.procs", "4242");
	/* controllers are enabled for our sub-tree (the last one written shows) */
	assert_file("pam_jail/cgroup.subtree_control", "+cpu");
}

/* a limit left at 0 is not written; a host without the controller skips it,
 * unless the template requires its limits */
static void test_v2_partial_and_required(void **state)
{
	struct jail_cgroup_host h = host_v2();
	struct jail_limits l = { .pids = 10 };
	struct jail_error err = { 0 };
	char missing[64];

	(void)state;
	tree_v2();
	assert_int_equal(jail_cgroup_setup(&h, "alice.1", &l, 7, &err), 0);
	assert_file("pam_jail/alice.1/pids.max", "10");
	assert_file("pam_jail/alice.1/memory.max", "max");
	assert_file("pam_jail/alice.1/cpu.max", "max");

	h.have[JAIL_CG_MEMORY] = false;
	l = (struct jail_limits){ .memory = 1 << 20, .pids = 10, .required = true };
	assert_int_equal(jail_limits_unsupported(&l, &h, missing, sizeof(missing)), 1);
	assert_string_equal(missing, "memory");
	assert_int_equal(jail_cgroup_setup(&h, "alice.2", &l, 7, &err), -EOPNOTSUPP);
	assert_string_equal(err.msg, "the host cannot enforce the required limits: memory");
	assert_false(exists("pam_jail/alice.2"));
	l.required = false;
	dir("pam_jail/alice.2");
	file("pam_jail/alice.2/pids.max", "max\n");
	file("pam_jail/alice.2/cgroup.procs", "\n");
	assert_int_equal(jail_cgroup_setup(&h, "alice.2", &l, 8, &err), 0);
	assert_file("pam_jail/alice.2/pids.max", "10");
	assert_false(exists("pam_jail/alice.2/memory.max"));
}

/* no limits: nothing is made or written */
static void test_no_limits(void **state)
{
	struct jail_cgroup_host h = host_v2();
	struct jail_limits l = { 0 };
	struct jail_error err = { 0 };

	(void)state;
	assert_false(jail_limits_any(&l));
	assert_int_equal(jail_cgroup_setup(&h, "alice.1", &l, 7, &err), 0);
	assert_false(exists("pam_jail"));
}

/* v1: one hierarchy per controller, each with our sub-tree */
static void test_v1_limits(void **state)
{
	struct jail_cgroup_host h = host_v1();
	struct jail_limits l = { .memory = 64ULL << 20, .pids = 33, .cpu_percent = 150 };
	struct jail_error err = { 0 };

	(void)state;
	dir("memory/pam_jail/bob.1");
	file("memory/pam_jail/bob.1/memory.limit_in_bytes", "9223372036854771712\n");
	file("memory/pam_jail/bob.1/cgroup.procs", "\n");
	dir("pids/pam_jail/bob.1");
	file("pids/pam_jail/bob.1/pids.max", "max\n");
	file("pids/pam_jail/bob.1/cgroup.procs", "\n");
	dir("cpu/pam_jail/bob.1");
	file("cpu/pam_jail/bob.1/cpu.cfs_period_us", "100000\n");
	file("cpu/pam_jail/bob.1/cpu.cfs_quota_us", "-1\n");
	file("cpu/pam_jail/bob.1/cgroup.procs", "\n");
	assert_int_equal(jail_cgroup_setup(&h, "bob.1", &l, 99, &err), 0);
	assert_file("memory/pam_jail/bob.1/memory.limit_in_bytes", "67108864");
	assert_file("pids/pam_jail/bob.1/pids.max", "33");
	assert_file("cpu/pam_jail/bob.1/cpu.cfs_period_us", "100000");
	assert_file("cpu/pam_jail/bob.1/cpu.cfs_quota_us", "150000"); /* 1.5 CPUs */
	assert_file("memory/pam_jail/bob.1/cgroup.procs", "99");
	assert_file("pids/pam_jail/bob.1/cgroup.procs", "99");
	assert_file("cpu/pam_jail/bob.1/cgroup.procs", "99");
	assert_false(exists("cgroup.subtree_control")); /* v1 has no controllers to enable */
}

/* a failure part way removes what was made (rmdir only: a directory with
 * files in it, as here, stays, as a populated cgroup would) */
static void test_failure_cleans_up(void **state)
{
	struct jail_cgroup_host h = host_v1();
	struct jail_limits l = { .pids = 5 };
	struct jail_error err = { 0 };

	(void)state;
	dir("pids"); /* no pids.max appears in a plain directory: the write fails */
	assert_int_equal(jail_cgroup_setup(&h, "carol.1", &l, 1, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "cannot set the pids limit in"));
	assert_false(exists("pids/pam_jail/carol.1"));
	assert_true(exists("pids/pam_jail"));
}

/* at the pids limit a login would not fork: said before it tries */
static void test_pids_exhausted(void **state)
{
	struct jail_cgroup_host h = host_v2();

	(void)state;
	tree_v2();
	file("pam_jail/alice.1/pids.max", "5\n");
	file("pam_jail/alice.1/pids.current", "4\n");
	assert_int_equal(jail_cgroup_pids_exhausted(&h, "alice.1"), 0);
	file("pam_jail/alice.1/pids.current", "5\n");
	assert_int_equal(jail_cgroup_pids_exhausted(&h, "alice.1"), 1);
	file("pam_jail/alice.1/pids.max", "max\n");
	assert_int_equal(jail_cgroup_pids_exhausted(&h, "alice.1"), 0);
	h.have[JAIL_CG_PIDS] = false;
	assert_int_equal(jail_cgroup_pids_exhausted(&h, "alice.1"), 0);
}

/* sizes and percentages as the config writes them */
static void test_parse(void **state)
{
	unsigned long long b;
	unsigned p;

	(void)state;
	assert_int_equal(jail_parse_bytes("512M", &b), 0);
	assert_int_equal(b, 512ULL << 20);
	assert_int_equal(jail_parse_bytes("1G", &b), 0);
	assert_int_equal(b, 1ULL << 30);
	assert_int_equal(jail_parse_bytes("1024", &b), 0);
	assert_int_equal(b, 1024);
	assert_int_equal(jail_parse_bytes("12Q", &b), -EINVAL);
	assert_int_equal(jail_parse_bytes("", &b), -EINVAL);
	assert_int_equal(jail_parse_percent("50%", &p), 0);
	assert_int_equal(p, 50);
	assert_int_equal(jail_parse_percent("50", &p), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_v2_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v2_partial_and_required, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v1_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_cleans_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pids_exhausted, setup, teardown),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
