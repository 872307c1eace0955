"""Fail loudly on any connection beyond loopback: tests never use the network.

``install()`` patches the socket module of this process. Test subprocesses (crawls run as
``gced-news`` commands) get it through ``sitecustomize.py`` in this folder, put first on
their ``PYTHONPATH``.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any


class NetworkBlocked(RuntimeError):
    """A test tried to reach beyond this machine."""


def is_loopback(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(str(host)).is_loopback
    except ValueError:
        return False


def check(address: Any) -> None:
    host = address[0] if isinstance(address, tuple) else address
    if not is_loopback(host):
        raise NetworkBlocked(f"tried to reach {address!r}: tests never use the network")


def patched() -> dict[str, Any]:
    """Guarded replacements for socket.socket.connect/connect_ex and socket.getaddrinfo."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            check(address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            check(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None:
            check((host,))
        return real_getaddrinfo(host, *args, **kwargs)

    return {"connect": connect, "connect_ex": connect_ex, "getaddrinfo": getaddrinfo}


def install() -> None:
    guards = patched()
    socket.socket.connect = guards["connect"]  # type: ignore[method-assign]
    socket.socket.connect_ex = guards["connect_ex"]  # type: ignore[method-assign]
    socket.getaddrinfo = guards["getaddrinfo"]
