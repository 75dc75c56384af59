/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The relay between a caller's fds and a jailed child: see include/jail/term.h.
 *
 * Runs as root in jailsh and jailctl.  The parent never hands the child an fd
 * of the caller's; it copies bytes.  Only fds the parent made itself (the pty
 * master, its pipe ends) are set non-blocking: the caller's fds share their
 * open file descriptions with the caller's shell, so their flags are left
 * alone, and each read/write on them follows a poll() that said it is ready.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include "jail/term.h"

/* how long the parent keeps copying what the child wrote after it exited:
 * until nothing more arrives for DRAIN_QUIET_MS, at most DRAIN_MAX_MS */
#define DRAIN_QUIET_MS 100
#define DRAIN_MAX_MS 2000
#define BUF_SIZE 16384

static const int forwarded[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGCONT, SIGWINCH };

bool jail_env_wanted(const char *kv, bool remote)
{
	static const char *const local[] = { "TERM", "COLORTERM", "LANG", "LANGUAGE", "TZ" };
	static const char *const ssh[] = { "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY",
					   "SSH_ORIGINAL_COMMAND", "DISPLAY" };
	size_t n = strcspn(kv, "=");

	if (kv[n] != '=' || n == 0)
		return false;
	if (strncmp(kv, "LC_", 3) == 0)
		return true;
	for (size_t i = 0; i < ELEMENTSOF(local); i++)
		if (strlen(local[i]) == n && strncmp(kv, local[i], n) == 0)
			return true;
	for (size_t i = 0; remote && i < ELEMENTSOF(ssh); i++)
		if (strlen(ssh[i]) == n && strncmp(kv, ssh[i], n) == 0)
			return true;
	return false;
}

void jail_term_prepare(struct jail_term *t)
{
	memset(t, 0, sizeof(*t));
	t->outer = -1;
	t->master = -1;
	for (int i = 0; i < 3; i++) {
		t->child_end[i] = -1;
		t->parent_end[i] = -1;
		t->tty[i] = isatty(i) == 1;
		if (t->tty[i] && t->outer < 0)
			t->outer = i;
	}
	if (t->outer < 0) {
		/* no terminal on fds 0-2, but perhaps a controlling one: the
		 * child's /dev/tty must then be the jail's pty, not this one */
		int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

		if (fd >= 0 && isatty(fd) == 1) {
			t->outer = fd;
			t->outer_owned = true;
		} else
			safe_close(fd);
	}
	if (t->outer >= 0) {
		t->have_termios = tcgetattr(t->outer, &t->termios) == 0;
		t->have_winsize = ioctl(t->outer, TIOCGWINSZ, &t->winsize) == 0;
	}
}

/* The slave's group and mode come from the devpts instance's mount options
 * (the jail's: gid=the tty group, mode=0620, lib/plan.c), so no group is
 * looked up here (jailsh asks no user database). */
static int open_pty(struct jail_term *t, uid_t uid, struct jail_error *err)
{
	t->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (t->master < 0)
		return jail_err(err, negative_errno(),
				"cannot allocate a terminal in the jail: %m");
	if (ptsname_r(t->master, t->slave, sizeof(t->slave)) != 0 || unlockpt(t->master) < 0 ||
	    chown(t->slave, uid, (gid_t)-1) < 0 || chmod(t->slave, 0620) < 0)
		return jail_err(err, negative_errno(), "cannot set up the jail's terminal %s: %m",
				t->slave);
	if (t->have_winsize)
		(void)ioctl(t->master, TIOCSWINSZ, &t->winsize);
	if (fcntl(t->master, F_SETFL, O_NONBLOCK) < 0)
		return jail_err(err, negative_errno(), "fcntl: %m");
	return 0;
}

int jail_term_open(struct jail_term *t, uid_t uid, struct jail_error *err)
{
	struct sigaction ign = { .sa_handler = SIG_IGN };
	sigset_t block;
	int r;

	if (t->outer >= 0 && (r = open_pty(t, uid, err)) < 0)
		return r;
	for (int i = 0; i < 3; i++) {
		int p[2];

		if (t->tty[i])
			continue;
		if (pipe2(p, O_CLOEXEC) < 0)
			return jail_err(err, negative_errno(), "pipe: %m");
		/* fd 0: the child reads p[0]; fds 1, 2: the child writes p[1] */
		t->child_end[i] = i == 0 ? p[0] : p[1];
		t->parent_end[i] = i == 0 ? p[1] : p[0];
		if (fcntl(t->parent_end[i], F_SETFL, O_NONBLOCK) < 0)
			return jail_err(err, negative_errno(), "fcntl: %m");
	}

	/* The relay reads these from a signalfd; blocked before the fork so
	 * none is lost, and unblocked again in the child. */
	sigemptyset(&block);
	for (size_t i = 0; i < ELEMENTSOF(forwarded); i++)
		sigaddset(&block, forwarded[i]);
	if (sigprocmask(SIG_BLOCK, &block, &t->saved_mask) < 0)
		return jail_err(err, negative_errno(), "sigprocmask: %m");
	t->signals_blocked = true;
	/* a write to a closed reader is an error return, not our death; the
	 * terminal must not stop the privileged parent (job control) */
	(void)sigaction(SIGPIPE, &ign, NULL);
	(void)sigaction(SIGTSTP, &ign, NULL);
	(void)sigaction(SIGTTIN, &ign, NULL);
	(void)sigaction(SIGTTOU, &ign, NULL);
	return 0;
}

int jail_term_child(struct jail_term *t, int keep_fd, struct jail_error *err)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;
	int slave = -1;

	if (setsid() < 0)
		return jail_err(err, negative_errno(), "setsid: %m");
	if (t->master >= 0) {
		/* the first terminal a session leader opens becomes its
		 * controlling terminal; TIOCSCTTY makes sure */
		slave = open(t->slave, O_RDWR | O_CLOEXEC);
		if (slave < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
			return jail_err(err, negative_errno(),
					"cannot attach the jail's terminal %s: %m", t->slave);
		if (t->have_termios)
			(void)tcsetattr(slave, TCSANOW, &t->termios);
	}
	for (int i = 0; i < 3; i++) {
		int fd = t->tty[i] ? slave : t->child_end[i];

		/* dup2 clears FD_CLOEXEC on the copy */
		if (fd < 0 || dup2(fd, i) < 0)
			return jail_err(err, fd < 0 ? -EBADF : negative_errno(),
					"cannot set up fd %d: %m", i);
	}
	/* nothing else of the parent's (the caller's terminal, the master,
	 * the other pipe ends, the jail handle) survives into the child, but
	 * keep_fd (close-on-exec: the child's word before its exec) */
	if (keep_fd > 2) {
		if ((keep_fd > 3 && close_range(3, (unsigned)keep_fd - 1, 0) < 0) ||
		    close_range((unsigned)keep_fd + 1, ~0U, 0) < 0)
			return jail_err(err, negative_errno(), "close_range: %m");
	} else if (close_range(3, ~0U, 0) < 0) {
		return jail_err(err, negative_errno(), "close_range: %m");
	}
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)sigaction(sig, &dfl, NULL);
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		return jail_err(err, negative_errno(), "sigprocmask: %m");
	return 0;
}

/* One direction of the relay: bytes from `in` to `out`. */
struct stream {
	int in, out;
	bool own_in;   /* in is ours (non-blocking): read until EAGAIN */
	bool to_child; /* out is the child's side (stdin pipe or master) */
	bool in_eof;   /* nothing more to read */
	bool out_dead; /* out failed: drop what comes */
	size_t len, off;
	char buf[BUF_SIZE];
};

static void stream_init(struct stream *s, int in, int out, bool own_in, bool to_child)
{
	s->in = in;
	s->out = out;
	s->own_in = own_in;
	s->to_child = to_child;
	s->in_eof = in < 0;
	s->out_dead = out < 0;
	s->len = s->off = 0;
}

/* 1 if something was read, 0 if not (EAGAIN), -1 at EOF/error */
static int stream_read(struct stream *s)
{
	ssize_t n = read(s->in, s->buf, sizeof(s->buf));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		s->in_eof = true;
		return -1;
	}
	if (s->out_dead)
		return 1; /* read and dropped, so the writer does not block */
	s->len = (size_t)n;
	s->off = 0;
	return 1;
}

static void stream_write(struct stream *s)
{
	ssize_t n = write(s->out, s->buf + s->off, s->len - s->off);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		s->out_dead = true;
		s->len = s->off = 0;
		return;
	}
	s->off += (size_t)n;
	if (s->off == s->len)
		s->len = s->off = 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void forward_signal(const struct jail_term *t, pid_t child, int sig)
{
	if (sig == SIGWINCH) {
		struct winsize ws;

		if (t->outer >= 0 && t->master >= 0 && ioctl(t->outer, TIOCGWINSZ, &ws) == 0)
			(void)ioctl(t->master, TIOCSWINSZ, &ws);
		return;
	}
	/* the child leads its own session and process group */
	if (kill(-child, sig) < 0)
		(void)kill(child, sig);
}

int jail_term_relay(struct jail_term *t, pid_t child)
{
	/* at most: stdin -> child, the pty -> a terminal, two output pipes */
	struct stream *st = calloc(4, sizeof(*st));
	_cleanup_close_ int pidfd = -EBADF, sigfd = -EBADF;
	bool exited = false, hup_sent = false;
	long long drain_start = 0;
	int status = 0, ns = 0, out_tty = -1;
	sigset_t set;

	if (!st) {
		/* no memory for the relay: the child must not run unattended */
		(void)kill(child, SIGKILL);
		while (waitpid(child, &status, 0) < 0 && errno == EINTR)
			;
		return status;
	}
	stream_init(&st[ns++], 0, t->tty[0] ? t->master : t->parent_end[0], false, true);
	if (t->master >= 0) {
		/* what the jail's terminal shows goes to the caller's terminal:
		 * fd 1 or 2 where they were it, else the controlling terminal */
		for (int i = 1; i < 3 && out_tty < 0; i++)
			if (t->tty[i])
				out_tty = i;
		stream_init(&st[ns++], t->master, out_tty >= 0 ? out_tty : t->outer, true, false);
	}
	for (int i = 1; i < 3; i++)
		if (!t->tty[i])
			stream_init(&st[ns++], t->parent_end[i], i, true, false);

	if (t->tty[0] && t->have_termios) {
		struct termios raw = t->termios;

		/* keystrokes go through unchanged; the jail's pty interprets them */
		cfmakeraw(&raw);
		if (tcsetattr(0, TCSANOW, &raw) == 0)
			t->raw = true;
	}
	sigemptyset(&set);
	for (size_t i = 0; i < ELEMENTSOF(forwarded); i++)
		sigaddset(&set, forwarded[i]);
	sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	pidfd = (int)syscall(SYS_pidfd_open, child, 0);

	for (;;) {
		struct pollfd pfd[2 + 4];
		struct stream *owner[2 + 4];
		int n = 0, timeout = -1, r;

		if (!exited && pidfd >= 0) {
			pfd[n] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
			owner[n++] = NULL;
		}
		if (sigfd >= 0) {
			pfd[n] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
			owner[n++] = NULL;
		}
		for (int i = 0; i < ns; i++) {
			struct stream *s = &st[i];

			if (exited && s->to_child)
				continue; /* no input for what the child left behind */
			if (s->len > 0)
				pfd[n] = (struct pollfd){ .fd = s->out, .events = POLLOUT };
			else if (!s->in_eof)
				pfd[n] = (struct pollfd){ .fd = s->in, .events = POLLIN };
			else
				continue;
			owner[n++] = s;
		}
		if (exited) {
			long long left = DRAIN_MAX_MS - (now_ms() - drain_start);
			bool pending = false;

			for (int i = 0; i < ns; i++)
				if (!st[i].to_child && (!st[i].in_eof || st[i].len > 0))
					pending = true;
			if (!pending || left <= 0)
				break;
			timeout = left < DRAIN_QUIET_MS ? (int)left : DRAIN_QUIET_MS;
		} else if (pidfd < 0)
			timeout = 100; /* no pidfd: look at waitpid now and then */

		r = poll(pfd, (nfds_t)n, timeout);
		if (r < 0 && errno != EINTR)
			break;
		if (r == 0 && exited)
			break; /* quiet: what the child wrote has been copied */
		if (!exited && (pidfd < 0 || (r > 0 && pfd[0].revents))) {
			if (waitpid(child, &status, WNOHANG) == child) {
				exited = true;
				drain_start = now_ms();
			}
		}
		for (int i = 0; r > 0 && i < n; i++) {
			struct stream *s = owner[i];

			if (!pfd[i].revents)
				continue;
			if (pfd[i].fd == sigfd) {
				struct signalfd_siginfo si;

				while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
					if (!exited)
						forward_signal(t, child, (int)si.ssi_signo);
				continue;
			}
			if (!s)
				continue;
			if (s->len > 0) {
				stream_write(s);
				continue;
			}
			/* our own (non-blocking) ends are read until they are empty,
			 * as long as the other side takes it */
			while (stream_read(s) > 0 && s->own_in && s->len > 0) {
				stream_write(s);
				if (s->len > 0)
					break;
			}
			if (s->len > 0 && !s->own_in)
				stream_write(s);
		}
		for (int i = 0; i < ns; i++) {
			struct stream *s = &st[i];

			if (s->to_child && s->in_eof && s->len == 0) {
				if (t->tty[0]) {
					/* the caller's terminal hung up: so does the session */
					if (!hup_sent && !exited)
						forward_signal(t, child, SIGHUP);
					hup_sent = true;
				} else if (t->parent_end[0] >= 0) {
					/* end of input: the child reads EOF */
					t->parent_end[0] = safe_close(t->parent_end[0]);
					s->out = -1;
				}
			}
			if (s->to_child && s->out_dead && !s->in_eof && !t->tty[0]) {
				/* the child closed its stdin: stop taking the caller's */
				s->in_eof = true;
				t->parent_end[0] = safe_close(t->parent_end[0]);
			}
			if (!s->to_child && s->out_dead && s->in != t->master && !s->in_eof) {
				/* the caller stopped reading this pipe: close it, the
				 * child gets EPIPE as it would have without us */
				for (int k = 1; k < 3; k++)
					if (t->parent_end[k] == s->in)
						t->parent_end[k] = safe_close(t->parent_end[k]);
				s->in_eof = true;
			}
		}
	}
	if (!exited)
		while (waitpid(child, &status, 0) < 0 && errno == EINTR)
			;
	free(st);
	return status;
}

void jail_term_close(struct jail_term *t)
{
	if (t->raw && t->have_termios)
		(void)tcsetattr(0, TCSANOW, &t->termios);
	t->raw = false;
	/* closing the master hangs the jail's terminal up: whatever the
	 * child left behind loses it */
	t->master = safe_close(t->master);
	for (int i = 0; i < 3; i++) {
		t->child_end[i] = safe_close(t->child_end[i]);
		t->parent_end[i] = safe_close(t->parent_end[i]);
	}
	if (t->outer_owned)
		t->outer = safe_close(t->outer);
	t->outer = -1;
	if (t->signals_blocked)
		(void)sigprocmask(SIG_SETMASK, &t->saved_mask, NULL);
	t->signals_blocked = false;
}
