/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * jail_confine() (lib/confine.c) on a real, tiny jail tree, in a forked
 * child: what the confined process can still see and do.  Needs root (it
 * makes mount namespaces); without root it says so loudly and skips.  Every
 * mount is made in the child's own mount namespace and dies with it.
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
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include "jail/confine.h"
#include "jail/jail.h"
#include "jail/landlock.h"
#include "tmp-tree.h"

#define NOBODY 65534

static char top[64];
static char sock_name[108];

/* STATE_DIR/alice/root with a marker file, and STATE_DIR/alice/skel */
static int setup(void **state)
{
	char path[PATH_MAX];
	int fd;

	(void)state;
	if (geteuid() != 0)
		return 0;
	snprintf(top, sizeof(top), "/tmp/pam_jail-test-confine.XXXXXX");
	if (!mkdtemp(top) || chmod(top, 0755) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/alice", top);
	if (mkdir(path, 0755) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/alice/root", top);
	if (mkdir(path, 0755) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/alice/skel", top);
	if (mkdir(path, 0755) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/alice/root/jail-marker", top);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (top[0] && tmp_tree_remove(top) < 0)
		return -1;
	top[0] = '\0';
	return 0;
}

static void require_root(const char *test)
{
	if (geteuid() == 0)
		return;
	fprintf(stderr, "\n*** SKIPPED %s: needs root (mount namespaces, setresuid);\n"
			"*** run `make check-unit` as root to cover it.\n\n",
		test);
	skip();
}

/* a listening abstract unix socket of this (the host's) process */
static int listen_abstract(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	static int n;

	assert_true(fd >= 0);
	snprintf(sock_name, sizeof(sock_name), "pam_jail-test-confine-%d-%d", (int)getpid(), n++);
	memcpy(sa.sun_path + 1, sock_name, strlen(sock_name));
	assert_int_equal(bind(fd, (struct sockaddr *)&sa,
			      offsetof(struct sockaddr_un, sun_path) + 1 + strlen(sock_name)),
			 0);
	assert_int_equal(listen(fd, 4), 0);
	return fd;
}

static int connect_abstract(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), r;

	if (fd < 0)
		return -errno;
	memcpy(sa.sun_path + 1, sock_name, strlen(sock_name));
	r = connect(fd, (struct sockaddr *)&sa,
		    offsetof(struct sockaddr_un, sun_path) + 1 + strlen(sock_name));
	r = r < 0 ? -errno : 0;
	close(fd);
	return r;
}

/* Findings of the confined child, one bit each (0: all as expected). */
enum {
	BAD_CONFINE = 1 << 0, /* jail_confine() failed */
	BAD_IDS = 1 << 1,     /* not the user's ids, or capabilities left */
	BAD_ROOT = 1 << 2,    /* the jail is not "/" (chroot) / not under "/" (session root) */
	BAD_HOST = 1 << 3,    /* something of the host is reachable */
	BAD_USERNS = 1 << 4,  /* a user namespace could be made */
	BAD_MOUNT = 1 << 5,   /* a mount call worked */
	BAD_LANDLOCK =
		1 << 6, /* the host's abstract socket answered (or did not, with landlock off) */
};

static int run_confined(const struct jail_confinement *c, bool prepare, bool expect_scoped)
{
	struct jail_error err = { 0 };
	char marker[PATH_MAX];
	int bad = 0, status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid > 0) {
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		return WEXITSTATUS(status);
	}
	/* the login's namespace, as jail_enter() leaves it (unless the test
	 * wants one it did not make) */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    (prepare && jail_session_root_prepare(c->state_dir, c->user, &err) < 0) ||
	    jail_confine(c, &err) < 0) {
		fprintf(stderr, "jail_confine: %s\n", err.msg);
		_exit(BAD_CONFINE);
	}
	if (c->as && (getuid() != NOBODY || geteuid() != NOBODY || getgid() != NOBODY ||
		      prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN, 0, 0, 0) != 0))
		bad |= BAD_IDS;
	if (c->chroot)
		snprintf(marker, sizeof(marker), "/jail-marker");
	else
		snprintf(marker, sizeof(marker), "%s/alice/root/jail-marker", top);
	if (access(marker, F_OK) < 0)
		bad |= BAD_ROOT;
	if (access("/etc/passwd", F_OK) == 0 || access("/usr", F_OK) == 0 ||
	    access("/proc/self", F_OK) == 0)
		bad |= BAD_HOST;
	if (unshare(CLONE_NEWUSER) == 0)
		bad |= BAD_USERNS;
	if (mount("none", "/", "tmpfs", 0, NULL) == 0)
		bad |= BAD_MOUNT;
	if ((connect_abstract() == 0) == expect_scoped)
		bad |= BAD_LANDLOCK;
	_exit(bad);
}

static const gid_t nobody_gids[] = { NOBODY };
static const struct jail_user nobody = { .name = "alice", .uid = NOBODY, .gid = NOBODY,
					  .gids = (gid_t *)nobody_gids, .n_gids = 1 };

/* what jailsh and jailctl enter ask for: chroot, the user's ids, seccomp,
 * Landlock */
static struct jail_confinement shell_confinement(const char *user)
{
	return (struct jail_confinement){ .state_dir = top,
					  .user = user,
					  .chroot = true,
					  .as = &nobody,
					  .seccomp = true,
					  .landlock = JAIL_LANDLOCK_AUTO,
					  .template_name = "web" };
}

static void test_shell(void **state)
{
	struct jail_confinement c = shell_confinement("alice");
	bool scoping = jail_landlock_abi() >= 6;
	int sock;

	(void)state;
	require_root("test_shell");
	sock = listen_abstract();
	if (!scoping)
		fprintf(stderr, "*** test_shell: this kernel has no Landlock scoping (ABI < 6): "
				"the abstract socket check expects no scoping\n");
	assert_int_equal(run_confined(&c, true, scoping), 0);
	/* landlock = false: the host's abstract socket answers (the check can fail) */
	c.landlock = JAIL_LANDLOCK_OFF;
	assert_int_equal(run_confined(&c, true, false), 0);
	close(sock);
}

/* sshd's session child (ChrootDirectory mode): the session root alone;
 * sshd chroots and drops the ids itself */
static void test_session_child(void **state)
{
	struct jail_confinement c = { .user = "alice", .chroot = false, .as = NULL, .seccomp = true,
				      .landlock = JAIL_LANDLOCK_AUTO, .template_name = "web" };
	int sock;

	(void)state;
	require_root("test_session_child");
	c.state_dir = top;
	sock = listen_abstract();
	assert_int_equal(run_confined(&c, true, jail_landlock_abi() >= 6), 0);
	close(sock);
}

/* a jail whose root is missing is refused, nothing runs */
static void test_missing_root(void **state)
{
	struct jail_confinement c = shell_confinement("bob");

	(void)state;
	require_root("test_missing_root");
	assert_int_equal(run_confined(&c, true, false), BAD_CONFINE);
}

/* a namespace that jail_enter() did not prepare (no session root on
 * STATE_DIR/U/skel): refused, nothing runs */
static void test_unprepared(void **state)
{
	struct jail_confinement c = shell_confinement("alice");

	(void)state;
	require_root("test_unprepared");
	assert_int_equal(run_confined(&c, false, false), BAD_CONFINE);
	c.chroot = false;
	c.as = NULL;
	assert_int_equal(run_confined(&c, false, false), BAD_CONFINE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_shell, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_child, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unprepared, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
