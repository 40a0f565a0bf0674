#!/usr/bin/env python3
"""Drill benchmark: how long `bin/dr-drill run` takes and how much memory it holds, from the sample bundle to 4 GiB.

Builds bundles in a temporary folder (a JSON backup of ready services plus bulk records, restored with
`copy_backup`, and a `raw` backup of the same size), runs each drill several times as a pipeline would (a cold
JVM each time, through bin/dr-drill), and prints, as Markdown tables ready to paste into the README:

- median wall time and peak resident memory (the largest process of the drill's tree: JVM, recall script, cp),
  measured with wait4(2), next to the shell floor measured in the same run (`openssl dgst -sha256` of the backup,
  `cp` of it, `openssl dgst -sha256` of the copy: the least any tool that hashes, copies and hashes again must
  spend) and their ratio;
- a drill of the largest bundle with an explicit `-Xmx256m`, and of the smallest on C1 and C2 (the launcher runs a
  drill of small files on C1 alone): the memory a backup's size costs is read against both;
- where the sample drill's start-up goes (DR_DRILL_STARTUP_TIMINGS=1, medians);
- the targets and whether they are met, and the machine and its load.

    python3 bench/drill-bench.py                         # sample, 1 MiB, 256 MiB, 1 GiB, 4 GiB; 3 runs each
    python3 bench/drill-bench.py --sizes 1M,256M --repeats 1 --formats json   # a quick run
    python3 bench/drill-bench.py --keep --work /var/tmp/bench                 # keep the bundles

The 4 GiB bundles need about 9 GiB free (backup and restored copy); the script checks before building and removes
what it built. The page cache is left as it is: every measurement, drill and floor alike, reads warm files. Each
one starts from the same settled state: the files written before it are flushed (sync) and SETTLE_SECONDS pass, so
that a write-back left by the previous measurement never lands in the next, and on a virtual machine that hands
memory freed by its guest back to the host (virtio-balloon free page reporting, about 2 s after the free) every
copy writes into memory the host must map again, as a drill's copy always does; a floor copied right after the
previous restored copy was deleted would reuse that memory still mapped (1 GiB: 0.3 s instead of 2-3 s on such a
machine) and measure a floor no drill can reach.
"""
import argparse, base64, hashlib, json, os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMMAND = os.path.join(ROOT, "bin", "dr-drill")
NOW = "2026-11-20T06:30:00Z"
UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
CHUNK = 1 << 20
BOTH_COMPILERS = "-XX:TieredStopAtLevel=4"
SETTLE_SECONDS = 3


def parse_size(text):
    text = text.strip().upper().rstrip("IB")
    return int(float(text[:-1]) * UNITS[text[-1]]) if text[-1] in UNITS else int(text)


def label(size):
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor:
            return f"{size / factor:g} {unit}"
    return f"{size} B"


def write_json_backup(path, target):
    """A valid `json` backup: a few ready services, then bulk records of 64 KiB strings, about `target` bytes."""
    digest, written = hashlib.sha256(), 0
    record = json.dumps("r" * 65536)
    with open(path, "wb") as out:
        def emit(text):
            nonlocal written
            data = text.encode()
            digest.update(data)
            out.write(data)
            written += len(data)
        services = [{"name": f"svc-{i}", "status": "ready"} for i in range(8)]
        emit('{"backup_id":"bench","services":' + json.dumps(services) + ',"records":[')
        block = ",".join([record] * 16)  # about 1 MiB per write
        first = True
        while written < target - 2:
            emit(("" if first else ",") + (block if target - written > len(block) + 1 else record))
            first = False
        emit("]}")
    return digest.hexdigest(), written


def write_raw_backup(path, target):
    """A `raw` backup: opaque bytes (a repeated pseudo-random MiB), exactly `target` bytes."""
    digest, block = hashlib.sha256(), hashlib.sha256(b"drill-bench").digest() * (CHUNK // 32)
    with open(path, "wb") as out:
        left = target
        while left > 0:
            data = block[:min(left, CHUNK)]
            digest.update(data)
            out.write(data)
            left -= len(data)
    return digest.hexdigest(), target


def bundle(folder, target, form):
    """A bundle the drill accepts: the backup, an SBOM and provenance naming its digest, a manifest with copy_backup."""
    os.makedirs(folder, exist_ok=True)
    name = "backup.json" if form == "json" else "backup.bin"
    sha, size = (write_json_backup if form == "json" else write_raw_backup)(os.path.join(folder, name), target)
    with open(os.path.join(folder, "sbom.cdx.json"), "w") as out:
        json.dump({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                   "metadata": {"component": {"type": "data", "name": "bench",
                                              "hashes": [{"alg": "SHA-256", "content": sha}]}},
                   "components": [{"type": "application", "name": "svc", "version": "1"}]}, out)
    statement = {"_type": "https://in-toto.io/Statement/v1", "subject": [{"name": name, "digest": {"sha256": sha}}],
                 "predicateType": "https://slsa.dev/provenance/v1", "predicate": {}}
    with open(os.path.join(folder, "provenance.dsse.json"), "w") as out:
        json.dump({"payloadType": "application/vnd.in-toto+json",
                   "payload": base64.b64encode(json.dumps(statement).encode()).decode(), "signatures": []}, out)
    backup = {"path": name, "sha256": sha, "captured_at": "2026-11-20T06:00:00Z"}
    if form == "raw":
        backup["format"] = "raw"
    with open(os.path.join(folder, "manifest.json"), "w") as out:
        json.dump({"backup": backup, "sbom": {"path": "sbom.cdx.json"}, "provenance": {"path": "provenance.dsse.json"},
                   "restore": {"output_dir": "restored", "copy_backup": True},
                   "policies": {"max_rpo_minutes": 10080, "max_rto_seconds": 900}}, out)
    return os.path.join(folder, "manifest.json"), os.path.join(folder, name), size


def settle():
    """The state every measurement starts from: earlier writes flushed, memory freed before it given back."""
    os.sync()
    time.sleep(SETTLE_SECONDS)


def measured(argv, env=None, cwd=None):
    """Runs a command; its wall seconds, the peak RSS (KiB) of its process tree (wait4), its exit code and output."""
    settle()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)  # reaps the child with its tree's resource use
        seconds = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return seconds, usage.ru_maxrss, process.returncode, out.read().decode(), err.read().decode()


def drill(manifest, evidence, java_opts=None, timings=False):
    env = dict(os.environ, DR_DRILL_PROGRESS="none")
    env.pop("DR_DRILL_STARTUP_TIMINGS", None)
    if timings:
        env["DR_DRILL_STARTUP_TIMINGS"] = "1"
    if java_opts:
        env["DR_DRILL_JAVA_OPTS"] = java_opts
    shutil.rmtree(evidence, ignore_errors=True)
    seconds, rss, code, out, err = measured([COMMAND, "run", "--manifest", manifest, "--output",
                                             os.path.join(evidence, "dr-report.json"), "--current-time", NOW,
                                             "--quiet"], env=env)
    if code != 0:
        sys.exit(f"drill of {manifest} exited {code}: {out}{err}")
    return seconds, rss, err


def floor(backup, scratch):
    """The shell floor: hash the backup, copy it, hash the copy."""
    copy = os.path.join(scratch, "floor-copy")
    settle()
    started = time.monotonic()
    for argv in (["openssl", "dgst", "-sha256", backup], ["cp", backup, copy], ["openssl", "dgst", "-sha256", copy]):
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    seconds = time.monotonic() - started
    os.remove(copy)
    return seconds


def timings(stderr):
    found = {}
    for line in stderr.splitlines():
        if line.startswith("[dr-drill] start-up "):
            text = line[len("[dr-drill] start-up "):].rstrip()
            name, value = text[:-2].rsplit(None, 1)
            found[name.strip()] = float(value)
    # the kernel's process start time is converted to the clock through the boot time, which can be off by a
    # fraction of a second: then the launcher's and the JVM's first phases are shown as one
    first, second = "launcher to JVM start", "JVM start to main (class loading, picocli)"
    if found.get(first, 0) < 0 and second in found:
        found = {("launcher to main (JVM start, class loading, picocli)" if k == second else k): v + (
            found[first] if k == second else 0) for k, v in found.items() if k != first}
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1M,256M,1G,4G", help="backup sizes, e.g. 1M,256M,1G,4G (default)")
    parser.add_argument("--formats", default="json,raw", help="json, raw or both (default)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per bundle (default 3); the median is shown")
    parser.add_argument("--no-sample", action="store_true", help="skip the sample bundle (data/dr)")
    parser.add_argument("--no-heap-run", action="store_true", help="skip the -Xmx256m run of the largest bundle")
    parser.add_argument("--work", help="folder for the bundles (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the bundles")
    args = parser.parse_args()
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    work = args.work or tempfile.mkdtemp(prefix="dr-drill-bench-")
    os.makedirs(work, exist_ok=True)
    need = 2.2 * max(sizes, default=0) + (1 << 30)
    if shutil.disk_usage(work).free < need:
        sys.exit(f"{work}: {label(shutil.disk_usage(work).free)} free, {label(int(need))} needed")
    load_before = os.getloadavg()
    rows, startup, heap_row = [], {}, None
    try:
        # the first run after a build makes the launcher's class-data archive: not measured
        sample = os.path.join(ROOT, "data", "dr", "manifest.json")
        drill(sample, os.path.join(work, "warm-up"))
        if not args.no_sample:
            walls, peaks = [], []
            for _ in range(args.repeats):
                seconds, rss, err = drill(sample, os.path.join(work, "sample-evidence"), timings=True)
                walls.append(seconds)
                peaks.append(rss)
                for name, value in timings(err).items():
                    startup.setdefault(name, []).append(value)
            backup = os.path.join(ROOT, "data", "dr", "backup.json")
            floors = [floor(backup, work) for _ in range(args.repeats)]
            rows.append(("sample (data/dr)", "json", os.path.getsize(backup), walls, peaks, floors))
        for size in sizes:
            for form in formats:
                folder = os.path.join(work, f"{form}-{size}")
                manifest, backup, actual = bundle(folder, size, form)
                walls, peaks, floors = [], [], []
                for _ in range(args.repeats):
                    seconds, rss, _ = drill(manifest, os.path.join(folder, "evidence"))
                    walls.append(seconds)
                    peaks.append(rss)
                    shutil.rmtree(os.path.join(folder, "restored"), ignore_errors=True)
                    floors.append(floor(backup, folder))
                rows.append((label(size), form, actual, walls, peaks, floors))
                if size == min(sizes) and form == formats[0] and len(sizes) > 1:
                    # the launcher runs a drill of small files on C1 alone, a large one on C1 and C2: the memory a
                    # backup's size costs is read against the small drill on the large one's compilers as well
                    both = [drill(manifest, os.path.join(folder, "evidence"), java_opts=BOTH_COMPILERS)[:2]
                            for _ in range(args.repeats)]
                    rows.append((label(size) + " on C1 and C2", form, actual, [b[0] for b in both],
                                 [b[1] for b in both], floors))
                if size == max(sizes) and form == formats[0] and not args.no_heap_run:
                    seconds, rss, _ = drill(manifest, os.path.join(folder, "evidence"), java_opts="-Xmx256m")
                    heap_row = (label(size), form, seconds, rss)
                if not args.keep:
                    shutil.rmtree(folder, ignore_errors=True)
    finally:
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)
    report(rows, heap_row, startup, args.repeats, load_before, os.getloadavg())


def report(rows, heap_row, startup, repeats, load_before, load_after):
    mib = lambda kib: kib / 1024
    print(f"Machine: {os.cpu_count()} cores, {label(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES'))} "
          f"memory; {java_version()}; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after; "
          f"median of {repeats} runs each, every one after a sync and a {SETTLE_SECONDS} s pause.\n")
    print("| backup | format | bytes | median wall | peak RSS | shell floor | ratio |")
    print("|---|---|---:|---:|---:|---:|---:|")
    medians = {}
    for name, form, size, walls, peaks, floors in rows:
        wall, peak, shell = statistics.median(walls), statistics.median(peaks), statistics.median(floors)
        medians[(name, form)] = (wall, peak, shell)
        print(f"| {name} | {form} | {size:,} | {wall:.2f} s | {mib(peak):.0f} MiB | {shell:.2f} s | "
              f"{wall / shell if shell > 0 else float('inf'):.1f}× |")
    if heap_row:
        name, form, wall, peak = heap_row
        print(f"| {name} with `-Xmx256m` | {form} | | {wall:.2f} s | {mib(peak):.0f} MiB | | |")
    if startup:
        print("\nStart-up of the sample drill (DR_DRILL_STARTUP_TIMINGS=1, median seconds):\n")
        print("| phase | seconds |")
        print("|---|---:|")
        for name, values in startup.items():
            print(f"| {name} | {statistics.median(values):.2f} |")
    print("\nTargets:\n")
    print("| target | measured | met |")
    print("|---|---|---|")
    check = lambda text, value, ok: print(f"| {text} | {value} | {'yes' if ok else 'no'} |")
    sample = medians.get(("sample (data/dr)", "json"))
    if sample:
        check("sample: ≤ 3.0 s wall", f"{sample[0]:.2f} s", sample[0] <= 3.0)
        check("sample: ≤ 250 MiB peak RSS", f"{mib(sample[1]):.0f} MiB", mib(sample[1]) <= 250)
    gib = medians.get(("1 GiB", "json"))
    if gib:
        check("1 GiB: ≤ 2.5× shell floor", f"{gib[0] / gib[2]:.1f}×", gib[0] <= 2.5 * gib[2])
        check("1 GiB: ≤ 8.7 s wall", f"{gib[0]:.2f} s", gib[0] <= 8.7)
        check("1 GiB: ≤ 300 MiB peak RSS", f"{mib(gib[1]):.0f} MiB", mib(gib[1]) <= 300)
    small, large = medians.get(("1 MiB", "json")), medians.get(("4 GiB", "json"))
    both = medians.get(("1 MiB on C1 and C2", "json"))
    if small and large:
        check("4 GiB: peak RSS within 10 % of 1 MiB's", f"{mib(large[1]):.0f} vs {mib(small[1]):.0f} MiB",
              large[1] <= 1.1 * small[1])
    if both and large:
        check("4 GiB: peak RSS within 10 % of 1 MiB's, both on C1 and C2",
              f"{mib(large[1]):.0f} vs {mib(both[1]):.0f} MiB", large[1] <= 1.1 * both[1])
    if heap_row:
        check(f"{heap_row[0]}: runs with -Xmx256m", f"passed in {heap_row[2]:.2f} s", True)


def java_version():
    java = os.environ.get("DR_DRILL_JAVA", "java")
    try:
        line = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
        return line.strip()
    except (OSError, IndexError):
        return "java unknown"


if __name__ == "__main__":
    main()
