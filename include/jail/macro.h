/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef JAIL_MACRO_H
#define JAIL_MACRO_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <dirent.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _unused_ __attribute__((unused))
#define _warn_unused_ __attribute__((warn_unused_result))

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

/* Cleanup helpers ignore NULL / negative fds and preserve errno. */
static inline void freep(void *p)
{
	int saved = errno;
	free(*(void **)p);
	errno = saved;
}

static inline int safe_close(int fd)
{
	if (fd >= 0) {
		int saved = errno;
		close(fd);
		errno = saved;
	}
	return -EBADF;
}

static inline void closep(int *fd)
{
	*fd = safe_close(*fd);
}

static inline void fclosep(FILE **f)
{
	if (*f) {
		int saved = errno;
		fclose(*f);
		errno = saved;
	}
}

static inline void closedirp(DIR **d)
{
	if (*d) {
		int saved = errno;
		closedir(*d);
		errno = saved;
	}
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_closedir_ _cleanup_(closedirp)

#define TAKE_PTR(p)                              \
	({                                       \
		__typeof__(p) _tp = (p);         \
		(p) = NULL;                      \
		_tp;                             \
	})
#define TAKE_FD(fd)                              \
	({                                       \
		int _tf = (fd);                  \
		(fd) = -EBADF;                   \
		_tf;                             \
	})

/* errno as a negative return value, never 0 even if errno was clobbered. */
static inline int negative_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}

#endif
