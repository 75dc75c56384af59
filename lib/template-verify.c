/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Security checks of a root file system template (see include/jail/template.h).
 *
 * The walk holds one directory fd per level and names every entry relative
 * to its parent's fd, so a rename or symlink swap anywhere in the tree cannot
 * make it check one object and descend into another.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include "jail/template.h"

struct walker {
	jail_template_visit_fn fn;
	void *userdata;
	struct jail_error *err;
	dev_t dev;
	size_t entries;
	char path[PATH_MAX];
};

static void add(char *buf, size_t size, size_t *o, const char *fmt, ...) _printf_(4, 5);
static void add(char *buf, size_t size, size_t *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*o >= size)
		return;
	if (*o > 0) {
		n = snprintf(buf + *o, size - *o, ", ");
		*o += n > 0 ? (size_t)n : 0;
		if (*o >= size)
			return;
	}
	va_start(ap, fmt);
	n = vsnprintf(buf + *o, size - *o, fmt, ap);
	va_end(ap);
	*o += n > 0 ? (size_t)n : 0;
}

const char *jail_template_problem(const struct stat *st, char *buf, size_t size)
{
	mode_t m = st->st_mode;
	size_t o = 0;

	if (!buf || size == 0)
		return NULL;
	buf[0] = '\0';
	if (st->st_uid != 0)
		add(buf, size, &o, "not owned by root (uid %u)", (unsigned)st->st_uid);
	if (S_ISDIR(m)) {
		if ((m & (S_IWGRP | S_IWOTH)) && !(m & S_ISVTX))
			add(buf, size, &o, "%s-writable directory without the sticky bit",
			    (m & S_IWOTH) ? "world" : "group");
	} else if (!S_ISLNK(m)) {
		if (m & S_IWOTH)
			add(buf, size, &o, "world-writable");
		else if (m & S_IWGRP)
			add(buf, size, &o, "group-writable");
		if (m & S_ISUID)
			add(buf, size, &o, "setuid");
		if (m & S_ISGID)
			add(buf, size, &o, "setgid");
	}
	if (S_ISCHR(m) || S_ISBLK(m))
		add(buf, size, &o, "%s device node %u:%u", S_ISCHR(m) ? "character" : "block",
		    major(st->st_rdev), minor(st->st_rdev));
	else if (S_ISSOCK(m))
		add(buf, size, &o, "socket");
	else if (S_ISFIFO(m))
		add(buf, size, &o, "fifo");
	return o ? buf : NULL;
}

bool jail_template_covered(const char *path)
{
	/* lib/build.c mounts a tmpfs on both in every jail (var/tmp: where the
	 * template has it as a directory, and only a directory is entered) */
	return path && (strcmp(path, "tmp") == 0 || strcmp(path, "var/tmp") == 0);
}

/* The path-dependent part of an entry's problems: a directory others can
 * write to is fine only where the jail covers it with its own tmpfs. */
static const char *entry_problem(const char *path, const struct stat *st, char *buf, size_t size)
{
	const char *p = jail_template_problem(st, buf, size);

	if (S_ISDIR(st->st_mode) && (st->st_mode & (S_IWGRP | S_IWOTH)) &&
	    (st->st_mode & S_ISVTX) && !jail_template_covered(path)) {
		size_t o = p ? strlen(buf) : 0;

		add(buf, size, &o,
		    "%s-writable directory outside tmp/ and var/tmp/ (any user could put files "
		    "there for every jail to see)",
		    (st->st_mode & S_IWOTH) ? "world" : "group");
		p = buf;
	}
	return p;
}

static int walk_dir(struct walker *w, int fd, size_t len, unsigned depth)
{
	_cleanup_closedir_ DIR *d = fdopendir(fd);
	struct dirent *de;

	if (!d) {
		safe_close(fd);
		return jail_err(w->err, negative_errno(), "%s: cannot read directory: %m",
				len ? w->path : ".");
	}
	for (;;) {
		struct jail_template_entry e = { .dir_fd = dirfd(d) };
		char buf[256];
		struct stat st;
		size_t nlen;
		int r, cfd;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				return jail_err(w->err, negative_errno(),
						"%s: cannot read directory: %m",
						len ? w->path : ".");
			return 0;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (++w->entries > JAIL_TEMPLATE_MAX_ENTRIES)
			return jail_err(w->err, -EFBIG,
					"%s: more than %d entries in the template, not checked",
					len ? w->path : ".", JAIL_TEMPLATE_MAX_ENTRIES);
		nlen = len + (len ? 1 : 0) + strlen(de->d_name);
		if (nlen >= sizeof(w->path))
			return jail_err(w->err, -ENAMETOOLONG, "%s/%s: path too long",
					len ? w->path : ".", de->d_name);
		if (len)
			w->path[len] = '/';
		memcpy(w->path + len + (len ? 1 : 0), de->d_name, strlen(de->d_name) + 1);
		e.name = de->d_name;
		e.path = w->path;

		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			e.error = negative_errno();
			r = w->fn(&e, w->userdata);
			if (r < 0)
				return r;
			continue;
		}
		e.st = &st;
		e.problem = entry_problem(w->path, &st, buf, sizeof(buf));
		r = w->fn(&e, w->userdata);
		if (r < 0)
			return r;
		if (!S_ISDIR(st.st_mode) || st.st_dev != w->dev || jail_template_covered(w->path))
			continue;

		if (depth >= JAIL_TEMPLATE_MAX_DEPTH)
			return jail_err(w->err, -ELOOP, "%s: deeper than %d levels, not checked",
					w->path, JAIL_TEMPLATE_MAX_DEPTH);
		cfd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0) {
			e.st = NULL;
			e.problem = NULL;
			e.error = negative_errno();
			r = w->fn(&e, w->userdata);
			if (r < 0)
				return r;
			continue;
		}
		{
			struct stat cst;

			if (fstat(cfd, &cst) < 0 || cst.st_dev != st.st_dev ||
			    cst.st_ino != st.st_ino) {
				safe_close(cfd);
				return jail_err(w->err, -EAGAIN, "%s: changed while being checked",
						w->path);
			}
		}
		r = walk_dir(w, cfd, nlen, depth + 1);
		if (r < 0)
			return r;
	}
}

int jail_template_walk(int dir_fd, jail_template_visit_fn fn, void *userdata,
		       struct jail_error *err)
{
	struct walker w = { .fn = fn, .userdata = userdata, .err = err };
	struct jail_template_entry e = { .dir_fd = dir_fd, .name = ".", .path = "." };
	char buf[256];
	struct stat st;
	int fd, r;

	if (dir_fd < 0 || !fn)
		return jail_err(err, -EINVAL, "invalid arguments");
	if (fstat(dir_fd, &st) < 0)
		return jail_err(err, negative_errno(), ".: cannot stat the template: %m");
	if (!S_ISDIR(st.st_mode))
		return jail_err(err, -ENOTDIR, ".: the template is not a directory");
	w.dev = st.st_dev;

	e.st = &st;
	e.problem = entry_problem(".", &st, buf, sizeof(buf));
	r = fn(&e, userdata);
	if (r < 0)
		return r;
	/* works for an O_PATH dir_fd too */
	fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return jail_err(err, negative_errno(), ".: cannot read the template: %m");
	return walk_dir(&w, fd, 0, 1);
}

struct security {
	struct jail_error err; /* "PATH: problem" of the first problem found */
	/* for the cache: the stamps of the template and of its writable
	 * directories, as cache lines; `uncacheable` when they do not fit */
	char *stamps;
	size_t len, size;
	bool uncacheable;
	/* a directory changed at or after this time is too fresh to stamp */
	struct timespec fresh;
};

/* File systems keep ctime in coarse steps (a jiffy; a whole second on some),
 * so a change made in the same step as the walk's stat() of a directory, but
 * after its entries were read, could leave the stamp as it was: a directory
 * changed that recently is not cached (the next creation walks again). */
#define CACHE_FRESH_SECONDS 2

#define CACHE_MAGIC "pam_jail-verified 1"
#define CACHE_MAX_SIZE 8192

static void add_stamp(struct security *s, const struct stat *st, const char *path)
{
	int n;

	if (s->uncacheable || !s->stamps)
		return;
	/* one line each: a name with a newline cannot be written down */
	if (strchr(path, '\n') || st->st_ctim.tv_sec > s->fresh.tv_sec ||
	    (st->st_ctim.tv_sec == s->fresh.tv_sec && st->st_ctim.tv_nsec >= s->fresh.tv_nsec)) {
		s->uncacheable = true;
		return;
	}
	n = snprintf(s->stamps + s->len, s->size - s->len, "%llx %llu %lld %ld %s\n",
		     (unsigned long long)st->st_dev, (unsigned long long)st->st_ino,
		     (long long)st->st_ctim.tv_sec, (long)st->st_ctim.tv_nsec, path);
	if (n < 0 || (size_t)n >= s->size - s->len) {
		s->uncacheable = true;
		return;
	}
	s->len += (size_t)n;
}

static int security_visit(const struct jail_template_entry *e, void *userdata)
{
	struct security *s = userdata;

	if (e->error) {
		errno = -e->error;
		return jail_err(&s->err, e->error, "%s: cannot check: %m", e->path);
	}
	if (e->problem)
		return jail_err(&s->err, -EPERM, "%s: %s", e->path, e->problem);
	/* the template itself, and the places a non-root user could change
	 * that the walk enters: directories writable by group or others (none
	 * in a template that passes; tmp/ and var/tmp/ are not entered, what
	 * is in them never reaches a jail); the walk stat()s a directory
	 * before it reads it, so a change during the walk shows too */
	if (strcmp(e->path, ".") == 0 ||
	    (S_ISDIR(e->st->st_mode) && (e->st->st_mode & (S_IWGRP | S_IWOTH)) &&
	     !jail_template_covered(e->path)))
		add_stamp(s, e->st, e->path);
	return 0;
}

static int verify(int dir_fd, const char *shown, struct security *s, struct jail_error *err)
{
	int r;

	r = jail_template_walk(dir_fd, security_visit, s, &s->err);
	if (r < 0)
		return jail_err(err, r, "template '%s': %s", shown ? shown : "?", s->err.msg);
	return 0;
}

int jail_template_verify_security(int dir_fd, const char *shown, struct jail_error *err)
{
	struct security s = { 0 };

	return verify(dir_fd, shown, &s, err);
}

/* ---- the cache ----------------------------------------------------------------------------- */

static int cache_name(int dir_fd, char *buf, size_t size)
{
	struct stat st;

	if (fstat(dir_fd, &st) < 0)
		return negative_errno();
	snprintf(buf, size, "%llx:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	return 0;
}

/* STATE_DIR/.verified, created root:root 0700; refused unless it is that */
static int cache_dir_open(int state_fd, bool create)
{
	_cleanup_close_ int fd = -EBADF;
	struct stat st;

	if (create && mkdirat(state_fd, JAIL_TEMPLATE_CACHE_DIR, 0700) < 0 && errno != EEXIST)
		return negative_errno();
	fd = openat(state_fd, JAIL_TEMPLATE_CACHE_DIR,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return negative_errno();
	if (fstat(fd, &st) < 0)
		return negative_errno();
	if (st.st_uid != 0)
		return -EPERM;
	/* a setuid creator (jailsh) made it with its own gid: fix that */
	if ((st.st_gid != 0 || (st.st_mode & 07777) != 0700) &&
	    (fchown(fd, 0, 0) < 0 || fchmod(fd, 0700) < 0))
		return -EPERM;
	return TAKE_FD(fd);
}

static bool stamp_matches(int dir_fd, const char *line, bool first)
{
	unsigned long long dev, ino;
	long long sec;
	long nsec;
	int off = 0;
	const char *path;
	struct stat st;

	if (sscanf(line, "%llx %llu %lld %ld %n", &dev, &ino, &sec, &nsec, &off) != 4 || off == 0)
		return false;
	path = line + off;
	/* the template's own stamp comes first; the others are below it */
	if (first ? strcmp(path, ".") != 0 : (!*path || path[0] == '/' || strcmp(path, ".") == 0))
		return false;
	/* the path only finds the directory; dev, inode and ctime say that it
	 * is the same one, unchanged (a swapped path finds another inode) */
	if (strcmp(path, ".") == 0 ? fstat(dir_fd, &st) < 0
				   : fstatat(dir_fd, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return false;
	return S_ISDIR(st.st_mode) && (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino && (long long)st.st_ctim.tv_sec == sec &&
	       (long)st.st_ctim.tv_nsec == nsec;
}

/* whether the cache entry for the template at dir_fd says it is verified */
static bool cache_valid(int dir_fd, int state_fd, unsigned interval)
{
	_cleanup_close_ int cdir = -EBADF, fd = -EBADF;
	char name[64], buf[CACHE_MAX_SIZE + 1], *line, *next;
	long long when;
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int off = 0, lines = 0;
	time_t now = time(NULL);

	if (cache_name(dir_fd, name, sizeof(name)) < 0)
		return false;
	cdir = cache_dir_open(state_fd, false);
	if (cdir < 0)
		return false;
	fd = openat(cdir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return false;
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 077) ||
	    st.st_size > CACHE_MAX_SIZE)
		return false;
	while (got < CACHE_MAX_SIZE && (n = read(fd, buf + got, CACHE_MAX_SIZE - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	if (got == 0 || buf[got - 1] != '\n' || memchr(buf, '\0', got))
		return false;
	/* "MAGIC\nTIME\n" then one stamp per line, the template's first */
	line = buf;
	next = strchr(line, '\n');
	*next = '\0';
	if (strcmp(line, CACHE_MAGIC) != 0)
		return false;
	line = next + 1;
	if (sscanf(line, "%lld\n%n", &when, &off) != 1 || off == 0)
		return false;
	/* a clock set back makes the entry look new: refuse one from the future */
	if (when > (long long)now || (long long)now - when >= (long long)interval)
		return false;
	for (line += off; *line; line = next + 1) {
		next = strchr(line, '\n');
		*next = '\0';
		if (!stamp_matches(dir_fd, line, lines == 0))
			return false;
		lines++;
	}
	return lines > 0;
}

static void cache_drop(int dir_fd, int state_fd)
{
	_cleanup_close_ int cdir = -EBADF;
	char name[64];

	if (state_fd < 0 || cache_name(dir_fd, name, sizeof(name)) < 0)
		return;
	cdir = cache_dir_open(state_fd, false);
	if (cdir >= 0)
		(void)unlinkat(cdir, name, 0);
}

/* written to a temporary name and renamed, so readers see all or nothing;
 * a failure only costs the next creation a walk */
static void cache_store(int dir_fd, int state_fd, time_t when, const struct security *s)
{
	_cleanup_close_ int cdir = -EBADF, fd = -EBADF;
	char name[64], tmp[96], head[64];
	int n;
	bool ok;

	if (s->uncacheable || !s->stamps || s->len == 0 ||
	    cache_name(dir_fd, name, sizeof(name)) < 0)
		return;
	cdir = cache_dir_open(state_fd, true);
	if (cdir < 0)
		return;
	snprintf(tmp, sizeof(tmp), ".%s.%d", name, (int)getpid());
	fd = openat(cdir, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	n = snprintf(head, sizeof(head), "%s\n%lld\n", CACHE_MAGIC, (long long)when);
	ok = fchown(fd, 0, 0) == 0 && fchmod(fd, 0600) == 0 && write(fd, head, (size_t)n) == n &&
	     write(fd, s->stamps, s->len) == (ssize_t)s->len;
	if (!ok || renameat(cdir, tmp, cdir, name) < 0)
		(void)unlinkat(cdir, tmp, 0);
}

int jail_template_verify_refresh(int dir_fd, const char *shown, int state_fd,
				 struct jail_error *err)
{
	char stamps[CACHE_MAX_SIZE - 64];
	struct security s = { .stamps = stamps, .size = sizeof(stamps) };
	/* taken before the walk: what changes during it shows in the stamps,
	 * and the entry is never younger than what it describes */
	time_t when = time(NULL);
	int r;

	if (clock_gettime(CLOCK_REALTIME, &s.fresh) < 0)
		s.fresh = (struct timespec){ .tv_sec = when };
	s.fresh.tv_sec -= CACHE_FRESH_SECONDS;
	if (state_fd < 0)
		s.stamps = NULL;
	r = verify(dir_fd, shown, &s, err);
	if (state_fd >= 0) {
		if (r < 0)
			cache_drop(dir_fd, state_fd);
		else
			cache_store(dir_fd, state_fd, when, &s);
	}
	return r;
}

int jail_template_cache_gc(int state_fd, unsigned interval)
{
	_cleanup_close_ int cdir = -EBADF;
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	time_t now = time(NULL);
	int n = 0;

	if (state_fd < 0)
		return -EBADF;
	cdir = cache_dir_open(state_fd, false);
	if (cdir == -ENOENT)
		return 0;
	if (cdir < 0)
		return cdir;
	d = fdopendir(cdir);
	if (!d)
		return negative_errno();
	cdir = -EBADF; /* owned by d now */
	while ((de = readdir(d))) {
		char buf[128] = "";
		long long when = 0;
		struct stat st;
		bool stale;
		ssize_t got;
		int fd;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (de->d_name[0] == '.') {
			/* a writer's temporary file: a writer killed halfway left it */
			stale = now - st.st_mtime > 60;
		} else if (!S_ISREG(st.st_mode)) {
			stale = true; /* never written by us; not opened either */
		} else {
			fd = openat(dirfd(d), de->d_name,
				    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
			got = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
			safe_close(fd);
			buf[got > 0 ? got : 0] = '\0';
			/* past its interval it is never used again: the next walk
			 * writes a new one */
			stale = strncmp(buf, CACHE_MAGIC "\n", strlen(CACHE_MAGIC) + 1) != 0 ||
				sscanf(buf + strlen(CACHE_MAGIC) + 1, "%lld", &when) != 1 ||
				when > (long long)now ||
				(long long)now - when >= (long long)interval;
		}
		if (stale && unlinkat(dirfd(d), de->d_name, 0) == 0)
			n++;
	}
	return n;
}

int jail_template_verify_cached(int dir_fd, const char *shown, int state_fd, unsigned interval,
				bool *ret_walked, struct jail_error *err)
{
	if (interval > 0 && state_fd >= 0 && cache_valid(dir_fd, state_fd, interval)) {
		if (ret_walked)
			*ret_walked = false;
		return 0;
	}
	if (ret_walked)
		*ret_walked = true;
	return jail_template_verify_refresh(dir_fd, shown, interval > 0 ? state_fd : -EBADF, err);
}
