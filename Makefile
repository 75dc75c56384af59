# SPDX-License-Identifier: LGPL-2.1-or-later
# pam_jail: one non-recursive Makefile.
#
#   make                      build into build/
#   make check                unit tests, then the root integration suite
#   make install [PREFIX=DIR] [DESTDIR=...]
#
# With no PREFIX everything goes to the system's places (the PAM module dir,
# /usr/sbin, /etc/security/pam_jail.conf).  With PREFIX=DIR the module is
# DIR/lib/security/pam_jail.so, jailsh/jailctl are in DIR/sbin, and
# DIR/etc/security/pam_jail.conf is the compiled-in config of the programs.

CC ?= cc
PKG_CONFIG ?= pkg-config
PREFIX ?=
ifeq ($(strip $(PREFIX)),)
SBINDIR ?= /usr/sbin
PAMDIR ?= $(shell $(PKG_CONFIG) --variable=libdir pam)/security
SYSCONFDIR ?= /etc
LIBEXECDIR ?= /usr/libexec
MANDIR ?= /usr/share/man
SYSTEMDUNITDIR ?= $(or $(shell $(PKG_CONFIG) --variable=systemdsystemunitdir systemd 2>/dev/null),/lib/systemd/system)
else
SBINDIR ?= $(PREFIX)/sbin
PAMDIR ?= $(PREFIX)/lib/security
SYSCONFDIR ?= $(PREFIX)/etc
LIBEXECDIR ?= $(PREFIX)/libexec
MANDIR ?= $(PREFIX)/share/man
# systemd reads /usr/local/lib/systemd/system, not other prefixes: see README
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
endif
JAIL_CONF := $(SYSCONFDIR)/security/pam_jail.conf
JAIL_HELPER := $(SBINDIR)/jailsh
JAIL_INIT := $(LIBEXECDIR)/pam_jail/jail-init
# root's own program that jailsh runs when no PAM module built the login's jail
JAIL_LOGIN_BUILDER := $(LIBEXECDIR)/pam_jail/jail-login
# empty on the host; in a login's namespace the login record for jailsh is
# bound over it (include/jail/login-record.h)
JAIL_LOGIN_RECORD := $(LIBEXECDIR)/pam_jail/login

B := build
CONFUSE_CFLAGS := $(shell $(PKG_CONFIG) --cflags libconfuse)
CONFUSE_LIBS := $(shell $(PKG_CONFIG) --libs libconfuse)
CAPNG_LIBS := $(shell $(PKG_CONFIG) --libs libcap-ng)
# libseccomp makes the template syscall filter at build time (tools/gen-seccomp.c)
# and checks it in the tests; nothing installed links it
SECCOMP_LIBS := $(shell $(PKG_CONFIG) --libs libseccomp)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka)
# sd-bus, for pam_jail.so only (lib/systemd.c): never linked into the setuid jailsh
SYSTEMD_CFLAGS := $(shell $(PKG_CONFIG) --cflags libsystemd)
SYSTEMD_LIBS := $(shell $(PKG_CONFIG) --libs libsystemd)

WARNINGS := -Wall -Wextra -Werror -Wformat=2 -Werror=format-security -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wimplicit-fallthrough \
	-Werror=implicit-function-declaration -Wno-missing-field-initializers
FORTIFY ?= -D_FORTIFY_SOURCE=2
OPT ?= -O2 -g
JAIL_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(WARNINGS) $(OPT) $(FORTIFY) -fstack-protector-strong \
	-ffunction-sections -fdata-sections \
	-Iinclude -I$(B) $(CONFUSE_CFLAGS) -MMD -MP
JAIL_LDFLAGS := -Wl,-z,relro,-z,now

LIB_SRCS := lib/audit.c lib/error.c lib/path.c lib/user.c lib/config.c lib/cgroup.c lib/unitname.c lib/seccomp.c lib/landlock.c lib/elf.c \
	lib/template-verify.c lib/template-gen.c lib/layout.c lib/state.c lib/plan.c lib/apply.c lib/login-record.c lib/build.c \
	lib/enter.c lib/teardown.c lib/privileges.c lib/confine.c lib/jail.c lib/term.c
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)
# The privileged code of the setuid helper, kept small on purpose.
HELPER_SRCS := helper/jailsh.c helper/shell.c $(LIB_SRCS)

PROGS := $(B)/pam_jail.so $(B)/jailsh $(B)/jail-login $(B)/jailctl $(B)/jail-init
UNIT_TESTS := $(B)/tests/test-config $(B)/tests/test-path $(B)/tests/test-user $(B)/tests/test-elf \
	$(B)/tests/test-term $(B)/tests/test-error $(B)/tests/test-audit $(B)/tests/test-pam $(B)/tests/test-unitname \
	$(B)/tests/test-layout $(B)/tests/test-state $(B)/tests/test-plan $(B)/tests/test-confine $(B)/tests/test-cgroup $(B)/tests/test-login-record \
	$(B)/tests/test-seccomp

all: $(PROGS) $(B)/user@.service.d-pam_jail.conf

# the user@.service drop-in names the installed jailctl
$(B)/user@.service.d-pam_jail.conf: conf/user@.service.d-pam_jail.conf.in $(B)/paths.h
	sed 's|@JAILCTL@|$(SBINDIR)/jailctl|' $< > $@

# paths.h is rewritten only when a path changes, so a different PREFIX
# rebuilds exactly what embeds it.
$(B)/paths.h: FORCE
	@mkdir -p $(B)
	@printf '#define JAIL_CONF "%s"\n#define JAIL_HELPER "%s"\n#define JAIL_INIT "%s"\n#define JAIL_SBINDIR "%s"\n#define JAIL_LOGIN_RECORD "%s"\n#define JAIL_LOGIN_BUILDER "%s"\n' \
		'$(JAIL_CONF)' '$(JAIL_HELPER)' '$(JAIL_INIT)' '$(SBINDIR)' '$(JAIL_LOGIN_RECORD)' '$(JAIL_LOGIN_BUILDER)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
FORCE:

$(B)/%.o: %.c $(B)/paths.h
	@mkdir -p $(dir $@)
	$(CC) $(JAIL_CFLAGS) -fPIC $(CFLAGS) $(CPPFLAGS) -c -o $@ $<

# the template syscall filter's BPF, made by libseccomp from lib/seccomp-rules.c
$(B)/gen-seccomp: tools/gen-seccomp.c lib/seccomp-rules.c include/jail/seccomp-rules.h
	@mkdir -p $(B)
	$(CC) $(JAIL_CFLAGS) $(CFLAGS) -o $@ tools/gen-seccomp.c lib/seccomp-rules.c $(SECCOMP_LIBS) $(LDFLAGS)
$(B)/seccomp-bpf.h: $(B)/gen-seccomp
	$< > $@.tmp && mv $@.tmp $@
$(B)/lib/seccomp.o: $(B)/seccomp-bpf.h

$(B)/libjail.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(B)/lib/systemd.o: JAIL_CFLAGS += $(SYSTEMD_CFLAGS)
$(B)/pam_jail.so: $(B)/pam_module/pam_jail.o $(B)/lib/systemd.o $(B)/libjail.a pam_module/pam_jail.map
	$(CC) -shared -fvisibility=hidden -Wl,-z,defs -Wl,--version-script=pam_module/pam_jail.map \
		$(JAIL_LDFLAGS) $(LDFLAGS) -o $@ $(B)/pam_module/pam_jail.o $(B)/lib/systemd.o $(B)/libjail.a \
		-lpam $(CONFUSE_LIBS) $(CAPNG_LIBS) $(SYSTEMD_LIBS)

# the setuid binary holds only the functions it calls (--gc-sections)
# (no libconfuse: jailsh never reads the config, jail-login does)
$(B)/jailsh: $(B)/helper/jailsh.o $(B)/helper/shell.o $(B)/libjail.a
	$(CC) -pie $(JAIL_LDFLAGS) -Wl,--gc-sections $(LDFLAGS) -o $@ $^ $(CAPNG_LIBS)

# root's builder for jailsh (not setuid; only jailsh runs it)
$(B)/jail-login: $(B)/helper/jail-login.o $(B)/helper/shell.o $(B)/libjail.a
	$(CC) -pie $(JAIL_LDFLAGS) -Wl,--gc-sections $(LDFLAGS) -o $@ $^ $(CONFUSE_LIBS) $(CAPNG_LIBS)

$(B)/jailctl: $(B)/admin/jailctl.o $(B)/admin/template.o $(B)/libjail.a
	$(CC) -pie $(JAIL_LDFLAGS) $(LDFLAGS) -o $@ $^ $(CONFUSE_LIBS) $(CAPNG_LIBS)

# static: it runs chrooted inside the jail, where no libraries are promised;
# without a C library on x86_64 (its start-up would dominate jail creation)
ifeq ($(shell uname -m),x86_64)
INIT_FLAGS := -DJAIL_INIT_NOLIBC -nostdlib -ffreestanding -fno-builtin -fno-stack-protector -U_FORTIFY_SOURCE
endif
$(B)/jail-init: helper/jail-init.c include/jail/init-proto.h include/jail/layout.h
	@mkdir -p $(B)
	$(CC) -std=gnu11 -D_GNU_SOURCE $(WARNINGS) -O2 -static $(INIT_FLAGS) -Iinclude $(LDFLAGS) -o $@ $<

# ---- tests ------------------------------------------------------------------------
$(B)/tests/test-%: tests/unit/test-%.c $(B)/libjail.a
	@mkdir -p $(dir $@)
	$(CC) $(JAIL_CFLAGS) $(CFLAGS) -o $@ $< $(B)/libjail.a $(CONFUSE_LIBS) $(CAPNG_LIBS) $(CMOCKA_LIBS) $(LDFLAGS)

# the generated program against libseccomp's, from the same rules
$(B)/tests/test-seccomp: tests/unit/test-seccomp.c lib/seccomp-rules.c $(B)/libjail.a
	@mkdir -p $(dir $@)
	$(CC) $(JAIL_CFLAGS) $(CFLAGS) -o $@ $< lib/seccomp-rules.c $(B)/libjail.a $(SECCOMP_LIBS) \
		$(CMOCKA_LIBS) $(LDFLAGS)

# the module's entry points through libpam, without sshd (dlopen of the .so)
$(B)/tests/test-pam: tests/unit/test-pam.c $(B)/pam_jail.so
	@mkdir -p $(dir $@)
	$(CC) $(JAIL_CFLAGS) $(CFLAGS) -DTEST_MODULE='"$(abspath $(B))/pam_jail.so"' -o $@ $< -lpam -ldl \
		$(CMOCKA_LIBS) $(LDFLAGS)

$(B)/tests/subreaper: tests/tools/subreaper.c
	@mkdir -p $(dir $@)
	$(CC) $(JAIL_CFLAGS) $(CFLAGS) -o $@ $<

check-unit: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do echo "== $$t"; $$t; done

check-integration: all $(B)/tests/subreaper
	$(B)/tests/subreaper tests/integration/run.sh

# jailctl template end to end (root, chroot); builds its own binaries
check-template:
	CC="$(CC)" tests/template/run.sh

# jailctl template apt end to end (root, network: bootstraps a Debian template
# with mmdebstrap from the host's mirror, ~5 min); not part of `make check`
check-template-apt:
	CC="$(CC)" tests/template/apt.sh

# the attack suite (root): every attack must fail safely
check-security: all $(B)/tests/subreaper
	$(B)/tests/subreaper tests/security/run.sh

check: check-unit check-template check-integration check-security

# Unit tests under ASan+UBSan (not for the installed setuid helper or the
# module inside sshd), and under valgrind.
sanitize:
	$(MAKE) B=build-asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		FORTIFY= LDFLAGS="-fsanitize=address,undefined" check-unit
# test-confine is left out, loudly: valgrind (3.19) does not know open_tree,
# move_mount or the Landlock calls, so jail_confine fails ENOSYS under it
# (it runs plain and under ASan/UBSan)
VALGRIND_TESTS := $(filter-out $(B)/tests/test-confine,$(UNIT_TESTS))
valgrind: $(UNIT_TESTS)
	@echo "*** SKIPPED under valgrind: test-confine (valgrind does not know open_tree, move_mount, landlock_*)"
	@set -e; for t in $(VALGRIND_TESTS); do echo "== valgrind $$t"; \
		valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite $$t; done

# libFuzzer (clang) on the config parser; corpus in tests/fuzz/corpus
FUZZ_SECONDS ?= 60
# the login record parser (setuid jailsh) is small: a shorter run covers it
FUZZ_RECORD_SECONDS ?= 20
# 0: a new random seed each run (exploring); scripts/test.sh fixes one, so that
# CI's verdict on a tree does not depend on luck (a finding there is repeatable)
FUZZ_SEED ?= 0
FB := build-fuzz
fuzz: $(B)/seccomp-bpf.h
	@mkdir -p $(FB) $(FB)/corpus
	clang -std=gnu11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -I$(B) \
		$(CONFUSE_CFLAGS) -o $(FB)/fuzz-config tests/fuzz/fuzz-config.c $(LIB_SRCS) \
		$(CONFUSE_LIBS) $(CAPNG_LIBS)
	$(FB)/fuzz-config -seed=$(FUZZ_SEED) -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 \
		-print_final_stats=1 $(FB)/corpus tests/fuzz/corpus
	@mkdir -p $(FB)/corpus-login-record
	clang -std=gnu11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -I$(B) \
		$(CONFUSE_CFLAGS) -o $(FB)/fuzz-login-record tests/fuzz/fuzz-login-record.c lib/login-record.c
	$(FB)/fuzz-login-record -seed=$(FUZZ_SEED) -max_total_time=$(FUZZ_RECORD_SECONDS) -max_len=1024 \
		-timeout=10 -print_final_stats=1 $(FB)/corpus-login-record tests/fuzz/corpus-login-record

# Static analysis.  Justified exclusions:
#  - gcc 12 -fanalyzer: -Wanalyzer-malloc-leak loses track of strings stored
#    into an array owned by a struct (lib/user.c group_names, freed by
#    jail_user_free); every other analyzer warning is an error.
#  - clang-tidy 14: clang-analyzer-valist.Uninitialized reports every
#    va_start/vsnprintf pair of ours as uninitialized (a known false positive
#    of that checker); DeprecatedOrUnsafeBufferHandling wants C11 Annex K;
#    deadcode.DeadStores and unix.Malloc do not understand the cleanup
#    attribute (_cleanup_free_/_cleanup_close_), so they report every such
#    variable as a dead store or a leak; leaks are checked at run time by
#    valgrind and LeakSanitizer in `make valgrind` / `make sanitize`.
ANALYZE_SRCS := $(LIB_SRCS) lib/systemd.c lib/seccomp-rules.c tools/gen-seccomp.c helper/jailsh.c helper/shell.c helper/jail-login.c admin/jailctl.c admin/template.c helper/jail-init.c \
	pam_module/pam_jail.c
lint: $(B)/paths.h $(B)/seccomp-bpf.h
	scripts/check-columns.sh
	scripts/check-die-formats.py
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability --inline-suppr \
		--suppress=missingIncludeSystem -Iinclude -I$(B) lib helper admin pam_module tools
	for f in $(ANALYZE_SRCS); do gcc -std=gnu11 -D_GNU_SOURCE -Iinclude -I$(B) $(CONFUSE_CFLAGS) -O1 \
		-fanalyzer -Wno-analyzer-malloc-leak -Werror -c $$f -o /dev/null || exit 1; done
	clang-tidy --quiet --warnings-as-errors='*' \
		--checks='-*,clang-analyzer-*,-clang-analyzer-valist.Uninitialized,-clang-analyzer-deadcode.DeadStores,-clang-analyzer-unix.Malloc,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling' \
		$(ANALYZE_SRCS) -- -std=gnu11 -D_GNU_SOURCE -Iinclude -I$(B) $(CONFUSE_CFLAGS)
	$(if $(wildcard man/*.[58]),mandoc -Tlint -Wwarning $(wildcard man/*.[58]))

# lines of code run as root in jailsh (issue 15's limit: 600)
root-lines:
	scripts/root-lines.sh --by-file

# ---- install ------------------------------------------------------------------------
install: all
	install -D -m 0644 $(B)/pam_jail.so $(DESTDIR)$(PAMDIR)/pam_jail.so
	install -D -m 4755 $(B)/jailsh $(DESTDIR)$(SBINDIR)/jailsh
	install -D -m 0755 $(B)/jailctl $(DESTDIR)$(SBINDIR)/jailctl
	install -D -m 0755 $(B)/jail-init $(DESTDIR)$(JAIL_INIT)
	install -D -m 0755 $(B)/jail-login $(DESTDIR)$(JAIL_LOGIN_BUILDER)
	install -m 0644 /dev/null $(DESTDIR)$(JAIL_LOGIN_RECORD)
	@if [ "$$(id -u)" = 0 ]; then chown root:root $(DESTDIR)$(SBINDIR)/jailsh && chmod 4755 $(DESTDIR)$(SBINDIR)/jailsh; fi
	@if [ ! -e $(DESTDIR)$(JAIL_CONF) ]; then install -D -m 0644 conf/pam_jail.conf $(DESTDIR)$(JAIL_CONF); \
		else echo "keeping existing $(DESTDIR)$(JAIL_CONF)"; fi
	for m in $(wildcard man/*.5); do install -D -m 0644 $$m $(DESTDIR)$(MANDIR)/man5/$$(basename $$m); done
	for m in $(wildcard man/*.8); do install -D -m 0644 $$m $(DESTDIR)$(MANDIR)/man8/$$(basename $$m); done
	install -D -m 0644 $(B)/user@.service.d-pam_jail.conf $(DESTDIR)$(SYSTEMDUNITDIR)/user@.service.d/pam_jail.conf

# an installable Debian package: build/pam-jail_VERSION_ARCH.deb
deb: all
	packaging/mkdeb.sh
	@if command -v lintian >/dev/null; then lintian --fail-on error --suppress-tags-from-file packaging/lintian-overrides.txt build/pam-jail_*.deb; fi

# benchmarks (root): docs/BENCHMARKS.md and docs/bench/; `make bench-quick` is a smoke run
bench: all $(B)/tests/subreaper
	$(B)/tests/subreaper bench/run.sh
bench-quick: all $(B)/tests/subreaper
	$(B)/tests/subreaper bench/run.sh --quick

# the soak (root; not part of `make check` or CI): bench/soak.sh, SOAK_* in its header.
#   make soak CYCLES=10000 CONCURRENCY=50 [MAX_MIN=N] [CHAOS_EVERY=1-3]
#   make soak QUICK=1 [SELFTEST=1]     (a few minutes: a self-check of the soak itself)
# its report goes to build/soak/soak.md, and into docs/bench/soak.md by hand
SOAK_VARS = $(if $(CYCLES),SOAK_CYCLES=$(CYCLES)) $(if $(QUIET_CYCLES),SOAK_QUIET_CYCLES=$(QUIET_CYCLES)) \
	$(if $(CONCURRENCY),SOAK_CONCURRENCY=$(CONCURRENCY)) $(if $(MAX_MIN),SOAK_MAX_MIN=$(MAX_MIN)) \
	$(if $(CHAOS_EVERY),SOAK_CHAOS_EVERY=$(CHAOS_EVERY)) $(if $(HOSTILE),SOAK_HOSTILE=$(HOSTILE)) \
	$(if $(QUICK),SOAK_QUICK=$(QUICK)) $(if $(SELFTEST),SOAK_SELFTEST=$(SELFTEST))
# (bench/soak.sh builds and installs its own copy into its scratch dir)
soak: $(B)/tests/subreaper
	$(B)/tests/subreaper env $(SOAK_VARS) bench/soak.sh

# install the package, one ssh login against it, purge (root)
check-package: deb $(B)/tests/subreaper
	$(B)/tests/subreaper tests/package/run.sh

# the VM lab (root; Debian host): a Debian 13 guest with systemd, logind and cgroup v2
# under qemu (TCG), the .deb installed, tests/vm/guest-test.sh against the stock sshd
# and the integration suite inside it; docs/VM-LAB.md.  VM_PROFILE=bookworm: Debian 12;
# VM_PROFILE=trixie-ldap: users and groups from slapd + sssd (tests/vm/guest-ldap.sh).
# VM_FLAGS=--no-integration skips the integration suite.
VM_PROFILE ?= trixie
VM_FLAGS ?=
vm-check: deb
	tests/vm/lab.sh --profile $(VM_PROFILE) $(VM_FLAGS)

uninstall:
	rm -f $(DESTDIR)$(PAMDIR)/pam_jail.so $(DESTDIR)$(SBINDIR)/jailsh $(DESTDIR)$(SBINDIR)/jailctl \
		$(DESTDIR)$(JAIL_INIT) $(DESTDIR)$(JAIL_LOGIN_BUILDER) $(DESTDIR)$(JAIL_LOGIN_RECORD)
	-rmdir $(DESTDIR)$(LIBEXECDIR)/pam_jail
	for m in man/*.5; do rm -f $(DESTDIR)$(MANDIR)/man5/$$(basename $$m); done
	for m in man/*.8; do rm -f $(DESTDIR)$(MANDIR)/man8/$$(basename $$m); done
	rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/user@.service.d/pam_jail.conf
	-rmdir $(DESTDIR)$(SYSTEMDUNITDIR)/user@.service.d

clean:
	rm -rf build build-asan build-clang build-fuzz

.PHONY: root-lines all bench bench-quick soak deb check-package vm-check check-security check check-unit check-template check-template-apt check-integration sanitize valgrind fuzz lint install uninstall clean FORCE

-include $(shell find $(B) -name '*.d' -type f 2>/dev/null)
