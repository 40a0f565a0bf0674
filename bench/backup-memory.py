#!/usr/bin/env python3
"""Memory benchmark: a drill over a multi-GiB backup runs in the same memory as over a tiny one.

Builds bundles of growing size (tiny, SIZE_GIB/4, SIZE_GIB; default 2 GiB), runs `bin/dr-drill run` on each
with the same small heap cap, and prints wall time, RTO and the peak resident memory of the JVM for each.
The backup is streamed (digest, payload parse, copy, restored digest), so the peak does not follow the size.

    python3 bench/backup-memory.py [SIZE_GIB] [--heap 64m] [--keep]
"""
import argparse, base64, hashlib, json, os, resource, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write_backup(path, target_bytes):
    """A valid backup JSON of about target_bytes: ready services padded with a 64 KiB blob each."""
    blob = "x" * 65536
    digest = hashlib.sha256()
    written = 0
    with open(path, "wb") as out:
        def emit(text):
            nonlocal written
            data = text.encode()
            digest.update(data)
            out.write(data)
            written += len(data)
        emit('{"backup_id":"bench","services":[')
        i = 0
        while True:
            emit(('' if i == 0 else ',') + json.dumps({"name": f"svc-{i}", "status": "ready", "blob": blob}))
            i += 1
            if written >= target_bytes:
                break
        emit("]}")
    return digest.hexdigest(), written, i


def bundle(dir, target_bytes):
    os.makedirs(dir, exist_ok=True)
    sha, size, services = write_backup(os.path.join(dir, "backup.json"), target_bytes)
    json.dump({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
               "metadata": {"component": {"type": "data", "name": "bench", "hashes": [{"alg": "SHA-256", "content": sha}]}},
               "components": [{"type": "application", "name": "svc", "version": "1"}]},
              open(os.path.join(dir, "sbom.cdx.json"), "w"))
    statement = {"_type": "https://in-toto.io/Statement/v1", "subject": [{"name": "backup.json", "digest": {"sha256": sha}}],
                 "predicateType": "https://slsa.dev/provenance/v1", "predicate": {}}
    json.dump({"payloadType": "application/vnd.in-toto+json",
               "payload": base64.b64encode(json.dumps(statement).encode()).decode(), "signatures": []},
              open(os.path.join(dir, "provenance.dsse.json"), "w"))
    json.dump({"backup": {"path": "backup.json", "sha256": sha, "captured_at": "2026-11-20T06:00:00Z"},
               "sbom": {"path": "sbom.cdx.json"}, "provenance": {"path": "provenance.dsse.json"},
               "restore": {"output_dir": "restored", "copy_backup": True},
               "policies": {}}, open(os.path.join(dir, "manifest.json"), "w"))
    return size, services


# Runs the command in a fresh Python process so that ru_maxrss of *its* children is this drill's JVM alone.
MEASURE = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(r.returncode)")


def drill(dir, heap):
    env = dict(os.environ, DR_DRILL_JAVA_OPTS=f"-Xmx{heap}")
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-c", MEASURE, os.path.join(ROOT, "bin", "dr-drill"), "run",
                          "--manifest", os.path.join(dir, "manifest.json"),
                          "--output", os.path.join(dir, "evidence", "dr-report.json"),
                          "--current-time", "2026-11-20T06:30:00Z"], env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if run.returncode != 0:
        sys.exit(f"drill failed ({run.returncode}): {run.stdout}{run.stderr}")
    peak_kib = int(run.stderr.strip().splitlines()[-1])
    report = json.load(open(os.path.join(dir, "evidence", "dr-report.json")))
    return seconds, peak_kib, report, run.stdout.strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("size_gib", nargs="?", type=float, default=2.0)
    parser.add_argument("--heap", default="64m")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="dr-drill-bench-")
    try:
        rows = []
        sizes = (("tiny", 1024), (f"{args.size_gib / 4:g} GiB", int(args.size_gib / 4 * (1 << 30))),
                 (f"{args.size_gib:g} GiB", int(args.size_gib * (1 << 30))))
        for label, size in sizes:
            d = os.path.join(work, label.replace(" ", ""))
            actual, services = bundle(d, size)
            seconds, peak, report, verdict = drill(d, args.heap)
            rows.append((label, actual, services, seconds, peak, report["metrics"]["rto_seconds"], verdict))
            if not args.keep:
                shutil.rmtree(d, ignore_errors=True)
        print(f"heap cap -Xmx{args.heap}; peak RSS is the whole JVM (engine, H2, Spring) as the kernel counts it")
        print(f"{'backup':>10} {'bytes':>14} {'services':>9} {'wall s':>7} {'peak RSS MiB':>13} {'RTO s':>7}")
        for label, actual, services, seconds, peak, rto, verdict in rows:
            peak_text = f"{peak / 1024:.0f}"
            print(f"{label:>10} {actual:>14} {services:>9} {seconds:>7.1f} {peak_text:>13} {rto:>7}")
        print(rows[-1][-1])
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
