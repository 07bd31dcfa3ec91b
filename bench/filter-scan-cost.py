#!/usr/bin/env python3
"""What one scan costs in the content filters themselves, without Mailwright: the same 4 KiB message (with the SMTP
facts RspamdHook sends) to rspamd's /checkv2 and to clamd's INSTREAM, N times, from C client threads, as the
hooks do at the end of DATA. Prints latency (p50, p99) per filter and the CPU the filter's processes spent per
message (/proc, the process tree of the pid files start-local.sh writes).

usage: bench/filter-scan-cost.py FILTERS_DIR RSPAMD_HOST:PORT CLAMD_HOST:PORT [messages] [concurrency]
       (FILTERS_DIR: the folder given to docker/filters/start-local.sh; defaults 1000 messages, 20 threads)
"""
import os
import socket
import statistics
import struct
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

HZ = os.sysconf("SC_CLK_TCK")


def tree_ticks(pid):
    total = 0
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += sum(int(v) for v in fields[11:15])
    except OSError:
        return 0
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return total + sum(tree_ticks(int(child)) for child in children)


def message(i):
    body = "".join(f"Line {n} of the meeting notes about the quarterly budget, the schedule and the report {i}.\r\n"
                   for n in range(45))
    return (f"From: News <news@other.test>\r\nTo: Bob <bob@example.test>\r\nSubject: notes {i}\r\n"
            f"Message-ID: <{i}.{time.time_ns()}@other.test>\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\n"
            f"Authentication-Results: mail.example.test; spf=pass smtp.mailfrom=other.test; dkim=none; dmarc=none\r\n"
            f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n{body}").encode()


def rspamd(address, data):
    request = urllib.request.Request(f"http://{address}/checkv2", data=data, headers={
        "IP": "203.0.113.9", "Helo": "mx.other.test", "From": "news@other.test", "Rcpt": "bob@example.test",
        "Queue-Id": "bench", "MTA-Name": "mail.example.test"})
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def clamd(address, data):
    host, port = address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(b"zINSTREAM\0" + struct.pack(">I", len(data)) + data + struct.pack(">I", 0))
        reply = b""
        while not reply.endswith(b"\0"):
            chunk = s.recv(256)
            if not chunk:
                break
            reply += chunk
        if not reply.startswith(b"stream: OK"):
            raise RuntimeError(reply)


def measure(name, call, address, pid, count, concurrency):
    messages = [message(i) for i in range(count)]
    for data in messages[:50]:  # warm-up
        call(address, data)
    latencies = []

    def one(data):
        start = time.perf_counter()
        call(address, data)
        latencies.append(time.perf_counter() - start)

    ticks = tree_ticks(pid)
    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, messages))
    wall = time.perf_counter() - start
    ticks = tree_ticks(pid) - ticks
    latencies.sort()
    print(f"{name:7} {count} x {len(messages[0])} bytes, {concurrency} threads: {count / wall:7.1f} scans/s, "
          f"latency p50 {statistics.median(latencies) * 1000:6.1f} ms p99 {latencies[int(len(latencies) * 0.99) - 1] * 1000:6.1f} ms, "
          f"filter CPU {ticks / HZ * 1000 / count:5.2f} ms/message")


def main():
    directory, rspamd_address, clamd_address = sys.argv[1:4]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    concurrency = int(sys.argv[5]) if len(sys.argv) > 5 else 20
    pids = {name: int(open(os.path.join(directory, f"{name}.pid")).read()) for name in ("rspamd", "clamd")}
    for threads in (1, concurrency):
        measure("rspamd", rspamd, rspamd_address, pids["rspamd"], count, threads)
        measure("clamd", clamd, clamd_address, pids["clamd"], count, threads)


if __name__ == "__main__":
    main()
