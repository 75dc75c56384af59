/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of lib/path.c: jail_name_valid(), jail_path_join(),
 * jail_path_normal(), jail_open_trusted() and jail_state_dir_open().
 *
 * The trusted-path tests build real directory trees in a mkdtemp()
 * directory under /tmp (root-owned 0755, below the root-owned sticky /tmp).
 * They need root for the ownership they check; without it they skip()
 * loudly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jail/path.h"
#include "jail/error.h"
#include "tmp-tree.h"

#define NOBODY_UID 65534

static char tmp_dir[128];

static int setup(void **state)
{
	(void)state;
	snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/pam_jail-test-path.XXXXXX");
	if (!mkdtemp(tmp_dir))
		return -1;
	return chmod(tmp_dir, 0755);
}

static int teardown(void **state)
{
	(void)state;
	if (!tmp_dir[0])
		return 0;
	if (tmp_tree_remove(tmp_dir) < 0)
		return -1;
	tmp_dir[0] = '\0';
	return 0;
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

static void require_root(const char *test)
{
	if (geteuid() == 0)
		return;
	fprintf(stderr,
		"\n*** SKIPPED %s: needs root (root-owned temp directories, chown to uid %d);\n*** "
		"run `make check-unit` as root to cover it.\n\n",
		test, NOBODY_UID);
	skip();
}

/* tmp_dir/rel into buf (PATH_MAX bytes) */
static char *tpath(char *buf, const char *rel)
{
	snprintf(buf, PATH_MAX, "%s/%s", tmp_dir, rel);
	return buf;
}

static void mk_dir(const char *rel, mode_t mode, uid_t uid)
{
	char p[PATH_MAX];

	assert_int_equal(mkdir(tpath(p, rel), 0700), 0);
	assert_int_equal(chmod(p, mode), 0);
	assert_int_equal(chown(p, uid, uid), 0);
}

static void mk_file(const char *rel, mode_t mode, uid_t uid)
{
	char p[PATH_MAX];
	int fd;

	fd = open(tpath(p, rel), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x\n", 2), 2);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(fchown(fd, uid, uid), 0);
	assert_int_equal(close(fd), 0);
}

static void mk_link(const char *rel, const char *target, uid_t uid)
{
	char p[PATH_MAX];

	assert_int_equal(symlink(target, tpath(p, rel)), 0);
	assert_int_equal(lchown(p, uid, uid), 0);
}

/* jail_open_trusted() on tmp_dir/rel succeeds and opens the same inode as
 * tmp_dir/expect_rel. */
static void assert_opens(const char *rel, int open_flags, unsigned flags, uid_t final_uid,
			 const char *expect_rel)
{
	struct jail_error err = { 0 };
	char p[PATH_MAX], e[PATH_MAX];
	struct stat st, want;
	int fd;

	fd = jail_open_trusted(tpath(p, rel), open_flags, flags, final_uid, &err);
	if (fd < 0)
		fprintf(stderr, "jail_open_trusted(%s) = %d: %s\n", p, fd, err.msg);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(stat(tpath(e, expect_rel), &want), 0);
	assert_int_equal(st.st_dev, want.st_dev);
	assert_int_equal(st.st_ino, want.st_ino);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
}

/* jail_open_trusted(path) fails with r and exactly msg. */
static void assert_refused_abs(const char *path, int open_flags, unsigned flags, uid_t final_uid,
			       int r, const char *msg)
{
	struct jail_error err = { 0 };
	char buf[PATH_MAX + 512];

	assert_int_equal(jail_open_trusted(path, open_flags, flags, final_uid, &err), r);
	assert_string_equal(jail_error_format(&err, buf, sizeof(buf)), msg);
	assert_string_equal(err.file, "");
}

/* Same for tmp_dir/rel; in `fmt` the first %s is tmp_dir/rel. */
static void assert_refused(const char *rel, int open_flags, unsigned flags, uid_t final_uid, int r,
			   const char *fmt, ...) _printf_(6, 7);
static void assert_refused(const char *rel, int open_flags, unsigned flags, uid_t final_uid, int r,
			   const char *fmt, ...)
{
	char p[PATH_MAX], msg[PATH_MAX + 512];
	va_list ap;

	tpath(p, rel);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	assert_refused_abs(p, open_flags, flags, final_uid, r, msg);
}

/* ---- pure string functions ---------------------------------------------------- */

static void test_name_valid(void **state)
{
	static const struct {
		const char *name;
		bool valid;
	} t[] = {
		{ "alice", true },
		{ "a", true },
		{ "0", true },
		{ "A9_x", true },
		{ "_svc", true },
		{ "@ldap", true },
		{ "bob.smith-2@corp", true },
		{ "ends.", true },
		{ "1234567890123456789012345678901234567890123456789012345678901234",
		  true }, /* 64 */
		{ "12345678901234567890123456789012345678901234567890123456789012345",
		  false }, /* 65 */
		{ "", false },
		{ NULL, false },
		{ ".", false },
		{ "..", false },
		{ ".hidden", false },
		{ "-rf", false },
		{ "a/b", false },
		{ "a b", false },
		{ "a:b", false },
		{ "a,b", false },
		{ "a=b", false },
		{ "a\\b", false },
		{ "a\nb", false },
		{ "tab\t", false },
		{ "caf\xc3\xa9", false },
		{ "$(id)", false },
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		if (jail_name_valid(t[i].name) != t[i].valid)
			fprintf(stderr, "jail_name_valid(\"%s\") is not %s\n",
				t[i].name ? t[i].name : "(null)", t[i].valid ? "true" : "false");
		assert_true(jail_name_valid(t[i].name) == t[i].valid);
	}
}

static void test_path_join(void **state)
{
	static const struct {
		const char *a, *b, *want;
	} t[] = {
		{ "/a", "b", "/a/b" },
		{ "/a/", "b", "/a/b" },
		{ "/a//", "//b", "/a/b" },
		{ "/a", "b/c/", "/a/b/c/" },
		{ "/", "b", "/b" },
		{ "/", "/b", "/b" },
		{ "//", "b", "/b" },
		{ "/run/pam_jail", "alice", "/run/pam_jail/alice" },
		{ "a", "b", "a/b" },
		{ "/a", "", "/a/" },
	};
	char buf[PATH_MAX];

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		assert_int_equal(jail_path_join(buf, sizeof(buf), t[i].a, t[i].b), 0);
		if (strcmp(buf, t[i].want) != 0)
			fprintf(stderr, "jail_path_join(\"%s\", \"%s\")\n", t[i].a, t[i].b);
		assert_string_equal(buf, t[i].want);
	}
}

static void test_path_join_too_long(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(jail_path_join(buf, 7, "/abc", "de"), -ENAMETOOLONG); /* needs 8 */
	assert_int_equal(buf[7], 'X'); /* nothing beyond size */
	assert_int_equal(jail_path_join(buf, 8, "/abc", "de"), 0);
	assert_string_equal(buf, "/abc/de");
	assert_int_equal(jail_path_join(buf, 1, "/", "b"), -ENAMETOOLONG);
}

static void test_path_normal(void **state)
{
	static const struct {
		const char *path;
		bool normal;
	} t[] = {
		{ "/", true },
		{ "/a", true },
		{ "/srv/jails/web", true },
		{ "/a/.b", true },
		{ "/a/..b", true },
		{ "/a/b..", true },
		{ "/...", true },
		{ "/with space", true },
		{ "/caf\xc3\xa9", true },
		{ NULL, false },
		{ "", false },
		{ "a", false },
		{ "a/b", false },
		{ ".", false },
		{ "./a", false },
		{ "/a/", false },
		{ "//", false },
		{ "//a", false },
		{ "/a//b", false },
		{ "/.", false },
		{ "/./a", false },
		{ "/a/.", false },
		{ "/a/./b", false },
		{ "/..", false },
		{ "/../a", false },
		{ "/a/..", false },
		{ "/a/../b", false },
		{ "/a\nb", false },
		{ "/a\tb", false },
		{ "/a\x7f", false },
		{ "/\x1b[0m", false },
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		if (jail_path_normal(t[i].path) != t[i].normal)
			fprintf(stderr, "jail_path_normal(\"%s\") is not %s\n",
				t[i].path ? t[i].path : "(null)", t[i].normal ? "true" : "false");
		assert_true(jail_path_normal(t[i].path) == t[i].normal);
	}
}

/* ---- jail_open_trusted ---------------------------------------------------------- */

/* These need no root: they are refused before anything is opened. */
static void test_trusted_bad_paths(void **state)
{
	(void)state;
	assert_refused_abs("etc/passwd", O_RDONLY, 0, 0, -EINVAL,
			   "'etc/passwd' is not an absolute path");
	assert_refused_abs("", O_RDONLY, 0, 0, -EINVAL, "'' is not an absolute path");
	assert_refused_abs(NULL, O_RDONLY, 0, 0, -EINVAL, "'(null)' is not an absolute path");
	assert_refused_abs("/../etc/passwd", O_RDONLY, 0, 0, -EINVAL,
			   "'/../etc/passwd': '..' is not allowed");
}

static void test_trusted_chain_ok(void **state)
{
	char p[PATH_MAX];
	char buf[4] = { 0 };
	struct jail_error err = { 0 };
	int fd;

	(void)state;
	require_root(__func__);
	mk_dir("a", 0755, 0);
	mk_dir("a/b", 0750, 0);
	mk_file("a/b/f", 0644, 0);

	/* /tmp (root, sticky 1777) -> tmp_dir (root 0755) -> a -> b -> f */
	fd = jail_open_trusted(tpath(p, "a/b/f"), O_RDONLY, JAIL_TRUST_REG, 0, &err);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, 2), 2); /* really opened for reading */
	assert_string_equal(buf, "x\n");
	close(fd);

	assert_opens("a/b/f", O_RDONLY, JAIL_TRUST_REG, 0, "a/b/f");
	assert_opens("a/b/f", O_PATH, 0, 0, "a/b/f");
	assert_opens("a/b", O_PATH | O_DIRECTORY, JAIL_TRUST_DIR, 0, "a/b");
	assert_opens("a/b", O_RDONLY | O_DIRECTORY, JAIL_TRUST_DIR, 0, "a/b");
	/* "." components and repeated slashes are harmless */
	assert_opens("./a//b/./f", O_RDONLY, 0, 0, "a/b/f");

	/* "/" itself */
	fd = jail_open_trusted("/", O_PATH | O_DIRECTORY, JAIL_TRUST_DIR, 0, &err);
	assert_true(fd >= 0);
	close(fd);
	assert_refused_abs("/", O_RDONLY, JAIL_TRUST_REG, 0, -EISDIR, "'/' is a directory");

	/* the kind of the final component */
	assert_refused("a/b/f", O_PATH, JAIL_TRUST_DIR, 0, -ENOTDIR, "'%s' is not a directory", p);
	assert_refused("a/b", O_PATH, JAIL_TRUST_REG, 0, -EINVAL, "'%s' is not a regular file",
		       tpath(p, "a/b"));
	/* missing things, and a file used as a directory */
	assert_refused("a/nope", O_RDONLY, 0, 0, -ENOENT,
		       "cannot open '%s' (at 'nope'): No such file or directory",
		       tpath(p, "a/nope"));
	assert_refused("a/b/f/x", O_RDONLY, 0, 0, -ENOTDIR, "'%s': 'f' is not a directory",
		       tpath(p, "a/b/f/x"));
}

static void test_trusted_writable_dir_refused(void **state)
{
	char p[PATH_MAX];

	(void)state;
	require_root(__func__);
	mk_dir("gw", 0775, 0);
	mk_file("gw/f", 0644, 0);
	mk_dir("ww", 0777, 0);
	mk_file("ww/f", 0644, 0);
	mk_dir("ok", 0755, 0);
	mk_dir("ok/gw", 0770, 0);
	mk_dir("ok/gw/sub", 0755, 0);
	mk_file("ok/gw/sub/f", 0644, 0);

	assert_refused("gw/f", O_RDONLY, 0, 0, -EPERM,
		       "'%s': directory 'gw' is not root-owned or is writable by others",
		       tpath(p, "gw/f"));
	assert_refused("ww/f", O_RDONLY, 0, 0, -EPERM,
		       "'%s': directory 'ww' is not root-owned or is writable by others",
		       tpath(p, "ww/f"));
	/* anywhere in the chain, not only the parent */
	assert_refused("ok/gw/sub/f", O_RDONLY, 0, 0, -EPERM,
		       "'%s': directory 'gw' is not root-owned or is writable by others",
		       tpath(p, "ok/gw/sub/f"));
	/* no flag relaxes the checks of the directories on the way */
	assert_refused("gw/f", O_RDONLY, JAIL_TRUST_FINAL_WRITABLE | JAIL_TRUST_FINAL_OWNER, 0,
		       -EPERM, "'%s': directory 'gw' is not root-owned or is writable by others",
		       tpath(p, "gw/f"));
	/* a directory owned by somebody else is just as bad */
	mk_dir("user", 0755, NOBODY_UID);
	mk_file("user/f", 0644, 0);
	assert_refused("user/f", O_RDONLY, JAIL_TRUST_FINAL_OWNER, NOBODY_UID, -EPERM,
		       "'%s': directory 'user' is not root-owned or is writable by others",
		       tpath(p, "user/f"));
}

static void test_trusted_writable_final(void **state)
{
	char p[PATH_MAX];

	(void)state;
	require_root(__func__);
	mk_file("gw", 0664, 0);
	mk_file("ww", 0646, 0);
	mk_dir("d777", 0777, 0);
	assert_refused("gw", O_RDONLY, 0, 0, -EPERM, "'%s' is writable by group or others",
		       tpath(p, "gw"));
	assert_refused("ww", O_RDONLY, 0, 0, -EPERM, "'%s' is writable by group or others",
		       tpath(p, "ww"));
	assert_refused("d777", O_PATH, JAIL_TRUST_DIR, 0, -EPERM,
		       "'%s' is writable by group or others", tpath(p, "d777"));
	assert_opens("gw", O_RDONLY, JAIL_TRUST_FINAL_WRITABLE, 0, "gw");
	assert_opens("d777", O_PATH, JAIL_TRUST_DIR | JAIL_TRUST_FINAL_WRITABLE, 0, "d777");
}

static void test_trusted_final_owner(void **state)
{
	char p[PATH_MAX];

	(void)state;
	require_root(__func__);
	mk_file("f", 0644, NOBODY_UID);
	mk_dir("home", 0700, NOBODY_UID);

	assert_refused("f", O_RDONLY, 0, 0, -EPERM, "'%s' is not owned by root", tpath(p, "f"));
	/* final_uid alone means nothing without the flag */
	assert_refused("f", O_RDONLY, 0, NOBODY_UID, -EPERM, "'%s' is not owned by root", p);
	/* the flag admits exactly that uid */
	assert_opens("f", O_RDONLY, JAIL_TRUST_FINAL_OWNER, NOBODY_UID, "f");
	assert_refused("f", O_RDONLY, JAIL_TRUST_FINAL_OWNER, NOBODY_UID - 1, -EPERM,
		       "'%s' is not owned by root", p);
	assert_opens("home", O_PATH | O_DIRECTORY, JAIL_TRUST_DIR | JAIL_TRUST_FINAL_OWNER,
		     NOBODY_UID, "home");
	/* a root-owned final is fine with the flag too */
	mk_file("rootf", 0644, 0);
	assert_opens("rootf", O_RDONLY, JAIL_TRUST_FINAL_OWNER, NOBODY_UID, "rootf");
}

static void test_trusted_symlinks(void **state)
{
	char p[PATH_MAX], target[PATH_MAX];

	(void)state;
	require_root(__func__);
	mk_dir("a", 0755, 0);
	mk_file("a/f", 0644, 0);
	mk_link("abs", tpath(target, "a/f"), 0);
	mk_link("rel", "a/f", 0);
	mk_link("dirlink", "a", 0);
	mk_link("chain", "rel", 0);
	mk_link("a/up", "../a/f", 0);

	/* root-owned symlinks in trusted directories are followed */
	assert_opens("abs", O_RDONLY, JAIL_TRUST_REG, 0, "a/f");
	assert_opens("rel", O_RDONLY, JAIL_TRUST_REG, 0, "a/f");
	assert_opens("chain", O_RDONLY, JAIL_TRUST_REG, 0, "a/f");
	assert_opens("dirlink/f", O_RDONLY, JAIL_TRUST_REG, 0, "a/f");
	assert_opens("dirlink", O_PATH | O_DIRECTORY, JAIL_TRUST_DIR, 0, "a");

	/* ... unless the final one must not be a symlink */
	assert_refused("abs", O_RDONLY, JAIL_TRUST_NOFOLLOW_FINAL, 0, -ELOOP, "'%s' is a symlink",
		       tpath(p, "abs"));
	assert_refused("dirlink", O_PATH, JAIL_TRUST_DIR | JAIL_TRUST_NOFOLLOW_FINAL, 0, -ELOOP,
		       "'%s' is a symlink", tpath(p, "dirlink"));
	/* NOFOLLOW_FINAL is about the final component only */
	assert_opens("dirlink/f", O_RDONLY, JAIL_TRUST_NOFOLLOW_FINAL, 0, "a/f");

	/* ".." is refused even where a symlink target brings it in */
	assert_refused("a/up", O_RDONLY, 0, 0, -EINVAL, "'%s': '..' is not allowed",
		       tpath(p, "a/up"));
}

static void test_trusted_user_symlink_refused(void **state)
{
	char p[PATH_MAX], target[PATH_MAX];

	(void)state;
	require_root(__func__);
	mk_dir("a", 0755, 0);
	mk_file("a/f", 0644, 0);
	mk_link("ulink", tpath(target, "a/f"), NOBODY_UID);
	mk_link("udir", "a", NOBODY_UID);

	assert_refused("ulink", O_RDONLY, 0, 0, -EPERM,
		       "'%s': symlink 'ulink' is not owned by root", tpath(p, "ulink"));
	assert_refused("udir/f", O_RDONLY, 0, 0, -EPERM,
		       "'%s': symlink 'udir' is not owned by root", tpath(p, "udir/f"));
	/* JAIL_TRUST_FINAL_OWNER is about the final object, never about links */
	assert_refused("ulink", O_RDONLY, JAIL_TRUST_FINAL_OWNER, NOBODY_UID, -EPERM,
		       "'%s': symlink 'ulink' is not owned by root", tpath(p, "ulink"));
}

static void test_trusted_symlink_loop(void **state)
{
	char p[PATH_MAX];

	(void)state;
	require_root(__func__);
	mk_link("loop1", "loop2", 0);
	mk_link("loop2", "loop1", 0);
	assert_refused("loop1", O_RDONLY, 0, 0, -ELOOP, "'%s': too many symlinks",
		       tpath(p, "loop1"));
}

static void test_trusted_dotdot_refused(void **state)
{
	char p[PATH_MAX];

	(void)state;
	require_root(__func__);
	mk_dir("a", 0755, 0);
	mk_file("a/f", 0644, 0);
	assert_refused("a/../a/f", O_RDONLY, 0, 0, -EINVAL, "'%s': '..' is not allowed",
		       tpath(p, "a/../a/f"));
	assert_refused("a/..", O_PATH, 0, 0, -EINVAL, "'%s': '..' is not allowed",
		       tpath(p, "a/.."));
}

/* A sticky world-writable root-owned directory (like /tmp) is a fine
 * intermediate: nobody can replace what root put there. */
static void test_trusted_sticky_dir(void **state)
{
	char p[PATH_MAX];
	struct stat st;

	(void)state;
	require_root(__func__);
	/* every test already goes through /tmp; make sure it is what we claim */
	assert_int_equal(stat("/tmp", &st), 0);
	assert_int_equal(st.st_uid, 0);
	assert_int_equal(st.st_mode & 07777, 01777);

	mk_dir("sticky", 01777, 0);
	mk_file("sticky/f", 0644, 0);
	mk_link("sticky/link", "f", 0);
	assert_opens("sticky/f", O_RDONLY, JAIL_TRUST_REG, 0, "sticky/f");
	assert_opens("sticky/link", O_RDONLY, JAIL_TRUST_REG, 0, "sticky/f");
	/* as the final component too */
	assert_opens("sticky", O_PATH | O_DIRECTORY, JAIL_TRUST_DIR, 0, "sticky");
	/* but a user's file in it is still the user's */
	mk_file("sticky/userf", 0644, NOBODY_UID);
	assert_refused("sticky/userf", O_RDONLY, 0, 0, -EPERM, "'%s' is not owned by root",
		       tpath(p, "sticky/userf"));
	/* and sticky does not help a directory root does not own */
	mk_dir("usticky", 01777, NOBODY_UID);
	mk_file("usticky/f", 0644, 0);
	assert_refused("usticky/f", O_RDONLY, 0, 0, -EPERM,
		       "'%s': directory 'usticky' is not root-owned or is writable by others",
		       tpath(p, "usticky/f"));
}

/* ---- jail_state_dir_open ------------------------------------------------------ */

static void assert_state_dir(const char *path, int fd)
{
	struct stat st, want;

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(st.st_uid, 0);
	assert_int_equal(st.st_gid, 0);
	assert_int_equal(lstat(path, &want), 0);
	assert_int_equal(st.st_ino, want.st_ino);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
}

static void assert_state_dir_refused(const char *path, int r, const char *msg)
{
	struct jail_error err = { 0 };
	char buf[PATH_MAX + 512];

	assert_int_equal(jail_state_dir_open(path, &err), r);
	assert_string_equal(jail_error_format(&err, buf, sizeof(buf)), msg);
}

static void test_state_dir_create(void **state)
{
	struct jail_error err = { 0 };
	char p[PATH_MAX];
	mode_t old;
	int fd;

	(void)state;
	require_root(__func__);
	fd = jail_state_dir_open(tpath(p, "state"), &err);
	assert_state_dir(p, fd);
	/* opening it again is fine */
	assert_state_dir(p, jail_state_dir_open(p, &err));

	/* a restrictive umask (a setuid caller's) does not leak into the mode */
	old = umask(0077);
	fd = jail_state_dir_open(tpath(p, "state2"), &err);
	umask(old);
	assert_state_dir(p, fd);
}

static void test_state_dir_fixed(void **state)
{
	struct jail_error err = { 0 };
	char p[PATH_MAX];

	(void)state;
	require_root(__func__);
	mk_dir("state", 0700, 0);
	tpath(p, "state");
	assert_state_dir(p, jail_state_dir_open(p, &err));

	/* a setuid caller's gid is replaced by root's */
	mk_dir("state2", 0750, 0);
	assert_int_equal(chown(tpath(p, "state2"), 0, NOBODY_UID), 0);
	assert_state_dir(p, jail_state_dir_open(p, &err));
}

static void test_state_dir_refused(void **state)
{
	char p[PATH_MAX], msg[PATH_MAX + 256];
	struct stat st;

	(void)state;
	require_root(__func__);

	/* world-writable: somebody else may have put things in it already, so it
	 * must be refused, and not be "fixed" either */
	mk_dir("ww", 0777, 0);
	snprintf(msg, sizeof(msg), "state_dir '%s' is not root-owned or is writable by others",
		 tpath(p, "ww"));
	assert_state_dir_refused(p, -EPERM, msg);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0777);

	mk_dir("sticky", 01777, 0);
	snprintf(msg, sizeof(msg), "state_dir '%s' is not root-owned or is writable by others",
		 tpath(p, "sticky"));
	assert_state_dir_refused(p, -EPERM, msg);

	mk_dir("gw", 0775, 0);
	snprintf(msg, sizeof(msg), "state_dir '%s' is not root-owned or is writable by others",
		 tpath(p, "gw"));
	assert_state_dir_refused(p, -EPERM, msg);

	mk_dir("user", 0755, NOBODY_UID);
	snprintf(msg, sizeof(msg), "state_dir '%s' is not root-owned or is writable by others",
		 tpath(p, "user"));
	assert_state_dir_refused(p, -EPERM, msg);

	/* a symlink is not followed (O_NOFOLLOW with O_DIRECTORY gives ENOTDIR) */
	mk_dir("real", 0755, 0);
	mk_link("link", "real", 0);
	snprintf(msg, sizeof(msg), "cannot open state_dir '%s': Not a directory", tpath(p, "link"));
	assert_state_dir_refused(p, -ENOTDIR, msg);

	/* its parent must be trusted, and exist */
	mk_dir("wwparent", 0777, 0);
	snprintf(msg, sizeof(msg), "'%s' is writable by group or others", tpath(p, "wwparent"));
	assert_state_dir_refused(tpath(p, "wwparent/state"), -EPERM, msg);
	snprintf(msg, sizeof(msg), "state_dir parent '%s' does not exist", tpath(p, "nope"));
	assert_state_dir_refused(tpath(p, "nope/state"), -ENOENT, msg);
}

static void test_state_dir_bad_path(void **state)
{
	(void)state;
	assert_state_dir_refused("run/pam_jail", -EINVAL,
				 "state_dir 'run/pam_jail' is not a normal absolute path");
	assert_state_dir_refused("/", -EINVAL, "state_dir '/' is not a normal absolute path");
	assert_state_dir_refused("/run/../pam_jail", -EINVAL,
				 "state_dir '/run/../pam_jail' is not a normal absolute path");
	assert_state_dir_refused("/run/pam_jail/", -EINVAL,
				 "state_dir '/run/pam_jail/' is not a normal absolute path");
}

static void test_mountinfo_unescape(void **state)
{
	char a[] = "/mnt/with\\040space\\011tab", b[] = "/plain", c[] = "/bad\\9x\\04";

	(void)state;
	jail_mountinfo_unescape(a);
	assert_string_equal(a, "/mnt/with space\ttab");
	jail_mountinfo_unescape(b);
	assert_string_equal(b, "/plain");
	jail_mountinfo_unescape(c); /* not an escape: left as it is */
	assert_string_equal(c, "/bad\\9x\\04");
}

static void test_path_at_or_under(void **state)
{
	(void)state;
	assert_true(jail_path_at_or_under("/var/lib", "/var"));
	assert_true(jail_path_at_or_under("/var", "/var"));
	assert_true(jail_path_at_or_under("/anything", "/"));
	assert_false(jail_path_at_or_under("/variable", "/var"));
	assert_false(jail_path_at_or_under("/va", "/var"));
	assert_false(jail_path_at_or_under("/usr", "/usr/lib"));
	/* equal, child, grandchild */
	assert_true(jail_path_at_or_under("/a/b", "/a/b"));
	assert_true(jail_path_at_or_under("/a/b/c", "/a/b"));
	assert_true(jail_path_at_or_under("/a/b/c/d", "/a/b"));
	/* a sibling sharing a string prefix, and the parent */
	assert_false(jail_path_at_or_under("/a/bc", "/a/b"));
	assert_false(jail_path_at_or_under("/a/b-c/d", "/a/b"));
	assert_false(jail_path_at_or_under("/a", "/a/b"));
	/* trailing slashes: of the path (a directory named so) and of dir */
	assert_true(jail_path_at_or_under("/a/b/", "/a/b"));
	assert_false(jail_path_at_or_under("/a/bc/", "/a/b"));
	assert_true(jail_path_at_or_under("/a/b", "/a/b/"));
	assert_true(jail_path_at_or_under("/a/b/c", "/a/b/"));
	assert_true(jail_path_at_or_under("/a/b/c", "/a/b//"));
	assert_false(jail_path_at_or_under("/a/bc", "/a/b/"));
	/* "/" holds every absolute path, itself included */
	assert_true(jail_path_at_or_under("/", "/"));
	assert_true(jail_path_at_or_under("/a", "/"));
	assert_true(jail_path_at_or_under("/a", "//"));
	assert_false(jail_path_at_or_under("/", "/a"));
	/* "" names nothing */
	assert_false(jail_path_at_or_under("", "/a"));
	assert_false(jail_path_at_or_under("/a", ""));
	assert_false(jail_path_at_or_under("", ""));
	assert_false(jail_path_at_or_under("", "/"));
}

static void test_login_keeps_mount(void **state)
{
	const char *const needed[] = { "/run/pam_jail", "/srv/homes/ann",
				       "/opt/pam_jail/sbin/jailsh", NULL };

	(void)state;
	/* the root and the system trees */
	assert_true(jail_login_keeps_mount("/", "ext4", needed));
	assert_true(jail_login_keeps_mount("/usr", "ext4", needed));
	assert_true(jail_login_keeps_mount("/var/log", "ext4", needed));
	assert_true(jail_login_keeps_mount("/run/user/1000", "tmpfs", needed));
	assert_true(jail_login_keeps_mount("/dev/pts", "devpts", needed));
	assert_true(jail_login_keeps_mount("/proc/sys/fs/binfmt_misc", "binfmt_misc", needed));
	/* on the way to what the login needs: STATE_DIR, the home, the shell */
	assert_true(jail_login_keeps_mount("/srv", "ext4", needed));
	assert_true(jail_login_keeps_mount("/srv/homes", "nfs4", needed));
	assert_true(jail_login_keeps_mount("/srv/homes/ann", "fuse.sshfs", needed));
	assert_true(jail_login_keeps_mount("/opt", "ext4", needed));
	/* the rest: an sshfs or tmpfs under /mnt, /media, another home */
	assert_false(jail_login_keeps_mount("/mnt/x", "fuse.sshfs", needed));
	assert_false(jail_login_keeps_mount("/mnt", "tmpfs", needed));
	assert_false(jail_login_keeps_mount("/media/usb", "vfat", needed));
	assert_false(jail_login_keeps_mount("/srv/homes/bob", "nfs4", needed));
	assert_false(jail_login_keeps_mount("/srv/www", "ext4", needed));
	assert_false(jail_login_keeps_mount("/home", "ext4", needed));
	/* FUSE even under a system tree, unless needed */
	assert_false(jail_login_keeps_mount("/run/user/1000/gvfs", "fuse.gvfsd-fuse", needed));
	assert_false(jail_login_keeps_mount("/var/mnt", "fuse", needed));
	/* a prefix that is not a path component is not on the way */
	assert_false(jail_login_keeps_mount("/srv/home", "ext4", needed));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_path_join),
		cmocka_unit_test(test_path_join_too_long),
		cmocka_unit_test(test_path_normal),
		cmocka_unit_test(test_trusted_bad_paths),
		TEST(test_trusted_chain_ok),
		TEST(test_trusted_writable_dir_refused),
		TEST(test_trusted_writable_final),
		TEST(test_trusted_final_owner),
		TEST(test_trusted_symlinks),
		TEST(test_trusted_user_symlink_refused),
		TEST(test_trusted_symlink_loop),
		TEST(test_trusted_dotdot_refused),
		TEST(test_trusted_sticky_dir),
		TEST(test_state_dir_create),
		TEST(test_state_dir_fixed),
		TEST(test_state_dir_refused),
		cmocka_unit_test(test_state_dir_bad_path),
		cmocka_unit_test(test_mountinfo_unescape),
		cmocka_unit_test(test_path_at_or_under),
		cmocka_unit_test(test_login_keeps_mount),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
