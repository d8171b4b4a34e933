#!/usr/bin/env python3
"""Generate a benchmark organisation: a large handbook in orr's format (SPEC.md).

Ported from the workspace's shared/bench/gen_org.py so that the repository
stands alone. The shape is kept exactly (the same random draws in the same
order), so a given N and seed write byte for byte the same handbook as the
original, and figures compare with the ones in the performance issue.

What it writes under OUT_DIR/content/:
  orr.yaml            title, review policy, three tags (ml-serving, stateful,
                      internet-facing)
  concepts/           20 concepts, each linking up to two others
  handbook/intro.md   one chapter
  questions/          CATEGORIES banks of PER_CATEGORY questions (every third
                      one recommended, the last of each bank restricted to a
                      tag), each with guidance and a fenced bash block
  postmortems/        POSTMORTEMS postmortems, each naming three services and
                      adding one question to a bank
  services/           N services svc-00000, svc-00001, ... with an SLO, on-call,
                      up to four dependencies on earlier services and half the
                      time an external one, answers to about 92% of the
                      questions that apply (yes, partial, no, waived), up to
                      three risks and three reviews; every fifth service also
                      has prose (NAME.md)

usage: gen_org.py OUT_DIR --services N [--categories 15] [--per-category 10] [--postmortems 100] [--seed 1]

Deterministic for a given seed. Every generated handbook passes
`orr check --today 2026-11-23`. With the defaults there are 250 questions.
"""
import argparse, os, random, datetime

p = argparse.ArgumentParser()
p.add_argument("out"); p.add_argument("--services", type=int, default=1000)
p.add_argument("--categories", type=int, default=15); p.add_argument("--per-category", type=int, default=10)
p.add_argument("--postmortems", type=int, default=100); p.add_argument("--seed", type=int, default=1)
a = p.parse_args()
R = random.Random(a.seed)
TODAY = datetime.date(2026, 11, 23)
C = os.path.join(a.out, "content")
for d in ["questions", "postmortems", "services", "concepts", "handbook"]:
    os.makedirs(os.path.join(C, d), exist_ok=True)
def w(path, text):
    with open(os.path.join(C, path), "w") as f: f.write(text)
def day(offset): return (TODAY + datetime.timedelta(days=offset)).isoformat()
TAGS = ["ml-serving", "stateful", "internet-facing"]
w("orr.yaml", "title: Benchmark Org\nbase_url: /\nbank_version: \"bench\"\npolicy:\n  waiver_max_days: 180\n"
  "  expiring_soon_days: 30\n  review_max_age_days: 365\n  risk_blocker_score: 15\ntags:\n" +
  "".join(f"  {t}: {t} services\n" for t in TAGS))
concepts = [f"concept-{i}" for i in range(20)]
for i, c in enumerate(concepts):
    links = "".join(f"  - {{to: {concepts[j]}, label: feeds}}\n" for j in sorted(R.sample(range(20), 2)) if j != i)
    w(f"concepts/{c}.md", f"---\ntitle: Concept {i}\ngroup: Group {i % 5}\nlinks:\n{links or '  []'}\n---\nConcept {i} explained in a few words.\n")
w("handbook/intro.md", "---\ntitle: Introduction\nweight: 1\n---\nHow to run a review. See [the first bank](../questions/cat-0.md).\n")
LOREM = ("Measure it under realistic load and link the report. A weak answer names a dashboard nobody opened. "
         "Good evidence is a dated artefact that a reviewer can open without asking anyone.")
qids = []
for c in range(a.categories):
    body = [f"---\ntitle: Category {c}\norder: {c}\nasks: Is area {c} ready?\n---\nIntroduction to category {c}.\n"]
    for q in range(a.per_category):
        qid = f"c{c}-q{q}"
        attrs = [f"#{qid}", "level=" + ("required" if q % 3 else "recommended")]
        if q == a.per_category - 1: attrs.append("applies=" + TAGS[c % 3])
        attrs.append("concepts=" + ",".join(sorted(R.sample(concepts, 2))))
        qids.append((qid, q == a.per_category - 1 and TAGS[c % 3]))
        body.append(f"\n## Is control {q} of area {c} in place? {{{' '.join(attrs)}}}\n\n{LOREM}\n\n```bash\ncurl -s http://localhost:9090/metrics | grep area_{c}\n```\n")
    w(f"questions/cat-{c}.md", "".join(body))
names = [f"svc-{i:05d}" for i in range(a.services)]
for i in range(a.postmortems):
    date = day(-R.randint(30, 700))
    svcs = sorted(R.sample(names, min(3, len(names))))
    w(f"postmortems/pm-{i:04d}.md", f"---\nid: pm-{i:04d}\ntitle: Incident {i}\ndate: {date}\nseverity: sev{R.randint(1,3)}\n"
      f"services: [{', '.join(svcs)}]\n---\nWhat happened in incident {i}, and why.\n\n## Timeline\n\nEvents.\n\n"
      f"## Was lesson {i} applied? {{#pm{i}-q category=cat-{i % a.categories}}}\n\nAdded after incident {i}.\n")
    qids.append((f"pm{i}-q", None))
for n, name in enumerate(names):
    tags = sorted(R.sample(TAGS, R.randint(0, 2)))
    lines = [f"title: Service {n}", f"owner: team-{n % 40}", f"tier: {R.randint(1,4)}",
             f"tags: [{', '.join(tags)}]", f"summary: Service number {n} of the benchmark organisation.",
             f"slo:\n  availability: {R.choice([99.0, 99.5, 99.9, 99.95])}\n  latency_p99_ms: {R.choice([100, 300, 800])}",
             f"oncall:\n  rotation: rota-{n % 40}\n  members: {R.randint(3,7)}\n  escalation: [sre-oncall]"]
    deps = []
    for j in sorted(R.sample(range(n), min(n, R.randint(0, 4)))):
        deps.append(f"  - {{service: {names[j]}, hard: {str(R.random() < 0.6).lower()}, timeout_ms: {R.choice([100, 250, 1000])}, retries: {R.randint(0,3)}, circuit_breaker: true}}")
    if R.random() < 0.5:
        deps.append(f"  - {{external: ext-{R.randint(0, 30)}, availability: 99.9, hard: true, timeout_ms: 2000, retries: 1, circuit_breaker: true, fallback: serve cached data}}")
    if deps: lines.append("dependencies:\n" + "\n".join(deps))
    ans = []
    for qid, tag in qids:
        if tag and tag not in tags: continue
        r = R.random()
        if r < 0.08: continue
        if r < 0.75: ans.append(f"  {qid}: {{status: yes, evidence: \"https://dash.example.internal/{name}/{qid}\"}}")
        elif r < 0.85: ans.append(f"  {qid}: {{status: partial, plan: \"https://tracker.example.internal/{name}-{qid}\", due: {day(R.randint(-20, 90))}}}")
        elif r < 0.93: ans.append(f"  {qid}: {{status: no, note: not started}}")
        else:
            g = R.randint(-170, -1); e = g + R.randint(30, 180)
            ans.append(f"  {qid}:\n    status: waived\n    waiver:\n      reason: Compensating control in place for {qid}.\n"
                       f"      approver: sre-lead\n      granted: {day(g)}\n      expires: {day(e)}\n"
                       f"      history:\n        - {{date: {day(g)}, event: granted, by: sre-lead}}")
    lines.append("answers:\n" + "\n".join(ans))
    risks = [f"  - {{id: r{k}, title: Risk {k} of {name}, impact: Degraded service, severity: {R.randint(1,5)}, "
             f"likelihood: {R.randint(1,5)}, status: {R.choice(['open', 'mitigated', 'accepted'])}, mitigations: [Runbook, Alert]}}"
             for k in range(R.randint(0, 3))]
    if risks: lines.append("risks:\n" + "\n".join(risks))
    revs = [f"  - {{date: {day(-R.randint(10, 500))}, reviewer: sre-lead, decision: {R.choice(['go', 'no-go', 'conditional'])}}}"
            for _ in range(R.randint(0, 3))]
    if revs: lines.append("reviews:\n" + "\n".join(sorted(revs)))
    w(f"services/{name}.yaml", "\n".join(lines) + "\n")
    if n % 5 == 0:
        w(f"services/{name}.md", f"Service {n} takes requests and writes them down.\n\n```yaml\nreplicas: 3\n```\n")
print(f"wrote {a.services} services, {len(qids)} questions, {a.postmortems} postmortems to {a.out}")
