"""How many CPU threads a prompt's prefill may use right now.

Decoding one token at a time runs on `SHOPKEEPER_LLM_THREADS` (default 1): its many small matmuls
synchronise threads every few microseconds, so a second thread that has to share its core with
another process stalls them all (measured: 2 threads with the other core busy decode at a quarter
of 1 thread's speed). A prefill's matmuls are large, and a free second core nearly halves the time to
the first token (302 tokens: 0.55 s against 0.93 s), but a busy one doubles it (2.0 s).

So `auto` (the default of `SHOPKEEPER_LLM_PREFILL_THREADS`) looks, just before each prefill, at how
many threads the kernel has runnable (`/proc/loadavg`, the minimum of three reads so a passing blip
is ignored), less this process's own (`/proc/self/task`), and uses the CPUs this process may run on
that nobody else wants. Where those files do not exist (not Linux) it uses the decode threads.
"""

from __future__ import annotations

import os

__all__ = ["prefill_threads"]

_LOADAVG = "/proc/loadavg"


def _runnable() -> int | None:
    """Threads runnable on the whole machine now, this one included (None when unknown)."""
    try:
        with open(_LOADAVG, encoding="ascii") as f:
            return int(f.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return None


def _own_running() -> int:
    """This process's threads running now, the caller included (its thread pool may still be
    spinning after the last parallel region: that is no competition)."""
    running = 0
    try:
        for task in os.scandir("/proc/self/task"):
            try:
                with open(f"{task.path}/stat", encoding="ascii", errors="replace") as f:
                    running += f.read().rsplit(")", 1)[1].split()[0] == "R"
            except (OSError, IndexError):
                continue
    except OSError:
        return 1
    return max(running, 1)


def _allowed_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def prefill_threads(decode_threads: int, setting: int | None) -> int:
    """Threads for the next prefill: `setting` when fixed, else decode threads plus the idle CPUs."""
    if setting is not None:
        return setting
    reads = [_runnable() for _ in range(3)]
    if None in reads:
        return decode_threads
    others = max(0, min(r for r in reads if r is not None) - _own_running())
    idle = _allowed_cpus() - decode_threads - others
    return max(decode_threads, decode_threads + idle)
