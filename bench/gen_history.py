#!/usr/bin/env python3
"""Generate a benchmark organisation with git history, for the audit trail.

usage: gen_history.py OUT_DIR [--services 1000] [--commits 2000] [--seed 1]

Writes OUT_DIR with gen_org.py (same N and seed), makes it a git repository
and writes its history with `git fast-import` (seconds, not minutes): one
commit holding the whole handbook, then COMMITS - 1 commits each changing
one service file (an answer's `evidence`, or a waiver's `reason` with a
`history` event every third time), by five authors, one hour apart from
2024-01-01. The work tree and index are left matching the last commit, so
`orr build --root OUT_DIR` reads the full trail and the site is not dirty.
The objects are then packed again by git itself (`git repack -a -d -f`), as
in any clone or `git gc`: fast-import's own pack stores each object as a
delta of the one imported before it, whatever its path, which no repository
a user works in looks like (`--fast-import-pack` keeps it). Deterministic
for a given seed.

Measure what the trail adds by building with the repository and with its
`.git` moved aside (bench/README.md, "The audit trail").
"""
import argparse, datetime, os, random, re, subprocess, sys

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--services", type=int, default=1000)
p.add_argument("--commits", type=int, default=2000)
p.add_argument("--seed", type=int, default=1)
p.add_argument("--fast-import-pack", action="store_true",
               help="keep the pack fast-import wrote instead of letting git repack it")
a = p.parse_args()

here = os.path.dirname(os.path.abspath(__file__))
subprocess.run([sys.executable, os.path.join(here, "gen_org.py"), a.out,
                "--services", str(a.services), "--seed", str(a.seed)], check=True)

R = random.Random(a.seed)
AUTHORS = ["Alice Archer", "Bob Brown", "Carol Chen", "Dave Diaz", "Erin Eng"]
START = 1704110400  # 2024-01-01T12:00:00Z

files = {}
for folder, _, names in os.walk(os.path.join(a.out, "content")):
    for name in names:
        path = os.path.join(folder, name)
        files[os.path.relpath(path, a.out).replace(os.sep, "/")] = open(path, "rb").read()
services = sorted(k for k in files if k.startswith("content/services/") and k.endswith(".yaml"))

def data(blob):
    return b"data %d\n" % len(blob) + blob + b"\n"

def commit(stream, i, message, changed):
    author = AUTHORS[i % len(AUTHORS)]
    email = author.lower().replace(" ", ".") + "@example.test"
    when = START + 3600 * i
    stream.write(b"commit refs/heads/main\nmark :%d\n" % (i + 1))
    stream.write(b"author %s <%s> %d +0000\n" % (author.encode(), email.encode(), when))
    stream.write(b"committer %s <%s> %d +0000\n" % (author.encode(), email.encode(), when))
    stream.write(data(message.encode()))
    if i > 0:
        stream.write(b"from :%d\n" % i)
    for path in changed:
        stream.write(b"M 100644 inline %s\n" % path.encode())
        stream.write(data(files[path]))

EVIDENCE = re.compile(rb'(evidence: "[^"?]*)(\?rev=\d+)?"')
REASON = re.compile(rb"^(      reason: .*?)( \(rev \d+\))?$", re.M)

def change(i):
    """Edits one service file in `files` for commit i; returns its path."""
    for _ in range(10000):
        path = R.choice(services)
        text = files[path]
        reasons = list(REASON.finditer(text))
        if i % 3 == 0 and reasons:
            m = R.choice(reasons)
            new = m.group(1) + b" (rev %d)" % i
            text = text[:m.start()] + new + text[m.end():]
            # Recorded as an amendment, dated the day of the commit.
            when = datetime.datetime.fromtimestamp(START + 3600 * i, datetime.timezone.utc)
            day = when.strftime("%Y-%m-%d").encode()
            hist = re.compile(rb"^      history:\n", re.M)
            h = hist.search(text, m.end())
            if h:
                event = b"        - {date: %s, event: amended, by: sre-lead}\n" % day
                text = text[:h.end()] + event + text[h.end():]
            files[path] = text
            return path
        evidence = list(EVIDENCE.finditer(text))
        if evidence:
            m = R.choice(evidence)
            new = m.group(1) + b'?rev=%d"' % i
            files[path] = text[:m.start()] + new + text[m.end():]
            return path
    sys.exit("no service file has an evidence link or a waiver to edit")

subprocess.run(["git", "init", "-q", "-b", "main", a.out], check=True)
imp = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=a.out, stdin=subprocess.PIPE)
commit(imp.stdin, 0, "the handbook", sorted(files))
for i in range(1, a.commits):
    commit(imp.stdin, i, "edit %d" % i, [change(i)])
imp.stdin.close()
if imp.wait() != 0:
    sys.exit("git fast-import failed")
for path in services:
    open(os.path.join(a.out, path), "wb").write(files[path])
subprocess.run(["git", "reset", "-q"], cwd=a.out, check=True)
if not a.fast_import_pack:
    subprocess.run(["git", "repack", "-a", "-d", "-f", "-q"], cwd=a.out, check=True)
print("%s: %d services, %d commits" % (a.out, len(services), a.commits), file=sys.stderr)
