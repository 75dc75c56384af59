/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness for the login record parser, which the setuid jailsh
 * runs on the file bound over JAIL_LOGIN_RECORD.  Property: whatever parses
 * formats back to exactly the same text (the parser accepts what the
 * formatter writes and nothing else), and nothing crashes or reads out of
 * bounds (ASan, UBSan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "jail/login-record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[JAIL_LOGIN_RECORD_MAX], again[JAIL_LOGIN_RECORD_MAX];
	struct jail_login_record r;
	int n;

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (jail_login_record_parse(text, &r) < 0)
		return 0;
	n = jail_login_record_format(&r, again, sizeof(again));
	if (n < 0 || (size_t)n != strlen(text) || strcmp(text, again) != 0)
		abort(); /* accepted something the formatter would not write */
	return 0;
}
