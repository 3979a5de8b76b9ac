#!/usr/bin/env python3
"""Save -> new content served, end to end, and the idle CPU of `errdex serve`.

    cargo build --release && python3 benches/serve_latency.py [CATALOG_DIR]

Copies the catalog (default: catalog/) to a temporary folder, starts
`target/release/errdex serve --port 0` on it, then 10 times rewrites one error's title
and polls its page over HTTP until the new title is served; prints the median, min and
max. Before that it measures the server's CPU time over 20 idle seconds from
/proc/<pid>/stat. Loopback only; the server is stopped at the end.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "catalog")
    work = tempfile.mkdtemp(prefix="errdex-latency-")
    catalog = os.path.join(work, "catalog")
    shutil.copytree(source, catalog)
    server = subprocess.Popen(
        [os.path.join(ROOT, "target/release/errdex"), "serve", "--catalog", catalog, "--port", "0"],
        stderr=subprocess.PIPE, text=True)
    try:
        port = None
        for line in server.stderr:
            m = re.search(r"Serving http://127\.0\.0\.1:(\d+)/", line)
            if m:
                port = m.group(1)
                break
        if port is None:
            sys.exit("errdex serve did not start")
        ticks = os.sysconf("SC_CLK_TCK")
        before = cpu_ticks(server.pid)
        time.sleep(20)
        idle = (cpu_ticks(server.pid) - before) / ticks
        print(f"idle CPU: {idle:.2f} s over 20 s ({idle / 20 * 100:.2f} %)")

        # The first error file in path order (catalogs may have subfolders).
        errors_dir = os.path.join(catalog, "errors")
        path = min(os.path.join(d, f) for d, _, files in os.walk(errors_dir)
                   for f in files if f.endswith(".yaml"))
        target = os.path.relpath(path, catalog)
        code = os.path.basename(path).rsplit(".", 1)[0]
        latencies = []
        for i in range(10):
            text = open(path).read()
            marker = f"Latency probe {i}"
            new = re.sub(r"\ntitle: .*", f"\ntitle: {marker}", text, count=1)
            started = time.time()
            with open(path, "w") as f:
                f.write(new)
            url = f"http://127.0.0.1:{port}/errors/{code}/"
            while marker not in urllib.request.urlopen(url).read().decode():
                if time.time() - started > 30:
                    sys.exit("timed out waiting for the edit to be served")
                time.sleep(0.002)
            latencies.append((time.time() - started) * 1000)
            # Saves a writer makes are seconds apart; this leaves the server time to
            # finish the catalog-wide files of a large catalog before the next one.
            time.sleep(1.0)
        latencies.sort()
        print(f"save -> served: median {latencies[len(latencies) // 2]:.1f} ms, "
              f"min {latencies[0]:.1f} ms, max {latencies[-1]:.1f} ms (10 edits of {target})")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
