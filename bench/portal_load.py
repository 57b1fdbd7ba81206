"""Load benchmark of the portal: the demo study under locust, 50 and 200 simulated users, SQLite and
PostgreSQL; writes docs/validation-portal-load.md.

    PYTHONPATH=src python bench/portal_load.py [--users 50,200] [--db sqlite,postgresql] [--workers 1,2]
        [--front uvicorn,nginx] [--seconds 60] [--out FILE.md]

The defaults run the whole set (8 configurations, about 35 min on 2 CPUs: each seeds its own study; a
200-user run spends 200 s logging users in before its 60 s window).

For each configuration: a fresh demo study (``whimscreen demo --no-serve`` on a new SQLite file or a new
PostgreSQL database, DATABASE_URL), served on 127.0.0.1 by ``uvicorn --factory whimscreen.web.app:create_app``
(``--workers 1,2``: one server process, then two on one database); ``--front``: how several processes
share the users, ``uvicorn`` (its ``--workers``: one listening socket, a connection stays with the process
that accepted it) or ``nginx`` (one uvicorn process per port behind nginx ``least_conn`` with upstream
keep-alive: every request goes to the process with the fewest in flight; needs the ``nginx`` binary, see
docs/portal.md); locust (headless, one process) runs the
roles' workflows of ``portal_locustfile.py``: users log in LOGIN_RATE per second, then all work for
``--seconds`` (the steady window); every request is logged and the table gives p50/p95/p99/max over the
window's requests and over its reads (GET pages and API), the count of 5xx, of other errors and of requests
over 10 s, and the logins apart.  PostgreSQL: ``--postgres`` (default BENCH_POSTGRES_URL, else the test
role of the local cluster, see tests/web/postgres.py) must be allowed to create databases.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import numpy as np
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
LOGIN_RATE = 1  # users arriving (logging in) per second: what argon2id allows on 2 busy CPUs
DEFAULT_PG = "postgresql+psycopg://whimscreen_test:whimscreen_test_pw@127.0.0.1:5432/postgres"


def _ramp(users: int) -> int:
    return -(-users // LOGIN_RATE)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(**extra) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), **extra)
    env.pop("WHIMSCREEN_DATABASE_URL", None)
    return env


def _pg_database(base: str) -> tuple[str, callable]:
    name = f"whim_load_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False), drop


def run(
    db: str, users: int, seconds: int, pg_base: str, work: Path, workers: int = 1, front: str = "uvicorn"
) -> dict:
    home = work / f"{db}-{users}-{workers}-{front}"
    drop, env = None, _env(WHIMSCREEN_HOME=str(home))
    if db == "postgresql":
        url, drop = _pg_database(pg_base)
    else:
        url = f"sqlite:///{home / 'demo.db'}"
    env["DATABASE_URL"] = url
    home.mkdir(parents=True)
    try:
        slots = 1 if db == "sqlite" else int(env.get("WHIMSCREEN_DB_POOL_SIZE", 20))  # see web/app.py
        measured = _measure(env, home, users, seconds, workers, front)
        return measured | {"db": db, "slots": slots, "front": front}
    finally:
        if drop:
            drop()


def _uvicorn(env: dict, log: Path, port: int, workers: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            PY,
            "-m",
            "uvicorn",
            "--factory",
            "whimscreen.web.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )


NGINX_CONF = ROOT / "deploy" / "nginx.conf"  # the documented deployment, placeholders filled in


def nginx_conf(home: Path, listen: str, upstream: list[str]) -> str:
    """deploy/nginx.conf for these upstream processes, listening on ``listen``, files under ``home``."""
    servers = "\n".join(f"    server {u};" for u in upstream)
    text = NGINX_CONF.read_text()
    return text.replace("@HOME@", str(home)).replace("@LISTEN@", listen).replace("@SERVERS@", servers)


def nginx_binary() -> str | None:
    """The nginx executable (Debian installs it in /usr/sbin, often not on a user's PATH), or None."""
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def _start(env: dict, home: Path, log: Path, port: int, workers: int, front: str):
    """The server processes and the port locust talks to."""
    if front == "uvicorn":
        return [_uvicorn(env, log, port, workers)], port
    nginx = nginx_binary()
    if nginx is None:
        raise RuntimeError("--front nginx needs nginx (Debian: apt-get install nginx-light)")
    env = dict(env, WHIMSCREEN_TRUSTED_PROXIES="127.0.0.1")  # X-Forwarded-For from nginx only
    upstream = [_port() for _ in range(workers)]
    servers = [_uvicorn(env, log, p, 1) for p in upstream]
    conf = home / "nginx.conf"
    conf.write_text(nginx_conf(home, f"127.0.0.1:{port}", [f"127.0.0.1:{p}" for p in upstream]))
    for p in upstream:  # nginx answers 502 until every upstream listens
        _wait(f"http://127.0.0.1:{p}/healthz", servers, log)
    servers.append(
        subprocess.Popen(
            [nginx, "-c", str(conf), "-p", str(home)], stdout=log.open("a"), stderr=subprocess.STDOUT
        )
    )
    return servers, port


def _wait(url: str, servers: list[subprocess.Popen], log: Path) -> None:
    deadline = time.monotonic() + 600
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if any(s.poll() is not None for s in servers) or time.monotonic() > deadline:
            raise RuntimeError(f"the demo server did not start: see {log}")
        time.sleep(1)


def _measure(env: dict, home: Path, users: int, seconds: int, workers: int, front: str = "uvicorn") -> dict:
    port, log = _port(), home / "server.log"
    seeded = subprocess.run(  # the demo study (DATABASE_URL), then the server as deployed
        [PY, "-m", "whimscreen", "demo", "--no-serve", "--home", str(home)],
        env=env,
        capture_output=True,
        text=True,
    )
    if seeded.returncode != 0:
        raise RuntimeError(f"whimscreen demo failed: {seeded.stderr}")
    servers, port = _start(env, home, log, port, workers, front)
    try:
        _wait(f"http://127.0.0.1:{port}/healthz", servers, log)
        requests = home / "requests.jsonl"
        subprocess.run(
            [
                PY,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "portal_locustfile.py"),
                "--headless",
                "-u",
                str(users),
                "-r",
                str(LOGIN_RATE),
                "-t",
                f"{_ramp(users) + seconds}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--only-summary",
                "--stop-timeout",
                "15",
                "--loglevel",
                "WARNING",
            ],
            env=dict(env, PORTAL_LOAD_LOG=str(requests), PORTAL_LOAD_DATA=str(home / "demo-data")),
            check=False,
            stdout=(home / "locust.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        rows = [json.loads(line) for line in requests.read_text().splitlines()]
    finally:
        for server in servers[::-1]:  # nginx first, then the uvicorn processes
            server.terminate()
        for server in servers:
            server.wait(30)
    return _summary("", users, rows, _ramp(users)) | {"workers": workers}


def _pct(ms: list[float]) -> dict:
    if not ms:
        return {"p50": None, "p95": None, "p99": None, "max": None}
    a = np.asarray(ms)
    return {
        "p50": float(np.percentile(a, 50)),
        "p95": float(np.percentile(a, 95)),
        "p99": float(np.percentile(a, 99)),
        "max": float(a.max()),
    }


def _summary(db: str, users: int, rows: list[dict], ramp: int) -> dict:
    """Logins over the whole run; the workflows in the steady window, once every user has logged in."""
    logins = [r for r in rows if r["n"] == "/api/auth/login"]
    start = min(r["t"] for r in rows) + ramp
    steady = [r for r in rows if r["t"] >= start and r["n"] != "/api/auth/login"]
    return {
        "db": db,
        "users": users,
        "requests": len(steady),
        "all": _pct([r["ms"] for r in steady]),
        "reads": _pct([r["ms"] for r in steady if r["m"] == "GET"]),
        "5xx": sum(1 for r in steady if r["s"] >= 500),
        "errors": sum(1 for r in steady if r["s"] == 0 or (400 <= r["s"] < 500 and r["s"] != 409)),
        "over_10s": sum(1 for r in steady if r["ms"] > 10_000),
        "logins": {"n": len(logins), "5xx": sum(1 for r in logins if r["s"] >= 500)}
        | _pct([r["ms"] for r in logins]),
        "slowest": sorted(((r["ms"], f"{r['m']} {r['n']}") for r in steady), reverse=True)[:3],
        "by_request": _by_request(steady),
    }


def _by_request(steady: list[dict]) -> dict:
    """p50/p99 and count of each request name (method and path pattern) in the steady window."""
    names: dict[str, list[float]] = {}
    for r in steady:
        names.setdefault(f"{r['m']} {r['n']}", []).append(r["ms"])
    return {name: {"n": len(ms)} | _pct(ms) for name, ms in sorted(names.items())}


def _shape(r: dict) -> str:
    """Processes × database slots, and what shares the users when there are several."""
    front = r.get("front", "uvicorn")
    return f"{r['workers']} × {r.get('slots', '?')}" + (f" ({front})" if r["workers"] > 1 else "")


def _f(v) -> str:
    return "—" if v is None else f"{v:,.0f}"


def write_table(results: list[dict], seconds: int, out: Path) -> None:
    lines = [
        "# Portal under load",
        "",
        f"Generated by `bench/portal_load.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; "
        f"{platform.machine()}, {os.cpu_count()} CPUs shared with other work while measured (load average "
        f"{os.getloadavg()[0]:.0f} at the end); the seeded demo study served by uvicorn (its job worker "
        "analysing the uploads), locust (FastHttpUser) in one process on the same machine, loopback.  "
        f"Users log in {LOGIN_RATE} per second (ramp), then every user works for the {seconds} s measured "
        "(steady window); each waits 1-3 s between tasks.",
        "",
        "Workflows (`bench/portal_locustfile.py`): physicians list patients, open patient and order pages, "
        "read notifications, record new patients (counts, history, consent) and order; technologists "
        "refresh the worklist, open sample pages and, when no analysis is running, accession an ordered "
        "sample, upload a demo gVCF and run the analysis; a director refreshes the worklist and signs out "
        "what is in review; the coordinator reads the study overview.  Times in ms.  Errors: transport "
        "errors and 4xx other than 409 (409 is a refusal the workflow expects when two users race for "
        "the same order).  Logins are shown apart (argon2id, 64 MiB, one hash per CPU at a time).  Slots: "
        "requests of one process holding a database session at once (WHIMSCREEN_DB_POOL_SIZE; 1 on "
        "SQLite); with several processes, (uvicorn): uvicorn --workers, one listening socket, a connection "
        "stays with the process that accepted it; (nginx): one uvicorn process per port behind nginx "
        "least_conn (each request to the process with the fewest in flight).  Logged in: users whose "
        "login succeeded (a login refused with 503 after 30 s in the "
        "hashing queue leaves that simulated user out of the steady window).",
        "",
        "| users | DB | processes × slots | requests | p50 | p95 | p99 | max | reads p50 | reads p99 | 5xx "
        "| errors | > 10 s | logged in | logins p50 / max (5xx) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        a, g, lg = r["all"], r["reads"], r["logins"]
        lines.append(
            f"| {r['users']} | {r['db']} | {_shape(r)} | {r['requests']:,} "
            f"| {_f(a['p50'])} "
            f"| {_f(a['p95'])} | {_f(a['p99'])} | {_f(a['max'])} | {_f(g['p50'])} | {_f(g['p99'])} "
            f"| {r['5xx']} | {r['errors']} | {r['over_10s']} | {lg['n'] - lg['5xx']} "
            f"| {_f(lg['p50'])} / {_f(lg['max'])} ({lg['5xx']}) |"
        )
    lines += ["", "Slowest requests of the steady window:", ""]
    for r in results:
        slow = "; ".join(f"{name} {ms:,.0f} ms" for ms, name in r["slowest"])
        lines.append(f"- {r['users']} users, {r['db']}, {_shape(r)}: {slow}")
    lines += ["", "Reads with the highest p99 (ms; p50 / p99, count):", ""]
    for r in results:
        reads = [(v["p99"], k, v) for k, v in r.get("by_request", {}).items() if k.startswith("GET ")]
        top = "; ".join(
            f"{k} {_f(v['p50'])} / {_f(v['p99'])} ({v['n']})" for _, k, v in sorted(reads)[::-1][:4]
        )
        lines.append(f"- {r['users']} users, {r['db']}, {_shape(r)}: {top or '—'}")
    out.write_text("\n".join(lines) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", default="50,200")
    ap.add_argument("--db", default="sqlite,postgresql")
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--workers", default="1,2", help="server processes, comma-separated")
    ap.add_argument(
        "--front",
        default="uvicorn",
        help="how several processes share users: uvicorn (--workers), nginx (least_conn); comma-separated",
    )
    ap.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_PG))
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "validation-portal-load.md")
    ap.add_argument("--append", action="store_true", help="add to the configurations already in --out")
    ap.add_argument("--keep", type=Path, help="keep each configuration's data home and request log here")
    args = ap.parse_args()
    saved = args.out.with_suffix(".json")
    results = json.loads(saved.read_text()) if args.append and saved.exists() else []
    with tempfile.TemporaryDirectory(prefix="portal-load-") as tmp:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            tmp = tempfile.mkdtemp(prefix="portal-load-", dir=args.keep)
        for db in args.db.split(","):
            for workers in (int(w) for w in args.workers.split(",")):
                for front in args.front.split(",") if workers > 1 else ["uvicorn"]:
                    for users in (int(u) for u in args.users.split(",")):
                        r = run(db, users, args.seconds, args.postgres, Path(tmp), workers, front)
                        print(json.dumps(r), flush=True)
                        results.append(r)
    saved.write_text(json.dumps(results, indent=1) + "\n")
    write_table(results, args.seconds, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
