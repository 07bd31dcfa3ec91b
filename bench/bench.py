#!/usr/bin/env python3
"""Mailwright load benchmark: Mailwright, Postfix alone and Postfix + Dovecot side by side under smtp-source.

Every run sends a fixed number of messages with smtp-source, then waits until every message is in its mailbox
(Mailwright: WebAdmin message counts; Postfix: files in Maildir/new; Postfix + Dovecot: files in the Maildir that
Dovecot's LMTP delivered to, checked afterwards over Dovecot's IMAP) and records accepted msg/s, stored msg/s,
server CPU ms per message, peak PSS and the SMTP transaction latency seen by a probe client sending one message
every 100 ms during the run. Every load loop is bounded in count and time. See bench/README.md.
"""
import argparse
import imaplib
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

DOMAIN = "bench.test"
SENDER = "load@sender.test"
ONE_USER = "bob@" + DOMAIN
# smtp-source -r 100 -t u@DOMAIN sends to 100u@, 99u@ ... 2u@ and u@ itself (checked with smtp-source -v)
FANOUT_USERS = [f"u@{DOMAIN}"] + [f"{i}u@{DOMAIN}" for i in range(2, 101)]
PASSWORD = "bench-password"

MW_SMTP = 2525
MW_IMAP = 2143
MW_WEBADMIN = 8801
PF_SMTP = 2527
PFD_SMTP = 2529
DOVECOT_IMAP = 2144
DNS_PORT = 5354
SINK_ADDRESS = "127.0.0.201"
PG_PORT = 5432
PG_DATABASE = "mwbench"


def log(*parts):
    print(time.strftime("%H:%M:%S"), *parts, flush=True)


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, **kwargs)


def wait_for(predicate, timeout, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}")


def port_open(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


# ---------------------------------------------------------------- process accounting

def cpu_ticks(pid):
    """utime+stime of the process and its reaped children (Postfix's master reaps its daemons)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is state (field 3); utime=14, stime=15, cutime=16, cstime=17
    return sum(int(fields[i]) for i in (11, 12, 13, 14))


def tree_pids(roots):
    """The root processes (one pid or a list) and all their descendants (from the parent ids in /proc/*/stat)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parents.setdefault(int(f.read().rsplit(")", 1)[1].split()[1]), []).append(int(entry))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                pass
    pids, todo = [], list(roots) if isinstance(roots, (list, tuple)) else [roots]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo.extend(parents.get(current, []))
    return pids


def machine_ticks():
    """(busy, total) ticks of all CPUs from /proc/stat: how busy the whole machine was, load generator included."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # guest time is already counted in user
    return total - idle, total


def tree_cpu_ticks(roots):
    total = 0
    for p in tree_pids(roots):
        try:
            total += cpu_ticks(p)
        except FileNotFoundError:
            pass
    return total


def sum_cpu_ticks(pids):
    total = 0
    for p in pids:
        try:
            total += cpu_ticks(p)
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def tree_rss(roots):
    """Memory of the process trees: the sum of proportional set sizes (shared pages split between the processes
    sharing them), so that Postfix's and Dovecot's many small processes are not counted once per shared library."""
    total = 0
    for p in tree_pids(roots):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            pass
    return total


class RssSampler(threading.Thread):
    def __init__(self, roots):
        super().__init__(daemon=True)
        self.roots = roots
        self.peak = 0
        self.stop_event = threading.Event()

    def run(self):
        while not self.stop_event.is_set():
            self.peak = max(self.peak, tree_rss(self.roots))
            self.stop_event.wait(0.2)

    def stop(self):
        self.stop_event.set()
        self.join()
        return self.peak


# ---------------------------------------------------------------- latency probe

class LatencyProbe(threading.Thread):
    """One SMTP client sending a small message every `interval` s over one connection, timing MAIL..250-after-DATA."""

    def __init__(self, port, recipient, interval=0.1, limit=600):
        super().__init__(daemon=True)
        self.port = port
        self.recipient = recipient
        self.interval = interval
        self.limit = limit
        self.samples = []
        self.errors = 0
        self.stop_event = threading.Event()

    def run(self):
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        except OSError:
            self.errors += 1
            return
        f = sock.makefile("rb")

        def reply():
            while True:
                line = f.readline()
                if not line:
                    raise OSError("closed")
                if len(line) < 4 or line[3:4] != b"-":
                    return line

        def command(text):
            sock.sendall(text.encode() + b"\r\n")
            return reply()

        try:
            reply()
            command("EHLO probe.sender.test")
            while not self.stop_event.is_set() and len(self.samples) < self.limit:
                start = time.perf_counter()
                ok = command("MAIL FROM:<probe@sender.test>").startswith(b"250")
                ok = ok and command(f"RCPT TO:<{self.recipient}>").startswith(b"250")
                ok = ok and command("DATA").startswith(b"354")
                if ok:
                    sock.sendall(b"From: probe@sender.test\r\nSubject: probe\r\n\r\nprobe\r\n.\r\n")
                    ok = reply().startswith(b"250")
                if ok:
                    self.samples.append((time.perf_counter() - start) * 1000)
                else:
                    self.errors += 1
                    command("RSET")
                self.stop_event.wait(self.interval)
            command("QUIT")
        except OSError:
            self.errors += 1
        finally:
            sock.close()

    def stop(self):
        self.stop_event.set()
        self.join(timeout=60)
        return self.samples


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


# ---------------------------------------------------------------- DNS (dnsmasq on a private port)

class Dns:
    def __init__(self, work):
        self.dir = work / "dns"
        self.process = None

    def start(self):
        self.dir.mkdir(parents=True, exist_ok=True)
        conf = self.dir / "dnsmasq.conf"
        conf.write_text("\n".join([
            f"port={DNS_PORT}",
            "listen-address=127.0.0.1",
            "bind-interfaces",
            "no-resolv", "no-hosts", "no-poll",
            "keep-in-foreground",
            "local=/test/",
            'txt-record=sender.test,"v=spf1 ip4:127.0.0.0/8 -all"',
            'txt-record=_dmarc.sender.test,"v=DMARC1; p=none"',
            f"mx-host=remote.test,sink.remote.test,10",
            f"host-record=sink.remote.test,{SINK_ADDRESS}",
            f"host-record=bench.mailwright.test,127.0.0.1",
            "local-ttl=60",
        ]) + "\n")
        self.process = subprocess.Popen(["dnsmasq", "-C", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        time.sleep(0.5)
        if self.process.poll() is not None:
            raise RuntimeError("dnsmasq did not start (is port %d free?)" % DNS_PORT)

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)


# ---------------------------------------------------------------- Mailwright

class Mailwright:
    name = "mailwright"

    def __init__(self, work, dist, java_opts, conf_edits, database="derby", content_filters=False):
        self.dir = work / "mailwright"
        self.dist = dist
        self.java_opts = java_opts
        self.conf_edits = conf_edits
        self.database = database
        self.process = None
        self.pid = None
        self.trusted_loopback = False
        self.content_filters = content_filters

    # configuration: the shipped conf/, on loopback ports, resolving through the bench DNS
    def write_conf(self, trusted_loopback):
        conf = self.dir / "conf"
        if conf.exists():
            shutil.rmtree(conf)
        shutil.copytree(ROOT / "conf", conf)
        ports = {"25": MW_SMTP, "587": 2587, "465": 2465, "143": MW_IMAP, "993": 2993}
        for name in ("smtpserver.xml", "imapserver.xml"):
            path = conf / name
            text = path.read_text()
            text = re.sub(r"<bind>0\.0\.0\.0:(\d+)</bind>", lambda m: f"<bind>127.0.0.1:{ports[m.group(1)]}</bind>", text)
            # the load generator connects from 127.0.0.1: an outside client, unless the scenario relays
            trusted = "127.0.0.1/32" if trusted_loopback else "127.0.0.254/32"
            text = text.replace("<authorizedAddresses>127.0.0.1/32, ::1/128</authorizedAddresses>",
                                f"<authorizedAddresses>{trusted}</authorizedAddresses>")
            # smtp-source opens up to 100 connections from one address
            text = text.replace("<connectionLimitPerIP>20</connectionLimitPerIP>", "<connectionLimitPerIP>200</connectionLimitPerIP>")
            path.write_text(text)
        if not self.content_filters:
            # the peers scan nothing: rspamd and ClamAV off (empty addresses), as a server without them is configured
            path = conf / "smtpserver.xml"
            text = re.sub(r"<rspamdUrl>[^<]*</rspamdUrl>", "<rspamdUrl></rspamdUrl>", path.read_text())
            path.write_text(re.sub(r"<clamdAddress>[^<]*</clamdAddress>", "<clamdAddress></clamdAddress>", text))
        webadmin = conf / "webadmin.properties"
        webadmin.write_text(re.sub(r"(?m)^port=\d+$", f"port={MW_WEBADMIN}", webadmin.read_text()))
        (conf / "dnsservice.xml").write_text(
            f"<dnsservice><servers><server>127.0.0.1:{DNS_PORT}</server></servers><autodiscover>false</autodiscover>"
            "<authoritative>false</authoritative><maxcachesize>50000</maxcachesize><timeout>2000</timeout>"
            "<setAsDNSJavaDefault>true</setAsDNSJavaDefault></dnsservice>\n")
        if self.database == "postgres":
            password_file = self.dir / "db-password"
            (conf / "james-database.properties").write_text(
                "database.driverClassName=org.postgresql.Driver\n"
                f"database.url=jdbc:postgresql://127.0.0.1:{PG_PORT}/{PG_DATABASE}\n"
                f"database.username={PG_DATABASE}\n"
                f"database.passwordFile={password_file}\n")
        for file, pattern, replacement in self.conf_edits:
            path = conf / file
            text = path.read_text()
            if not re.search(pattern, text):
                raise RuntimeError(f"bench configuration edit does not apply: {pattern} in {file}")
            path.write_text(re.sub(pattern, replacement, text))
        self.trusted_loopback = trusted_loopback

    def start(self, trusted_loopback=False, fresh=True):
        if fresh and self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        if fresh and self.database == "postgres":
            self.fresh_postgres_database()
        self.write_conf(trusted_loopback)
        env = dict(os.environ)
        env.pop("MAILWRIGHT_JAVA_OPTS", None)
        if self.java_opts:
            env["MAILWRIGHT_JAVA_OPTS"] = self.java_opts
        self.logfile = open(self.dir / "server.log", "ab")
        self.process = subprocess.Popen(
            [str(self.dist / "bin" / "mailwright-server"), "--home", str(self.dist), "--conf", str(self.dir / "conf"),
             "--data", str(self.dir / "var"), "--hostname", "bench.mailwright.test"],
            env=env, stdout=self.logfile, stderr=subprocess.STDOUT)
        self.pid = self.process.pid
        wait_for(lambda: self.process.poll() is not None or self.healthy(), 120, 0.5, "Mailwright to start")
        if self.process.poll() is not None:
            raise RuntimeError("Mailwright exited, see " + str(self.dir / "server.log"))

    def fresh_postgres_database(self):
        """An empty database and its owner on the local PostgreSQL (the benchmark's own, dropped first)."""
        password = os.urandom(12).hex()
        (self.dir / "db-password").write_text(password + "\n")
        def psql(sql):
            run(["runuser", "-u", "postgres", "--", "psql", "-q", "-p", str(PG_PORT), "-v", "ON_ERROR_STOP=1", "-c", sql],
                stdout=subprocess.DEVNULL)
        psql(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        psql(f"DROP ROLE IF EXISTS {PG_DATABASE}")
        psql(f"CREATE ROLE {PG_DATABASE} LOGIN PASSWORD '{password}'")
        psql(f"CREATE DATABASE {PG_DATABASE} OWNER {PG_DATABASE}")

    def db_pids(self):
        """PostgreSQL's processes (its CPU is the database's share of the work), none for embedded Derby."""
        if self.database != "postgres":
            return []
        pids = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/comm") as f:
                        if f.read().strip() == "postgres":
                            pids.append(int(entry))
                except (FileNotFoundError, ProcessLookupError):
                    pass
        return pids

    def healthy(self):
        try:
            return json.loads(self.http("GET", "/healthcheck"))["status"] == "healthy"
        except (OSError, ValueError, KeyError):
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)
        self.process = None

    def restart(self, trusted_loopback):
        self.stop()
        self.start(trusted_loopback, fresh=False)

    def admin_token(self):
        """The administrator's token (JWT) the server created at its first start in its data folder; WebAdmin wants
        it on every route but /healthcheck and /metrics."""
        if not getattr(self, "token", None):
            token_file = self.dir / "var" / "webadmin" / "admin.token"
            self.token = token_file.read_text().strip() if token_file.exists() else None
        return self.token

    def http(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if data else {}
        if path != "/healthcheck" and self.admin_token():
            headers["Authorization"] = "Bearer " + self.admin_token()
        request = urllib.request.Request(f"http://127.0.0.1:{MW_WEBADMIN}{path}", data=data, method=method,
                                         headers=headers)
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.read().decode()

    def provision(self, users):
        self.http("PUT", f"/domains/{DOMAIN}")
        for user in users:
            self.http("PUT", f"/users/{user}", {"password": PASSWORD})

    def purge(self, users):
        for user in users:
            self.http("DELETE", f"/users/{user}/mailboxes")

    def count(self, users):
        total = 0
        for user in users:
            try:
                total += int(self.http("GET", f"/users/{user}/mailboxes/INBOX/messageCount"))
            except urllib.error.HTTPError as e:
                if e.code != 404:
                    raise
        return total

    def queue_size(self, queue):
        return json.loads(self.http("GET", f"/mailQueues/{queue}"))["size"]

    def smtp_port(self):
        return MW_SMTP

    def root_pids(self):
        return [self.pid]

    def heap_used_bytes(self):
        out = subprocess.run(["jstat", "-gc", str(self.pid)], capture_output=True, text=True).stdout.split("\n")
        if len(out) < 2:
            return None
        names, values = out[0].split(), out[1].split()
        row = dict(zip(names, values))
        return int(sum(float(row[k]) for k in ("S0U", "S1U", "EU", "OU")) * 1024)


# ---------------------------------------------------------------- Postfix (private instance, virtual Maildir)

class Postfix:
    """Postfix alone: a private instance whose virtual(8) delivery agent writes each message to a Maildir."""
    name = "postfix"
    port = PF_SMTP

    def __init__(self, work):
        self.dir = work / self.name
        self.pid = None

    def delivery_settings(self):
        """main.cf lines that decide where virtual-domain mail goes: virtual(8) into Maildirs owned by nobody."""
        return [
            f"virtual_mailbox_base = {self.dir / 'mail'}",
            "virtual_uid_maps = static:65534",
            "virtual_gid_maps = static:65534",
            "virtual_mailbox_limit = 0",
        ]

    def start(self, users):
        if self.dir.exists():
            self.stop()
            shutil.rmtree(self.dir)
        for sub in ("conf", "queue", "data", "mail"):
            (self.dir / sub).mkdir(parents=True)
        shutil.chown(self.dir / "data", "postfix")
        shutil.chown(self.dir / "mail", "nobody", "nogroup")
        conf = self.dir / "conf"
        # the map lists the recipients smtpd accepts; its right-hand side is the Maildir for virtual(8)
        (conf / "vmailbox").write_text("".join(f"{u} {DOMAIN}/{u.split('@')[0]}/\n" for u in users))
        (conf / "transport").write_text(f"remote.test smtp:[{SINK_ADDRESS}]:25\n")
        (conf / "main.cf").write_text("\n".join([
            "compatibility_level = 3.6",
            f"queue_directory = {self.dir / 'queue'}",
            f"data_directory = {self.dir / 'data'}",
            "mail_owner = postfix",
            f"syslog_name = {self.name}",
            "inet_interfaces = 127.0.0.1",
            "inet_protocols = ipv4",
            "mynetworks = 127.0.0.0/8",
            f"myhostname = {self.name}.bench.test",
            "mydestination =",
            "local_recipient_maps =",
            "alias_maps =",
            "alias_database =",
            "disable_dns_lookups = yes",
            "smtpd_peername_lookup = no",
            f"virtual_mailbox_domains = {DOMAIN}",
            f"virtual_mailbox_maps = texthash:{conf / 'vmailbox'}",
            f"transport_maps = texthash:{conf / 'transport'}",
            *self.delivery_settings(),
            "message_size_limit = 52428800",
            "smtpd_client_connection_count_limit = 0",
            "smtpd_client_connection_rate_limit = 0",
            "default_process_limit = 200",
            f"maillog_file = {self.dir / 'maillog'}",
            f"maillog_file_prefixes = /var, /dev/stdout, {self.dir}",
        ]) + "\n")
        master = pathlib.Path("/etc/postfix/master.cf").read_text()
        master = re.sub(r"(?m)^smtp\s+inet.*$", f"127.0.0.1:{self.port} inet n - n - - smtpd", master)
        master = re.sub(r"(?m)^(\S+\s+(?:unix|unix-dgram|fifo|pass)\s+\S+\s+\S+\s+)y(\s)", r"\1n\2", master)
        if "postlog" not in master:
            master += "postlog unix-dgram n - n - 1 postlogd\n"
        (conf / "master.cf").write_text(master)
        run(["postfix", "-c", str(conf), "check"])
        run(["script", "-qc", f"postfix -c {conf} start", "/dev/null"], stdout=subprocess.DEVNULL)
        wait_for(lambda: port_open(self.port), 30, 0.2, f"{self.name} to listen")
        pid_file = self.dir / "queue" / "pid" / "master.pid"
        self.pid = int(wait_for(lambda: pid_file.exists() and pid_file.read_text().strip(), 10, 0.1, "master.pid"))

    def stop(self):
        conf = self.dir / "conf"
        if (conf / "main.cf").exists():
            subprocess.run(["script", "-qc", f"postfix -c {conf} stop", "/dev/null"], stdout=subprocess.DEVNULL)
            time.sleep(1)

    def root_pids(self):
        return [self.pid]

    def smtp_port(self):
        return self.port

    def maildirs(self, users):
        return [self.dir / "mail" / DOMAIN / u.split("@")[0] / "new" for u in users]

    def purge(self, users):
        for d in self.maildirs(users):
            if d.exists():
                for f in d.iterdir():
                    f.unlink()

    def count(self, users):
        return sum(len(os.listdir(d)) for d in self.maildirs(users) if d.exists())

    def queue_size(self, _queue):
        return 0


# ---------------------------------------------------------------- Dovecot (private instance: LMTP in, IMAP out)

class Dovecot:
    """A private Dovecot: its own dovecot.conf, base_dir, state and log under the work folder, LMTP on a unix socket
    there (for Postfix's lmtp client), IMAP on 127.0.0.1:DOVECOT_IMAP, Maildir with Dovecot's own index files, and
    the benchmark's users as a fixed passwd-file list (one password, uid/gid nobody, homes under the work folder)
    serving as passdb and userdb: LMTP refuses any other recipient."""

    def __init__(self, directory):
        self.dir = directory
        self.conf = directory / "dovecot.conf"
        self.socket = directory / "lmtp"
        self.process = None
        self.pid = None

    def home(self, user):
        local, domain = user.split("@")
        return self.dir / "mail" / domain / local

    def start(self, users):
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True)
        (self.dir / "mail").mkdir()
        shutil.chown(self.dir / "mail", "nobody", "nogroup")
        (self.dir / "users").write_text("".join(f"{u}:{{PLAIN}}{PASSWORD}::::::\n" for u in users))
        self.conf.write_text("\n".join([
            f"instance_name = mailwright-bench",
            f"base_dir = {self.dir / 'run'}",
            f"state_dir = {self.dir / 'state'}",
            f"log_path = {self.dir / 'dovecot.log'}",
            "protocols = imap lmtp",
            "listen = 127.0.0.1",
            "ssl = no",
            "disable_plaintext_auth = no",
            "auth_mechanisms = plain",
            # Maildir; Dovecot keeps its index files (dovecot.index*, dovecot-uidlist) next to it, as by default
            "mail_location = maildir:~/Maildir",
            f"postmaster_address = postmaster@{DOMAIN}",
            "passdb {",
            "  driver = passwd-file",
            f"  args = scheme=PLAIN username_format=%u {self.dir / 'users'}",
            "}",
            # the same list as userdb (so that doveadm can iterate it), every user with the same fixed fields
            "userdb {",
            "  driver = passwd-file",
            f"  args = username_format=%u {self.dir / 'users'}",
            f"  default_fields = uid=65534 gid=65534 home={self.dir / 'mail'}/%d/%n",
            "}",
            "service imap-login {",
            "  inet_listener imap {",
            "    address = 127.0.0.1",
            f"    port = {DOVECOT_IMAP}",
            "  }",
            "  inet_listener imaps {",
            "    port = 0",
            "  }",
            "}",
            "service lmtp {",
            f"  unix_listener {self.socket} {{",
            "    user = postfix",
            "    mode = 0600",
            "  }",
            "}",
        ]) + "\n")
        run(["doveconf", "-c", str(self.conf), "-n"], stdout=subprocess.DEVNULL)
        self.logfile = open(self.dir / "master.out", "ab")
        self.process = subprocess.Popen(["dovecot", "-F", "-c", str(self.conf)], stdout=self.logfile, stderr=subprocess.STDOUT)
        self.pid = self.process.pid
        wait_for(lambda: self.process.poll() is not None or (self.socket.exists() and port_open(DOVECOT_IMAP)),
                 30, 0.1, "Dovecot to listen")
        if self.process.poll() is not None:
            raise RuntimeError("Dovecot exited, see " + str(self.dir / "dovecot.log"))

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def maildirs(self, user):
        base = self.home(user) / "Maildir"
        return [base / "new", base / "cur"]

    def count(self, users):
        """Messages Dovecot has delivered: the files its LMTP renamed into new/ (and cur/, after an IMAP SELECT)."""
        total = 0
        for user in users:
            for d in self.maildirs(user):
                try:
                    total += len(os.listdir(d))
                except FileNotFoundError:
                    pass
        return total

    def purge(self, users):
        """Expunges every INBOX through Dovecot itself (doveadm), so that its indexes agree with the Maildir."""
        user_file = self.dir / "purge-users"
        user_file.write_text("".join(u + "\n" for u in users))
        run(["doveadm", "-c", str(self.conf), "expunge", "-F", str(user_file), "mailbox", "INBOX", "all"],
            stdout=subprocess.DEVNULL)
        left = self.count(users)
        if left:
            raise RuntimeError(f"Dovecot purge left {left} messages")

    def imap_check(self, users):
        """What Dovecot's IMAP server shows: the sum of STATUS INBOX (MESSAGES) over the users, and, for the first
        user with mail, the largest RFC822.SIZE in its INBOX (checked against the payload size of the run)."""
        total, largest = 0, None
        for user in users:
            imap = imaplib.IMAP4("127.0.0.1", DOVECOT_IMAP, timeout=60)
            try:
                imap.login(user, PASSWORD)
                typ, data = imap.status("INBOX", "(MESSAGES)")
                if typ != "OK":
                    raise RuntimeError(f"IMAP STATUS for {user}: {typ} {data}")
                messages = int(re.search(rb"MESSAGES (\d+)", data[0]).group(1))
                total += messages
                if messages and largest is None:
                    imap.select("INBOX", readonly=True)
                    typ, data = imap.fetch("1:*", "(RFC822.SIZE)")
                    largest = max(int(m) for m in re.findall(rb"RFC822\.SIZE (\d+)", b" ".join(
                        d if isinstance(d, bytes) else d[0] for d in data if d)))
                imap.logout()
            except Exception:
                imap.shutdown()
                raise
        return total, largest


class PostfixDovecot(Postfix):
    """Postfix + Dovecot: a second private Postfix whose virtual transport is LMTP to a private Dovecot, so each
    message lands in a Maildir that Dovecot has indexed and IMAP can read at once."""
    name = "postfix-dovecot"
    port = PFD_SMTP

    def __init__(self, work):
        super().__init__(work)
        self.dovecot = Dovecot(work / "dovecot")

    def delivery_settings(self):
        # smtpd still validates recipients against virtual_mailbox_maps; lmtp(8) hands each message to Dovecot
        # (stock lmtp settings: 20 connections to the socket, up to 50 recipients per LMTP transaction)
        return [f"virtual_transport = lmtp:unix:{self.dovecot.socket}"]

    def start(self, users):
        self.dovecot.start(users)
        super().start(users)

    def stop(self):
        super().stop()
        self.dovecot.stop()

    def root_pids(self):
        return [self.pid, self.dovecot.pid]

    def purge(self, users):
        self.dovecot.purge(users)

    def count(self, users):
        return self.dovecot.count(users)

    def check(self, users):
        return self.dovecot.imap_check(users)


# ---------------------------------------------------------------- smtp-sink (remote MX for relay runs)

class Sink:
    def __init__(self, work):
        self.dir = work / "sink"
        self.process = None

    def start(self):
        self.dir.mkdir(parents=True, exist_ok=True)
        shutil.chown(self.dir, "nobody", "nogroup")
        self.process = subprocess.Popen(["smtp-sink", "-u", "nobody", "-d", str(self.dir) + "/%H%M%S.",
                                         f"{SINK_ADDRESS}:25", "1000"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_for(lambda: port_open(25, SINK_ADDRESS), 10, 0.1, "smtp-sink")

    def count(self):
        return sum(1 for _ in self.dir.iterdir())

    def purge(self):
        for f in self.dir.iterdir():
            f.unlink()

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)


# ---------------------------------------------------------------- one measured run

def settle(roots, timeout=60):
    """Waits until the server is idle (under 5% of a core for half a second), so that the work left over from the
    previous step (e.g. deleting mailboxes) is not counted in the next run."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = tree_cpu_ticks(roots)
        time.sleep(0.5)
        if (tree_cpu_ticks(roots) - before) / CLOCK_TICKS < 0.025:
            return


def measure(peer, *, msgs, conc, size, users, recipient, rcpts=1, sink=None, timeout=900, probe=True):
    """Sends `msgs` messages (each to `rcpts` recipients) and waits until all deliveries are stored. CPU and memory
    are those of the peer's process trees (Postfix + Dovecot: both masters and all their children)."""
    roots = peer.root_pids()
    settle(roots)
    expected_deliveries = msgs * rcpts
    counter = (lambda: sink.count()) if sink else (lambda: peer.count(users))
    before = counter()
    # every message goes to every user listed (fan-out): the last one's count tells when the bulk has arrived
    sentinel_before = peer.count([users[-1]]) if users and len(users) > 1 and rcpts == len(users) and not sink else None
    ticks0 = tree_cpu_ticks(roots)
    machine0 = machine_ticks()
    own0 = sum(os.times()[:4])  # this script (probe, samplers) and its reaped children (smtp-source), in seconds
    db_pids = peer.db_pids() if hasattr(peer, "db_pids") else []
    db_ticks0 = sum_cpu_ticks(db_pids)
    rss = RssSampler(roots)
    rss.start()
    latency = LatencyProbe(peer.smtp_port(), ONE_USER) if probe and not sink else None
    start = time.monotonic()
    if latency:
        latency.start()
    cmd = ["smtp-source", "-s", str(conc), "-m", str(msgs), "-l", str(size), "-f", SENDER, "-t", recipient,
           "-M", "client.sender.test", f"127.0.0.1:{peer.smtp_port()}"]
    if rcpts > 1:
        cmd[1:1] = ["-r", str(rcpts)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    accepted_at = time.monotonic()
    samples = latency.stop() if latency else []
    probe_count = len(samples)
    target = before + expected_deliveries + (probe_count if users and ONE_USER in users else 0)
    try:
        if sentinel_before is not None:
            # many recipients: wait on one of them first (one count request per poll instead of one per recipient:
            # Mailwright's WebAdmin answering 100 counts every 0.25 s was 11-15 % of its CPU in the fan-out runs)
            wait_for(lambda: peer.count([users[-1]]) >= sentinel_before + msgs, timeout, 0.05, "deliveries to one recipient")
        wait_for(lambda: counter() >= target, timeout, 0.05 if len(users or []) <= 1 else 0.25, "deliveries")
        stored_at = time.monotonic()
        complete = True
    except TimeoutError:
        stored_at = time.monotonic()
        complete = False
    ticks1 = tree_cpu_ticks(roots)
    machine1 = machine_ticks()
    own1 = sum(os.times()[:4])
    db_ticks1 = sum_cpu_ticks(db_pids)
    peak_rss = rss.stop()
    stored = counter() - before
    accept_s = accepted_at - start
    stored_s = stored_at - start
    checked = {}
    if hasattr(peer, "check") and users and not sink:
        # after the measurement: what the peer's IMAP server shows, against the files counted above
        imap_messages, largest = peer.check(users)
        checked = {"imap_messages": imap_messages, "imap_largest_size": largest,
                   "imap_ok": imap_messages == counter() and largest is not None and largest >= size}
    return {
        "peer": peer.name, "msgs": msgs, "conc": conc, "size": size, "rcpts": rcpts,
        "rc": result.returncode, "smtp_source_error": result.stderr.strip()[-300:],
        "accepted_msg_s": round(msgs / accept_s, 1),
        "stored_msg_s": round(msgs / stored_s, 1) if complete else None,
        "stored_deliveries_s": round(expected_deliveries / stored_s, 1) if complete else None,
        "complete": complete, "stored": stored, "expected": target - before,
        "cpu_ms_per_msg": round((ticks1 - ticks0) * 1000 / CLOCK_TICKS / msgs, 2),
        "db_cpu_ms_per_msg": round((db_ticks1 - db_ticks0) * 1000 / CLOCK_TICKS / msgs, 2) if db_pids else None,
        "peak_pss_mb": round(peak_rss / 2**20, 1),
        # share of both cores busy from start to stored (server, smtp-source, probe, and anything else running)
        "machine_busy": round((machine1[0] - machine0[0]) / max(1, machine1[1] - machine0[1]), 2),
        # share of the cores' time taken by neither the peer nor the load generator: other work on a shared machine
        "others_busy": round(max(0, (machine1[0] - machine0[0]) - (ticks1 - ticks0) - (own1 - own0) * CLOCK_TICKS)
                             / max(1, machine1[1] - machine0[1]), 2),
        "latency_p50_ms": round(percentile(samples, 50), 1) if samples else None,
        "latency_p99_ms": round(percentile(samples, 99), 1) if samples else None,
        "latency_samples": len(samples),
        **checked,
    }


# ---------------------------------------------------------------- scenarios

def scenario_inbound(ctx):
    sizes = [4096] if ctx.args.quick else [4096, 102400]
    concs = [20] if ctx.args.quick else [1, 20, 100]
    if ctx.args.sizes:
        sizes = [int(size) for size in ctx.args.sizes.split(",")]
    if ctx.args.concs:
        concs = [int(conc) for conc in ctx.args.concs.split(",")]
    for size in sizes:
        for conc in concs:
            for rep in range(ctx.args.reps):
                for peer in ctx.peers:
                    peer.purge([ONE_USER])
                    r = measure(peer, msgs=ctx.args.msgs, conc=conc, size=size, users=[ONE_USER], recipient=ONE_USER)
                    ctx.record("inbound", rep, r)


def scenario_fanout(ctx):
    msgs = max(20, ctx.args.msgs // 20)
    for rep in range(ctx.args.reps):
        for peer in ctx.peers:
            peer.purge(FANOUT_USERS)
            r = measure(peer, msgs=msgs, conc=20, size=4096, users=FANOUT_USERS, recipient="u@" + DOMAIN, rcpts=100, probe=False)
            ctx.record("fanout-100-mailboxes", rep, r)


def scenario_fill(ctx):
    """Stored rate into an empty INBOX, then into one already holding `--fill` messages."""
    msgs = min(ctx.args.msgs, 1000)
    for peer in ctx.peers:
        for rep in range(ctx.args.reps):
            peer.purge([ONE_USER])  # every empty-INBOX run starts from an empty INBOX
            r = measure(peer, msgs=msgs, conc=20, size=4096, users=[ONE_USER], recipient=ONE_USER, probe=False)
            ctx.record("fill-0", rep, r)
        log(f"{peer.name}: filling {ONE_USER} up to {ctx.args.fill} messages")
        current = peer.count([ONE_USER])
        while current < ctx.args.fill:
            batch = min(2000, ctx.args.fill - current)
            measure(peer, msgs=batch, conc=20, size=4096, users=[ONE_USER], recipient=ONE_USER, probe=False)
            current = peer.count([ONE_USER])
        for rep in range(ctx.args.reps):
            r = measure(peer, msgs=msgs, conc=20, size=4096, users=[ONE_USER], recipient=ONE_USER, probe=False)
            r["inbox_before"] = current + rep * msgs
            ctx.record(f"fill-{ctx.args.fill}", rep, r)
        # the empty INBOX again, now that the server is as warm as for the full one (a JVM's first 10,000 messages
        # are slower: comparing the full INBOX with the first empty runs alone measures JIT warm-up)
        for rep in range(ctx.args.reps):
            peer.purge([ONE_USER])
            r = measure(peer, msgs=msgs, conc=20, size=4096, users=[ONE_USER], recipient=ONE_USER, probe=False)
            ctx.record("fill-0-after", rep, r)
        peer.purge([ONE_USER])


def scenario_relay(ctx):
    sink = Sink(ctx.work)
    sink.start()
    try:
        for peer in ctx.peers:
            if isinstance(peer, PostfixDovecot):
                continue  # relaying is Postfix's smtp(8) alone: Dovecot takes no part, the figure would be Postfix's
            if isinstance(peer, Mailwright):
                peer.restart(trusted_loopback=True)
            for rep in range(ctx.args.reps):
                sink.purge()
                r = measure(peer, msgs=ctx.args.msgs, conc=20, size=4096, users=None, recipient="someone@remote.test",
                            sink=sink, probe=False)
                ctx.record("relay-to-smtp-sink", rep, r)
            if isinstance(peer, Mailwright):
                peer.restart(trusted_loopback=False)
    finally:
        sink.stop()


def scenario_large(ctx):
    """One 50 MiB message (50,000,000 bytes of body): accepted, delivered, heap growth sampled with jstat."""
    for peer in ctx.peers:
        if not isinstance(peer, Mailwright):
            continue
        peer.purge([ONE_USER])
        subprocess.run(["jcmd", str(peer.pid), "GC.run"], capture_output=True)
        baseline = peer.heap_used_bytes()
        peak = [baseline]
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                used = peer.heap_used_bytes()
                if used:
                    peak[0] = max(peak[0], used)
                stop.wait(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        r = measure(peer, msgs=1, conc=1, size=50_000_000, users=[ONE_USER], recipient=ONE_USER, probe=False, timeout=600)
        stop.set()
        sampler.join()
        r["heap_baseline_mb"] = round(baseline / 2**20, 1)
        r["heap_peak_mb"] = round(peak[0] / 2**20, 1)
        r["heap_growth_mb"] = round((peak[0] - baseline) / 2**20, 1)
        ctx.record("large-50MiB", 0, r)
        peer.purge([ONE_USER])


SCENARIOS = {"inbound": scenario_inbound, "fanout": scenario_fanout, "fill": scenario_fill,
             "relay": scenario_relay, "large": scenario_large}


class Context:
    def __init__(self, args, work, peers, out):
        self.args, self.work, self.peers, self.out = args, work, peers, out
        self.results = []

    def record(self, scenario, rep, result):
        result = dict(result, scenario=scenario, rep=rep, time=time.strftime("%Y-%m-%dT%H:%M:%S"))
        self.results.append(result)
        with open(self.out, "a") as f:
            f.write(json.dumps(result) + "\n")
        imap = f" imap={result['imap_messages']} imap_ok={result['imap_ok']}" if "imap_ok" in result else ""
        log(f"{scenario:22} {result['peer']:15} size={result['size']:>8} conc={result['conc']:>3} "
            f"accepted={result['accepted_msg_s']:>7} stored={result['stored_msg_s']} cpu/msg={result['cpu_ms_per_msg']}ms "
            f"pss={result['peak_pss_mb']}MB busy={result.get('machine_busy')} others={result.get('others_busy')} p50/p99={result['latency_p50_ms']}/{result['latency_p99_ms']}ms "
            f"rc={result['rc']} complete={result['complete']} stored={result['stored']}/{result['expected']}{imap}")


BASELINES = (("postfix", "Postfix"), ("postfix-dovecot", "Postfix+Dovecot"))


def run_ok(r):
    """A run counts as correct when smtp-source saw no error, every delivery was stored (stored == sent) and, where
    the peer has an IMAP check, its IMAP server showed the same count."""
    return r["rc"] == 0 and r["complete"] and r["stored"] == r["expected"] and r.get("imap_ok", True)


def summarize(results):
    """Median per (scenario, size, conc, peer) and Mailwright's ratios against both Postfix peers: stored msg/s
    (above 1 is faster) and CPU ms per message (below 1 is cheaper)."""
    groups = {}
    for r in results:
        groups.setdefault((r["scenario"], r["size"], r["conc"], r["peer"]), []).append(r)
    rows = []
    for (scenario, size, conc, peer), runs in sorted(groups.items()):
        def med(key):
            values = [x[key] for x in runs if x.get(key) is not None]
            return round(statistics.median(values), 1) if values else None
        def med2(key):
            values = [x[key] for x in runs if x.get(key) is not None]
            return round(statistics.median(values), 2) if values else None
        rows.append({"scenario": scenario, "size": size, "conc": conc, "peer": peer, "runs": len(runs),
                     "runs_ok": sum(1 for x in runs if run_ok(x)),
                     "accepted_msg_s": med("accepted_msg_s"), "stored_msg_s": med("stored_msg_s"),
                     "stored_deliveries_s": med("stored_deliveries_s"), "cpu_ms_per_msg": med("cpu_ms_per_msg"),
                     "peak_pss_mb": med("peak_pss_mb"), "latency_p50_ms": med("latency_p50_ms"),
                     "latency_p99_ms": med("latency_p99_ms"), "heap_growth_mb": med("heap_growth_mb"),
                     "db_cpu_ms_per_msg": med("db_cpu_ms_per_msg"), "others_busy": med2("others_busy")})
    by_key = {(r["scenario"], r["size"], r["conc"], r["peer"]): r for r in rows}
    for r in rows:
        if r["peer"] != "mailwright":
            continue
        for base, _ in BASELINES:
            other = by_key.get((r["scenario"], r["size"], r["conc"], base))
            if other and other["stored_msg_s"] and r["stored_msg_s"]:
                r[f"ratio_vs_{base}"] = round(r["stored_msg_s"] / other["stored_msg_s"], 2)
            if other and other["cpu_ms_per_msg"] and r["cpu_ms_per_msg"] is not None:
                r[f"cpu_ratio_vs_{base}"] = round(r["cpu_ms_per_msg"] / other["cpu_ms_per_msg"], 2)
    return rows


def fill_ratios(rows):
    """Per peer: stored msg/s into the full INBOX as a share of the empty-INBOX rate (the fill scenario's target)."""
    lines = []
    for r in rows:
        if re.fullmatch(r"fill-[1-9]\d*", r["scenario"]) and r["stored_msg_s"]:
            for name, when in (("fill-0", "before"), ("fill-0-after", "after")):
                empty = next((e for e in rows if e["scenario"] == name and e["peer"] == r["peer"]), None)
                if empty and empty["stored_msg_s"]:
                    lines.append(f"{r['peer']}: {r['stored_msg_s']} msg/s into the {r['scenario'][5:]}-message INBOX = "
                                 f"{round(100 * r['stored_msg_s'] / empty['stored_msg_s'])} % of {empty['stored_msg_s']} "
                                 f"into the empty one measured {when} the filling")
    return lines


def table(rows):
    head = ["scenario", "size", "conc", "peer", "runs ok", "accepted msg/s", "stored msg/s", "deliveries/s"]
    head += [f"stored ×{label}" for _, label in BASELINES]
    head += ["CPU ms/msg"] + [f"CPU ×{label}" for _, label in BASELINES]
    head += ["peak memory (PSS) MB", "p50 ms", "p99 ms", "heap growth MB", "others busy"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r["scenario"], r["size"], r["conc"], r["peer"], f"{r['runs_ok']}/{r['runs']}", r["accepted_msg_s"],
                 r["stored_msg_s"], r["stored_deliveries_s"] if r["scenario"].startswith("fanout") else None]
        cells += [r.get(f"ratio_vs_{base}") for base, _ in BASELINES]
        cells += [r["cpu_ms_per_msg"]] + [r.get(f"cpu_ratio_vs_{base}") for base, _ in BASELINES]
        cells += [r["peak_pss_mb"], r["latency_p50_ms"], r["latency_p99_ms"], r.get("heap_growth_mb"), r.get("others_busy")]
        lines.append("| " + " | ".join(str(x) if x is not None else "-" for x in cells) + " |")
    lines.append("")
    lines.append("Ratios are Mailwright's median against each Postfix peer's median of the same run: stored msg/s "
                 "(≥ 1 is faster) and CPU ms per message (≤ 1 is cheaper). \"runs ok\": smtp-source without error, "
                 "stored == sent, and (Postfix+Dovecot) Dovecot's IMAP STATUS showing the same count. \"others busy\": "
                 "median share of the two cores taken by neither the peer nor the load generator (other programs on "
                 "the machine, kernel work not charged to a process); well above its neighbours' means a disturbed run.")
    fills = fill_ratios(rows)
    if fills:
        lines.append("")
        lines.append("Fill: " + "; ".join(fills) + ".")
    if any(r.get("db_cpu_ms_per_msg") is not None for r in rows):
        lines.append("")
        lines.append("PostgreSQL's own CPU ms/msg (not in the column above): " + ", ".join(
            f"{r['scenario']} {r['size']}/{r['conc']}: {r['db_cpu_ms_per_msg']}" for r in rows if r.get("db_cpu_ms_per_msg") is not None))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenarios", default="inbound,fanout,fill,relay,large",
                        help="comma list of: " + ", ".join(SCENARIOS))
    parser.add_argument("--peers", default="mailwright,postfix,postfix-dovecot",
                        help="comma list of: mailwright, postfix, postfix-dovecot (default: all three)")
    parser.add_argument("--msgs", type=int, default=2000, help="messages per run (default 2000)")
    parser.add_argument("--reps", type=int, default=3, help="runs per configuration, medians reported (default 3)")
    parser.add_argument("--warmup", type=int, default=2000, help="warm-up messages before measuring (default 2000)")
    parser.add_argument("--fill", type=int, default=10000, help="INBOX size for the fill scenario (default 10000)")
    parser.add_argument("--quick", action="store_true", help="inbound at 4 KiB / 20 connections only")
    parser.add_argument("--sizes", default=None,
                        help="inbound: comma list of message sizes in bytes (default 4096,102400; --quick: 4096)")
    parser.add_argument("--concs", default=None,
                        help="inbound: comma list of connection counts (default 1,20,100; --quick: 20)")
    parser.add_argument("--work", default="/tmp/mailwright-bench", help="scratch folder (deleted first)")
    parser.add_argument("--out", default=None, help="JSON lines output (default bench/results/<time>.jsonl)")
    parser.add_argument("--java-opts", default=None,
                        help="MAILWRIGHT_JAVA_OPTS for Mailwright (replaces the start script's default JVM options; "
                             "default: unset, i.e. the shipped defaults of bin/mailwright-server)")
    parser.add_argument("--database", choices=["derby", "postgres"], default="derby",
                        help="Mailwright's database: embedded Derby (default) or a fresh database on the local "
                             f"PostgreSQL (127.0.0.1:{PG_PORT}, created as the postgres system user)")
    parser.add_argument("--content-filters", action="store_true",
                        help="keep the shipped rspamd and ClamAV addresses (default: both off, as the peers scan nothing)")
    parser.add_argument("--conf-edit", action="append", default=[], metavar="FILE:REGEX:REPLACEMENT",
                        help="extra edit of the bench copy of conf/ (repeatable)")
    args = parser.parse_args()
    # `timeout`, `kill` or a closed terminal must still stop the servers: turn SIGTERM/SIGHUP into an exit, so that
    # the finally below runs (by default Python dies at once and leaves Java, Postfix and Dovecot running)
    def terminated(signum, _frame):
        raise SystemExit(f"bench: stopped by signal {signum}")
    signal.signal(signal.SIGTERM, terminated)
    signal.signal(signal.SIGHUP, terminated)

    version = re.search(r"<version>([^<]+)</version>", (ROOT / "pom.xml").read_text()).group(1)
    dist = ROOT / "server" / "target" / f"mailwright-{version}"
    if not (dist / "bin" / "mailwright-server").exists():
        sys.exit(f"bench: no server distribution in {dist}: run bench/run, which builds it")
    work = pathlib.Path(args.work)
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    out = pathlib.Path(args.out) if args.out else ROOT / "bench" / "results" / (time.strftime("%Y%m%d-%H%M%S") + ".jsonl")
    out.parent.mkdir(parents=True, exist_ok=True)

    edits = [tuple(e.split(":", 2)) for e in args.conf_edit]
    wanted = [p.strip() for p in args.peers.split(",") if p.strip()]
    unknown = set(wanted) - {"mailwright", "postfix", "postfix-dovecot"}
    if unknown:
        sys.exit(f"bench: unknown peer(s) {', '.join(sorted(unknown))}")
    dns = Dns(work)
    peers = []
    try:
        dns.start()
        if "mailwright" in wanted:
            mw = Mailwright(work, dist, args.java_opts, edits, args.database, args.content_filters)
            log("starting Mailwright from", dist)
            peers.append(mw)  # listed before it starts, so that the finally below stops whatever did start
            mw.start()
            mw.provision([ONE_USER] + FANOUT_USERS)
        if "postfix" in wanted:
            pf = Postfix(work)
            log("starting Postfix")
            peers.append(pf)
            pf.start([ONE_USER] + FANOUT_USERS)
        if "postfix-dovecot" in wanted:
            pd = PostfixDovecot(work)
            log("starting Postfix + Dovecot (LMTP)")
            peers.append(pd)
            pd.start([ONE_USER] + FANOUT_USERS)
        for peer in peers:
            if args.warmup:
                log(f"warm-up: {args.warmup} messages into {peer.name}")
                measure(peer, msgs=args.warmup, conc=20, size=4096, users=[ONE_USER], recipient=ONE_USER, probe=False)
                peer.purge([ONE_USER])
        ctx = Context(args, work, peers, out)
        for name in args.scenarios.split(","):
            name = name.strip()
            if name not in SCENARIOS:
                sys.exit(f"bench: unknown scenario {name}")
            log("scenario", name)
            SCENARIOS[name](ctx)
        rows = summarize(ctx.results)
        print()
        print(table(rows))
        summary = out.with_suffix(".summary.json")
        summary.write_text(json.dumps({"machine": machine(), "args": vars(args), "rows": rows}, indent=2))
        log("results:", out, "summary:", summary)
    finally:
        for peer in peers:
            peer.stop()
        dns.stop()


def machine():
    cpu = [line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")]
    mem = [line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")]
    return {"cpus": len(cpu), "cpu_model": cpu[0] if cpu else None, "mem_kib": int(mem[0]) if mem else None,
            "kernel": os.uname().release,
            "java": subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.split("\n")[0],
            "postfix": version_of(["postconf", "-d", "-h", "mail_version"]),
            "dovecot": version_of(["dovecot", "--version"])}


def version_of(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip() or None
    except OSError:
        return None


if __name__ == "__main__":
    main()
