"""Locking a worker process down before it runs a program: the operating system's layer of the sandbox.

The interpreter (the first layer) refuses what a program may not do; this layer makes sure that even a
program that got past the interpreter cannot do it. A worker calls `confine()` once, right after it is
forked and before it reads a program; nothing here can be undone by the process afterwards.

- resource limits: address space, CPU seconds, file size 0, a few file descriptors, core dumps off;
- a scrubbed environment and a working directory that is empty and deleted;
- a seccomp filter (through libseccomp) that allows the system calls computing needs and refuses the
  rest with EPERM: no opening files, no sockets, no exec, no new processes (threads only), no ptrace,
  no signals to other processes.

Where the platform refuses a layer (no libseccomp, a kernel without seccomp), the others still apply and
`confine()` reports which ones are active.
"""

from __future__ import annotations

import errno
import os
import resource
import tempfile
from dataclasses import dataclass

# System calls a worker needs once it is running: memory, reading and writing the descriptors it
# already has (its socket to the server), clocks, futexes and signals for threads, and exiting.
ALLOWED_SYSCALLS = (
    "read", "write", "readv", "writev", "pread64", "close", "fstat", "newfstatat", "lseek",
    "mmap", "munmap", "mremap", "mprotect", "brk", "madvise",
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack",
    "futex", "set_robust_list", "get_robust_list", "rseq", "sched_yield", "sched_getaffinity",
    "clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep", "gettimeofday", "time",
    "getpid", "gettid", "getuid", "geteuid", "getgid", "getegid", "getppid",
    "getrandom", "getrusage", "sysinfo", "uname", "getcwd",
    "poll", "ppoll", "select", "pselect6", "recvfrom", "sendto", "recvmsg", "sendmsg", "shutdown",
    "fcntl", "ioctl", "dup", "dup2", "dup3",
    "exit", "exit_group", "restart_syscall", "membarrier", "prlimit64",
)
CLONE_THREAD = 0x00010000


@dataclass(frozen=True)
class Confinement:
    """What one worker may use. The defaults suit a classroom server; see docs/sandbox.md."""

    address_space_bytes: int = 1536 * 2**20
    cpu_seconds: int = 30
    open_files: int = 32


def confine(settings: Confinement | None = None) -> dict[str, bool]:
    """Lock this process down; returns each layer's name and whether the platform let it apply."""
    settings = settings or Confinement()
    # The directory first: making it needs the file-size limit not yet in force.
    active = {
        "empty_cwd": _empty_working_directory(),
        "environment": _scrub_environment(),
        "rlimits": _limit_resources(settings),
    }
    active["seccomp"] = _install_seccomp()
    return active


def _set_limit(which: int, soft: int, hard: int | None = None) -> bool:
    hard = soft if hard is None else hard
    try:
        resource.setrlimit(which, (soft, hard))
        return True
    except (ValueError, OSError):
        return False


def _limit_resources(settings: Confinement) -> bool:
    # A soft CPU limit sends SIGXCPU (the worker dies); the server's own deadline usually comes first.
    results = [
        _set_limit(resource.RLIMIT_AS, settings.address_space_bytes),
        _set_limit(resource.RLIMIT_CPU, settings.cpu_seconds, settings.cpu_seconds + 1),
        _set_limit(resource.RLIMIT_FSIZE, 0),
        _set_limit(resource.RLIMIT_CORE, 0),
        _set_limit(resource.RLIMIT_NOFILE, settings.open_files),
    ]
    return all(results)


def _scrub_environment() -> bool:
    # Secrets of the server (tokens, keys) must not be readable by a program that escaped.
    os.environ.clear()
    os.environ.update({"LANG": "C.UTF-8", "PATH": "/nonexistent"})
    return True


def _empty_working_directory() -> bool:
    # A directory that is made, entered and removed: nothing can be created or found in it.
    try:
        path = tempfile.mkdtemp(prefix="agx-worker-")
        os.chdir(path)
        os.rmdir(path)
        return True
    except OSError:
        return False


def seccomp_available() -> bool:
    try:
        import pyseccomp  # noqa: F401
    except (ImportError, OSError, AttributeError):
        return False
    return True


def _install_seccomp() -> bool:
    try:
        import pyseccomp as seccomp
    except (ImportError, OSError, AttributeError):  # no libseccomp on this platform
        return False
    try:
        rules = seccomp.SyscallFilter(defaction=seccomp.ERRNO(errno.EPERM))
        for name in ALLOWED_SYSCALLS:
            try:
                rules.add_rule(seccomp.ALLOW, name)
            except (OSError, ValueError, RuntimeError):  # a call this architecture does not have
                continue
        # Threads (the run's watchdog) but no processes: clone only with CLONE_THREAD, and clone3
        # answers "not implemented", so the C library falls back to clone.
        rules.add_rule(seccomp.ALLOW, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, CLONE_THREAD, CLONE_THREAD))
        rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
        # Signals only to this process itself (abort(), a thread's own signals).
        pid = os.getpid()
        rules.add_rule(seccomp.ALLOW, "kill", seccomp.Arg(0, seccomp.EQ, pid))
        rules.add_rule(seccomp.ALLOW, "tgkill", seccomp.Arg(0, seccomp.EQ, pid))
        rules.load()
        return True
    except (OSError, ValueError, RuntimeError):
        return False
