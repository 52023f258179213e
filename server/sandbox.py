"""No network for the processes that run SPARQL: a seccomp filter that refuses network sockets.

The query engine (pyoxigraph) answers ``SERVICE`` and ``LOAD`` with its own HTTP client, written
in Rust, so nothing done in Python (monkeypatching ``socket``) can stop it. The guard
(``graph/store/guard.py``) refuses such requests on the parsed algebra; this module makes them
impossible underneath, so that a parser bug alone cannot reopen the way out: a query or update
worker calls ``deny_network()`` first thing, and from then on the kernel answers every
``socket()`` call for anything but a Unix socket with EACCES, in that process and every thread
and child it starts. The worker talks to the server through a Unix socket pair made before the
filter, so nothing it needs is lost. ``io_uring_setup`` is refused too, since io_uring can open
sockets without the ``socket`` system call.

The filter is a few classic-BPF instructions installed with ``prctl`` (no package needed; it
is what libseccomp would generate for these rules). ``PR_SET_NO_NEW_PRIVS`` comes first, as the
kernel requires of an unprivileged process; it also means the worker can never gain privileges
by running a set-uid program. Supported on Linux x86-64 and arm64; elsewhere ``deny_network``
raises ``SandboxUnavailable`` and the worker refuses to start (the server answers 503), rather
than run queries with the network open.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct
import sys

# system call numbers per architecture: (AUDIT_ARCH value, socket, io_uring_setup)
_ARCHES = {
    "x86_64": (0xC000003E, 41, 425),
    "aarch64": (0xC00000B7, 198, 425),
}
_X32_SYSCALL_BIT = 0x40000000  # x86-64's x32 ABI numbers: refused wholesale

# classic BPF opcodes
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_RET_K = 0x06
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_AF_UNIX = 1

# offsets in struct seccomp_data
_NR, _ARCH, _ARG0 = 0, 4, 16


class SandboxUnavailable(OSError):
    """This machine cannot install the filter (not Linux, unknown architecture, or refused)."""


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def _program(arch: str) -> bytes:
    audit_arch, nr_socket, nr_io_uring = _ARCHES[arch]
    deny = _RET_ERRNO | errno.EACCES
    insns = [
        _insn(_LD_W_ABS, 0, 0, _ARCH),  # 0: A = arch
        _insn(_JEQ_K, 1, 0, audit_arch),  # 1: native arch -> 3
        _insn(_RET_K, 0, 0, _RET_ERRNO | errno.ENOSYS),  # 2: another ABI (i386 on x86-64): refuse all
        _insn(_LD_W_ABS, 0, 0, _NR),  # 3: A = syscall number
        _insn(_JGE_K, 0, 1, _X32_SYSCALL_BIT),  # 4: x32 -> 5, else 6
        _insn(_RET_K, 0, 0, _RET_ERRNO | errno.ENOSYS),  # 5
        _insn(_JEQ_K, 2, 0, nr_socket),  # 6: socket -> 9
        _insn(_JEQ_K, 0, 4, nr_io_uring),  # 7: io_uring_setup -> 8, else 12
        _insn(_RET_K, 0, 0, _RET_ERRNO | errno.ENOSYS),  # 8
        _insn(_LD_W_ABS, 0, 0, _ARG0),  # 9: A = domain (low 32 bits)
        _insn(_JEQ_K, 1, 0, _AF_UNIX),  # 10: AF_UNIX -> 12
        _insn(_RET_K, 0, 0, deny),  # 11: any other family
        _insn(_RET_K, 0, 0, _RET_ALLOW),  # 12
    ]
    return b"".join(insns)


def deny_network() -> None:
    """Forbid this process (and its threads and children) to open any non-Unix socket, for good."""
    if not sys.platform.startswith("linux"):
        raise SandboxUnavailable(f"the network sandbox needs Linux (this is {sys.platform})")
    arch = platform.machine()
    if arch not in _ARCHES:
        raise SandboxUnavailable(f"the network sandbox does not know the {arch} architecture")
    code = _program(arch)
    count = len(code) // 8
    buffer = ctypes.create_string_buffer(code, len(code))

    class _Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = _Prog(count, ctypes.addressof(buffer))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SandboxUnavailable(f"prctl(NO_NEW_PRIVS) failed: {os.strerror(ctypes.get_errno())}")
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(prog), 0, 0) != 0:
        raise SandboxUnavailable(f"installing the seccomp filter failed: {os.strerror(ctypes.get_errno())}")


def network_denied() -> bool:
    """True when this process cannot open an IPv4 socket (the filter is in force).

    >>> network_denied()  # the test process itself is not sandboxed
    False
    """
    import socket

    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    except PermissionError:
        return True
    return False
