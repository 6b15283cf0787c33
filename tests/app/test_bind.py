"""`streamlit run app.py`, started as the README says (only the port is chosen, so runs never collide), listens
on this machine alone: it answers on 127.0.0.1, refuses connections on every other address of the machine,
and the kernel's socket table shows its listening sockets bound to loopback addresses only."""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit_process import free_port, keyless_environment, running_app

STREAMLIT = Path(sys.executable).parent / "streamlit"


def machine_addresses() -> list[str]:
    """This machine's own non-loopback addresses (`hostname -I`)."""
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [a for a in out.split() if not ipaddress.ip_address(a.split("%")[0]).is_loopback]


def listening_addresses(port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The local addresses of the sockets listening on `port`, read from /proc/net/tcp and tcp6."""
    found = []
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, state = fields[1], fields[3]
            address, _, port_hex = local.partition(":")
            if state != "0A" or int(port_hex, 16) != port:  # 0A = LISTEN
                continue
            raw = bytes.fromhex(address)
            # the kernel prints each 32-bit word in host (little-endian) order
            packed = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
            found.append(ipaddress.ip_address(packed) if width == 8 else ipaddress.IPv6Address(packed))
    return found


@pytest.fixture(scope="module")
def app_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    port = free_port()
    env = keyless_environment()
    env.pop("STREAMLIT_SERVER_ADDRESS", None)  # the project's .streamlit/config.toml decides
    log = tmp_path_factory.mktemp("bind") / "server.log"
    with running_app([str(STREAMLIT), "run", "app.py", "--server.port", str(port)], env, log, port):
        yield port


def test_the_app_answers_on_loopback(app_port: int) -> None:
    with urllib.request.urlopen(f"http://127.0.0.1:{app_port}/", timeout=5) as response:
        assert response.status == 200
        assert b"<title>" in response.read().lower()


def test_the_kernel_shows_only_loopback_listeners(app_port: int) -> None:
    addresses = listening_addresses(app_port)
    assert addresses, f"no listening socket on port {app_port} in /proc/net/tcp*"
    assert all(a.is_loopback for a in addresses), addresses  # not 0.0.0.0 / :: (every interface)


def test_other_addresses_of_this_machine_refuse_connections(app_port: int) -> None:
    others = machine_addresses()
    if not others:  # nothing to dial: the socket table above is then the whole proof
        assert all(a.is_loopback for a in listening_addresses(app_port))
        return
    for address in others:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.settimeout(3)
            with pytest.raises(ConnectionRefusedError):
                sock.connect((address, app_port))
