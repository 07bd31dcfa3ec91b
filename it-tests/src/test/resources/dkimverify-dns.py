#!/usr/bin/python3
# dkimpy's dkimverify (Debian python3-dkim), asking a given DNS server for the keys instead of the system's resolver:
#   dkimverify-dns.py DNS_PORT [DNS_ADDRESS] < message
# Verifies every DKIM-Signature of the message (dkimverify checks only the first one), prints one line per signature
# ("signature N d=... s=... a=...: pass|fail ...") and exits 1 unless all pass.
import re
import sys

import dkim
import dns.resolver

resolver = dns.resolver.Resolver(configure=False)
resolver.nameservers = [sys.argv[2] if len(sys.argv) > 2 else '127.0.0.1']
resolver.port = int(sys.argv[1])


def txt(name, timeout=5):
    # what dkim.dnsplug.get_txt answers: the first TXT record, its strings joined
    name = name.decode('ascii') if isinstance(name, bytes) else name
    try:
        answer = resolver.resolve(name, 'TXT', lifetime=timeout)
    except Exception:
        return None
    for record in answer:
        return b''.join(record.strings)
    return None


message = sys.stdin.buffer.read()
verifier = dkim.DKIM(message)
signatures = [value for name, value in verifier.headers if name.lower() == b'dkim-signature']
if not signatures:
    print('no DKIM-Signature')
    sys.exit(1)
ok = True
for index, value in enumerate(signatures):
    tags = dict(re.findall(rb'(\w+)\s*=\s*([^;]*)', re.sub(rb'\s+', b'', value)))
    label = 'signature %d d=%s s=%s a=%s' % (index, tags.get(b'd', b'?').decode(), tags.get(b's', b'?').decode(),
                                             tags.get(b'a', b'?').decode())
    try:
        result = verifier.verify(idx=index, dnsfunc=txt)
    except Exception as e:
        result = False
        label += ' (%s)' % e
    print('%s: %s' % (label, 'pass' if result else 'fail'))
    ok = ok and result
sys.exit(0 if ok else 1)
