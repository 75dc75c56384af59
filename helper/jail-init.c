/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jail-init: pid 1 of a jail's PID namespace.  Started by the jail builder
 * (lib/build.c) in the jail's mount namespace, whose root is the jail root
 * (pivot_root), with (include/jail/init-proto.h)
 *   JAIL_INIT_FD_STATUS     a pipe to report readiness on,
 *   JAIL_INIT_FD_COMMIT     the commit socket: one byte from the creator
 *                           once the jail is recorded in STATE_DIR/U/state;
 *                           EOF if the creator died before that, and then
 *                           this init exits (nothing may run unrecorded),
 *   JAIL_INIT_FD_USER_DIR   the host's STATE_DIR/U,
 *   JAIL_INIT_FD_STATE_DIR  the host's STATE_DIR (the reaper's).
 * It keeps the namespaces alive, reaps orphans, and ends the jail when no
 * login holds it any more:
 *
 * The reaper.  Every REAP_INTERVAL_S seconds it tries the user's mutex
 * (flock LOCK_EX|LOCK_NB on STATE_DIR/U: never waits; a login joining or
 * leaving holds it) and, holding it, probes STATE_DIR/U/ref with a fresh
 * open file description and LOCK_EX|LOCK_NB.  If no login holds a LOCK_SH
 * there, it removes the state and exits: the kernel then kills every
 * process of the jail.  So a jail outlives its last login by at most
 * REAP_INTERVAL_S (+ a round) even when nobody runs pam_close_session
 * (a killed sshd, a forwarding-only login) and whatever the user left
 * running.  A login joining takes its reference under the same mutex, so
 * it either finds the state (and the init alive) or none (and builds anew).
 * With a linger (the commit record's linger_s, the template's `linger`),
 * an unreferenced jail is ended only once it has been unused that long
 * (lingered()), so REAP_INTERVAL_S + a round after that.
 * The cgroup (limits) cannot be removed from here (it is out of sight and
 * this process is in it): the user's next jail build or `jailctl gc` does.
 *
 * It is linked statically: it runs inside the jail, where the template's
 * libraries (if any) are none of its business.  On x86_64 it is built
 * without a C library (JAIL_INIT_NOLIBC): static glibc's start-up alone
 * costs ~0.3 ms of every jail creation (docs/BENCHMARKS.md), more than all
 * of what this program does.  Elsewhere it is the same code on top of libc.
 *
 * Signals: as pid 1 of a PID namespace it only receives, from inside,
 * signals it has handlers for; it has none and blocks everything.  SIGKILL
 * from the host (teardown) ends it, and with it every process in the
 * namespace.
 *
 * SIGTERM from the host ends the jail too, but tidily: systemd stops the
 * jail's scope (lib/systemd.c: KillSignal=SIGTERM) on `loginctl
 * terminate-user`, at shutdown, and when logind stops the user's
 * user-runtime-dir@UID.service after the last session went, which can be
 * sooner than the reaper's next round (Debian 12, systemd 252: the jail of
 * a crashed login was left `stale`).  The init then removes the jail's
 * state as the reaper does, whether or not a login still holds it (the
 * jail is ending: its logins die with the PID namespace), and exits.  It
 * waits for the user's mutex at most TERM_LOCK_TRIES * 100 ms, so that a
 * login joining or leaving finishes first; systemd's stop timeout
 * (TimeoutStopSec, then SIGKILL) bounds the whole.  SIGTERM is taken with
 * rt_sigtimedwait only when it comes from outside the namespace (si_pid 0
 * here): processes in the jail are the user's and could not send it to a
 * root process anyway.  A SIGKILL leaves the state to the next login or
 * `jailctl gc` (a state whose init is gone is discarded).
 */
#include <sys/syscall.h>
#include <linux/capability.h>
#include <linux/fcntl.h>
#include <linux/prctl.h>
#include <linux/stat.h>
#include "jail/init-proto.h"
#include "jail/layout.h"

#define SIGCHLD_BIT (1UL << (17 - 1))
#define SIGTERM_ 15
#define SIGTERM_BIT (1UL << (SIGTERM_ - 1))
#define SI_USER_ 0
#define SIG_SETMASK_ 2
#define WNOHANG_ 1
#define ENOENT_ 2
#define EINTR_ 4
#define EINVAL_ 22
#define LOCK_EX_ 2
#define LOCK_NB_ 4
#define CLOCK_REALTIME_ 0
#define CLOCK_MONOTONIC_ 1
#define REAP_INTERVAL_S 2
#define TERM_LOCK_TRIES 30 /* x 100 ms */

/* the native struct timespec (what clock_gettime and rt_sigtimedwait take) */
struct ts {
	long sec;
	long nsec;
};

/* the head of the kernel's siginfo_t (128 bytes), for SIGTERM's sender */
struct sig_info {
	int signo;
	int err;
	int code;
#if __SIZEOF_LONG__ == 8
	int pad_; /* the union is long-aligned */
#endif
	int pid; /* _kill._pid: 0 when the sender is outside our PID namespace */
	int uid;
	char rest[104];
};

#if defined(JAIL_INIT_NOLIBC) && defined(__x86_64__)
static long sc(long n, long a, long b, long c, long d, long e)
{
	long r;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e; /* prctl() insists that unused arguments are 0 */
	register long r9 __asm__("r9") = 0;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return r;
}

/* compilers may emit calls to these for struct initialisation */
void *memset(void *s, int c, unsigned long n);
void *memset(void *s, int c, unsigned long n)
{
	unsigned char *p = s;

	while (n--)
		*p++ = (unsigned char)c;
	return s;
}
#define SC5(n, a, b, c, d, e) sc((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e))
#else
#include <errno.h>
#include <string.h>
#include <unistd.h>
/* the same convention as sc(): -errno on failure */
static long sc_libc(long n, long a, long b, long c, long d, long e)
{
	long r = syscall(n, a, b, c, d, e);

	return r == -1 ? -(long)errno : r;
}
#define SC5(n, a, b, c, d, e) sc_libc((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e))
#endif
#define SC(n, a, b, c, d) SC5(n, a, b, c, d, 0)

static void copy(char *dst, const char *src, unsigned size)
{
	unsigned i = 0;

	for (; src[i] && i + 1 < size; i++)
		dst[i] = src[i];
	dst[i] = '\0';
}

static long clock_s(int clock)
{
	struct ts t = { 0, 0 };

	SC(SYS_clock_gettime, clock, &t, 0, 0);
	return t.sec;
}

/* the same as lib/teardown.c's jail_teardown_locked; the mutex goes with
 * our exit */
static void remove_state(const char *user)
{
	SC(SYS_unlinkat, JAIL_INIT_FD_USER_DIR, JAIL_STATE_RECORD, 0, 0);
	SC(SYS_unlinkat, JAIL_INIT_FD_USER_DIR, JAIL_STATE_RECORD_TMP, 0, 0);
	SC(SYS_unlinkat, JAIL_INIT_FD_USER_DIR, JAIL_STATE_REF, 0, 0);
	SC(SYS_unlinkat, JAIL_INIT_FD_STATE_DIR, user, AT_REMOVEDIR, 0);
}

/* SIGTERM from the host: the jail ends now, referenced or not (see the top) */
static void end_on_term(const char *user)
{
	struct ts pause = { 0, 100 * 1000 * 1000 };
	struct statx stx;
	int locked = 0;

	for (int i = 0; i < TERM_LOCK_TRIES && !locked; i++) {
		locked = SC(SYS_flock, JAIL_INIT_FD_USER_DIR, LOCK_EX_ | LOCK_NB_, 0, 0) == 0;
		if (!locked)
			SC(SYS_nanosleep, &pause, 0, 0, 0);
	}
	if (!locked)
		return; /* a stuck holder: it (or the next login, or gc) finds us gone */
	memset(&stx, 0, sizeof(stx));
	if (SC5(SYS_statx, JAIL_INIT_FD_USER_DIR, "", AT_EMPTY_PATH, STATX_NLINK, &stx) == 0 &&
	    stx.stx_nlink > 0)
		remove_state(user);
}

/*
 * Whether a jail no login holds has lingered long enough: `linger` seconds
 * since it was last seen in use, which is the later of `*busy` (the last
 * round that found a login holding it, or the commit) and the mtime of
 * `ref`, which the last login's release sets (lib/teardown.c).  Wall-clock
 * time, as mtime is: a clock set back ends the wait at once rather than
 * stretching it.  So the reaper ends a jail no sooner than `linger` seconds
 * after its last use, and at most a round (REAP_INTERVAL_S) and a second
 * later.
 */
static int lingered(long ref, long busy, unsigned linger)
{
	struct statx stx;
	long now = clock_s(CLOCK_REALTIME_), since = busy;

	if (!linger)
		return 1;
	memset(&stx, 0, sizeof(stx));
	if (ref >= 0 && SC5(SYS_statx, ref, "", AT_EMPTY_PATH, STATX_MTIME, &stx) == 0 &&
	    stx.stx_mtime.tv_sec > since)
		since = stx.stx_mtime.tv_sec;
	since++; /* whole seconds, rounded up: never a linger cut short */
	return now < since - 1 || now - since >= (long)linger;
}

/* 1 if the jail is unreferenced and has lingered (state removed; the caller
 * exits), else 0; a round that finds it held sets *busy */
static int reap_if_unreferenced(const char *user, unsigned linger, long *busy)
{
	struct statx stx;
	long ref, free_;

	if (SC(SYS_flock, JAIL_INIT_FD_USER_DIR, LOCK_EX_ | LOCK_NB_, 0, 0) != 0)
		return 0; /* a login is joining or leaving: next round */
	memset(&stx, 0, sizeof(stx));
	if (SC5(SYS_statx, JAIL_INIT_FD_USER_DIR, "", AT_EMPTY_PATH, STATX_NLINK, &stx) != 0) {
		SC(SYS_flock, JAIL_INIT_FD_USER_DIR, LOCK_UN, 0, 0);
		return 0;
	}
	if (stx.stx_nlink == 0)
		return 1; /* torn down by someone else: nothing left to remove */
	ref = SC(SYS_openat, JAIL_INIT_FD_USER_DIR, JAIL_STATE_REF,
		 O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
	if (ref >= 0)
		free_ = SC(SYS_flock, ref, LOCK_EX_ | LOCK_NB_, 0, 0) == 0;
	else
		free_ = ref == -ENOENT_; /* other errors: keep the jail */
	if (!free_ && ref >= 0)
		*busy = clock_s(CLOCK_REALTIME_);
	if (free_)
		free_ = lingered(ref, *busy, linger);
	if (ref >= 0)
		SC(SYS_close, ref, 0, 0, 0);
	if (!free_) {
		SC(SYS_flock, JAIL_INIT_FD_USER_DIR, LOCK_UN, 0, 0);
		return 0;
	}
	remove_state(user);
	return 1;
}

static int run(const char *user)
{
	static const char not_pid1[] = "jail-init: only runs as pid 1 of a jail made by pam_jail\n";
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
	unsigned long all = ~0UL, waitset = SIGCHLD_BIT | SIGTERM_BIT;
	struct sig_info si;
	struct jail_init_record rec = { .kind = JAIL_INIT_REC_READY };
	struct ts tick = { 1, 0 };
	struct jail_init_commit commit = { 0, { 0, 0, 0 }, 0 };
	long r = 0, got = 0, last, busy;

	if (SC(SYS_getpid, 0, 0, 0, 0) != 1) {
		SC(SYS_write, 2, not_pid1, sizeof(not_pid1) - 1, 0);
		return 1;
	}
	SC(SYS_rt_sigprocmask, SIG_SETMASK_, &all, 0, sizeof(all));
	SC(SYS_setsid, 0, 0, 0, 0);
	SC(SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0);
	for (int i = 0; i < 64 && r >= 0; i++) {
		r = SC(SYS_prctl, PR_CAPBSET_DROP, i, 0, 0);
		if (r == -EINVAL_) /* past the last capability */
			r = 0;
	}
	if (r >= 0)
		r = SC(SYS_capset, &hdr, data, 0, 0);
	if (r >= 0)
		r = SC(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0);
	if (r < 0) {
		rec.kind = JAIL_INIT_REC_ERROR;
		rec.value = r < -1 ? (int)r : -1;
		copy(rec.msg, "jail-init cannot drop its capabilities", sizeof(rec.msg));
	}
	if (SC(SYS_write, JAIL_INIT_FD_STATUS, &rec, sizeof(rec), 0) != (long)sizeof(rec) ||
	    rec.kind != JAIL_INIT_REC_READY)
		return 1;
	SC(SYS_close, JAIL_INIT_FD_STATUS, 0, 0, 0);
	/* recorded, or our creator is gone and nobody knows of us: then end.
	 * The record up to its size or EOF (an older creator sent its first
	 * byte alone, and closes the socket right after). */
	do {
		r = SC(SYS_read, JAIL_INIT_FD_COMMIT, (char *)&commit + got,
		       sizeof(commit) - (unsigned long)got, 0);
		if (r > 0)
			got += r;
	} while ((r > 0 && got < (long)sizeof(commit)) || r == -EINTR_);
	if (got < 1 || commit.kind != JAIL_INIT_COMMIT || !user)
		return 1;
	if (got < (long)sizeof(commit))
		commit.linger_s = 0;
	SC(SYS_close, JAIL_INIT_FD_COMMIT, 0, 0, 0);

	last = clock_s(CLOCK_MONOTONIC_);
	busy = clock_s(CLOCK_REALTIME_);
	for (;;) {
		while (SC(SYS_wait4, -1, 0, WNOHANG_, 0) > 0)
			;
		/* SIGCHLD is blocked, so it stays pending until we take it here;
		 * the timeout paces the reaper (a stream of SIGCHLDs cannot
		 * postpone it: it runs by the clock); SIGTERM likewise */
		memset(&si, 0, sizeof(si));
		if (SC(SYS_rt_sigtimedwait, &waitset, &si, &tick, sizeof(waitset)) == SIGTERM_ &&
		    si.code == SI_USER_ && si.pid == 0) {
			end_on_term(user);
			return 0;
		}
		if (clock_s(CLOCK_MONOTONIC_) - last >= REAP_INTERVAL_S) {
			last = clock_s(CLOCK_MONOTONIC_);
			if (reap_if_unreferenced(user, commit.linger_s, &busy))
				return 0;
		}
	}
}

#if defined(JAIL_INIT_NOLIBC) && defined(__x86_64__)
/* the kernel's initial stack: argc, argv[0], argv[1], ... */
__attribute__((used)) static void start_c(long *sp);
__attribute__((used, noreturn)) static void start_c(long *sp)
{
	char **argv = (char **)(sp + 1);

	sc(SYS_exit_group, run(sp[0] >= 2 ? argv[1] : 0), 0, 0, 0, 0);
	__builtin_unreachable();
}
__asm__(".text\n.global _start\n.type _start,@function\n_start:\n"
	"\txor %ebp, %ebp\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall start_c\n\thlt\n");
#else
int main(int argc, char **argv);
int main(int argc, char **argv)
{
	return run(argc >= 2 ? argv[1] : 0);
}
#endif
