/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench-jail: the cost of a jail without ssh, straight through libjail.a.
 *
 *   bench-jail cycles CONFIG INIT USER N OUT
 *       N times: config load + user lookup, create (first jail_acquire), join
 *       (second jail_acquire while the first is held), leave (jail_release of
 *       the second), teardown (last jail_release) and "gone" (teardown until
 *       a pidfd of the jail's init turns readable, i.e. every process of the
 *       jail has exited).  One line per cycle, nanoseconds:
 *         load lookup create join leave teardown gone
 *
 *   bench-jail scale CONFIG INIT USERS_FILE EXTRA_USER CHECKPOINTS REPS OUTDIR
 *       Creates jails for the users in USERS_FILE (one name per line) one by
 *       one and holds every one's login reference, so they all stay alive
 *       (created by a child that holds nothing else, see creator()): one fd
 *       per live jail, as a login's sshd monitor holds.
 *       At each N in CHECKPOINTS (comma-separated, ascending) it measures:
 *       REPS times create + teardown of one more jail (EXTRA_USER), the
 *       host's mount table, /proc/meminfo deltas since the start, and
 *       PSS/RSS of the jail-init processes.  Writes OUTDIR/ramp.tsv (every
 *       create of the ramp: jails alive before it, ns) and OUTDIR/scale.tsv.
 *
 * Runs as root, under a reaper (the inits are orphans by design).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include "jail/config.h"
#include "jail/jail.h"
#include "jail/user.h"

static unsigned n_failures;
static char first_failure[512];

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* CPU time (ns) of this process and everything it started, from the
 * cpuacct cgroup (v1) that bench/run.sh runs it in (BENCH_CPUACCT); 0 when
 * there is none.  Unlike wall-clock time it does not grow when other work
 * on the machine takes the CPUs away; it includes the setup child and the
 * jail-init, which live in the same cgroup. */
static int cpuacct_fd = -2;

static uint64_t cpu_ns(void)
{
	char buf[64];
	ssize_t n;

	if (cpuacct_fd == -2) {
		const char *dir = getenv("BENCH_CPUACCT");
		char path[4096];

		cpuacct_fd = -1;
		if (dir && *dir) {
			snprintf(path, sizeof(path), "%s/cpuacct.usage", dir);
			cpuacct_fd = open(path, O_RDONLY | O_CLOEXEC);
		}
	}
	if (cpuacct_fd < 0)
		return 0;
	/* the scheduler adds a running task's time to the cgroup when it
	 * reschedules: make it do so for us now */
	sched_yield();
	n = pread(cpuacct_fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtoull(buf, NULL, 10);
}

static _Noreturn void die(const char *what, const struct jail_error *err, int r)
{
	char buf[1024];

	fprintf(stderr, "bench-jail: %s: %s (%s)\n", what,
		err ? jail_error_format(err, buf, sizeof(buf)) : "", strerror(r < 0 ? -r : r));
	exit(1);
}

static const struct jail_template *lookup(const struct jail_config *c, const char *name,
					  struct jail_user **u)
{
	struct jail_error err = { 0 };
	const struct jail_template *t;
	int r = jail_user_lookup(name, u, &err);

	if (r < 0)
		die(name, &err, r);
	t = jail_config_match(c, (*u)->name, (*u)->group_names, (*u)->n_group_names, NULL, NULL);
	if (!t) {
		fprintf(stderr, "bench-jail: the config does not jail '%s'\n", name);
		exit(1);
	}
	return t;
}

static struct jail_config *load(const char *path)
{
	struct jail_error err = { 0 };
	struct jail_config *c = NULL;
	int r = jail_config_load(path, JAIL_CONFIG_CHECK_OWNER, &c, &err);

	if (r < 0)
		die("config", &err, r);
	return c;
}

/* Waits until the process behind pidfd has exited (with all of its PID
 * namespace, for a namespace's init). */
static void wait_gone(int pidfd)
{
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

	for (;;) {
		int n = poll(&pfd, 1, 20000);

		if (n > 0)
			return;
		if (n == 0) {
			fprintf(stderr, "bench-jail: a jail's init did not exit within 20 s\n");
			exit(1);
		}
		if (errno != EINTR) {
			perror("bench-jail: poll");
			exit(1);
		}
	}
}

/* Returns 0, or -errno when a create failed (not fatal: counted and reported;
 * see find_leaked()).  Anything else unexpected ends the program. */
static int acquire(const struct jail_config *c, const struct jail_template *t,
		   const struct jail_user *u, const char *init, struct jail_handle *h,
		   bool want_created)
{
	struct jail_error err = { 0 };
	int r = jail_acquire(c, t, u, init, h, &err);

	if (r < 0) {
		if (!want_created)
			die("jail_acquire (join)", &err, r);
		if (n_failures++ < 5)
			fprintf(stderr, "bench-jail: create for '%s' failed: %s (%s)\n", u->name,
				err.msg, strerror(-r));
		snprintf(first_failure, sizeof(first_failure), "%s", err.msg);
		return r;
	}
	if (h->created != want_created) {
		fprintf(stderr, "bench-jail: jail of '%s' was %s, expected %s\n", u->name,
			h->created ? "created" : "joined", want_created ? "created" : "joined");
		exit(1);
	}
	return 0;
}

/* jail-init processes of `user` (argv "jail-init USER") other than `except`:
 * after a failed create the user has no jail, so any such process is one the
 * failed create left behind.  Counts them; with `kill_them`, kills them (by
 * pidfd) and waits until they are gone. */
static int find_leaked(const char *user, pid_t except, bool kill_them)
{
	char want[128], path[64], buf[256];
	struct dirent *de;
	int n = 0, len;
	DIR *d;

	len = snprintf(want, sizeof(want), "jail-init%c%s", 0, user) + 1;
	d = opendir("/proc");
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		pid_t pid = (pid_t)strtol(de->d_name, NULL, 10);
		ssize_t got;
		int fd;

		if (pid <= 0 || pid == except)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		got = read(fd, buf, sizeof(buf));
		close(fd);
		if (got != len || memcmp(buf, want, (size_t)len) != 0)
			continue;
		n++;
		if (kill_them) {
			int pidfd = pidfd_open(pid, 0);

			if (pidfd >= 0 && pidfd_send_signal(pidfd, SIGKILL, NULL, 0) == 0)
				wait_gone(pidfd);
			if (pidfd >= 0)
				close(pidfd);
		}
	}
	closedir(d);
	return n;
}

static void release(struct jail_handle *h, bool want_torn_down)
{
	struct jail_error err = { 0 };
	bool torn_down = false;
	int r = jail_release(h, &torn_down, &err);

	if (r < 0)
		die("jail_release", &err, r);
	if (torn_down != want_torn_down) {
		fprintf(stderr, "bench-jail: release %s the jail, expected otherwise\n",
			torn_down ? "tore down" : "did not tear down");
		exit(1);
	}
}

static int open_pidfd(pid_t pid)
{
	int fd = pidfd_open(pid, 0);

	if (fd < 0) {
		perror("bench-jail: pidfd_open");
		exit(1);
	}
	return fd;
}

static int cmd_cycles(int argc, char **argv)
{
	const char *conf, *init, *user;
	struct jail_config *c;
	FILE *out, *sum;
	long n;
	int leaked_before;
	char path[4096];

	if (argc != 5)
		return 2;
	conf = argv[0];
	init = argv[1];
	user = argv[2];
	n = strtol(argv[3], NULL, 10);
	out = fopen(argv[4], "we");
	if (!out || n <= 0)
		return 2;
	fprintf(out, "load\tlookup\tcreate\tjoin\tleave\tteardown\tgone\tcreate_cpu\tjoin_"
		     "cpu\tgone_cpu\n");
	leaked_before = find_leaked(user, 0, false);
	for (long i = 0; i < n; i++) {
		struct jail_handle h1, h2;
		struct jail_user *u = NULL;
		const struct jail_template *t;
		uint64_t t0, t1, t2, t3, t4, t5, t6, t7, t8, c2, c3, c4, c6, c8;
		int pidfd;

		t0 = now_ns();
		c = load(conf);
		t1 = now_ns();
		t = lookup(c, user, &u);
		c2 = cpu_ns();
		t2 = now_ns();
		if (acquire(c, t, u, init, &h1, true) < 0) {
			/* what a failed create leaves stays: counted at the end and by
			 * the leftover check of bench/run.sh */
			jail_user_free(u);
			jail_config_free(c);
			continue;
		}
		t3 = now_ns();
		c3 = cpu_ns();
		acquire(c, t, u, init, &h2, false);
		t4 = now_ns();
		c4 = cpu_ns();
		pidfd = open_pidfd(h1.init_pid); /* outside the timed parts */
		t5 = now_ns();
		release(&h2, false);
		c6 = cpu_ns();
		t6 = now_ns();
		release(&h1, true);
		t7 = now_ns();
		wait_gone(pidfd);
		t8 = now_ns();
		c8 = cpu_ns();
		fprintf(out, "%llu\t%llu\t%llu\t%llu\t%llu\t%llu\t%llu\t%llu\t%llu\t%llu\n",
			(unsigned long long)(t1 - t0), (unsigned long long)(t2 - t1),
			(unsigned long long)(t3 - t2), (unsigned long long)(t4 - t3),
			(unsigned long long)(t6 - t5), (unsigned long long)(t7 - t6),
			(unsigned long long)(t8 - t6), (unsigned long long)(c3 - c2),
			(unsigned long long)(c4 - c3), (unsigned long long)(c8 - c6));
		close(pidfd);
		jail_user_free(u);
		jail_config_free(c);
	}
	snprintf(path, sizeof(path), "%s.summary", argv[4]);
	sum = fopen(path, "we");
	if (!sum)
		return 1;
	/* the user has no jail now: every jail-init of theirs is a leftover */
	fprintf(sum, "cycles\t%ld\ncreate_failures\t%u\nleaked_inits\t%d\nfirst_failure\t%s\n", n,
		n_failures, find_leaked(user, 0, false) - leaked_before, first_failure);
	fclose(sum);
	return fclose(out) == 0 ? 0 : 1;
}

/* ---- scale ------------------------------------------------------------------------ */

struct meminfo {
	long long avail, free, slab, sunreclaim, kstack, pagetables, percpu, shmem;
};

static void read_meminfo(struct meminfo *m)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[256];

	memset(m, 0, sizeof(*m));
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "MemAvailable: %lld", &m->avail);
		sscanf(line, "MemFree: %lld", &m->free);
		sscanf(line, "Slab: %lld", &m->slab);
		sscanf(line, "SUnreclaim: %lld", &m->sunreclaim);
		sscanf(line, "KernelStack: %lld", &m->kstack);
		sscanf(line, "PageTables: %lld", &m->pagetables);
		sscanf(line, "Percpu: %lld", &m->percpu);
		sscanf(line, "Shmem: %lld", &m->shmem);
	}
	fclose(f);
}

/* The memory cgroup (v1) this process was moved into by bench/run.sh, if
 * any: everything the jails allocate (kernel objects included) is charged
 * to it, and nothing of the rest of the machine is. */
struct memcg {
	long long usage, kmem, rss, shmem, cache;
};

static long long read_ll(const char *dir, const char *file)
{
	char path[4096];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static void read_memcg(struct memcg *m)
{
	const char *dir = getenv("BENCH_MEMCG");
	char path[4096], key[64];
	long long v;
	FILE *f;

	m->usage = m->kmem = m->rss = m->shmem = m->cache = -1;
	if (!dir || !*dir)
		return;
	m->usage = read_ll(dir, "memory.usage_in_bytes");
	m->kmem = read_ll(dir, "memory.kmem.usage_in_bytes");
	snprintf(path, sizeof(path), "%s/memory.stat", dir);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fscanf(f, "%63s %lld", key, &v) == 2) {
		if (strcmp(key, "rss") == 0)
			m->rss = v;
		else if (strcmp(key, "shmem") == 0)
			m->shmem = v;
		else if (strcmp(key, "cache") == 0)
			m->cache = v;
	}
	fclose(f);
}

static long long kb_delta(long long now, long long base)
{
	return (now < 0 || base < 0) ? -1 : (now - base) / 1024;
}

static long count_lines(const char *path)
{
	FILE *f = fopen(path, "re");
	long n = 0;
	int ch;

	if (!f)
		return -1;
	while ((ch = getc(f)) != EOF)
		if (ch == '\n')
			n++;
	fclose(f);
	return n;
}

/* sums Pss and Rss (kB) of one process from smaps_rollup */
static void add_rollup(pid_t pid, long long *pss, long long *rss)
{
	char path[64], line[256];
	long long v;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Pss: %lld", &v) == 1)
			*pss += v;
		else if (sscanf(line, "Rss: %lld", &v) == 1)
			*rss += v;
	}
	fclose(f);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void settle(void)
{
	/* let deferred frees (RCU, workqueues) of the previous step finish */
	usleep(500 * 1000);
}

/*
 * The jails of the scale run are created by a creator process that holds
 * nothing but the jail it is making -- as sshd's monitor holds only its own
 * login's -- and passes the new handle's login reference (STATE_DIR/U/ref,
 * SCM_RIGHTS) to the holder, this process, which keeps one per jail and
 * nothing else of it: the flock that is the login reference belongs to the
 * open file, so it moves with the fd, and it alone keeps the jail alive
 * (jail-init's reaper ends a jail that no login references).  (A creator
 * holding fds per live jail would copy that whole fd table into each setup
 * child and init: with 1000 jails, +1 ms of CPU per create that no real
 * caller pays.)  One fd per jail: 10 000 jails fit under a hard
 * RLIMIT_NOFILE of 20 000, which root cannot raise without CAP_SYS_RESOURCE.
 * To end a held jail the holder joins it (jail_join_existing: a second
 * reference with the full handle), drops the held reference and releases
 * the join, as the last logout of a user does.
 */
struct held {
	int ref_fd;
	pid_t init_pid;
	char user[65];
};

enum { REQ_CREATE = 1, REQ_EXTRA = 2, REQ_QUIT = 3 };
struct request {
	int kind;
	int index;
};
struct reply {
	int ok;
	int failures; /* failed creates before this one succeeded */
	int leaked;   /* jail-inits those left behind (killed) */
	uint64_t wall_ns, cpu_ns, teardown_ns;
	pid_t init_pid;
	int ns_flags;
	char user[65], template_name[65];
	char failure[512];
};

static int send_reply(int sock, const struct reply *rp, const int *fds, int n_fds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = (void *)rp, .iov_len = sizeof(*rp) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (n_fds > 0) {
		struct cmsghdr *cm;

		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n_fds);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n_fds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * (size_t)n_fds);
	}
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == (ssize_t)sizeof(*rp) ? 0 : -1;
}

/* returns the number of fds received into fds[0..4), or -1 */
static int recv_reply(int sock, struct reply *rp, int *fds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = rp, .iov_len = sizeof(*rp) };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	int n = 0;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != (ssize_t)sizeof(*rp))
		return -1;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			n = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			if (n > 4)
				return -1;
			memcpy(fds, CMSG_DATA(cm), sizeof(int) * (size_t)n);
		}
	return n;
}

static _Noreturn void creator(int sock, const struct jail_config *c, struct jail_user **users,
			      const struct jail_template **tpls, size_t n_users,
			      const struct jail_user *extra, const struct jail_template *extra_t,
			      const char *init)
{
	struct request rq;

	while (read(sock, &rq, sizeof(rq)) == (ssize_t)sizeof(rq) && rq.kind != REQ_QUIT) {
		const struct jail_user *u = rq.kind == REQ_EXTRA ? extra : users[rq.index];
		const struct jail_template *t = rq.kind == REQ_EXTRA ? extra_t : tpls[rq.index];
		struct reply rp = { .ok = 1 };
		struct jail_handle h;

		if (rq.kind == REQ_CREATE && (rq.index < 0 || (size_t)rq.index >= n_users))
			_exit(2);
		for (;;) {
			uint64_t c0 = cpu_ns(), t0 = now_ns();

			if (acquire(c, t, u, init, &h, true) == 0) {
				rp.wall_ns = now_ns() - t0;
				rp.cpu_ns = cpu_ns() - c0;
				break;
			}
			/* kill what the failed create left: keeps the memory figures clean */
			rp.leaked += find_leaked(u->name, 0, true);
			snprintf(rp.failure, sizeof(rp.failure), "%s", first_failure);
			if (++rp.failures > 5)
				die("too many failed creates in a row", NULL, EIO);
		}
		if (rq.kind == REQ_EXTRA) {
			int pidfd = open_pidfd(h.init_pid);
			uint64_t t0 = now_ns();

			release(&h, true);
			rp.teardown_ns = now_ns() - t0;
			wait_gone(pidfd);
			close(pidfd);
			if (send_reply(sock, &rp, NULL, 0) < 0)
				_exit(1);
		} else {
			int fds[1] = { h.ref_fd };

			rp.init_pid = h.init_pid;
			rp.ns_flags = h.ns_flags;
			snprintf(rp.user, sizeof(rp.user), "%s", h.user);
			snprintf(rp.template_name, sizeof(rp.template_name), "%s", h.template_name);
			if (send_reply(sock, &rp, fds, 1) < 0)
				_exit(1);
			jail_handle_close(&h); /* the holder has them now */
		}
	}
	_exit(0);
}

static unsigned holder_failures;
static int holder_leaked;

static void ask(int sock, int kind, int index, struct reply *rp, struct held *h)
{
	struct request rq = { .kind = kind, .index = index };
	int fds[4], n;

	if (write(sock, &rq, sizeof(rq)) != (ssize_t)sizeof(rq))
		die("creator gone", NULL, EPIPE);
	n = recv_reply(sock, rp, fds);
	if (n < 0 || !rp->ok || (h && n != 1))
		die("bad reply from the creator", NULL, EPROTO);
	holder_failures += (unsigned)rp->failures;
	holder_leaked += rp->leaked;
	if (rp->failures)
		snprintf(first_failure, sizeof(first_failure), "%s", rp->failure);
	if (h) {
		h->ref_fd = fds[0];
		h->init_pid = rp->init_pid;
		snprintf(h->user, sizeof(h->user), "%s", rp->user);
	}
}

/* held jails found gone at the end although their reference was held */
static unsigned held_lost;
static char held_lost_first[1024];

/* Ends a held jail the way its last logout would: joins it (a reference
 * with the full handle), drops the held reference, releases the join (which
 * tears it down: nobody else holds it) and waits until its init is gone.
 * A held jail that is gone already is counted and reported (scale.summary),
 * not fatal: the run goes on and cleans up. */
static void end_held(const struct jail_config *c, struct held *h)
{
	struct jail_error err = { 0 };
	struct jail_handle j;
	int pidfd, r;

	r = jail_join_existing(c, h->user, &j, &err);
	if (r < 0) {
		char path[64];
		struct stat st;
		bool done = false;

		snprintf(path, sizeof(path), "/proc/%d", (int)h->init_pid);
		if (held_lost++ == 0)
			snprintf(held_lost_first, sizeof(held_lost_first), "%s: %s (init %d %s)",
				 h->user, err.msg, (int)h->init_pid,
				 stat(path, &st) == 0 ? "still exists" : "gone");
		fprintf(stderr, "bench-jail: held jail of '%s' is gone: %s (init %d %s)\n", h->user,
			err.msg, (int)h->init_pid, stat(path, &st) == 0 ? "still exists" : "gone");
		close(h->ref_fd);
		h->ref_fd = -1;
		if (jail_teardown(c, h->user, false, &done, &err) < 0)
			fprintf(stderr, "bench-jail: teardown of '%s': %s\n", h->user, err.msg);
		return;
	}
	if (j.init_pid != h->init_pid) {
		fprintf(stderr, "bench-jail: the jail of '%s' has init %d, held %d\n", h->user,
			(int)j.init_pid, (int)h->init_pid);
		exit(1);
	}
	pidfd = open_pidfd(h->init_pid);
	close(h->ref_fd);
	h->ref_fd = -1;
	release(&j, true);
	wait_gone(pidfd);
	close(pidfd);
}

static int cmd_scale(int argc, char **argv)
{
	const char *conf, *init, *extra_name, *outdir;
	struct jail_user **users = NULL, *extra = NULL;
	const struct jail_template **tpls = NULL, *extra_t;
	struct held *handles = NULL;
	long checkpoints[64], reps, max_n = 0;
	size_t n_users = 0, cap = 0, n_cp = 0;
	struct meminfo base, m;
	struct memcg cg_base, cg;
	char line[256], path[4096];
	struct jail_config *c;
	FILE *f, *ramp, *scale;
	long base_mounts;
	uint64_t *samples, *tsamples, *csamples;
	int sv[2];
	pid_t creator_pid;

	if (argc != 7)
		return 2;
	conf = argv[0];
	init = argv[1];
	extra_name = argv[3];
	reps = strtol(argv[5], NULL, 10);
	outdir = argv[6];
	for (char *s = argv[4], *tok, *save = NULL; (tok = strtok_r(s, ",", &save)); s = NULL) {
		if (n_cp == ELEMENTSOF(checkpoints))
			return 2;
		checkpoints[n_cp++] = strtol(tok, NULL, 10);
		max_n = checkpoints[n_cp - 1];
	}
	if (reps <= 0 || n_cp == 0)
		return 2;

	c = load(conf);
	f = fopen(argv[2], "re");
	if (!f)
		return 2;
	while (fgets(line, sizeof(line), f) && (long)n_users < max_n) {
		line[strcspn(line, "\n")] = '\0';
		if (!*line)
			continue;
		if (n_users == cap) {
			cap = cap ? cap * 2 : 64;
			users = realloc(users, cap * sizeof(*users));
			tpls = realloc(tpls, cap * sizeof(*tpls));
			if (!users || !tpls)
				return 1;
		}
		/* "NAME BASE": a jail named NAME for the account BASE (its uid,
		 * groups and home): bench/run.sh makes real accounts for the
		 * first jails only (see BENCH_SCALE_ACCOUNTS there) */
		{
			char *base = strchr(line, ' ');

			if (base)
				*base++ = '\0';
			tpls[n_users] = lookup(c, base ? base : line, &users[n_users]);
			if (base) {
				free(users[n_users]->name);
				users[n_users]->name = strdup(line);
				if (!users[n_users]->name)
					return 1;
			}
		}
		n_users++;
	}
	fclose(f);
	if ((long)n_users < max_n) {
		fprintf(stderr, "bench-jail: %zu users for N up to %ld\n", n_users, max_n);
		return 2;
	}
	extra_t = lookup(c, extra_name, &extra);
	handles = calloc(n_users, sizeof(*handles));
	samples = calloc((size_t)reps, sizeof(*samples));
	tsamples = calloc((size_t)reps, sizeof(*tsamples));
	csamples = calloc((size_t)reps, sizeof(*csamples));
	if (!handles || !samples || !tsamples || !csamples)
		return 1;

	snprintf(path, sizeof(path), "%s/ramp.tsv", outdir);
	ramp = fopen(path, "we");
	snprintf(path, sizeof(path), "%s/scale.tsv", outdir);
	scale = fopen(path, "we");
	if (!ramp || !scale)
		return 1;
	fprintf(ramp, "alive\tcreate_ns\tcreate_cpu_ns\n");
	fprintf(scale,
		"n\tcreate_med_ns\tcreate_p90_ns\tteardown_med_ns\tmountinfo\tmountinfo_base\t"
		"memavail_kb\tmemfree_kb\tslab_kb\tsunreclaim_kb\tkstack_kb\tpagetables_kb\t"
		"percpu_kb\tshmem_kb\tinit_pss_kb\tinit_rss_kb\tcg_usage_kb\tcg_kmem_kb\t"
		"cg_rss_kb\tcg_shmem_kb\tcg_cache_kb\tcreate_cpu_med_ns\tidle_cpu_ns_per_s\n");
	fflush(ramp);
	fflush(scale);

	/* the creator, before any jail exists: it inherits no handle */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		die("socketpair", NULL, errno);
	creator_pid = fork();
	if (creator_pid < 0)
		die("fork", NULL, errno);
	if (creator_pid == 0) {
		fclose(ramp);
		fclose(scale);
		close(sv[0]);
		creator(sv[1], c, users, tpls, n_users, extra, extra_t, init);
	}
	close(sv[1]);

	settle();
	read_meminfo(&base);
	read_memcg(&cg_base);
	base_mounts = count_lines("/proc/self/mountinfo");

	size_t alive = 0;
	for (size_t k = 0; k < n_cp; k++) {
		long long pss = 0, rss = 0;
		struct reply rp;

		while ((long)alive < checkpoints[k]) {
			ask(sv[0], REQ_CREATE, (int)alive, &rp, &handles[alive]);
			fprintf(ramp, "%zu\t%llu\t%llu\n", alive, (unsigned long long)rp.wall_ns,
				(unsigned long long)rp.cpu_ns);
			alive++;
		}
		fflush(ramp);
		settle();
		/* what the N idle jails cost in CPU by themselves (their
		 * jail-inits wake every second, see helper/jail-init.c): the
		 * cpuacct cgroup over 5 s in which this process does nothing */
		uint64_t idle_c0 = cpu_ns(), idle_t0 = now_ns();

		usleep(5000 * 1000);
		uint64_t idle_cpu = cpu_ns() - idle_c0, idle_wall = now_ns() - idle_t0;

		read_meminfo(&m);
		read_memcg(&cg);
		for (size_t i = 0; i < alive; i++)
			add_rollup(handles[i].init_pid, &pss, &rss);
		long mounts = count_lines("/proc/self/mountinfo");

		for (long r = 0; r < reps; r++) {
			ask(sv[0], REQ_EXTRA, -1, &rp, NULL);
			samples[r] = rp.wall_ns;
			csamples[r] = rp.cpu_ns;
			tsamples[r] = rp.teardown_ns;
		}
		qsort(samples, (size_t)reps, sizeof(*samples), cmp_u64);
		qsort(tsamples, (size_t)reps, sizeof(*tsamples), cmp_u64);
		qsort(csamples, (size_t)reps, sizeof(*csamples), cmp_u64);
		fprintf(scale,
			"%zu\t%llu\t%llu\t%llu\t%ld\t%ld\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t"
			"%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%llu\t%.0f\n",
			alive, (unsigned long long)samples[reps / 2],
			(unsigned long long)samples[(reps * 9) / 10],
			(unsigned long long)tsamples[reps / 2], mounts, base_mounts,
			base.avail - m.avail, base.free - m.free, m.slab - base.slab,
			m.sunreclaim - base.sunreclaim, m.kstack - base.kstack,
			m.pagetables - base.pagetables, m.percpu - base.percpu,
			m.shmem - base.shmem, pss, rss, kb_delta(cg.usage, cg_base.usage),
			kb_delta(cg.kmem, cg_base.kmem), kb_delta(cg.rss, cg_base.rss),
			kb_delta(cg.shmem, cg_base.shmem), kb_delta(cg.cache, cg_base.cache),
			(unsigned long long)csamples[reps / 2],
			(double)idle_cpu * 1e9 / (double)idle_wall);
		fflush(scale);
		fprintf(stderr, "bench-jail: N=%zu create median %.0f us (CPU %.0f us)\n", alive,
			samples[reps / 2] / 1000.0, csamples[reps / 2] / 1000.0);
	}
	/* Back down to one live jail and measure N=1 again: the ramp runs in
	 * time order, so drift of the machine over the run would look like an
	 * effect of N; this tells the two apart. */
	uint64_t down_t0 = now_ns();
	size_t down_n = alive ? alive - 1 : 0;

	for (size_t i = alive; i-- > 1;)
		end_held(c, &handles[i]);
	uint64_t down_ns = now_ns() - down_t0;

	alive = alive ? 1 : 0;
	settle();
	for (long r = 0; r < reps; r++) {
		struct reply rp;

		ask(sv[0], REQ_EXTRA, -1, &rp, NULL);
		samples[r] = rp.wall_ns;
		csamples[r] = rp.cpu_ns;
	}
	qsort(samples, (size_t)reps, sizeof(*samples), cmp_u64);
	qsort(csamples, (size_t)reps, sizeof(*csamples), cmp_u64);
	{
		struct request rq = { .kind = REQ_QUIT };

		(void)!write(sv[0], &rq, sizeof(rq));
		close(sv[0]);
		waitpid(creator_pid, NULL, 0);
	}

	/* tear the rest down and wait until every init is gone */
	for (size_t i = 0; i < alive; i++)
		end_held(c, &handles[i]);
	snprintf(path, sizeof(path), "%s/scale.summary", outdir);
	f = fopen(path, "we");
	if (f) {
		fprintf(f,
			"create_failures\t%u\nleaked_inits_killed\t%d\nfirst_failure\t%s\n"
			"again_n1_create_med_ns\t%llu\nagain_n1_create_cpu_med_ns\t%llu\n"
			"ramp_down_jails\t%zu\nramp_down_ns\t%llu\nheld_jails_found_gone\t%u\n"
			"first_found_gone\t%s\n",
			holder_failures, holder_leaked, first_failure,
			(unsigned long long)samples[reps / 2],
			(unsigned long long)csamples[reps / 2], down_n, (unsigned long long)down_ns,
			held_lost, held_lost_first);
		fclose(f);
	}
	fprintf(stderr, "bench-jail: N=1 again create median %.0f us (CPU %.0f us)\n",
		samples[reps / 2] / 1000.0, csamples[reps / 2] / 1000.0);
	for (size_t i = 0; i < n_users; i++)
		jail_user_free(users[i]);
	jail_user_free(extra);
	jail_config_free(c);
	free(users);
	free(tpls);
	free(handles);
	free(samples);
	free(tsamples);
	free(csamples);
	fclose(ramp);
	return fclose(scale) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct rlimit rl;
	int r = 2;

	/* one fd per held jail: up to fs.nr_open where we may raise the hard
	 * limit, else the soft limit up to the hard one (raising the hard limit
	 * needs CAP_SYS_RESOURCE, which a container may lack) */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		FILE *f = fopen("/proc/sys/fs/nr_open", "re");
		unsigned long long nr_open = 0;
		struct rlimit big;

		if (f) {
			if (fscanf(f, "%llu", &nr_open) != 1)
				nr_open = 0;
			fclose(f);
		}
		big = (struct rlimit){ .rlim_cur = (rlim_t)nr_open, .rlim_max = (rlim_t)nr_open };
		if (nr_open <= rl.rlim_max || setrlimit(RLIMIT_NOFILE, &big) < 0) {
			rl.rlim_cur = rl.rlim_max;
			(void)setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	if (argc >= 2 && strcmp(argv[1], "cycles") == 0)
		r = cmd_cycles(argc - 2, argv + 2);
	else if (argc >= 2 && strcmp(argv[1], "scale") == 0)
		r = cmd_scale(argc - 2, argv + 2);
	if (r == 2)
		fprintf(stderr, "usage: bench-jail cycles CONFIG INIT USER N OUT\n"
				"       bench-jail scale CONFIG INIT USERS_FILE EXTRA_USER "
				"N1,N2,... REPS OUTDIR\n");
	return r;
}
