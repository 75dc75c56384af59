/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A user's jail from the outside: acquired by a login (joined, or built
 * when there is none), its cgroups, `jailctl gc` of what a crash left, its
 * status.  The rest lives beside it, one job a file: lib/state.c (the state
 * record, the init's identity, the per-user mutex), lib/build.c (building),
 * lib/enter.c (a login entering it), lib/teardown.c (ending it),
 * lib/privileges.c (dropping privileges); lib/jail-internal.h is what they
 * share.  The on-disk layout is include/jail/layout.h; the reasoning is in
 * docs/DESIGN.md.
 *
 * Everything in these files runs as root, inside sshd's privileged monitor
 * or the setuid jailsh.  Rules kept throughout: every fd O_CLOEXEC; host
 * paths that a user can influence (home) are opened through
 * jail_open_trusted() and mounted by fd; all other mount work happens in the
 * jail's private mount namespace on a tmpfs nobody else can see; nothing is
 * ever removed recursively.
 */
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "jail/cgroup.h"
#include "jail/jail.h"
#include "jail/init-proto.h"
#include "jail/path.h"
#include "jail/plan.h"
#include "jail/template.h"
#include "jail-internal.h"

static void remove_user_cgroups(const char *user);

/* ---- public API ------------------------------------------------------------------ */

void jail_handle_close(struct jail_handle *h)
{
	h->ref_fd = safe_close(h->ref_fd);
	h->pidfd = safe_close(h->pidfd);
	h->user_fd = safe_close(h->user_fd);
	h->state_fd = safe_close(h->state_fd);
}

/* whether the jail in `s` uses the generation template `t` names now (true
 * when that cannot be told: the build that follows would fail anyway) */
static bool generation_current(const struct jail_template *t, const struct state *s)
{
	struct jail_template_gen g;
	struct stat st;
	bool same;

	if (!s->template_ino || jail_template_resolve(t->rootfs, &g, NULL) < 0)
		return true;
	same = fstat(g.fd, &st) < 0 || ((unsigned long long)st.st_dev == s->template_dev &&
					(unsigned long long)st.st_ino == s->template_ino);
	safe_close(g.fd);
	return same;
}

/* what a handle keeps of the live jail's state record (the pidfd is the
 * caller's: jail_init_open(s)) */
static void handle_set_state(struct jail_handle *h, const struct state *s)
{
	h->init_pid = s->pid;
	h->ns_flags = s->ns_flags;
	h->linger_s = s->linger_s;
	snprintf(h->template_name, sizeof(h->template_name), "%s", s->template_name);
	snprintf(h->cgroup, sizeof(h->cgroup), "%s", s->cgroup);
}

int jail_acquire(const struct jail_config *c, const struct jail_template *t,
		 const struct jail_user *u, const char *init_path, struct jail_handle *h,
		 struct jail_error *err)
{
	struct state s;
	int r;

	*h = (struct jail_handle)JAIL_HANDLE_INIT;
	if (!jail_name_valid(u->name))
		return jail_err(err, -EINVAL, "user name '%s' cannot name a jail", u->name);
	if (u->uid == 0)
		return jail_err(err, -EPERM, "uid 0 is never jailed");
	snprintf(h->user, sizeof(h->user), "%s", u->name);

	h->state_fd = jail_state_dir_open(c->state_dir, err);
	if (h->state_fd < 0)
		return h->state_fd;
	h->user_fd = jail_user_dir_lock(h->state_fd, u->name, true, err);
	if (h->user_fd < 0) {
		r = h->user_fd;
		goto fail;
	}

	if (jail_state_read(h->user_fd, &s) == 0) {
		h->pidfd = jail_init_open(&s);
		if (h->pidfd >= 0 &&
		    (strcmp(s.template_name, t->name) != 0 || !generation_current(t, &s) ||
		     s.settings != jail_settings_hash(t, u)) &&
		    jail_refs_free(h->user_fd) == 1) {
			/* the config moved the user to another template, or
			 * changed it or the user, or the template has a new
			 * generation, and nobody is logged in (the jail
			 * lingers, or the last login just left): rebuild
			 * rather than join the old jail */
			h->pidfd = safe_close(h->pidfd);
			jail_teardown_locked(h->state_fd, h->user_fd, u->name, 5000, NULL);
			safe_close(h->user_fd);
			h->user_fd = jail_user_dir_lock(h->state_fd, u->name, true, err);
			if (h->user_fd < 0) {
				r = h->user_fd;
				goto fail;
			}
		}
		if (h->pidfd < 0) /* stale: left by a crash or a killed init */
			(void)unlinkat(h->user_fd, JAIL_STATE_RECORD, 0);
	}

	if (h->pidfd < 0) {
		_cleanup_close_ int commit_fd = -EBADF;
		struct jail_init_commit commit = { .kind = JAIL_INIT_COMMIT,
						   .linger_s = t->linger_s };

		remove_user_cgroups(u->name);
		r = jail_build_create(c, t, u, init_path, h->state_fd, &s, &commit_fd,
				      h->home_warning, sizeof(h->home_warning), err);
		if (r < 0)
			goto fail;
		r = jail_state_write(h->user_fd, &s);
		if (r < 0)
			jail_err(err, r, "cannot write jail state: %s", strerror(-r));
		/* recorded: now the init may live on without us (see jail_build_create) */
		else if (send(commit_fd, &commit, sizeof(commit), MSG_NOSIGNAL) !=
			 (ssize_t)sizeof(commit))
			r = jail_err(err, -ESRCH,
				     "the new jail's init died before it was recorded");
		if (r < 0) {
			_cleanup_close_ int pidfd = jail_init_open(&s);

			if (pidfd >= 0)
				jail_init_kill(pidfd, 5000);
			goto fail;
		}
		h->pidfd = jail_init_open(&s);
		if (h->pidfd < 0) {
			r = jail_err(err, -ESRCH, "the new jail's init died");
			goto fail;
		}
		h->created = true;
	}
	/* the record of the jail joined, or of the one just built (whose
	 * template_name is t->name: jail_build_create) */
	handle_set_state(h, &s);

	h->ref_fd = jail_ref_take(h->user_fd, u->name, err);
	if (h->ref_fd < 0) {
		r = h->ref_fd;
		goto fail;
	}
	(void)flock(h->user_fd, LOCK_UN);
	return 0;
fail:
	if (h->user_fd >= 0) {
		/* leave neither a half-made jail nor an empty state dir behind */
		h->ref_fd = safe_close(h->ref_fd);
		if (jail_refs_free(h->user_fd) == 1)
			jail_teardown_locked(h->state_fd, h->user_fd, u->name, 0, h);
	}
	jail_handle_close(h);
	return r;
}

int jail_join_existing(const struct jail_config *c, const char *user, struct jail_handle *h,
		       struct jail_error *err)
{
	struct state s;
	int r;

	*h = (struct jail_handle)JAIL_HANDLE_INIT;
	if (!jail_name_valid(user))
		return jail_err(err, -EINVAL, "'%s' is not a valid user name", user);
	snprintf(h->user, sizeof(h->user), "%s", user);
	h->state_fd = open(c->state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (h->state_fd < 0) {
		r = jail_err(err, errno == ENOENT ? -ESRCH : negative_errno(), "no jail for '%s'",
			     user);
		goto fail;
	}
	h->user_fd = jail_user_dir_lock(h->state_fd, user, false, err);
	if (h->user_fd < 0) {
		r = h->user_fd == -ENOENT ? jail_err(err, -ESRCH, "no jail for '%s'", user)
					  : h->user_fd;
		goto fail;
	}
	if (jail_state_read(h->user_fd, &s) < 0 || (h->pidfd = jail_init_open(&s)) < 0) {
		r = jail_err(err, -ESRCH, "no live jail for '%s'", user);
		goto fail;
	}
	handle_set_state(h, &s);
	h->ref_fd = jail_ref_take(h->user_fd, user, err);
	if (h->ref_fd < 0) {
		r = h->ref_fd;
		goto fail;
	}
	(void)flock(h->user_fd, LOCK_UN);
	return 0;
fail:
	jail_handle_close(h);
	return r;
}

int jail_attach_cgroup(const struct jail_handle *h, struct jail_error *err)
{
	struct jail_cgroup_host host;

	if (!h->cgroup[0])
		return 0;
	jail_cgroup_detect(JAIL_CGROUP_ROOT, &host);
	return jail_cgroup_attach(&host, h->cgroup, 0, err);
}

static bool cgroup_in_use(const struct jail_config *c, const char *name)
{
	char user[NAME_MAX + 1], *dot;
	struct jail_status st;

	snprintf(user, sizeof(user), "%s", name);
	dot = strrchr(user, '.');
	if (!dot)
		return true; /* not one of our names: never touch */
	*dot = '\0';
	if (!jail_name_valid(user) || jail_status(c, user, &st, NULL) < 0)
		return true;
	return st.exists && st.alive && st.init_pid == (pid_t)atoi(dot + 1);
}

/* Our cgroups named "USER.<digits>", removed (the empty ones).  Called under
 * USER's mutex when USER has no live jail: every such cgroup is a leftover,
 * e.g. of a jail whose init ended it (helper/jail-init.c's reaper). */
static void remove_user_cgroups(const char *user)
{
	static const char *const sub[] = { "", "memory/", "pids/", "cpu/" };
	struct jail_cgroup_host host;
	size_t len = strlen(user);

	jail_cgroup_detect(JAIL_CGROUP_ROOT, &host);
	for (size_t i = host.v2 ? 0 : 1; i < (host.v2 ? 1 : ELEMENTSOF(sub)); i++) {
		char dir[PATH_MAX];
		_cleanup_closedir_ DIR *d = NULL;
		struct dirent *de;

		snprintf(dir, sizeof(dir), "%s/%s%s", host.root, sub[i], JAIL_CGROUP_DIR);
		d = opendir(dir);
		if (!d)
			continue;
		while ((de = readdir(d)))
			if (de->d_type == DT_DIR && strncmp(de->d_name, user, len) == 0 &&
			    de->d_name[len] == '.' && de->d_name[len + 1] &&
			    strspn(de->d_name + len + 1, "0123456789") ==
				    strlen(de->d_name + len + 1))
				(void)unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR);
	}
}

int jail_gc_cgroups(const struct jail_config *c)
{
	static const char *const sub[] = { "", "memory/", "pids/", "cpu/" };
	struct jail_cgroup_host host;
	int n = 0;

	jail_cgroup_detect(JAIL_CGROUP_ROOT, &host);
	for (size_t i = host.v2 ? 0 : 1; i < (host.v2 ? 1 : ELEMENTSOF(sub)); i++) {
		char dir[PATH_MAX];
		_cleanup_closedir_ DIR *d = NULL;
		struct dirent *de;

		snprintf(dir, sizeof(dir), "%s/%s%s", host.root, sub[i], JAIL_CGROUP_DIR);
		d = opendir(dir);
		if (!d)
			continue;
		while ((de = readdir(d)))
			if (de->d_type == DT_DIR && de->d_name[0] != '.' &&
			    !cgroup_in_use(c, de->d_name)) {
				char path[PATH_MAX * 2];

				snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
				if (rmdir(path) == 0)
					n++;
			}
	}
	return n;
}

/* ---- untracked inits (jailctl gc) ------------------------------------------------ */

static bool same_inode(const char *path, const struct stat *want)
{
	struct stat st;

	return stat(path, &st) == 0 && st.st_dev == want->st_dev && st.st_ino == want->st_ino;
}

/* Is `pid` a jail-init of ours?  Root in all uids, pid 1 of a PID namespace
 * below ours, argv exactly "jail-init USER", running our JAIL_INIT (same
 * inode) and holding our STATE_DIR as its fd 6 (see helper/jail-init.c).
 * Fills `user`. */
static bool is_our_init(pid_t pid, const struct stat *init_st, const struct stat *state_st,
			char *user, size_t size)
{
	char path[64], buf[1024], *line, *save = NULL;
	_cleanup_close_ int fd = -EBADF;
	bool uid_ok = false, nspid_ok = false;
	size_t len;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return false;
	buf[n] = '\0';
	if (strcmp(buf, "jail-init") != 0 || (size_t)n < 11 || buf[n - 1] != '\0')
		return false;
	len = strlen(buf + 10);
	if (len + 11 != (size_t)n || len >= size)
		return false;
	memcpy(user, buf + 10, len + 1);
	if (!jail_name_valid(user))
		return false;
	fd = safe_close(fd);

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return false;
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned a, b, c, d;

		if (sscanf(line, "Uid: %u %u %u %u", &a, &b, &c, &d) == 4)
			uid_ok = a == 0 && b == 0 && c == 0 && d == 0;
		else if (strncmp(line, "NSpid:", 6) == 0) {
			const char *last = strrchr(line, '\t');

			/* two or more entries, the innermost 1 */
			nspid_ok = last && strchr(line, '\t') != last && strcmp(last + 1, "1") == 0;
		}
	}
	if (!uid_ok || !nspid_ok)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	if (!same_inode(path, init_st))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/fd/6", pid);
	return same_inode(path, state_st);
}

int jail_gc_inits(const struct jail_config *c, const char *init_path,
		  void (*report)(pid_t pid, const char *user, const char *what, void *data),
		  void *data)
{
	_cleanup_closedir_ DIR *d = NULL;
	_cleanup_close_ int state_fd = -EBADF;
	struct stat init_st, state_st;
	struct dirent *de;
	int n = 0;

	state_fd = open(c->state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (state_fd < 0)
		return errno == ENOENT ? 0 : negative_errno();
	if (fstat(state_fd, &state_st) < 0 || stat(init_path, &init_st) < 0)
		return negative_errno();
	d = opendir("/proc");
	if (!d)
		return negative_errno();
	while ((de = readdir(d))) {
		_cleanup_close_ int pidfd = -EBADF, user_fd = -EBADF;
		unsigned long long start = 0, start2 = 0;
		struct jail_error e = { 0 };
		char user[NAME_MAX + 1];
		struct pollfd pfd;
		struct state s;
		pid_t pid;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid = (pid_t)atoi(de->d_name);
		/* the pidfd first: whatever is checked below is about this
		 * process if it is still alive afterwards (same start time) */
		pidfd = pidfd_open(pid, 0);
		if (pidfd < 0 || jail_proc_start_time(pid, &start) < 0 ||
		    !is_our_init(pid, &init_st, &state_st, user, sizeof(user)))
			continue;
		/* tracked?  First without the lock (the usual case: a live
		 * jail, whose lock a stuck holder may have), then confirmed
		 * under the user's mutex: a creation in progress holds it until
		 * the state names its init */
		user_fd = openat(state_fd, user, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (user_fd >= 0 && jail_state_read(user_fd, &s) == 0 && s.pid == pid &&
		    s.start == start)
			continue;
		user_fd = safe_close(user_fd);
		user_fd = jail_user_dir_lock(state_fd, user, false, &e);
		if (user_fd < 0 && user_fd != -ENOENT) {
			if (report)
				report(pid, user, e.msg, data);
			continue;
		}
		if (user_fd >= 0 && jail_state_read(user_fd, &s) == 0 && s.pid == pid &&
		    s.start == start)
			continue;
		pfd = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		if (poll(&pfd, 1, 0) != 0 || jail_proc_start_time(pid, &start2) < 0 ||
		    start2 != start)
			continue;
		if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) == 0) {
			/* gone before its cgroup is looked at (jail_gc_cgroups) */
			(void)poll(&pfd, 1, 2000);
			n++;
			if (report)
				report(pid, user, NULL, data);
		}
	}
	return n;
}

/* processes whose PID namespace is `pidns`, and their summed VmRSS */
static void count_processes(unsigned long long pidns, int *ret_n, unsigned long long *ret_rss_kb)
{
	_cleanup_closedir_ DIR *d = opendir("/proc");
	struct dirent *de;

	*ret_n = 0;
	*ret_rss_kb = 0;
	if (!d)
		return;
	while ((de = readdir(d))) {
		unsigned long long ino = 0;
		char path[64], line[128];
		FILE *f;
		pid_t pid;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid = (pid_t)atoi(de->d_name);
		if (jail_proc_ns_inode(pid, "pid", &ino) < 0 || ino != pidns)
			continue;
		(*ret_n)++;
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			unsigned long long kb;

			if (sscanf(line, "VmRSS: %llu kB", &kb) == 1) {
				*ret_rss_kb += kb;
				break;
			}
		}
		fclose(f);
	}
}

int jail_status(const struct jail_config *c, const char *user, struct jail_status *ret,
		struct jail_error *err)
{
	_cleanup_close_ int state_fd = -EBADF, user_fd = -EBADF, pidfd = -EBADF;
	struct state s;

	memset(ret, 0, sizeof(*ret));
	ret->logins = -1;
	state_fd = open(c->state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (state_fd < 0)
		return errno == ENOENT ? 0
				       : jail_err(err, negative_errno(), "cannot open '%s': %m",
						  c->state_dir);
	user_fd = openat(state_fd, user, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (user_fd < 0)
		return 0;
	if (jail_state_read(user_fd, &s) < 0)
		return 0;
	ret->exists = true;
	ret->init_pid = s.pid;
	ret->created = s.created;
	snprintf(ret->template_name, sizeof(ret->template_name), "%s", s.template_name);
	ret->generation = s.generation;
	ret->linger_s = s.linger_s;
	snprintf(ret->template_path, sizeof(ret->template_path), "%s", s.template_path);
	ret->template_dev = s.template_dev;
	ret->template_ino = s.template_ino;
	pidfd = jail_init_open(&s);
	ret->alive = pidfd >= 0;
	if (ret->alive)
		count_processes(s.pidns, &ret->processes, &ret->rss_kb);
	{
		/* count holders: /proc/locks lists each flock with the inode */
		_cleanup_fclose_ FILE *f = fopen("/proc/locks", "re");
		struct stat st;
		char line[256];

		if (f && fstatat(user_fd, JAIL_STATE_REF, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			char want[64];

			snprintf(want, sizeof(want), ":%lu ", (unsigned long)st.st_ino);
			ret->logins = 0;
			while (fgets(line, sizeof(line), f))
				if (strstr(line, "FLOCK") && strstr(line, want) &&
				    strstr(line, " READ "))
					ret->logins++;
		} else
			ret->logins = 0;
	}
	return 0;
}
