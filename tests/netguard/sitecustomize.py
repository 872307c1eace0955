"""Loaded at start-up by test subprocesses: no network beyond loopback."""

import netguard

netguard.install()
