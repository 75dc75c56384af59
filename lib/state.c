/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A user's jail as STATE_DIR records it (include/jail/layout.h): the state
 * record, the jail's init it names and how that init is told from a reused
 * pid, and the per-user mutex and login references.  Moved out of
 * lib/jail.c; lib/jail-internal.h declares what the other files use.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/file.h>
#include <sys/pidfd.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include "jail/jail.h"
#include "jail/template.h"
#include "jail-internal.h"

/* ---- state file ---------------------------------------------------------------- */

/* the value of a state record line "KEY=VALUE" for `key` ("KEY="), else NULL */
static char *state_value(char *line, const char *key)
{
	return strncmp(line, key, strlen(key)) == 0 ? line + strlen(key) : NULL;
}

int jail_state_read(int user_fd, struct state *s)
{
	_cleanup_close_ int fd = -EBADF;
	char buf[8192], *line, *save = NULL, *v;
	ssize_t n;

	memset(s, 0, sizeof(*s));
	s->generation = -1;
	fd = openat(user_fd, JAIL_STATE_RECORD, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return negative_errno();
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return negative_errno();
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, JAIL_STATE_KEY_PID "%d", &s->pid) == 1 ||
		    sscanf(line, JAIL_STATE_KEY_START "%llu", &s->start) == 1 ||
		    sscanf(line, JAIL_STATE_KEY_PIDNS "%llu", &s->pidns) == 1 ||
		    sscanf(line, JAIL_STATE_KEY_NSFLAGS "%d", &s->ns_flags) == 1 ||
		    sscanf(line, JAIL_STATE_KEY_CREATED "%lld", &s->created) == 1 ||
		    sscanf(line, JAIL_STATE_KEY_LINGER "%u", &s->linger_s) == 1 ||
		    sscanf(line, JAIL_STATE_KEY_SETTINGS "%llx", &s->settings) == 1)
			continue;
		if ((v = state_value(line, JAIL_STATE_KEY_TEMPLATE)))
			snprintf(s->template_name, sizeof(s->template_name), "%s", v);
		if ((v = state_value(line, JAIL_STATE_KEY_CGROUP)))
			snprintf(s->cgroup, sizeof(s->cgroup), "%s", v);
		if ((v = state_value(line, JAIL_STATE_KEY_GENERATION)) &&
		    !jail_template_gen_name(v, &s->generation))
			s->generation = -1;
		if ((v = state_value(line, JAIL_STATE_KEY_ROOTFS)))
			snprintf(s->template_path, sizeof(s->template_path), "%s", v);
		if ((v = state_value(line, JAIL_STATE_KEY_ROOTFS_ID)) &&
		    sscanf(v, "%llu:%llu", &s->template_dev, &s->template_ino) != 2)
			s->template_dev = s->template_ino = 0;
	}
	if (s->pid <= 1 || s->start == 0 || s->pidns == 0)
		return -EBADMSG;
	return 0;
}

int jail_state_write(int user_fd, const struct state *s)
{
	_cleanup_close_ int fd = -EBADF;
	char buf[8192], gen[32] = "";
	int n;

	if (s->generation >= 0)
		snprintf(gen, sizeof(gen), JAIL_STATE_KEY_GENERATION "%ld\n", s->generation);
	n = snprintf(buf, sizeof(buf),
		     JAIL_STATE_KEY_VERSION
		     "1\n" JAIL_STATE_KEY_PID "%d\n" JAIL_STATE_KEY_START
		     "%llu\n" JAIL_STATE_KEY_PIDNS "%llu\n" JAIL_STATE_KEY_NSFLAGS
		     "%d\n" JAIL_STATE_KEY_CREATED "%lld\n" JAIL_STATE_KEY_TEMPLATE
		     "%s\n" JAIL_STATE_KEY_CGROUP "%s\n"
		     "%s" JAIL_STATE_KEY_ROOTFS "%s\n" JAIL_STATE_KEY_ROOTFS_ID
		     "%llu:%llu\n" JAIL_STATE_KEY_LINGER "%u\n" JAIL_STATE_KEY_SETTINGS "%016llx\n",
		     s->pid, s->start, s->pidns, s->ns_flags, s->created, s->template_name,
		     s->cgroup, gen, s->template_path, s->template_dev, s->template_ino,
		     s->linger_s, s->settings);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -ENAMETOOLONG;
	(void)unlinkat(user_fd, JAIL_STATE_RECORD_TMP, 0);
	fd = openat(user_fd, JAIL_STATE_RECORD_TMP,
		    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return negative_errno();
	if (write(fd, buf, (size_t)n) != n)
		return -EIO;
	if (renameat(user_fd, JAIL_STATE_RECORD_TMP, user_fd, JAIL_STATE_RECORD) < 0)
		return negative_errno();
	return 0;
}

/* ---- identifying the jail's init ------------------------------------------------- */

int jail_proc_start_time(pid_t pid, unsigned long long *ret)
{
	char path[64], buf[1024];
	_cleanup_close_ int fd = -EBADF;
	unsigned long long v;
	const char *p;
	ssize_t n;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return negative_errno();
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p)
		return -EBADMSG;
	/* after ") " come fields 3..; starttime is field 22 */
	p += 2;
	for (i = 3; i < 22 && *p; i++) {
		p = strchr(p, ' ');
		if (!p)
			return -EBADMSG;
		p++;
	}
	if (sscanf(p, "%llu", &v) != 1)
		return -EBADMSG;
	*ret = v;
	return 0;
}

int jail_proc_ns_inode(pid_t pid, const char *ns, unsigned long long *ret)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, ns);
	if (stat(path, &st) < 0)
		return negative_errno();
	*ret = (unsigned long long)st.st_ino;
	return 0;
}

/* Returns a pidfd for the init described by s if it is still that process and
 * alive, else -ESRCH. pidfd first, then /proc, then a liveness poll: if the
 * pidfd's process is alive after the /proc reads, the reads were about it. */
int jail_init_open(const struct state *s)
{
	_cleanup_close_ int pidfd = -EBADF;
	unsigned long long start = 0, pidns = 0;
	struct pollfd pfd;

	pidfd = pidfd_open(s->pid, 0);
	if (pidfd < 0)
		return -ESRCH;
	if (jail_proc_start_time(s->pid, &start) < 0 || start != s->start)
		return -ESRCH;
	if (jail_proc_ns_inode(s->pid, "pid", &pidns) < 0 || pidns != s->pidns)
		return -ESRCH;
	pfd = (struct pollfd){ .fd = pidfd, .events = POLLIN };
	if (poll(&pfd, 1, 0) != 0)
		return -ESRCH;
	return TAKE_FD(pidfd);
}

/*
 * SIGKILL to a PID namespace's init makes the kernel kill every process in
 * the namespace; the pidfd turns readable only once all of them are reaped.
 * Wait for that only when `wait_ms` > 0: sshd's monitor calls
 * pam_close_session() *before* it reaps its own child, which lives in the
 * namespace, so waiting there would only wait for ourselves.
 */
void jail_init_kill(int pidfd, int wait_ms)
{
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

	if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0)
		return;
	if (wait_ms > 0)
		(void)poll(&pfd, 1, wait_ms);
}

/* ---- the per-user directory and its mutex ---------------------------------------- */

/*
 * Every lock wait is bounded (JAIL_LOCK_TIMEOUT_MS): a process that holds a
 * lock and is stopped (SIGSTOP, a debugger) or stuck must not hang the
 * user's later logins, `jailctl stop` and `jailctl gc` for ever.  flock() has
 * no timeout, so poll it with LOCK_NB and short, growing sleeps; a timer
 * signal would be another process's business inside sshd's monitor.
 */
#define LOCK_POLL_MAX_US 20000

long long jail_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "pid N (comm)" of up to three holders of a flock on fd's file, as far as
 * /proc/locks and /proc/PID/comm tell; with `writers_only` only LOCK_EX
 * holders (those are what a LOCK_SH waits for). */
/* what /proc/PID/stat says of a process's state: 'R', 'S', 'D', 'T', 't'...;
 * '?' when it cannot be read */
static char proc_state(int pid)
{
	char path[64], buf[512];
	_cleanup_close_ int fd = -EBADF;
	const char *p;
	ssize_t k;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (k = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return '?';
	buf[k] = '\0';
	p = strrchr(buf, ')'); /* the command may hold anything, even ')' */
	return p && p[1] == ' ' && p[2] ? p[2] : '?';
}

/*
 * Names up to 3 holders of fd's lock in buf ("pid 12 (sshd) [stopped]").
 * *ret_busy: every holder is ours to see and running or sleeping, i.e.
 * working, only slowly (a host starved of CPU); false when one is stopped,
 * traced, gone, or outside our sight.  Returns how many holders it found:
 * 0 when the lock was released after the caller's try (every flock is in
 * /proc/locks, a holder outside our PID namespace with pid 0).
 */
static int lock_holders(int fd, bool writers_only, char *buf, size_t size, bool *ret_busy)
{
	_cleanup_fclose_ FILE *f = NULL;
	char line[256], want[64];
	struct stat st;
	size_t o = 0;
	int n = 0;

	*ret_busy = false;
	snprintf(buf, size, "a process this host does not name (not in /proc/locks)");
	if (fstat(fd, &st) < 0 || !(f = fopen("/proc/locks", "re")))
		return -1;
	/* "1: FLOCK  ADVISORY  WRITE 1234 fe:00:5678 0 EOF"; waiters carry "->" */
	snprintf(want, sizeof(want), "%02x:%02x:%lu", major(st.st_dev), minor(st.st_dev),
		 (unsigned long)st.st_ino);
	while (fgets(line, sizeof(line), f) && n < 3) {
		char type[16], mode[16], dev[64], comm[32] = "?", path[64];
		int pid;

		if (sscanf(line, "%*d: %15s %*s %15s %d %63s", type, mode, &pid, dev) != 4 ||
		    strcmp(type, "FLOCK") != 0 || strcmp(dev, want) != 0 ||
		    (writers_only && strcmp(mode, "WRITE") != 0))
			continue;
		if (pid > 0) {
			_cleanup_close_ int cfd = -EBADF;
			ssize_t k;

			snprintf(path, sizeof(path), "/proc/%d/comm", pid);
			cfd = open(path, O_RDONLY | O_CLOEXEC);
			if (cfd >= 0 && (k = read(cfd, comm, sizeof(comm) - 1)) > 0) {
				comm[k] = '\0';
				comm[strcspn(comm, "\n")] = '\0';
			}
		}
		if (n == 0) {
			o = 0;
			*ret_busy = true;
		}
		if (pid > 0) {
			char state = proc_state(pid);
			bool busy = state == 'R' || state == 'S' || state == 'D';

			*ret_busy = *ret_busy && busy;
			o += (size_t)snprintf(buf + o, o < size ? size - o : 0, "%spid %d (%s)%s",
					      n ? ", " : "", pid, comm,
					      state == 'T'   ? " [stopped]"
					      : state == 't' ? " [traced]"
							     : "");
		} else {
			*ret_busy = false;
			o += (size_t)snprintf(buf + o, o < size ? size - o : 0,
					      "%sa process outside our PID namespace",
					      n ? ", " : "");
		}
		n++;
		if (o >= size)
			break;
	}
	return n;
}

/*
 * flock(fd, op) waiting until `deadline` (jail_now_ms() clock); on timeout
 * -ETIMEDOUT with the holder named in err.  `what` names the lock in
 * messages.  At the deadline a holder that is stopped, traced or out of our
 * sight ends the wait; one that is running or sleeping is only slow (the
 * soak's overloaded host held locks past 10 s), so the wait goes on up to
 * JAIL_LOCK_HARD_TIMEOUT_MS in all.
 */
int jail_lock_until(int fd, int op, long long deadline, const char *what, struct jail_error *err)
{
	long long hard = deadline + (JAIL_LOCK_HARD_TIMEOUT_MS - JAIL_LOCK_TIMEOUT_MS);
	useconds_t delay = 500;

	for (;;) {
		char holders[256];
		bool busy;
		long long now;

		if (flock(fd, op | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return jail_err(err, negative_errno(), "cannot lock %s: %m", what);
		now = jail_now_ms();
		if (now >= deadline) {
			/* nobody holds it any more: released between our try and
			 * the read of /proc/locks (a slow holder just done; on a
			 * host with thousands of jails the read takes a while):
			 * try again at once, until the hard bound */
			int found =
				lock_holders(fd, op == LOCK_SH, holders, sizeof(holders), &busy);

			if (found == 0 && now < hard) {
				usleep(1000);
				continue;
			}
			if (!busy || now >= hard)
				return jail_err(
					err, -ETIMEDOUT, "%s is still locked after %d s, by %s",
					what,
					(busy ? JAIL_LOCK_HARD_TIMEOUT_MS : JAIL_LOCK_TIMEOUT_MS) /
						1000,
					holders);
		}
		usleep(delay);
		if (delay < LOCK_POLL_MAX_US)
			delay *= 2;
	}
}

int jail_user_dir_lock(int state_fd, const char *user, bool create, struct jail_error *err)
{
	long long deadline = jail_now_ms() + JAIL_LOCK_TIMEOUT_MS;

	for (int tries = 0; tries < 100; tries++) {
		_cleanup_close_ int fd = -EBADF;
		struct stat st;
		char what[128];
		int r;

		if (create && mkdirat(state_fd, user, 0700) < 0 && errno != EEXIST)
			return jail_err(err, negative_errno(), "cannot create state for '%s': %m",
					user);
		fd = openat(state_fd, user, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ENOENT && create)
				continue; /* removed by a teardown between mkdir and open */
			return jail_err(err, negative_errno(), "cannot open state for '%s': %m",
					user);
		}
		if (fstat(fd, &st) < 0)
			return jail_err(err, negative_errno(), "cannot stat state for '%s': %m",
					user);
		if (st.st_uid != 0)
			return jail_err(err, -EPERM, "state directory of '%s' is not root-owned",
					user);
		/* a setuid caller creates with its own gid and umask: fix both */
		if ((st.st_gid != 0 || (st.st_mode & 07777) != 0700) &&
		    (fchown(fd, 0, 0) < 0 || fchmod(fd, 0700) < 0))
			return jail_err(err, negative_errno(),
					"cannot fix state directory of '%s': %m", user);
		snprintf(what, sizeof(what), "the state of '%s'", user);
		r = jail_lock_until(fd, LOCK_EX, deadline, what, err);
		if (r < 0)
			return r;
		if (fstat(fd, &st) < 0)
			return jail_err(err, negative_errno(), "cannot stat state for '%s': %m",
					user);
		if (st.st_nlink == 0)
			continue; /* torn down while we waited: start again */
		return TAKE_FD(fd);
	}
	return jail_err(err, -EAGAIN, "state of '%s' keeps changing", user);
}

/* a login's reference: LOCK_SH on STATE_DIR/U/ref (caller holds the mutex,
 * so only a short LOCK_EX probe of jail_refs_free() can stand in the way) */
int jail_ref_take(int user_fd, const char *user, struct jail_error *err)
{
	_cleanup_close_ int fd =
		openat(user_fd, JAIL_STATE_REF, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	char what[128];
	int r;

	if (fd < 0)
		return jail_err(err, negative_errno(),
				"cannot open the login reference of '%s': %m", user);
	snprintf(what, sizeof(what), "the login reference of '%s'", user);
	r = jail_lock_until(fd, LOCK_SH, jail_now_ms() + JAIL_LOCK_TIMEOUT_MS, what, err);
	if (r < 0)
		return r;
	return TAKE_FD(fd);
}

/* 1 if nobody holds a login reference, 0 if somebody does, -errno on error */
int jail_refs_free(int user_fd)
{
	_cleanup_close_ int fd = openat(user_fd, JAIL_STATE_REF, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return errno == ENOENT ? 1 : negative_errno();
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return 1;
	return errno == EWOULDBLOCK ? 0 : negative_errno();
}
