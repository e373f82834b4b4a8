"""``detector serve`` under load: requests/s and latency for 600-word articles, and behaviour past capacity.

Starts real servers (default config: every check, the MT model included) and drives ``POST /v1/check``
from 1, 4 and 16 concurrent clients, each on its own keep-alive connection:

1. with a queue deep enough for every client (nothing is refused): requests/s, p50/p95 latency;
2. with the default queue (capacity = 2 × workers): the share of 503s past capacity, and that every
   request is answered exactly once — by its own report (the id echoes back) or by a 503 with
   Retry-After — and none is lost or left hanging.

    python bench/serve.py [--workers 1] [--requests 24] --out bench/results/serve.json
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def articles_of(words: int, n: int) -> list[str]:
    """``n`` different ``words``-word articles cut from the seed articles' paragraphs (shipped with detector)."""
    paragraphs = [p for f in sorted((ROOT / "seeds").glob("*.txt")) for p in f.read_text(encoding="utf-8").split("\n\n")
                  if len(p.split()) > 8]
    out = []
    for i in range(n):
        chosen, count, j = [], 0, i
        while count < words:
            p = paragraphs[j % len(paragraphs)]
            chosen.append(p)
            count += len(p.split())
            j += 7  # a different mix of paragraphs for each article
        text = "\n\n".join(chosen)
        cut = [m.end() for m in re.finditer(r"\S+", text)][words - 1]
        out.append(text[:cut])
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, *args: str) -> None:
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="detector-bench-")
        env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
        env.pop("DETECTOR_TOKEN", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "detector", "serve", "--port", str(self.port), *args],
                                     cwd=self.dir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t0 = time.monotonic()
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited with {self.proc.returncode}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().read() == b"ok":
                    break
            except OSError:
                time.sleep(0.3)
        self.startup_s = time.monotonic() - t0

    def info(self) -> dict:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("GET", "/v1/info")
        return json.loads(conn.getresponse().read())

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def drive(server: Server, texts: list[str], clients: int, requests: int, timeout: float = 900.0) -> dict:
    """``requests`` checks from ``clients`` threads; every answer is matched to its request by id."""
    port = server.port
    worker_before = server.info()["pool"]["worker_seconds"]
    lock = threading.Lock()
    next_request = iter(range(requests))
    answers: dict[str, list] = {}
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    retry_after: list[bool] = []

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        while True:
            with lock:
                i = next(next_request, None)
            if i is None:
                break
            rid = f"req-{i}"
            body = json.dumps({"id": rid, "text": texts[i % len(texts)], "outlet": "bench.example"})
            t0 = time.perf_counter()
            try:
                conn.request("POST", "/v1/check", body=body, headers={"Content-Type": "application/json"})
                r = conn.getresponse()
                data = r.read()
                status = r.status
            except (OSError, http.client.HTTPException) as exc:
                status, data = f"error:{type(exc).__name__}", b""
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            elapsed = time.perf_counter() - t0
            with lock:
                statuses[str(status)] += 1
                if status == 200:
                    latencies.append(elapsed)
                    answers.setdefault(json.loads(data)["id"], []).append(rid)
                elif status == 503:
                    answers.setdefault(rid, []).append(rid)
                    retry_after.append(r.getheader("Retry-After") is not None)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    ok = statuses.get("200", 0)
    busy = statuses.get("503", 0)
    expected = {f"req-{i}" for i in range(requests)}
    lat = sorted(latencies)
    worker_s = server.info()["pool"]["worker_seconds"] - worker_before
    return {
        "clients": clients, "requests": requests, "ok": ok, "busy_503": busy,
        "other": {k: v for k, v in statuses.items() if k not in ("200", "503")},
        "share_503": round(busy / requests, 3), "wall_s": round(wall, 2),
        "requests_per_s": round(ok / wall, 2),
        "p50_ms": round(1000 * statistics.median(lat), 1) if lat else None,
        "p95_ms": round(1000 * lat[min(len(lat) - 1, int(0.95 * len(lat)))], 1) if lat else None,
        "lost": len(expected - set(answers)),
        "answered_twice": sum(len(v) > 1 for v in answers.values()),
        "wrong_report": sum(k not in expected or v != [k] for k, v in answers.items()),
        "busy_with_retry_after": sum(retry_after),
        # time the workers spent checking, per answered check: the rest of the latency is queueing and HTTP
        "worker_s_per_check": round(worker_s / ok, 3) if ok else None,
        "mean_latency_s": round(statistics.mean(lat), 3) if lat else None,
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--requests", type=int, default=16, help="Requests per client count (at least the client count).")
    ap.add_argument("--words", type=int, default=600)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "serve.json")
    args = ap.parse_args()
    texts = articles_of(args.words, 16)
    levels = (1, 4, 16)
    result: dict = {"command": "python bench/serve.py " + " ".join(sys.argv[1:]), "cpus": os.cpu_count(),
                    "workers": args.workers, "article_words": args.words}

    # 1. a queue for every client and a deadline long enough for the longest wait: nothing refused
    server = Server("--workers", str(args.workers), "--queue", str(max(levels)), "--deadline", "900")
    try:
        result["startup_s"] = round(server.startup_s, 1)
        drive(server, texts, 1, 2)  # warm the connection path; not counted
        result["queued"] = {"capacity": server.info()["limits"]["capacity"], "deadline_s": 900,
                            "levels": [drive(server, texts, c, max(c, args.requests)) for c in levels]}
    finally:
        server.stop()
    # 2. the defaults (queue = workers, 60 s deadline): how many are refused past capacity, and how
    server = Server("--workers", str(args.workers))
    try:
        capacity = server.info()["limits"]["capacity"]
        result["past_capacity"] = {"capacity": capacity, "deadline_s": 60,
                                   "levels": [drive(server, texts, c, max(c, args.requests)) for c in levels]}
    finally:
        server.stop()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for name in ("queued", "past_capacity"):
        for lv in result[name]["levels"]:
            print(f"{name:13} clients {lv['clients']:2}: {lv['requests_per_s']:6.2f} req/s  p50 {lv['p50_ms']} ms  "
                  f"p95 {lv['p95_ms']} ms  503 {lv['share_503']:.0%}  lost {lv['lost']}  twice {lv['answered_twice']}  "
                  f"worker {lv['worker_s_per_check']} s/check  load {lv['loadavg_1m']}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
