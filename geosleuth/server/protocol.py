"""The messages between a client and a worker: a 4-byte length, then UTF-8 JSON; the first
message of a client carries its stdin, stdout and stderr as SCM_RIGHTS descriptors.

client -> worker   {"v": 1, "argv": [...], "cwd": ..., "env": {...}, "stamp": ...,
                    "encodings": [[encoding, errors], ...]}  + 3 descriptors
worker -> client   {"pid": <worker pid>}  or  {"refused": "<why>"}
worker -> client   {"exit": <exit code>}
"""

from __future__ import annotations

import json
import socket
import struct
from typing import Any

VERSION = 1
MAX_MESSAGE = 4 * 1024 * 1024  # an environment and a command line fit many times over
_LENGTH = struct.Struct("!I")


class ProtocolError(OSError):
    """The other side sent something that is not a message, or hung up mid-way."""


def send(conn: socket.socket, message: dict[str, Any], fds: list[int] | None = None) -> None:
    body = json.dumps(message, ensure_ascii=False).encode("utf-8")
    data = _LENGTH.pack(len(body)) + body
    if fds:
        sent = socket.send_fds(conn, [data], fds)
        if sent < len(data):
            conn.sendall(data[sent:])
    else:
        conn.sendall(data)


def _read(conn: socket.socket, n: int, fds: list[int], max_fds: int) -> bytes:
    chunks: list[bytes] = []
    while n > 0:
        if max_fds and not fds:
            data, got, _, _ = socket.recv_fds(conn, n, max_fds)
            fds.extend(got)
        else:
            data = conn.recv(n)
        if not data:
            raise ProtocolError("the other side hung up")
        chunks.append(data)
        n -= len(data)
    return b"".join(chunks)


def receive(conn: socket.socket, max_fds: int = 0) -> tuple[dict[str, Any], list[int]]:
    """One message and the descriptors that came with it (at most ``max_fds``)."""
    fds: list[int] = []
    (length,) = _LENGTH.unpack(_read(conn, _LENGTH.size, fds, max_fds))
    if length > MAX_MESSAGE:
        raise ProtocolError(f"a message of {length} bytes")
    try:
        message = json.loads(_read(conn, length, fds, max_fds).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"not a message: {exc}") from None
    if not isinstance(message, dict):
        raise ProtocolError("not a message: not an object")
    return message, fds
