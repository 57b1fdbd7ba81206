"""How long the cyclic garbage collector holds a server process: a full collection (which stalls every
request of the process, GIL held) in a warmed portal process, with and without its start-up objects frozen
(``program/warm.py``).  Writes docs/validation-server-gc.md.

    PYTHONPATH=src python bench/server_gc.py      (or: python bench/run.py server_gc)

A fresh demo study (SQLite), the app in a child process (Starlette's test client), the readers and
grammar loaded as a server loads them, then 750 rounds of four physician pages (3,000 requests); each full
collection the interpreter runs on its own is timed (gc.callbacks), then one forced full collection.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "validation-server-gc.md"
PAGES = ("/patients", "/api/orders", "/notifications", "/patients/1")

CHILD = r"""
import gc, json, os, sys, time
frozen = sys.argv[1] == "frozen"
from fastapi.testclient import TestClient
from whimscreen.program import warm
from whimscreen.program.demo_seed import DEMO_USERS
from whimscreen.web.app import create_app
app = create_app()
client = TestClient(app)
email, password = next((e, p) for role, e, _, p in DEMO_USERS if role == "physician")
assert client.post("/api/auth/login", json={"email": email, "password": password}).status_code == 200
warm.load()
for _ in range(5):
    for page in PAGES:
        client.get(page)
if frozen:
    warm.freeze()
tracked = len(gc.get_objects(2)) if hasattr(gc, "get_objects") else None
pauses, started = [], [0.0]
def timer(phase, info):
    if info["generation"] != 2:
        return
    if phase == "start":
        started[0] = time.perf_counter()
    else:
        pauses.append((time.perf_counter() - started[0]) * 1000)
gc.callbacks.append(timer)
t = time.perf_counter()
for _ in range(750):
    for page in PAGES:
        assert client.get(page).status_code == 200, page
wall = time.perf_counter() - t
gc.callbacks.remove(timer)
t = time.perf_counter()
gc.collect()
forced = (time.perf_counter() - t) * 1000
print(json.dumps({"tracked": len(gc.get_objects()), "frozen": gc.get_freeze_count(), "pauses": pauses,
                  "forced_ms": forced, "requests_per_s": 3000 / wall}))
"""


def _measure(env: dict, mode: str) -> dict:
    import json

    code = CHILD.replace("PAGES", repr(PAGES))
    done = subprocess.run([sys.executable, "-c", code, mode], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(quick: bool = False) -> str:
    with tempfile.TemporaryDirectory(prefix="server-gc-") as tmp:
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), WHIMSCREEN_HOME=tmp)
        env["DATABASE_URL"] = f"sqlite:///{tmp}/demo.db"
        env.pop("WHIMSCREEN_DATABASE_URL", None)
        seeded = subprocess.run(
            [sys.executable, "-m", "whimscreen", "demo", "--no-serve", "--home", tmp],
            env=env,
            capture_output=True,
            text=True,
        )
        if seeded.returncode != 0:
            raise RuntimeError(seeded.stderr)
        rows = {mode: _measure(env, mode) for mode in ("not frozen", "frozen")}
    lines = [
        "# Full garbage collections in a server process (bench/server_gc.py)",
        "",
        f"Generated {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average "
        f"{os.getloadavg()[0]:.1f}. A warmed portal process (fresh SQLite demo study, the app in-process, "
        "the readers and grammar loaded as a server loads them), then 3,000 physician page requests; every "
        "full collection the interpreter ran on its own was timed, then one forced. A full collection holds "
        "the GIL: every request of the process waits for it.",
        "",
        "| start-up objects | objects the collector tracks | frozen | full collections in 3,000 requests "
        "| their longest (ms) | a forced full collection (ms) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for mode, r in rows.items():
        longest = f"{max(r['pauses']):.1f}" if r["pauses"] else "—"
        lines.append(
            f"| {mode} | {r['tracked']:,} | {r['frozen']:,} | {len(r['pauses'])} | {longest} "
            f"| {r['forced_ms']:.1f} |"
        )
    OUT.write_text("\n".join(lines) + "\n")
    return "\n".join(lines)


if __name__ == "__main__":
    print(main())
