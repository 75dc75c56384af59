#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""perf-phases.py HZ CYCLES < `perf script -F comm,ip,sym` output (with call chains)

Splits the CPU samples of `bench-jail cycles` (perf record -F HZ --call-graph
dwarf, following children) by what they were doing: by libjail function on
the stack, and by system call.  Prints microseconds of CPU per cycle.
"""
import collections
import re
import sys

hz, cycles = float(sys.argv[1]), int(sys.argv[2])

# innermost match wins: the order is from specific to general
PHASES = [
    ("run_init", "create: the init before exec (mount /proc, chroot, execveat)"),
    ("run_setup", "create: setup child (unshare, mounts, mknod, fork of the init)"),
    ("jail_template_verify_security", "create: template verification (walks the whole template)"),
    ("jail_template_walk", "create: template verification (walks the whole template)"),
    ("jail_build_create", "create: the creator (trusted opens, fork, waiting for records)"),
    ("jail_state_write", "create: write the state file"),
    ("jail_teardown_locked", "teardown (jail_init_open, SIGKILL, unlink state)"),
    ("jail_release", "jail_release: locks, reference check"),
    ("jail_init_open", "jail_init_open: pidfd + /proc checks (join, teardown)"),
    ("jail_user_dir_lock", "jail_user_dir_lock"),
    ("jail_state_read", "jail_state_read"),
    ("jail_refs_free", "jail_refs_free"),
    ("jail_state_dir_open", "jail_state_dir_open"),
    ("jail_acquire", "jail_acquire, rest"),
    ("jail_config_load", "jail_config_load"),
    ("jail_user_lookup", "jail_user_lookup"),
]

text = sys.stdin.read()
total = 0
by_phase = collections.Counter()
by_sys = collections.Counter()
for block in text.split("\n\n"):
    lines = [l.strip() for l in block.strip().splitlines()]
    if not lines:
        continue
    total += 1
    comm = lines[0].split()[0]
    syms = []
    for l in lines[1:]:
        parts = l.split(None, 1)
        syms.append(parts[1].split("+")[0].split(" (")[0] if len(parts) > 1 else "?")
    # phase
    if comm == "jail-init" and "run_init" not in syms:
        phase = "jail-init: the static program (C library start-up, capabilities, ready)"
    else:
        phase = None
        for key, desc in PHASES:
            if key in syms:
                phase = desc
                break
        phase = phase or f"{comm}: other (unresolved stack or outside libjail)"
    by_phase[phase] += 1
    # outermost system call on the stack
    sc = None
    for s in reversed(syms):
        m = re.match(r"(?:__x64_sys_|__do_sys_)(\w+)", s)
        if m:
            sc = m.group(1)
            break
    if sc is None:
        if any("asm_exc_page_fault" in s or "exc_page_fault" in s for s in syms):
            sc = "(page faults)"
        elif any(s.startswith("ret_from_fork") for s in syms):
            sc = "(new task start-up)"
        elif any(s in ("do_exit", "do_group_exit") for s in syms):
            sc = "(exit)"
        else:
            sc = "(user space)"
    by_sys[(comm, sc)] += 1


def us(v):
    return 1e6 * v / hz / cycles


print(f"{total} samples at {hz:.0f} Hz over {cycles} cycles = {us(total) / 1000:.3f} ms of CPU per cycle")
print("(a cycle: config load, user lookup, create, join, leave, teardown; all processes)\n")
print("By what the stack shows (microseconds of CPU per cycle):")
for k, v in by_phase.most_common():
    print(f"  {us(v):8.1f}  {100 * v / total:5.1f}%  {k}")
print("\nBy process and system call (microseconds of CPU per cycle, top 30):")
for (comm, sc), v in by_sys.most_common(30):
    print(f"  {us(v):8.1f}  {100 * v / total:5.1f}%  {comm:<11} {sc}")
