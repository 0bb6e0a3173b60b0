"""Loopback subnets claimed across processes (kubenb/net/claims.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kubenb.net import claims

SUBNET = 247  # outside the subnets profiles use in other tests


@pytest.fixture
def other_process():
    """A live process that claims SUBNET, then waits for its stdin to close."""
    code = ("import sys; from kubenb.net import claims; "
            f"print(claims.claim({SUBNET}), flush=True); sys.stdin.read(); "
            f"claims.release({SUBNET})")
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "True"
    yield proc
    if proc.poll() is None:
        proc.stdin.close()
        proc.wait(10)


def test_a_subnet_held_by_a_live_process_is_refused(other_process):
    assert claims.held_elsewhere(SUBNET)
    assert not claims.claim(SUBNET)


def test_a_dead_owner_leaves_a_stale_claim_that_can_be_taken(other_process):
    other_process.kill()
    other_process.wait(10)
    assert not claims.held_elsewhere(SUBNET)
    assert claims.claim(SUBNET)
    assert claims.claim(SUBNET)  # taking it again is fine
    claims.release(SUBNET)
    assert not claims.held_elsewhere(SUBNET)


def test_profiles_skip_a_subnet_another_kernel_holds(other_process, monkeypatch):
    from kubenb.profiles import Profiles

    reg = Profiles(register_atexit=False)
    monkeypatch.setattr(claims, "claim", lambda n: n != 49 and n != SUBNET)
    assert reg._free_subnet("process") == "192.168.58"
    assert reg._free_subnet("sim") == "192.168.49"
