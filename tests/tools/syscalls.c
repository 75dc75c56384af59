/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * syscalls: tries system calls that an unprivileged user may normally make
 * but that pam_jail's seccomp filter blocks, and prints "NAME errno" for
 * each (0 = allowed).  Built statically into the test template.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

static void report(const char *name, long r)
{
	printf("%s %d\n", name, r < 0 ? errno : 0);
}

/* syscalls abs NAME: connect to the abstract unix socket NAME, print what it says */
static int abstract_connect(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[128];
	ssize_t n;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1, "%s", name);
	if (fd < 0 ||
	    connect(fd, (struct sockaddr *)&sa,
		    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name))) < 0) {
		printf("abstract-connect %d\n", errno);
		return 1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	printf("abstract-connect 0 %s\n", buf);
	return 0;
}

/* syscalls ptys MAX: opens /dev/ptmx until it fails or MAX are open, prints
 * "ptys N ERRNO", then holds them until stdin reaches EOF */
static int open_ptys(long max)
{
	long n = 0;
	int err = 0;
	char c;

	while (n < max) {
		if (open("/dev/ptmx", O_RDWR | O_NOCTTY) < 0) {
			err = errno;
			break;
		}
		n++;
	}
	printf("ptys %ld %d\n", n, err);
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	return 0;
}

/* syscalls files DIR MAX: creates empty files in DIR until it fails or MAX
 * exist, prints "files N ERRNO" */
static int make_files(const char *dir, long max)
{
	char path[4096];
	long n = 0;
	int err = 0;

	while (n < max) {
		int fd;

		snprintf(path, sizeof(path), "%s/f%ld", dir, n);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd < 0) {
			err = errno;
			break;
		}
		close(fd);
		n++;
	}
	printf("files %ld %d\n", n, err);
	return 0;
}

int main(int argc, char **argv)
{
	struct perf_event_attr pa;
	struct io_uring_params up;

	/* a probe for jailed users; nothing here should ever run as root */
	if (geteuid() == 0) {
		fputs("syscalls: refusing to run as root\n", stderr);
		return 2;
	}
	if (argc == 3 && strcmp(argv[1], "abs") == 0)
		return abstract_connect(argv[2]);
	if (argc == 3 && strcmp(argv[1], "ptys") == 0)
		return open_ptys(atol(argv[2]));
	if (argc == 4 && strcmp(argv[1], "files") == 0)
		return make_files(argv[2], atol(argv[3]));
	/* keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, create=1) */
	report("keyctl", syscall(SYS_keyctl, 0, -3, 1));
	memset(&pa, 0, sizeof(pa));
	pa.type = PERF_TYPE_SOFTWARE;
	pa.size = sizeof(pa);
	pa.config = PERF_COUNT_SW_TASK_CLOCK;
	pa.exclude_kernel = 1;
	pa.exclude_hv = 1;
	report("perf_event_open", syscall(SYS_perf_event_open, &pa, 0, -1, -1, 0));
	memset(&up, 0, sizeof(up));
	report("io_uring_setup", syscall(SYS_io_uring_setup, 1, &up));
	report("unshare", syscall(SYS_unshare, 0)); /* flags 0: a no-op when allowed */
	return 0;
}
