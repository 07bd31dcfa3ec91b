#!/usr/bin/env python3
"""Measures what IMAP SEARCH costs with the lazily caught-up index of the mailbox store.

    sudo python3 bench/search.py [--msgs 2000] [--warmup 2000]

Builds nothing: run bench/run once before (it builds the distribution). Starts the server with the benchmark
configuration, warms it up, delivers --msgs messages of 4 KiB at 20 connections (nothing is indexed then), and
measures over IMAP (STARTTLS):
  - the first UID SEARCH BODY: the folder is caught up, every new message read and indexed (server CPU per message);
  - the same search again: answered from the index;
  - UID SEARCH UNSEEN and SUBJECT: answered from the message rows.
The CPU per indexed message, set against the CPU per delivered message, is why indexing is not on the delivery path
(bench/RESULTS.md). Prints one JSON line.
"""
import argparse
import imaplib
import json
import pathlib
import re
import shutil
import ssl
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import bench  # noqa: E402


def timed_search(imap, pid, criteria):
    ticks = bench.tree_cpu_ticks(pid)
    started = time.monotonic()
    typ, data = imap.uid("SEARCH", None, *criteria)
    wall = time.monotonic() - started
    cpu = (bench.tree_cpu_ticks(pid) - ticks) * 1000 / bench.CLOCK_TICKS
    if typ != "OK":
        raise SystemExit("SEARCH %s answered %s %s" % (criteria, typ, data))
    return len(data[0].split()), round(wall * 1000), round(cpu)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warmup", type=int, default=2000)
    parser.add_argument("--msgs", type=int, default=2000)
    parser.add_argument("--work", default="/tmp/mailwright-search")
    args = parser.parse_args()

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
        mw.provision([bench.ONE_USER])
        if args.warmup:
            bench.measure(mw, msgs=args.warmup, conc=20, size=4096, users=[bench.ONE_USER], recipient=bench.ONE_USER, probe=False)
            mw.purge([bench.ONE_USER])
        delivery = bench.measure(mw, msgs=args.msgs, conc=20, size=4096, users=[bench.ONE_USER], recipient=bench.ONE_USER, probe=False)
        bench.settle(mw.pid)
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        imap = imaplib.IMAP4("127.0.0.1", bench.MW_IMAP)
        imap.starttls(ssl_context=context)
        imap.login(bench.ONE_USER, bench.PASSWORD)
        imap.select("INBOX", readonly=True)
        first = timed_search(imap, mw.pid, ["BODY", "2XXXXXXXXXXXXXXX"])
        again = timed_search(imap, mw.pid, ["BODY", "2XXXXXXXXXXXXXXX"])
        unseen = timed_search(imap, mw.pid, ["UNSEEN"])
        subject = timed_search(imap, mw.pid, ["SUBJECT", "nothing-like-this"])
        imap.logout()
        result = {
            "messages": args.msgs,
            "delivery_stored_msg_s": delivery["stored_msg_s"],
            "delivery_cpu_ms_per_msg": delivery["cpu_ms_per_msg"],
            "first_text_search": {"found": first[0], "wall_ms": first[1], "cpu_ms": first[2],
                                  "cpu_ms_per_indexed_msg": round(first[2] / max(1, args.msgs), 2)},
            "text_search_again": {"found": again[0], "wall_ms": again[1], "cpu_ms": again[2]},
            "unseen_from_rows": {"found": unseen[0], "wall_ms": unseen[1], "cpu_ms": unseen[2]},
            "subject_from_rows": {"found": subject[0], "wall_ms": subject[1], "cpu_ms": subject[2]},
        }
        print(json.dumps(result), flush=True)
    finally:
        mw.stop()
        dns.stop()


if __name__ == "__main__":
    main()
