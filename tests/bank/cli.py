"""Running ``python -m bot bank ...`` as an operator would, for the bank tests."""

from __future__ import annotations

import subprocess
import sys


def bank_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "bank", *args], capture_output=True, text=True, check=False
    )
