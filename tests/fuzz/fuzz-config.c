/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness for the config parser and validator: the bytes of a
 * pam_jail.conf go through exactly what pam_jail.so and jailsh run
 * (jail_config_load_fd: comment blanking, brace check, libconfuse, our
 * validation), then the user/group matcher and the error formatter; every
 * input also goes through jail_config_text_mentions(), and for every input
 * that loads, 64 one-byte mutations of it check the fail-closed property of
 * tests/fuzz/config-mutations.h (a violation aborts: a finding).
 *
 *   make fuzz                       # about a minute, as in scripts/test.sh
 *   make fuzz FUZZ_SECONDS=3600     # a longer run
 */
#include <stdint.h>
#include <stddef.h>
#include <sys/mman.h>
#include "jail/config.h"
#include "config-mutations.h"

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
	if (!memchr(data, '\0', size)) {
		char *text = strndup((const char *)data, size), **dirs = NULL;
		char *groups[] = { "staff" };
		struct mut_valid v;

		if (!text)
			abort();
		(void)jail_config_text_mentions(text, false, "alice", groups, 1, &dirs);
		jail_strv_free(dirs);
		if (mut_valid_init(&v, text, size)) {
			/* xorshift from the input: the same input, the same mutations */
			uint64_t x = 0x9e3779b97f4a7c15ULL;
			char why[8192];

			for (size_t i = 0; i < size; i++)
				x = (x ^ data[i]) * 0x100000001b3ULL;
			for (int k = 0; k < 64; k++) {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				if (mut_check(&v, (int)(x % 3), (size_t)((x >> 8) % (size + 1)),
					      mut_alphabet[(x >> 40) % (sizeof(mut_alphabet) - 1)],
					      why, sizeof(why)) < 0) {
					fprintf(stderr, "fail-closed property broken: %s\n", why);
					abort();
				}
			}
			mut_valid_free(&v);
		}
		free(text);
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
