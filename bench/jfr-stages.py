#!/usr/bin/env python3
"""Share of a JFR recording's samples per stage of the server (inclusive: a sample counts for every stage found on
its stack, so nested stages overlap their parents), by thread, and the hottest leaf methods.

    python3 bench/jfr-stages.py FILE.jfr [jdk.ExecutionSample | jdk.NativeMethodSample]

jdk.ExecutionSample: threads running Java code (CPU). jdk.NativeMethodSample: threads in native code, mostly waiting
(fsync, epoll): where the delivery threads' wall time goes. Needs the JDK's `jfr` tool on the PATH."""
import collections
import json
import subprocess
import sys

MARKERS = [
    ("SMTP (netty + protocols)", ["io.netty.", "org.apache.james.protocols."]),
    # BareCarriageReturnHook.onLine wraps the rest of the DATA line chain (the end of DATA included): not a hook's own
    ("  our SMTP hooks", [lambda frame: frame.startswith("dev.mailwright.smtp.")
                          and not frame.startswith("dev.mailwright.smtp.mime.BareCarriageReturnHook.onLine(")]),
    ("  enqueue into the spool (FileMailQueue, fsyncs included)", ["dev.mailwright.server.queue.FileMailQueue.enQueue("]),
    ("ActiveMQ (broker, JMS)", ["org.apache.activemq."]),
    ("spooler MailSpooler", ["dev.mailwright.server.spool.MailSpooler"]),
    ("mailet container", ["org.apache.james.mailetcontainer."]),
    ("  UserSieve", ["dev.mailwright.mailets.sieve.UserSieve.service"]),
    ("  AddDeliveredToHeader", ["org.apache.james.transport.mailets.AddDeliveredToHeader"]),
    ("  DeliverOnce", ["dev.mailwright.server.spool.DeliverOnce.service"]),
    ("  DkimSign", ["dev.mailwright.mailets.dkim."]),
    # the append itself runs on the store's mailbox-lock threads: below, markers of either side
    ("  LocalDelivery (spooler side)", ["org.apache.james.transport.mailets.LocalDelivery.service"]),
    ("    MailDispatcher header save/add/restore", ["MailDispatcher.saveHeaders", "MailDispatcher.restoreHeaders",
                                                   "MailDispatcher.addSpecificHeadersForRecipient",
                                                   "MailDispatcher.customizeHeadersAndDeliver"]),
    ("    SimpleMailStore.storeMail", ["SimpleMailStore.storeMail", "SimpleMailStore.lambda"]),
    ("    logging (logback)", ["ch.qos.logback."]),
    ("    users repository (getUsername)", ["org.apache.james.user."]),
    ("    createSystemSession / processing request", ["StoreMailboxManager.createSystemSession",
                                                      "StoreMailboxManager.startProcessingRequest",
                                                      "StoreMailboxManager.endProcessingRequest"]),
    ("    getMailbox by path", ["StoreMailboxManager.getMailbox", "JdbcMailboxMapper.findMailboxByPath"]),
    ("    MailwrightMessageManager.append", ["MailwrightMessageManager.append("]),
    ("      MessageIngest (read + blob + parse)", ["dev.mailwright.mailbox.ingest.MessageIngest.ingest"]),
    ("        source stream (MimeMessageInputStream, re-serialization)", ["MimeMessageInputStream", "MimeMessageWrapper.writeTo",
                                                                        "MimeMessage.writeTo", "InternetHeaders"]),
    ("        blob create/write/commit (FileBlobStore)", ["dev.mailwright.mailbox.blob.FileBlobStore"]),
    ("          fsync (FileChannel.force)", ["FileChannelImpl.force", "FileDispatcherImpl.force"]),
    ("        mime4j tokenizer", ["org.apache.james.mime4j."]),
    ("      quota check", ["MailwrightMessageManager.checkQuota"]),
    ("      message mapper add (transaction)", ["JdbcMessageMapper.add"]),
    ("      event dispatch", ["org.apache.james.events."]),
    ("OpenJPA (anywhere)", ["org.apache.openjpa."]),
    ("Derby (anywhere)", ["org.apache.derby."]),
    ("WebAdmin (the benchmark polls message counts)", ["org.apache.james.webadmin.", "spark."]),
]


def frames(event):
    out = []
    for f in event["values"]["stackTrace"]["frames"]:
        m = f["method"]
        out.append(m["type"]["name"].replace("/", ".") + "." + m["name"] + "(")
    return out


def main():
    event = sys.argv[2] if len(sys.argv) > 2 else "jdk.ExecutionSample"
    raw = subprocess.run(["jfr", "print", "--json", "--stack-depth", "300", "--events", event, sys.argv[1]],
                         check=True, capture_output=True, text=True).stdout
    events = json.loads(raw)["recording"]["events"]
    total = len(events)
    counts = collections.Counter()
    threads = collections.Counter()
    leaf = collections.Counter()
    for e in events:
        fr = frames(e)
        text = "\n".join(fr)
        for name, needles in MARKERS:
            if any(any(n(f) for f in fr) if callable(n) else n in text for n in needles):
                counts[name] += 1
        t = e["values"].get("sampledThread") or {}
        tname = t.get("javaName") or t.get("osName") or "?"
        threads["".join(c for c in tname if not c.isdigit()).rstrip("-#")] += 1
        if fr:
            leaf[fr[0]] += 1
    truncated = sum(1 for e in events if e["values"]["stackTrace"].get("truncated"))
    # JFR keeps 64 frames by default: a truncated stack lost its outer frames (outer stages are then undercounted)
    print(f"samples: {total} ({truncated} with truncated stacks)")
    for name, _ in MARKERS:
        print(f"{counts[name] / total * 100:6.1f} %  {counts[name]:5d}  {name}")
    print("\nthreads:")
    for name, n in threads.most_common(12):
        print(f"{n / total * 100:6.1f} %  {name}")
    print("\nhottest leaf methods:")
    for name, n in leaf.most_common(15):
        print(f"{n / total * 100:6.1f} %  {name}")


if __name__ == "__main__":
    main()
