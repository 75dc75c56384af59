/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of lib/term.c without a terminal (pipe mode): what a caller
 * feeds in comes out of the jailed child's stdin, its stdout and stderr come
 * back apart, its exit status comes back; it gets none of the caller's fds
 * and a session of its own; what it leaves running is cut off when it exits.
 * The pty mode needs a jail's devpts and root: tests/security/run.sh (4b).
 *
 * Each case runs a "caller" in a forked process (fds 0-2 = pipes of the
 * test's, a directory on fd 5, no controlling terminal) that does what
 * jailsh does: prepare, open, fork, child, relay.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jail/term.h"

struct result {
	char out[300000];
	char err[4096];
	int status;
	bool timed_out;
};

/* the fd the caller passes to jail_term_child() to keep (-1: none); the
 * caller opens /dev/null on it, without close-on-exec so the shell shows it */
static int keep_fd = -1;

static _Noreturn void caller(const char *cmd)
{
	struct jail_term t;
	struct jail_error err = { 0 };
	pid_t child;
	int status;

	if (setsid() < 0) /* no controlling terminal: pipe mode */
		_exit(90);
	jail_term_prepare(&t);
	if (jail_term_open(&t, getuid(), &err) < 0)
		_exit(91);
	child = fork();
	if (child < 0)
		_exit(92);
	if (child == 0) {
		if (keep_fd >= 0) {
			int n = open("/dev/null", O_RDONLY);

			if (n < 0 || (n != keep_fd && (dup2(n, keep_fd) < 0 || close(n) < 0)))
				_exit(97);
		}
		if (jail_term_child(&t, keep_fd, &err) < 0)
			_exit(93);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	status = jail_term_relay(&t, child);
	jail_term_close(&t);
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status));
}

/* runs cmd under a relay, stdin = `input` (NULL: a directory) */
static void run(const char *input, const char *cmd, struct result *r)
{
	int in[2], out[2], err[2];
	size_t n_out = 0, n_err = 0;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	assert_int_equal(pipe2(err, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int dir =
			open("/", O_RDONLY | O_DIRECTORY); /* no O_CLOEXEC: must not leak anyway */

		if (dir < 0 || dup2(dir, 5) < 0)
			_exit(94);
		if (input ? dup2(in[0], 0) < 0 : dup2(dir, 0) < 0)
			_exit(95);
		if (dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0)
			_exit(96);
		/* the test's own ends: only the caller's fds 0-2 (and 5) stay */
		close(in[1]);
		close(out[0]);
		close(err[0]);
		caller(cmd);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	if (input && fork() == 0) {
		/* a writer of its own: the test reads the output meanwhile */
		size_t len = strlen(input), off = 0;

		while (off < len) {
			ssize_t n = write(in[1], input + off, len - off);

			if (n <= 0)
				_exit(1);
			off += (size_t)n;
		}
		_exit(0);
	}
	close(in[1]);
	for (;;) {
		struct pollfd p[2] = { { .fd = out[0], .events = POLLIN },
				       { .fd = err[0], .events = POLLIN } };
		int k = poll(p, 2, 20000);

		if (k <= 0) {
			r->timed_out = true;
			break;
		}
		if (p[0].revents) {
			ssize_t n = read(out[0], r->out + n_out, sizeof(r->out) - 1 - n_out);

			if (n <= 0)
				out[0] = -out[0] - 1; /* poll ignores negative fds */
			else
				n_out += (size_t)n;
		}
		if (p[1].revents) {
			ssize_t n = read(err[0], r->err + n_err, sizeof(r->err) - 1 - n_err);

			if (n <= 0)
				err[0] = -err[0] - 1;
			else
				n_err += (size_t)n;
		}
		if (out[0] < 0 && err[0] < 0)
			break;
	}
	close(out[0] < 0 ? -out[0] - 1 : out[0]);
	close(err[0] < 0 ? -err[0] - 1 : err[0]);
	assert_int_equal(waitpid(pid, &r->status, 0), pid);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		; /* the writer */
	assert_true(WIFEXITED(r->status));
	r->status = WEXITSTATUS(r->status);
}

static void test_roundtrip(void **state)
{
	static struct result r;

	(void)state;
	run("hello\nworld\n", "cat; echo oops >&2; exit 3", &r);
	assert_false(r.timed_out);
	assert_string_equal(r.out, "hello\nworld\n");
	assert_string_equal(r.err, "oops\n");
	assert_int_equal(r.status, 3);
}

static void test_large_binary(void **state)
{
	static char big[200001];
	static struct result r;

	(void)state;
	/* 200 KB through cat: more than the pipe buffers both ways at once,
	 * which would deadlock a relay that blocks on one side */
	for (size_t i = 0; i + 1 < sizeof(big); i++)
		big[i] = (i % 2) ? '\n' : 'x';
	run(big, "cat; cat /dev/null", &r);
	assert_false(r.timed_out);
	assert_string_equal(r.out, big);
}

static void test_no_caller_fds(void **state)
{
	static struct result r;

	(void)state;
	/* stdin is a directory and fd 5 one more: the child sees pipes on
	 * 0-2 and nothing on 5 */
	run(NULL,
	    "for f in 0 1 2; do readlink /proc/self/fd/$f | cut -d: -f1; done; test -e "
	    "/proc/self/fd/5 && echo LEAK5; cat; echo rc=$?",
	    &r);
	assert_false(r.timed_out);
	assert_string_equal(r.out, "pipe\npipe\npipe\nrc=0\n");
}

static void test_keep_fd(void **state)
{
	static const int fds[] = { 3, 4, 9 };
	static struct result r;

	(void)state;
	/* the fd kept (for jailsh: the channel of a refusal before the exec),
	 * and still nothing else: not fd 5 of the caller's, nothing around it */
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		keep_fd = fds[i];
		run(NULL,
		    "for f in 3 4 5 6 8 9 10 11; do "
		    "l=$(readlink /proc/self/fd/$f) && echo $f=$l; done; true",
		    &r);
		keep_fd = -1;
		assert_false(r.timed_out);
		assert_int_equal(r.status, 0);
		{
			char want[32];

			snprintf(want, sizeof(want), "%d=/dev/null\n", fds[i]);
			assert_string_equal(r.out, want);
		}
	}
}

static void test_own_session(void **state)
{
	static struct result r;

	(void)state;
	/* dash's read is a builtin: /proc/self is the shell, the session leader */
	run("",
	    "read pid comm st ppid pgrp sid rest < /proc/self/stat; [ \"$pid\" = \"$sid\" ] && "
	    "echo leader",
	    &r);
	assert_false(r.timed_out);
	assert_string_equal(r.out, "leader\n");
}

static void test_leftover_cut_off(void **state)
{
	static struct result r;

	(void)state;
	/* the command exits while a process it left holds its stdout and
	 * stderr: the relay ends anyway, and what the process writes later
	 * reaches nobody */
	run("", "echo out; (sleep 4; echo late; echo late2 >&2) & exit 0", &r);
	assert_false(r.timed_out);
	assert_string_equal(r.out, "out\n");
	assert_string_equal(r.err, "");
	assert_int_equal(r.status, 0);
}

static void test_killed_by_signal(void **state)
{
	static struct result r;

	(void)state;
	run("", "kill -TERM $$", &r);
	assert_false(r.timed_out);
	assert_int_equal(r.status, 100 + 15);
}

static void test_env_allowlist(void **state)
{
	(void)state;
	assert_true(jail_env_wanted("TERM=xterm", false));
	assert_true(jail_env_wanted("LC_ALL=C", false));
	assert_true(jail_env_wanted("LANG=C.UTF-8", false));
	assert_true(jail_env_wanted("TZ=UTC", false));
	assert_false(jail_env_wanted("SSH_TTY=/dev/pts/0", false));
	assert_true(jail_env_wanted("SSH_TTY=/dev/pts/0", true));
	assert_true(jail_env_wanted("DISPLAY=:0", true));
	assert_false(jail_env_wanted("PATH=/tmp", true));
	assert_false(jail_env_wanted("LD_PRELOAD=/tmp/x.so", true));
	assert_false(jail_env_wanted("TERMX=1", true));
	assert_false(jail_env_wanted("TER=1", true));
	assert_false(jail_env_wanted("TERM", true));
	assert_false(jail_env_wanted("=x", true));
	assert_false(jail_env_wanted("HOME=/root", false));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),        cmocka_unit_test(test_large_binary),
		cmocka_unit_test(test_no_caller_fds),    cmocka_unit_test(test_own_session),
		cmocka_unit_test(test_leftover_cut_off), cmocka_unit_test(test_killed_by_signal),
		cmocka_unit_test(test_env_allowlist),    cmocka_unit_test(test_keep_fd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
