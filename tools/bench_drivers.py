"""Measures the drivers on this machine and prints a table (not a test):

    .venv/bin/python -m tools.bench_drivers [--builds 200] [--speech 20]

Printer: bytes of the demo ticket per profile, the time to build its job and to decode it into
a preview, and what the bytes cost on a serial line. Speech: the time to synthesize a call with
espeak-ng and with a clip pack, against the length of the speech.
"""

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from drivers.printer import build_job, render_escpos
from drivers.printer.demo import demo_ticket
from drivers.speech import (
    DEFAULT_TEMPLATES,
    ClipPackSpeaker,
    EspeakSpeaker,
    announcement_text,
    build_clip_pack,
)
from drivers.speech.wav import wav_duration


def timed(run: Callable[[], object], count: int) -> tuple[float, float]:
    """p50 and p99 in milliseconds over ``count`` runs, after one warm-up run."""
    run()
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, round(0.99 * len(samples)))]


def bench_printer(builds: int) -> None:
    print(f"Demo ticket (drivers.printer.demo), {builds} builds per row")
    print(f"{'profile':8} {'lang':4} {'bytes':>6} {'build p50':>10} {'build p99':>10} "
          f"{'preview p50':>12} {'115200 Bd':>10} {'9600 Bd':>8}")  # fmt: skip
    for profile, lang in (("raster", "vi"), ("raster", "en"), ("cp1258", "vi"), ("tcvn3", "vi")):
        ticket = demo_ticket(lang)
        job = build_job(ticket, profile)
        p50, p99 = timed(lambda t=ticket, p=profile: build_job(t, p), builds)
        preview, _ = timed(lambda j=job: render_escpos(j), max(5, builds // 10))
        wire = [len(job) * 10 / baud for baud in (115200, 9600)]
        print(f"{profile:8} {lang:4} {len(job):6d} {p50:8.2f}ms {p99:8.2f}ms {preview:10.2f}ms "
              f"{wire[0]:9.2f}s {wire[1]:7.2f}s")  # fmt: skip


def bench_speech(runs: int) -> None:
    print(f"\nSpeech, {runs} runs per row")
    print(f"{'speaker':22} {'lang':4} {'p50':>9} {'p99':>9} {'speech length':>14}")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "call.wav"
        start = time.perf_counter()
        pack = build_clip_pack(Path(tmp) / "pack")
        print(f"(building the espeak-ng clip pack took {time.perf_counter() - start:.1f} s)")
        speakers = {"espeak-ng": EspeakSpeaker(), "clip pack": ClipPackSpeaker(pack)}
        for name, speaker in speakers.items():
            for lang in ("vi", "en"):
                text = announcement_text(DEFAULT_TEMPLATES[lang], "1023", 5, lang)
                p50, p99 = timed(lambda s=speaker, t=text, lg=lang: s.synthesize(t, lg, out), runs)
                print(f"{name:22} {lang:4} {p50:7.1f}ms {p99:7.1f}ms {wav_duration(out):13.2f}s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--builds", type=int, default=200)
    parser.add_argument("--speech", type=int, default=20)
    args = parser.parse_args(argv)
    bench_printer(args.builds)
    bench_speech(args.speech)


if __name__ == "__main__":
    main()
