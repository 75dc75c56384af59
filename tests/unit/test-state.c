/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The state record (STATE_DIR/U/state, include/jail/layout.h): what
 * jail_state_write() writes is the format every reader knows (jailctl, the
 * tests, a jail built by the previous version), and jail_state_read() reads
 * it back (lib/state.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "jail/layout.h"
#include "../../lib/jail-internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

static char tmp_dir[] = "/tmp/pam_jail-test-state-XXXXXX";
static int dir_fd = -1;

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmp_dir))
		return -1;
	dir_fd = open(tmp_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return dir_fd < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	(void)unlinkat(dir_fd, JAIL_STATE_RECORD, 0);
	(void)unlinkat(dir_fd, JAIL_STATE_RECORD_TMP, 0);
	close(dir_fd);
	return rmdir(tmp_dir);
}

static void read_record(char *buf, size_t size)
{
	int fd = openat(dir_fd, "state", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, size - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
}

static void write_record(const char *text)
{
	int fd = openat(dir_fd, "state", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void test_write_format(void **state)
{
	struct state s = {
		.pid = 4242,
		.start = 123456,
		.pidns = 4026532000ULL,
		.ns_flags = 0x20000,
		.created = 1700000000,
		.template_name = "web",
		.cgroup = "ann.7",
		.generation = 3,
		.template_path = "/srv/tpl/web.gen/3",
		.template_dev = 2049,
		.template_ino = 77,
		.linger_s = 30,
		.settings = 0x0123456789abcdefULL,
	};
	char buf[8192];

	(void)state;
	assert_int_equal(jail_state_write(dir_fd, &s), 0);
	read_record(buf, sizeof(buf));
	/* the literal format, as written before the keys had names */
	assert_string_equal(buf,
			    "version=1\npid=4242\nstart=123456\npidns=4026532000\nnsflags=131072\n"
			    "created=1700000000\ntemplate=web\ncgroup=ann.7\ngeneration=3\n"
			    "rootfs=/srv/tpl/web.gen/3\nrootfs_id=2049:77\nlinger=30\n"
			    "settings=0123456789abcdef\n");
	assert_int_equal(faccessat(dir_fd, "state.tmp", F_OK, 0), -1);

	s.generation = -1; /* unversioned: no generation line */
	assert_int_equal(jail_state_write(dir_fd, &s), 0);
	read_record(buf, sizeof(buf));
	assert_null(strstr(buf, "generation="));
}

static void test_round_trip(void **state)
{
	struct state s = {
		.pid = 99, .start = 5, .pidns = 6, .ns_flags = 7, .created = 8,
		.template_name = "t", .cgroup = "", .generation = 12, .template_path = "/x.gen/12",
		.template_dev = 1, .template_ino = 2, .linger_s = 86400, .settings = ~0ULL,
	}, r;

	(void)state;
	assert_int_equal(jail_state_write(dir_fd, &s), 0);
	assert_int_equal(jail_state_read(dir_fd, &r), 0);
	assert_int_equal(r.pid, 99);
	assert_int_equal(r.start, 5);
	assert_int_equal(r.pidns, 6);
	assert_int_equal(r.ns_flags, 7);
	assert_int_equal(r.created, 8);
	assert_string_equal(r.template_name, "t");
	assert_string_equal(r.cgroup, "");
	assert_int_equal(r.generation, 12);
	assert_string_equal(r.template_path, "/x.gen/12");
	assert_int_equal(r.template_dev, 1);
	assert_int_equal(r.template_ino, 2);
	assert_int_equal(r.linger_s, 86400);
	assert_true(r.settings == ~0ULL);
}

static void test_read_old_and_odd(void **state)
{
	struct state r;

	(void)state;
	/* a record from before generations, as tests/integration forges them */
	write_record(
		"version=1\npid=999999\nstart=1\npidns=1\nnsflags=0\ncreated=0\ntemplate=web\n");
	assert_int_equal(jail_state_read(dir_fd, &r), 0);
	assert_int_equal(r.pid, 999999);
	assert_string_equal(r.template_name, "web");
	assert_int_equal(r.generation, -1);
	assert_int_equal(r.template_dev, 0);
	/* before linger and settings: none, and unknown (a lingering jail is
	 * rebuilt when idle) */
	assert_int_equal(r.linger_s, 0);
	assert_true(r.settings == 0);
	/* a bad generation or rootfs_id is ignored, not half-taken; unknown keys too */
	write_record("pid=5\nstart=1\npidns=1\ngeneration=x\nrootfs_id=7\nfuture=1\nrootfs=/r\n");
	assert_int_equal(jail_state_read(dir_fd, &r), 0);
	assert_int_equal(r.generation, -1);
	assert_int_equal(r.template_dev, 0);
	assert_int_equal(r.template_ino, 0);
	assert_string_equal(r.template_path, "/r");
	/* no init named: not a record */
	write_record("version=1\ntemplate=web\n");
	assert_int_equal(jail_state_read(dir_fd, &r), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_format),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_read_old_and_odd),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
