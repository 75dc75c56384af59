/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness for the config parser and validator: the bytes of a
 * pam_jail.conf go through exactly what pam_jail.so and jailsh run
 * (jail_config_load_fd: comment blanking, brace check, libconfuse, our
 * validation), then the user/group matcher and the error formatter.
 *
 *   make fuzz                       # about a minute, as in scripts/test.sh
 *   make fuzz FUZZ_SECONDS=3600     # a longer run
 */
#include <stdint.h>
#include <stddef.h>
#include <sys/mman.h>
#include "jail/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jail_config *c = NULL;
	struct jail_error e = { 0 };
	char buf[1024];
	int fd;

	fd = memfd_create("fuzz.conf", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return 0;
	}
	if (jail_config_load_fd(fd, "fuzz.conf", JAIL_CONFIG_NO_FS_CHECKS, &c, &e) == 0) {
		char *groups[] = { "wheel", "staff", "sftponly" };

		(void)jail_config_match(c, "alice", groups, 3, NULL, NULL);
		(void)jail_config_match(c, "root", NULL, 0, NULL, NULL);
		jail_config_free(c);
	} else {
		(void)jail_error_format(&e, buf, sizeof(buf));
		(void)jail_escape(e.msg, buf, sizeof(buf));
	}
	close(fd);
	return 0;
}
