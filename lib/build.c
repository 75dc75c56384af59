/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Building a user's jail: the host objects it is made of, opened and
 * checked (jail_inputs_open), and the children that make it: the setup
 * child in the new namespaces, and the jail's init, which reports over the
 * status pipe (include/jail/init-proto.h) and becomes jail-init.  Moved out
 * of lib/jail.c; jail_acquire() calls jail_build_create().
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include "jail/cgroup.h"
#include "jail/systemd.h"
#include "jail/init-proto.h"
#include "jail/jail.h"
#include "jail/path.h"
#include "jail/plan.h"
#include "jail/template.h"
#include "jail-internal.h"

#define JAIL_NS_FLAGS (CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC)
#define JAIL_DEVLOG "/dev/log"
#define SETUP_TIMEOUT_MS 15000

/* A record sent by the setup children to the creator over a pipe
 * (include/jail/init-proto.h: jail-init sends them too). */
static int send_record(int fd, enum jail_init_rec_kind kind, int value, const char *fmt, ...)
	_printf_(4, 5);
static int send_record(int fd, enum jail_init_rec_kind kind, int value, const char *fmt, ...)
{
	struct jail_init_record rec = { .kind = kind, .value = value };
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(rec.msg, sizeof(rec.msg), fmt, ap);
		va_end(ap);
	}
	/* a pipe write of < PIPE_BUF bytes is atomic */
	return write(fd, &rec, sizeof(rec)) == sizeof(rec) ? 0 : -EIO;
}

/* ---- building a jail ------------------------------------------------------------ */

struct build {
	const struct jail_config *c;
	const struct jail_template *t;
	const struct jail_user *u;
	int template_fd;
	const char *template_path; /* the generation's directory template_fd is */
	int home_fd;
	int init_fd;
	int commit_fd;    /* the init's end of the commit socket (see jail_build_create) */
	int creator_fd;   /* the creator's end: the setup child closes it first */
	int reap_user_fd; /* STATE_DIR/U and STATE_DIR, fresh open file */
	int reap_state_fd; /* descriptions, for jail-init's reaper */
	pid_t creator_pid;
	gid_t tty_gid;
	char *passwd;
	char *group;
	int *bind_fds; /* t->binds[i].source, opened and checked by the creator */
	int devlog_fd; /* sftp_log: the host's /dev/log, or -1 */
	int upper_fd;  /* mode = "overlay": overlay_dir/USER/upper and .../work */
	int work_fd;
	char upper_path[PATH_MAX];
	char work_path[PATH_MAX];
};

/* The setup child's end on a failure: the creator reads why. */
static void setup_failed(int status_fd, int r, const char *fmt, ...) __attribute__((noreturn))
_printf_(3, 4);
static _Noreturn void setup_failed(int status_fd, int r, const char *fmt, ...)
{
	struct jail_init_record rec = { .kind = JAIL_INIT_REC_ERROR, .value = r };
	va_list ap;

	errno = -r;
	va_start(ap, fmt);
	vsnprintf(rec.msg, sizeof(rec.msg), fmt, ap);
	va_end(ap);
	(void)!write(status_fd, &rec, sizeof(rec));
	_exit(1);
}


/*
 * A child that shares our memory until it execs or exits, while this thread
 * waits (CLONE_VM | CLONE_VFORK, as posix_spawn does), instead of fork():
 * copying the address space of sshd's monitor cost ~1.5 ms per fork on the
 * benchmark VM, against 0.04 ms for this (bench/analysis.md, section 11).
 * Credentials, fds, umask, namespaces and signal dispositions are still the
 * child's own; what it allocates stays in our heap, so the setup child
 * frees what it can before it exits (a failed setup leaves a few KiB).
 * Its dispositions are the caller's (sshd's handlers), and a handler run in
 * the child would run in our memory: every signal stays blocked in the
 * child until it exits or execs (jail-init sets its own mask), and in this
 * thread until clone returns.
 */
struct spawned {
	const struct build *b;
	int status_fd;
	int other_end; /* the creator's end of the status pipe, or -1 */
};

static pid_t spawn_shared(int (*fn)(void *), struct spawned *arg)
{
	const size_t size = 1U << 20; /* touched lazily; run_setup needs ~100 KiB */
	char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
	sigset_t all, saved;
	pid_t pid;
	int e;

	if (stack == MAP_FAILED)
		return -1;
	sigfillset(&all);
	if (sigprocmask(SIG_SETMASK, &all, &saved) < 0) {
		e = errno;
		(void)munmap(stack, size);
		errno = e;
		return -1;
	}
	pid = clone(fn, stack + size, CLONE_VM | CLONE_VFORK | SIGCHLD, arg);
	e = errno;
	(void)sigprocmask(SIG_SETMASK, &saved, NULL);
	/* the child has exec'd or exited: its stack is ours again */
	(void)munmap(stack, size);
	errno = e;
	return pid;
}

/* Runs in the jail's init (pid 1 of the new PID namespace), still root, in
 * the jail's mount namespace whose root is the jail's root already. */
static _Noreturn void run_init(const struct build *b, int status_fd)
{
	int devnull;

	/* Root in every id, no supplementary groups: jailsh builds with the
	 * caller's real uid and groups, and a real uid of the user's would let
	 * the user signal (SIGSTOP) the init from outside the jail; jailctl gc
	 * also takes only an all-root process for one of ours. */
	if (setgroups(0, NULL) < 0)
		setup_failed(status_fd, negative_errno(), "setgroups: %m");
	if (setresgid(0, 0, 0) < 0)
		setup_failed(status_fd, negative_errno(), "setresgid: %m");
	if (setresuid(0, 0, 0) < 0)
		setup_failed(status_fd, negative_errno(), "setresuid: %m");

	/* procfs shows the PID namespace of the process that mounts it, so only a
	 * process inside can mount it; hidepid=invisible also hides our own
	 * (root) init from the user. */
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=invisible") <
	    0)
		setup_failed(status_fd, negative_errno(), "cannot mount /proc in the jail: %m");

	/* The init is in the jail's cgroup (its memory is the jail's); the
	 * cgroup's OOM killer should end the user's processes, not the init.
	 * Not inherited by anything the user runs: nothing in the jail is
	 * forked by the init.  Best effort: lowering the value needs
	 * CAP_SYS_RESOURCE, which some hosts (containers) do not grant, and
	 * a killed init only ends the jail's logins early; they tear it down
	 * as usual. */
	{
		int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC | O_NOFOLLOW);

		if (fd >= 0) {
			(void)!write(fd, "-1000", 5);
			close(fd);
		}
	}

	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0)
		setup_failed(status_fd, negative_errno(), "cannot open the jail's /dev/null: %m");
	/* jail-init's fds (helper/jail-init.c): 3 status pipe, 4 commit socket,
	 * 5 host STATE_DIR/U, 6 host STATE_DIR; 7 the program.  Move every
	 * source above them first, so no dup2 overwrites another. */
	{
		const int src[] = { status_fd, b->commit_fd, b->reap_user_fd, b->reap_state_fd,
				    b->init_fd };
		int high[ELEMENTSOF(src)];

		for (size_t i = 0; i < ELEMENTSOF(src); i++) {
			high[i] = fcntl(src[i], F_DUPFD_CLOEXEC, 16);
			if (high[i] < 0)
				setup_failed(status_fd, negative_errno(), "fcntl: %m");
		}
		if (dup2(devnull, 0) < 0)
			setup_failed(status_fd, negative_errno(), "dup2: %m");
		if (dup2(devnull, 1) < 0)
			setup_failed(status_fd, negative_errno(), "dup2: %m");
		if (dup2(devnull, 2) < 0)
			setup_failed(status_fd, negative_errno(), "dup2: %m");
		for (size_t i = 0; i < ELEMENTSOF(src); i++)
			if (dup2(high[i], 3 + (int)i) < 0)
				setup_failed(status_fd, negative_errno(), "dup2: %m");
	}
	status_fd = 3;
	/* nothing of sshd (sockets, keys) may live on in the init */
	if (close_range(8, ~0U, 0) < 0)
		setup_failed(status_fd, negative_errno(), "close_range: %m");
	if (fcntl(7, F_SETFD, FD_CLOEXEC) < 0)
		setup_failed(status_fd, negative_errno(), "fcntl: %m");
	if (chdir("/") < 0)
		setup_failed(status_fd, negative_errno(), "chdir: %m");
	{
		char *const argv[] = { (char *)"jail-init", (char *)b->u->name, NULL };
		char *const envp[] = { NULL };

		syscall(SYS_execveat, 7, "", argv, envp, AT_EMPTY_PATH);
		send_record(status_fd, JAIL_INIT_REC_ERROR, negative_errno(),
			    "cannot start jail-init: %m");
		_exit(127);
	}
}

static int init_main(void *arg)
{
	const struct spawned *s = arg;

	run_init(s->b, s->status_fd);
}

/* network = "none": the new network namespace has only "lo", and it is down */
static int loopback_up(void)
{
	struct ifreq ifr = { 0 };
	_cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return negative_errno();
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return negative_errno();
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return negative_errno();
	return 0;
}

/* Opens `path` again (in the current mount namespace) with the same trust
 * checks and returns the fd only if it is the same inode as `fd`. */
static int reopen_same(const char *path, int fd, unsigned flags, uid_t uid)
{
	struct stat a, b;
	int nfd = jail_open_trusted(path, O_PATH | ((flags & JAIL_TRUST_DIR) ? O_DIRECTORY : 0),
				    flags, uid, NULL);

	if (nfd < 0)
		return nfd;
	if (fstat(fd, &a) < 0 || fstat(nfd, &b) < 0 || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino) {
		safe_close(nfd);
		return -ESTALE;
	}
	return nfd;
}

/* Runs in a child of the creator: makes the namespaces, reopens the
 * sources the creator checked in them, carries out the jail's plan
 * (lib/plan.c: the mounts, the skeleton, the pivot into the jail's root),
 * then forks the init.  Any failure is reported over status_fd and ends
 * the child. */
static _Noreturn void run_setup(const struct build *b, int status_fd)
{
	const struct jail_template *t = b->t;
	const struct jail_user *u = b->u;
	struct jail_plan plan = { 0 };
	struct jail_error err = { 0 };
	struct stat st;
	bool *is_dir;
	int *slots;
	pid_t pid;
	int r;

	/* Only the creator may hold its end of the commit socket: when the
	 * creator dies, the init must see EOF there (crash consistency). */
	safe_close(b->creator_fd);
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != b->creator_pid)
		_exit(1); /* the creator died before PDEATHSIG was armed */
	umask(0);

	if (unshare(JAIL_NS_FLAGS | (t->network_none ? CLONE_NEWNET : 0)) < 0)
		setup_failed(status_fd, negative_errno(), "cannot create namespaces: %m");
	if (t->network_none && (r = loopback_up()) < 0)
		setup_failed(status_fd, r,
			     "cannot bring up loopback in the jail's network namespace: %m");
	/* Jail mounts must never propagate to the host (on systemd hosts "/"
	 * is shared), and nothing of the host propagates in: the copy of the
	 * host's mount table is thrown away by the plan's pivot, and the
	 * jail's own mounts, binds included, follow no host mount. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		setup_failed(status_fd, negative_errno(), "cannot make / a private mount: %m");

	/* Mount sources must belong to this namespace: reopen every source here,
	 * through the same checks, and make sure each is the object the creator
	 * checked before forking (no swap in between). */
	slots = calloc(JAIL_SLOT_BIND0 + t->n_binds, sizeof(*slots));
	is_dir = calloc(t->n_binds + 1, sizeof(*is_dir));
	if (!slots || !is_dir)
		setup_failed(status_fd, -ENOMEM, "out of memory");
	for (size_t i = 0; i < JAIL_SLOT_BIND0 + t->n_binds; i++)
		slots[i] = -EBADF;
	slots[JAIL_SLOT_TEMPLATE] =
		reopen_same(b->template_path, b->template_fd, JAIL_TRUST_DIR, 0);
	if (slots[JAIL_SLOT_TEMPLATE] < 0)
		setup_failed(status_fd, slots[JAIL_SLOT_TEMPLATE],
			     "template '%s' changed during setup", b->template_path);
	slots[JAIL_SLOT_HOME] = reopen_same(
		u->home, b->home_fd,
		JAIL_TRUST_DIR | JAIL_TRUST_FINAL_OWNER | JAIL_TRUST_FINAL_WRITABLE, u->uid);
	if (slots[JAIL_SLOT_HOME] < 0)
		setup_failed(status_fd, slots[JAIL_SLOT_HOME], "home '%s' changed during setup",
			     u->home);
	if (t->overlay) {
		slots[JAIL_SLOT_UPPER] = reopen_same(b->upper_path, b->upper_fd, JAIL_TRUST_DIR, 0);
		if (slots[JAIL_SLOT_UPPER] < 0)
			setup_failed(status_fd, slots[JAIL_SLOT_UPPER],
				     "upper layer '%s' changed during setup", b->upper_path);
		slots[JAIL_SLOT_WORK] = reopen_same(b->work_path, b->work_fd, JAIL_TRUST_DIR, 0);
		if (slots[JAIL_SLOT_WORK] < 0)
			setup_failed(status_fd, slots[JAIL_SLOT_WORK],
				     "work dir '%s' changed during setup", b->work_path);
	}
	if (b->devlog_fd >= 0) {
		slots[JAIL_SLOT_DEVLOG] =
			reopen_same(JAIL_DEVLOG, b->devlog_fd, JAIL_TRUST_FINAL_WRITABLE, 0);
		if (slots[JAIL_SLOT_DEVLOG] < 0)
			setup_failed(status_fd, slots[JAIL_SLOT_DEVLOG],
				     "sftp_log: cannot bind %s into the jail: %m", JAIL_DEVLOG);
	}
	for (size_t i = 0; i < t->n_binds; i++) {
		int fd = reopen_same(t->binds[i].source, b->bind_fds[i], JAIL_TRUST_NOFOLLOW_FINAL,
				     0);

		if (fd < 0)
			setup_failed(status_fd, fd, "bind source '%s' changed during setup",
				     t->binds[i].source);
		if (fstat(fd, &st) < 0)
			setup_failed(status_fd, negative_errno(), "fstat: %m");
		slots[JAIL_SLOT_BIND0 + i] = fd;
		is_dir[i] = S_ISDIR(st.st_mode);
	}

	{
		const struct jail_plan_input in = {
			.state_dir = b->c->state_dir,
			.user = u->name,
			.home = u->home,
			.t = t,
			.bind_is_dir = is_dir,
			.has_var_tmp = fstatat(slots[JAIL_SLOT_TEMPLATE], "var/tmp", &st,
					       AT_SYMLINK_NOFOLLOW) == 0 &&
				       S_ISDIR(st.st_mode),
			.devlog = b->devlog_fd >= 0,
			.tty_gid = b->tty_gid,
			.passwd = b->passwd,
			.group = b->group,
			.upper_path = b->upper_path,
		};

		r = jail_plan_jail(&in, &plan, &err);
		if (r < 0)
			setup_failed(status_fd, r, "%s", err.msg);
	}
	r = jail_plan_apply(&plan, slots, &err);
	if (r < 0)
		setup_failed(status_fd, r, "%s", err.msg);

	/* this child shares the creator's heap: give back what it took */
	jail_plan_free(&plan);
	free(slots);
	free(is_dir);
	pid = spawn_shared(init_main, &(struct spawned){ b, status_fd, -1 });
	if (pid < 0)
		setup_failed(status_fd, negative_errno(), "cannot fork the jail's init: %m");
	send_record(status_fd, JAIL_INIT_REC_PID, pid, NULL);
	_exit(0);
}

static int setup_main(void *arg)
{
	const struct spawned *s = arg;

	safe_close(s->other_end); /* our fd table is our own */
	run_setup(s->b, s->status_fd);
}

static char *build_passwd(const struct jail_user *u, const char *shell)
{
	char *s = NULL;

	if (asprintf(&s, "root:x:0:0:root:/root:/sbin/nologin\n%s:x:%u:%u::%s:%s\n", u->name,
		     (unsigned)u->uid, (unsigned)u->gid, u->home, shell) < 0)
		return NULL;
	return s;
}

static char *build_group(const struct jail_user *u)
{
	char *s = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&s, &size);

	if (!f)
		return NULL;
	fputs("root:x:0:\n", f);
	for (size_t i = 0; i < u->n_gids; i++) {
		struct group *gr = getgrgid(u->gids[i]);

		if (gr && u->gids[i] != 0)
			fprintf(f, "%s:x:%u:%s\n", gr->gr_name, (unsigned)u->gids[i], u->name);
	}
	if (fclose(f) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

static int home_ok(const char *home)
{
	static const char *const forbidden[] = { "/proc", "/dev", "/tmp",  "/var/tmp", "/sys",
						 "/run",  "/etc", "/root", "/boot" };

	if (!jail_path_normal(home) || strcmp(home, "/") == 0)
		return 0;
	for (size_t i = 0; i < ELEMENTSOF(forbidden); i++)
		if (jail_path_at_or_under(home, forbidden[i]))
			return 0;
	return 1;
}

/* mkdir + open without following symlinks; the result must be a directory
 * owned by `uid` (or root when uid is 0). */
static int mkdir_open(int dir_fd, const char *name, mode_t mode, uid_t uid, gid_t gid,
		      bool *ret_created)
{
	struct stat st;
	bool created = mkdirat(dir_fd, name, mode) == 0;
	int fd;

	if (!created && errno != EEXIST)
		return negative_errno();
	fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return negative_errno();
	if (created && ((uid != 0 && fchown(fd, uid, gid) < 0) || fchmod(fd, mode) < 0)) {
		safe_close(fd);
		return negative_errno();
	}
	if (fstat(fd, &st) < 0 || st.st_uid != uid ||
	    (uid == 0 && (st.st_mode & (S_IWGRP | S_IWOTH)))) {
		safe_close(fd);
		return -EPERM;
	}
	if (ret_created)
		*ret_created = created;
	return fd;
}

/*
 * overlay_dir/USER/{upper,work}, root-owned (USER 0700, so nobody else can
 * reach them from the host), with the template's `writable` directories
 * made in the upper layer and given to the user.  Only directories that
 * root owns are walked: nothing the user controls is ever traversed.
 */
static int prepare_upper(const struct jail_template *t, const struct jail_user *u, struct build *b,
			 struct jail_error *err)
{
	_cleanup_close_ int base_fd = -EBADF, user_fd = -EBADF;

	base_fd = jail_state_dir_open(t->overlay_dir, err);
	if (base_fd < 0)
		return base_fd;
	user_fd = mkdir_open(base_fd, u->name, 0700, 0, 0, NULL);
	if (user_fd < 0)
		return jail_err(err, user_fd, "overlay dir of '%s' in '%s' is unusable", u->name,
				t->overlay_dir);
	b->upper_fd = mkdir_open(user_fd, JAIL_OVERLAY_UPPER, 0755, 0, 0, NULL);
	b->work_fd = mkdir_open(user_fd, JAIL_OVERLAY_WORK, 0700, 0, 0, NULL);
	if (b->upper_fd < 0 || b->work_fd < 0)
		return jail_err(err, b->upper_fd < 0 ? b->upper_fd : b->work_fd,
				"upper layer of '%s' in '%s/%s' is unusable", u->name,
				t->overlay_dir, u->name);
	if (jail_state_path(b->upper_path, sizeof(b->upper_path), t->overlay_dir, u->name,
			    JAIL_OVERLAY_UPPER) < 0 ||
	    jail_state_path(b->work_path, sizeof(b->work_path), t->overlay_dir, u->name,
			    JAIL_OVERLAY_WORK) < 0)
		return jail_err(err, -ENAMETOOLONG, "overlay dir path too long");
	for (size_t i = 0; i < t->n_writable; i++) {
		_cleanup_close_ int fd = fcntl(b->upper_fd, F_DUPFD_CLOEXEC, 3);
		char comp[PATH_MAX];
		const char *p = t->writable[i];

		while (*p) {
			const char *e;
			bool last;
			int nfd;

			while (*p == '/')
				p++;
			e = strchrnul(p, '/');
			snprintf(comp, sizeof(comp), "%.*s", (int)(e - p), p);
			last = (*e == '\0');
			nfd = last ? mkdir_open(fd, comp, 0755, u->uid, u->gid, NULL)
				   : mkdir_open(fd, comp, 0755, 0, 0, NULL);
			if (nfd < 0)
				return jail_err(
					err, nfd,
					"upper layer of '%s': cannot prepare '%s' (at '%s'): %s",
					u->name, t->writable[i], comp, strerror(-nfd));
			safe_close(fd);
			fd = nfd;
			p = e;
		}
	}
	return 0;
}

/* the template's bind sources, opened and checked: t->n_binds fds */
static int open_binds(const struct jail_template *t, int **ret, struct jail_error *err)
{
	struct jail_error e = { 0 };
	int *fds = calloc(t->n_binds ? t->n_binds : 1, sizeof(int));

	if (!fds)
		return jail_err(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < t->n_binds; i++) {
		struct stat st;

		fds[i] = jail_open_trusted(t->binds[i].source, O_PATH,
					   JAIL_TRUST_NOFOLLOW_FINAL | JAIL_TRUST_FINAL_WRITABLE, 0,
					   &e);
		/* a group- or world-writable source (sticky or not: /tmp) is a
		 * place host users share: only with shared = true */
		if (fds[i] >= 0 && !t->binds[i].shared &&
		    (fstat(fds[i], &st) < 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))) {
			safe_close(fds[i]);
			fds[i] = -EPERM;
			jail_err(&e, -EPERM,
				 "writable by group or others, a place host users share (set "
				 "shared = true in the bind section if that is meant)");
		}
		if (fds[i] < 0) {
			int r = jail_err(err, fds[i], "template '%s': bind '%s': %s", t->name,
					 t->binds[i].source, e.msg);

			while (i > 0)
				safe_close(fds[--i]);
			free(fds);
			return r;
		}
	}
	*ret = fds;
	return 0;
}

/* Whether a group has members besides `user`: listed ones, or users in
 * /etc/passwd with it as their primary group (NSS-only primary members are
 * not seen).  Fails closed: an unknown group counts as shared. */
static bool group_has_others(gid_t gid, const char *user)
{
	_cleanup_fclose_ FILE *f = NULL;
	struct group grbuf, *gr = NULL;
	struct passwd pwbuf, *pw = NULL;
	char buf[16384];

	if (getgrgid_r(gid, &grbuf, buf, sizeof(buf), &gr) != 0 || !gr)
		return true;
	for (char **m = gr->gr_mem; m && *m; m++)
		if (strcmp(*m, user) != 0)
			return true;
	f = fopen("/etc/passwd", "re");
	if (!f)
		return true;
	while (fgetpwent_r(f, &pwbuf, buf, sizeof(buf), &pw) == 0 && pw)
		if (pw->pw_gid == gid && strcmp(pw->pw_name, user) != 0)
			return true;
	return false;
}

/* Whether host users other than u may search the home (and so reach a
 * socket in it): o+x, or g+x with a group that has other members.
 * Returns 1 (why in `why`), 0, or -errno. */
static int home_reachable(int home_fd, const struct jail_user *u, char *why, size_t why_size)
{
	struct stat st;

	if (fstat(home_fd, &st) < 0)
		return negative_errno();
	if (st.st_mode & S_IXOTH) {
		snprintf(why, why_size, "mode %04o lets every host user search it",
			 (unsigned)(st.st_mode & 07777));
		return 1;
	}
	if ((st.st_mode & S_IXGRP) && group_has_others(st.st_gid, u->name)) {
		snprintf(why, why_size,
			 "mode %04o lets the other members of its group (gid %u) search it",
			 (unsigned)(st.st_mode & 07777), (unsigned)st.st_gid);
		return 1;
	}
	return 0;
}

void jail_inputs_close(struct jail_inputs *in)
{
	in->template_fd = safe_close(in->template_fd);
	in->home_fd = safe_close(in->home_fd);
	in->init_fd = safe_close(in->init_fd);
	in->devlog_fd = safe_close(in->devlog_fd);
	for (size_t i = 0; in->bind_fds && i < in->n_binds; i++)
		safe_close(in->bind_fds[i]);
	free(in->bind_fds);
	in->bind_fds = NULL;
	in->n_binds = 0;
}

int jail_inputs_open(const struct jail_config *c, const struct jail_template *t,
		     const struct jail_user *u, const char *init_path, int state_fd, unsigned flags,
		     struct jail_inputs *ret, struct jail_error *err)
{
	_cleanup_(jail_inputs_close) struct jail_inputs in = JAIL_INPUTS_INIT;
	struct jail_error e = { 0 };
	int r;

	{
		/* resolved once: the jail keeps this generation for its life */
		struct jail_template_gen g;

		r = jail_template_resolve(t->rootfs, &g, &e);
		if (r < 0)
			return jail_err(err, r, "template '%s': %s", t->name, e.msg);
		in.template_fd = g.fd;
		in.generation = g.generation;
		snprintf(in.template_path, sizeof(in.template_path), "%s", g.path);
	}
	/* the security part of `jailctl template verify`: a template with a
	 * user-owned or writable entry, setuid files or device nodes is refused;
	 * a big template is walked once per interval or when a user changed it */
	if (flags & JAIL_INPUTS_REFRESH)
		r = jail_template_verify_refresh(in.template_fd, t->rootfs, state_fd, &e);
	else
		r = jail_template_verify_cached(in.template_fd, t->rootfs, state_fd,
						c->template_verify_interval, NULL, &e);
	if (r < 0)
		return jail_err(err, r, "template '%s' fails verification: %s", t->name, e.msg);
	if (!home_ok(u->home))
		return jail_err(err, -EINVAL, "home '%s' of user '%s' cannot be mounted in a jail",
				u->home, u->name);
	in.home_fd = jail_open_trusted(
		u->home, O_PATH | O_DIRECTORY,
		JAIL_TRUST_DIR | JAIL_TRUST_FINAL_OWNER | JAIL_TRUST_FINAL_WRITABLE, u->uid, &e);
	if (in.home_fd < 0)
		return jail_err(err, in.home_fd, "home of user '%s': %s", u->name, e.msg);
	{
		/* The walk follows root-owned symlinks (/home -> /srv/home is
		 * common); what it arrived at must still be a place for a home,
		 * not /etc or /run behind a careless link. */
		char fdpath[64], real[PATH_MAX];
		ssize_t n;

		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", in.home_fd);
		n = readlink(fdpath, real, sizeof(real) - 1);
		if (n <= 0)
			return jail_err(err, -EIO, "home of user '%s': cannot resolve it", u->name);
		real[n] = '\0';
		if (!home_ok(real) || jail_path_at_or_under(real, c->state_dir))
			return jail_err(
				err, -EPERM,
				"home '%s' of user '%s' resolves to '%s', which cannot be a home",
				u->home, u->name, real);
	}
	if (t->home_check != JAIL_HOME_CHECK_OFF) {
		/* a socket in a home others can reach passes host fds in */
		char why[128];

		r = home_reachable(in.home_fd, u, why, sizeof(why));
		if (r < 0)
			return jail_err(err, r, "home of user '%s': %s", u->name, strerror(-r));
		if (r > 0 && t->home_check == JAIL_HOME_CHECK_REFUSE)
			return jail_err(err, -EPERM,
					"home '%s' of user '%s' is reachable by other users (%s): "
					"make it 0700, or set home_mode_check = \"warn\" in "
					"template '%s'",
					u->home, u->name, why, t->name);
		if (r > 0)
			snprintf(in.home_warning, sizeof(in.home_warning),
				 "home '%s' is reachable by other users (%s)", u->home, why);
	}
	in.init_fd = jail_open_trusted(init_path, O_PATH, JAIL_TRUST_REG, 0, &e);
	if (in.init_fd < 0)
		return jail_err(err, in.init_fd, "jail-init: %s", e.msg);

	r = open_binds(t, &in.bind_fds, err);
	if (r < 0)
		return r;
	in.n_binds = t->n_binds;
	if (t->sftp_log) {
		/* fail closed: a template that asks for logging gets it or no jail */
		struct stat st;

		in.devlog_fd =
			jail_open_trusted(JAIL_DEVLOG, O_PATH, JAIL_TRUST_FINAL_WRITABLE, 0, &e);
		if (in.devlog_fd < 0)
			return jail_err(err, in.devlog_fd, "template '%s': sftp_log: %s", t->name,
					e.msg);
		if (fstat(in.devlog_fd, &st) < 0 || !S_ISSOCK(st.st_mode))
			return jail_err(err, -ENOTSOCK,
					"template '%s': sftp_log: %s is not a socket", t->name,
					JAIL_DEVLOG);
	}
	*ret = in;
	in = (struct jail_inputs)JAIL_INPUTS_INIT;
	return 0;
}

/*
 * Builds the jail; on success *ret describes its init and *ret_commit_fd is
 * the creator's end of the commit socket.  The init (jail-init) waits on
 * its end before doing anything else: a commit record (init-proto.h) means
 * "you are recorded in STATE_DIR/U/state", EOF means the creator died (or gave up) before that,
 * and the init exits, ending the namespace.  Only the creator ever holds
 * its end (the setup child closes its copy first), so at every instant an
 * init is either recorded or dies with its creator, whatever kills whom.
 */
int jail_build_create(const struct jail_config *c, const struct jail_template *t,
		      const struct jail_user *u, const char *init_path, int state_fd,
		      struct state *ret, int *ret_commit_fd, char *ret_warning, size_t warning_size,
		      struct jail_error *err)
{
	_cleanup_(jail_inputs_close) struct jail_inputs in = JAIL_INPUTS_INIT;
	_cleanup_close_ int rd = -EBADF, wr = -EBADF;
	_cleanup_close_ int commit_fd = -EBADF, init_commit_fd = -EBADF, reap_user_fd = -EBADF,
			    reap_state_fd = -EBADF;
	_cleanup_free_ char *passwd = NULL, *group = NULL;
	struct state s = { 0 };
	struct group *gr;
	pid_t setup, init_pid = 0;
	bool ready = false;
	int pipefd[2], status, r;

	r = jail_inputs_open(c, t, u, init_path, state_fd, 0, &in, err);
	if (r < 0)
		return r;
	snprintf(ret_warning, warning_size, "%s", in.home_warning);

	{
		int sv[2];

		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
			return jail_err(err, negative_errno(), "socketpair: %m");
		commit_fd = sv[0];
		init_commit_fd = sv[1];
	}
	/* fresh open file descriptions: the init's flocks must never be the
	 * creator's (a lock belongs to the open file description) */
	reap_user_fd = openat(state_fd, u->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	reap_state_fd = openat(state_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (reap_user_fd < 0 || reap_state_fd < 0)
		return jail_err(err, negative_errno(),
				"cannot open the state directory for the jail's init: %m");

	gr = getgrnam("tty");
	passwd = build_passwd(u, t->shell);
	group = build_group(u);
	if (!passwd || !group)
		return jail_err(err, -ENOMEM, "out of memory");

	struct build b = {
		.upper_fd = -EBADF, .work_fd = -EBADF,
		.c = c, .t = t, .u = u,
		.template_fd = in.template_fd, .template_path = in.template_path,
		.home_fd = in.home_fd, .init_fd = in.init_fd,
		.commit_fd = init_commit_fd, .creator_fd = commit_fd,
		.reap_user_fd = reap_user_fd, .reap_state_fd = reap_state_fd,
		.creator_pid = getpid(),
		.tty_gid = gr ? gr->gr_gid : 5,
		.passwd = passwd, .group = group,
		.bind_fds = in.bind_fds, .devlog_fd = in.devlog_fd,
	};

	if (t->overlay) {
		r = prepare_upper(t, u, &b, err);
		if (r < 0) {
			safe_close(b.upper_fd);
			safe_close(b.work_fd);
			return r;
		}
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		safe_close(b.upper_fd);
		safe_close(b.work_fd);
		return jail_err(err, negative_errno(), "pipe: %m");
	}
	rd = pipefd[0];
	wr = pipefd[1];


	setup = spawn_shared(setup_main, &(struct spawned){ &b, wr, rd });
	if (setup < 0) {
		r = jail_err(err, negative_errno(), "fork: %m");
		safe_close(b.upper_fd);
		safe_close(b.work_fd);
		return r;
	}
	wr = safe_close(wr);
	init_commit_fd = safe_close(init_commit_fd);
	reap_user_fd = safe_close(reap_user_fd);
	reap_state_fd = safe_close(reap_state_fd);

	/* Collect records until the init says it is ready or everything closed. */
	r = 0;
	for (;;) {
		struct pollfd pfd = { .fd = rd, .events = POLLIN };
		struct jail_init_record rec;
		ssize_t n;

		if (poll(&pfd, 1, SETUP_TIMEOUT_MS) <= 0) {
			r = jail_err(err, -ETIMEDOUT, "jail setup timed out");
			break;
		}
		n = read(rd, &rec, sizeof(rec));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(rec))
			break; /* EOF: every writer is gone */
		rec.msg[sizeof(rec.msg) - 1] = '\0';
		if (rec.kind == JAIL_INIT_REC_ERROR) {
			r = jail_err(err, rec.value < 0 ? rec.value : -EIO, "%s", rec.msg);
			break;
		} else if (rec.kind == JAIL_INIT_REC_PID)
			init_pid = rec.value;
		else if (rec.kind == JAIL_INIT_REC_READY)
			ready = true;
		/* two writers: the setup child sends the pid, the init "ready",
		 * in either order */
		if (ready && init_pid > 0)
			break;
	}
	while (waitpid(setup, &status, 0) < 0 && errno == EINTR)
		;
	safe_close(b.upper_fd);
	safe_close(b.work_fd);
	if (r == 0 && (!ready || init_pid <= 0))
		r = jail_err(err, -EIO, "jail setup failed without a message");
	if (r < 0) {
		if (init_pid > 0) {
			_cleanup_close_ int pidfd = pidfd_open(init_pid, 0);

			if (pidfd >= 0)
				jail_init_kill(pidfd, 5000);
		}
		return r;
	}

	s.pid = init_pid;
	/* On a systemd host the cgroup tree is systemd's: there the caller asks
	 * systemd for the init's scope and the limits (lib/systemd.c), and
	 * nothing here writes to cgroupfs.  Without systemd: our own sub-tree. */
	if (jail_limits_any(&t->limits) && !jail_systemd_booted()) {
		struct jail_cgroup_host host;

		/* one cgroup per jail, named after the user and this init, so a
		 * dying jail's cgroup and a new one's never meet */
		jail_cgroup_detect(JAIL_CGROUP_ROOT, &host);
		snprintf(s.cgroup, sizeof(s.cgroup), "%s.%d", u->name, (int)init_pid);
		r = jail_cgroup_setup(&host, s.cgroup, &t->limits, init_pid, err);
		if (r < 0) {
			_cleanup_close_ int pidfd = pidfd_open(init_pid, 0);

			if (pidfd >= 0)
				jail_init_kill(pidfd, 5000);
			(void)jail_cgroup_remove(&host, s.cgroup);
			return r;
		}
	}
	s.ns_flags = JAIL_NS_FLAGS | (t->network_none ? CLONE_NEWNET : 0);
	s.created = (long long)time(NULL);
	snprintf(s.template_name, sizeof(s.template_name), "%s", t->name);
	s.generation = in.generation;
	s.linger_s = t->linger_s;
	s.settings = jail_settings_hash(t, u);
	snprintf(s.template_path, sizeof(s.template_path), "%s", in.template_path);
	{
		struct stat tst;

		if (fstat(in.template_fd, &tst) < 0)
			return jail_err(err, negative_errno(), "fstat: %m");
		s.template_dev = (unsigned long long)tst.st_dev;
		s.template_ino = (unsigned long long)tst.st_ino;
	}
	if (jail_proc_start_time(init_pid, &s.start) < 0 ||
	    jail_proc_ns_inode(init_pid, "pid", &s.pidns) < 0)
		return jail_err(err, -ESRCH, "jail init %d vanished", init_pid);
	*ret = s;
	*ret_commit_fd = TAKE_FD(commit_fd);
	return 0;
}

