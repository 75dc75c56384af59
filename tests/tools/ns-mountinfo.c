/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ns-mountinfo PID: prints the whole mount table of PID's mount namespace,
 * as seen from that namespace's root.  Unlike `nsenter -m cat`, it needs no
 * program inside the namespace (a ChrootDirectory-mode session's namespace
 * has none at its root), and unlike /proc/PID/mountinfo it does not hide
 * what lies outside PID's root.  For the integration suite, run as root.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char path[64], buf[65536];
	int self, ns, fd;
	ssize_t n;

	if (argc != 2 ||
	    snprintf(path, sizeof(path), "/proc/%s/ns/mnt", argv[1]) >= (int)sizeof(path)) {
		fputs("usage: ns-mountinfo PID\n", stderr);
		return 2;
	}
	/* /proc/self is resolved now, in our own namespace: read through it
	 * after setns, it shows the task's new namespace */
	self = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
	ns = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || ns < 0 || setns(ns, CLONE_NEWNS) < 0) {
		perror("ns-mountinfo");
		return 1;
	}
	fd = openat(self, "mountinfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror("ns-mountinfo: mountinfo");
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(STDOUT_FILENO, buf, (size_t)n) != n)
			return 1;
	return n < 0;
}
