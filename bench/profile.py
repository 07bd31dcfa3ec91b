#!/usr/bin/env python3
"""Profiles Mailwright under the inbound load of bench.py (4 KiB, 20 connections, no latency probe).

    sudo python3 bench/profile.py [--warmup 6000] [--runs 4] [--msgs 2000] [--jfr FILE] [--fanout]

Builds nothing: run bench/run once before (it builds the distribution). Starts the server with the benchmark
configuration and its DNS, warms it up, then prints stored msg/s and CPU ms/msg of each run; with --jfr, records a
Java Flight Recorder file over the measured runs (read it with `jfr print --stack-depth 200 --events
jdk.ExecutionSample FILE` or JDK Mission Control). With --fanout, the measured runs are the fan-out load of bench.py
instead (100 recipients per message, --msgs / 20 messages per run). Every load loop is bounded by bench.measure.
"""
import argparse
import pathlib
import re
import shutil
import signal
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import bench  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warmup", type=int, default=6000)
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--msgs", type=int, default=2000)
    parser.add_argument("--jfr", default=None, help="record a JFR file over the measured runs")
    parser.add_argument("--work", default="/tmp/mailwright-profile")
    parser.add_argument("--fanout", action="store_true", help="measure 100 recipients per message (bench.py's fan-out)")
    args = parser.parse_args()
    # `kill` must still stop the server and the DNS below (the finally): SIGTERM/SIGHUP become an exit
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: sys.exit(128 + signum))

    version = re.search(r"<version>([^<]+)</version>", (ROOT / "pom.xml").read_text()).group(1)
    dist = ROOT / "server" / "target" / f"mailwright-{version}"
    work = pathlib.Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    dns = bench.Dns(work)
    dns.start()
    mw = bench.Mailwright(work, dist, None, [])
    try:
        mw.start()
        # the warm-up always goes to ONE_USER; the fan-out runs to the 100 users
        mw.provision([bench.ONE_USER] + (bench.FANOUT_USERS if args.fanout else []))
        if args.warmup:
            bench.measure(mw, msgs=args.warmup, conc=20, size=4096, users=[bench.ONE_USER], recipient=bench.ONE_USER, probe=False)
            mw.purge([bench.ONE_USER])
        if args.jfr:
            subprocess.run(["jcmd", str(mw.pid), "JFR.start", "name=profile", "settings=default",
                            f"filename={pathlib.Path(args.jfr).resolve()}"], check=True, capture_output=True)
        for _ in range(args.runs):
            if args.fanout:
                r = bench.measure(mw, msgs=max(20, args.msgs // 20), conc=20, size=4096, users=bench.FANOUT_USERS,
                                  recipient="u@" + bench.DOMAIN, rcpts=100, probe=False)
                mw.purge(bench.FANOUT_USERS)
            else:
                r = bench.measure(mw, msgs=args.msgs, conc=20, size=4096, users=[bench.ONE_USER], recipient=bench.ONE_USER, probe=False)
                mw.purge([bench.ONE_USER])
            print(f"accepted={r['accepted_msg_s']} msg/s stored={r['stored_msg_s']} msg/s "
                  f"deliveries={r['stored_deliveries_s']}/s cpu={r['cpu_ms_per_msg']} ms/msg", flush=True)
        if args.jfr:
            subprocess.run(["jcmd", str(mw.pid), "JFR.stop", "name=profile"], check=True, capture_output=True)
    finally:
        mw.stop()
        dns.stop()


if __name__ == "__main__":
    main()
