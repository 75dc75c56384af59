/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Ending a user's jail: a login's release (the last one's ends the jail),
 * `jailctl stop`/`gc`, and what both do under the user's mutex: kill the
 * init, remove the cgroup once it is empty, remove STATE_DIR/U.  Moved out
 * of lib/jail.c.
 */
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "jail/cgroup.h"
#include "jail/path.h"
#include "jail-internal.h"

static void remove_cgroup_retrying(const char *name, int wait_ms)
{
	struct jail_cgroup_host host;

	jail_cgroup_detect(JAIL_CGROUP_ROOT, &host);
	for (int waited = 0; jail_cgroup_remove(&host, name) == -EBUSY && waited < wait_ms;
	     waited += 20)
		usleep(20 * 1000);
}

/*
 * The cgroup can only go once the jail's last process is reaped, which in
 * sshd happens after pam_close_session() returns (see jail_init_kill).  Leave
 * that to a detached grandchild that waits on the init's pidfd; it holds
 * nothing else and is reaped by the system's init.
 */
static void remove_cgroup_later(int pidfd, const char *name)
{
	_cleanup_close_ int own_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	pid_t pid;

	/* Whoever joined the jail forks into its PID namespace, which is dying
	 * now (fork fails there): fork into our own active one instead. */
	if (own_pidns >= 0)
		(void)setns(own_pidns, CLONE_NEWPID);
	pid = fork();

	if (pid == 0) {
		struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

		if (fork() != 0)
			_exit(0);
		(void)setsid();
		if (pidfd >= 0 && dup2(pidfd, 3) == 3)
			pfd.fd = 3;
		(void)close_range(pfd.fd >= 0 ? (unsigned)pfd.fd + 1 : 3, ~0U, 0);
		if (pfd.fd >= 0)
			(void)poll(&pfd, 1, 15000);
		remove_cgroup_retrying(name, 5000);
		_exit(0);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

/* Removes the jail of `user`; caller holds the mutex (user_fd locked). */
/*
 * `known` is the caller's handle when it has one: its pidfd was verified when
 * the login joined, and must be used as is.  Re-checking through /proc is
 * not always possible: a Landlock domain (sshd's monitor in ChrootDirectory
 * mode) denies ptrace-mode access to /proc/PID/ns of the init, which is
 * outside that domain.
 */
void jail_teardown_locked(int state_fd, int user_fd, const char *user, int wait_ms,
			  const struct jail_handle *known)
{
	struct state s;

	if (jail_state_read(user_fd, &s) == 0) {
		_cleanup_close_ int pidfd = -EBADF;

		if (known && known->pidfd >= 0 && known->init_pid == s.pid)
			pidfd = fcntl(known->pidfd, F_DUPFD_CLOEXEC, 3);
		else
			pidfd = jail_init_open(&s);

		if (pidfd >= 0)
			jail_init_kill(pidfd, wait_ms);
		if (s.cgroup[0] && pidfd >= 0 && wait_ms == 0)
			remove_cgroup_later(pidfd, s.cgroup);
		else if (s.cgroup[0])
			remove_cgroup_retrying(s.cgroup, wait_ms > 0 ? 2000 : 200);
	}
	(void)unlinkat(user_fd, JAIL_STATE_RECORD, 0);
	(void)unlinkat(user_fd, JAIL_STATE_RECORD_TMP, 0);
	(void)unlinkat(user_fd, JAIL_STATE_REF, 0);
	(void)unlinkat(state_fd, user, AT_REMOVEDIR);
}

int jail_release(struct jail_handle *h, bool *ret_torn_down, struct jail_error *err)
{
	struct stat st;
	int r = 0, free_refs;

	if (ret_torn_down)
		*ret_torn_down = false;
	if (h->user_fd < 0) {
		jail_handle_close(h);
		return 0;
	}
	{
		char what[128];

		snprintf(what, sizeof(what), "the state of '%s'", h->user);
		r = jail_lock_until(h->user_fd, LOCK_EX, jail_now_ms() + JAIL_LOCK_TIMEOUT_MS, what,
				    err);
	}
	/* our reference goes in any case; on a timeout the jail's init ends
	 * the jail later if nobody else holds it (jail-init's reaper) */
	h->ref_fd = safe_close(h->ref_fd);
	if (r < 0)
		goto out;
	if (fstat(h->user_fd, &st) < 0 || st.st_nlink == 0)
		goto out; /* torn down already (jailctl stop), maybe rebuilt since */
	free_refs = jail_refs_free(h->user_fd);
	if (free_refs == 1 && h->linger_s > 0) {
		/* the init ends it once linger_s have passed since this
		 * time, unless a login comes back first (jail-init's reaper) */
		if (utimensat(h->user_fd, JAIL_STATE_REF, NULL, AT_SYMLINK_NOFOLLOW) < 0)
			r = jail_err(err, negative_errno(), "cannot mark the last logout: %m");
	} else if (free_refs == 1) {
		jail_teardown_locked(h->state_fd, h->user_fd, h->user, 0, h);
		if (ret_torn_down)
			*ret_torn_down = true;
	} else if (free_refs < 0)
		r = jail_err(err, free_refs, "cannot check login references: %s",
			     strerror(-free_refs));
out:
	jail_handle_close(h);
	return r;
}

int jail_teardown(const struct jail_config *c, const char *user, bool force, bool *ret_done,
		  struct jail_error *err)
{
	_cleanup_close_ int state_fd = -EBADF, user_fd = -EBADF;
	int r;

	*ret_done = false;
	if (!jail_name_valid(user))
		return jail_err(err, -EINVAL, "'%s' is not a valid user name", user);
	state_fd = open(c->state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (state_fd < 0)
		return errno == ENOENT ? 0
				       : jail_err(err, negative_errno(), "cannot open '%s': %m",
						  c->state_dir);
	user_fd = jail_user_dir_lock(state_fd, user, false, err);
	if (user_fd == -ENOENT)
		return 0;
	if (user_fd < 0)
		return user_fd;
	if (!force) {
		struct state s;
		_cleanup_close_ int pidfd = -EBADF;

		r = jail_refs_free(user_fd);
		if (r < 0)
			return jail_err(err, r, "cannot check login references of '%s'", user);
		/* held by logins, or lingering after the last: only a dead init
		 * makes it collectable (a lingering jail's init ends it in time) */
		if (jail_state_read(user_fd, &s) == 0 && (r == 0 || s.linger_s > 0) &&
		    (pidfd = jail_init_open(&s)) >= 0)
			return 0;
	}
	jail_teardown_locked(state_fd, user_fd, user, 10000, NULL);
	*ret_done = true;
	return 0;
}
