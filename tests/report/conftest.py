"""Shared fixtures: one small end-to-end report run, and a headless-Chromium page check."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--hide-scrollbars",
]


def _run_cli(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``python -m infolens ARGS`` as a user would (fresh process)."""
    env = dict(os.environ, PYTHONWARNINGS="ignore", OMP_NUM_THREADS="1")
    return subprocess.run([sys.executable, "-m", "infolens", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def small_report(tmp_path_factory):
    """``infolens report`` on the default dataset with 2 epochs (all sections)."""
    root = tmp_path_factory.mktemp("e2e")
    proc = _run_cli("report", "--epochs", "2", "--quiet", "--out", "rep", cwd=root)
    return root / "rep", proc


def chromium() -> str:
    exe = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(exe).exists():
        pytest.fail("headless Chromium is needed for the page test: apt-get install chromium "
                    "(.ci/run installs it), or set CHROMIUM=/path/to/chromium.")
    return exe


def _open_page(html: Path, tmp: Path, *, width: int = 1280,
               height: int = 2000) -> tuple[str, np.ndarray]:
    """Load ``html`` in headless Chromium: return the DOM after load and the screenshot."""
    exe = chromium()
    profile = tmp / "profile"
    shot = tmp / "shot.png"
    common = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=5000"]
    url = html.resolve().as_uri()
    dom = subprocess.run([*common, "--dump-dom", url], capture_output=True, text=True,
                         timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    snap = subprocess.run([*common, f"--screenshot={shot}", f"--window-size={width},{height}",
                           url], capture_output=True, text=True, timeout=120)
    assert snap.returncode == 0 and shot.exists(), snap.stderr[-2000:]
    from PIL import Image

    pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
    return dom.stdout, pixels


@pytest.fixture
def run_cli():
    """``run_cli(*args, cwd=...)`` runs ``python -m infolens`` in a fresh process."""
    return _run_cli


@pytest.fixture
def open_page():
    """``open_page(html, tmp)`` -> (DOM after load, grayscale screenshot array)."""
    return _open_page
