"""Embedded model benchmark: Shopkeeper's decode path against plain `generate()`, in the same run.

For each variant, in a fresh subprocess (so peak RSS and load time are its own):
- `ours`: `TransformersBackend` as shipped (int8 decode on SHOPKEEPER_LLM_THREADS; bf16 or int8
  prefill by CPU, on the idle CPUs; prompt-prefix reuse);
- `generate`: `AutoModelForCausalLM.from_pretrained(<cached checkpoint>)` + `.generate()` with default
  settings (fp32, torch's default threads), what a user of the library writes first; and the same
  limited to 1 thread (the fairer baseline when the other core is busy).
Prints load time from the cached checkpoint (imports excluded, then included), time to first token
for a ~300-token prompt (cold: nothing cached; `warm s`: the next question on the same system prompt,
which is reused from the cache), decode tokens/s (medians of 3), peak RSS, the ratio ours/generate,
and each
variant's share of its memory-bandwidth bound: bytes of weights read per token vs. copy bandwidth
measured here with numpy. Also checks quality: greedy answers of both on the same prompts.

Run: `.venv/bin/python benchmarks/llm.py [--busy] [--threads 1,2]` (a few minutes on a quiet
2-core machine; about 10 under heavy contention).
`x base` is the decode ratio to plain `generate`, `x 1thr` to `generate` on 1 thread.
`--busy` keeps one core busy with a spinning process, the condition the thread default is chosen for.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from typing import Any

PROMPT_SYSTEM = (
    "You are the customer-support assistant of an online shop selling furniture, lamps, clothing and "
    "kitchenware. Be brief and polite. Never invent order details: only state facts given to you. "
)
FACTS = (
    "Order #W2378156 was placed on 3 November by Ana Lopez: one blue desk lamp ($45.00), two ceramic mugs "
    "($12.00 each) and one grey wool throw ($60.00). It shipped on 5 November with tracking number "
    "1Z999AA10123456784 and is expected on 12 November. The return window is 30 days from delivery; items "
    "must be unused. Exchanges for a different colour or size are free. Refunds go back to the original "
    "payment method within 5 to 7 business days. "
)
LONG_PROMPT = [
    {"role": "system", "content": PROMPT_SYSTEM + FACTS + FACTS[: len(FACTS) // 2]},
    {
        "role": "user",
        "content": "Hi, where is my order #W2378156 and when will it arrive? Also can I return the mugs?",
    },
]
FOLLOW_UP_PROMPT = [
    LONG_PROMPT[0],
    {"role": "user", "content": "Can I exchange the grey throw for a red one instead?"},
]
DECODE_PROMPT = [
    {"role": "user", "content": "Write a long, detailed story about a lighthouse keeper and a cat."}
]
QUALITY_PROMPTS = [
    "Say hello to a customer called Ana.",
    "Write one polite sentence to a customer whose parcel is late.",
    "What is the capital of France?",
    "List three things to check before returning a jacket.",
]
DECODE_TOKENS = 48
QUALITY_TOKENS = 24


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run_ours() -> dict[str, Any]:
    t0 = time.perf_counter()
    from shopkeeper.config import load_settings
    from shopkeeper.llm import GenerationSettings, Message
    from shopkeeper.llm.transformers_backend import TransformersBackend

    backend = TransformersBackend(os.environ.get("BENCH_MODEL") or None, load_settings().cache_dir)
    backend.prepare()
    import torch  # noqa: F401  (imports counted apart from loading)
    import transformers  # noqa: F401

    t1 = time.perf_counter()
    loaded = backend.load()
    t2 = time.perf_counter()
    to_msgs = lambda chat: [Message(m["role"], m["content"]) for m in chat]  # noqa: E731

    def first_token(chat: list[dict[str, str]]) -> tuple[float, Any]:
        stream = backend.stream(to_msgs(chat), GenerationSettings(max_tokens=1))
        start = time.perf_counter()
        first = next(stream)
        spent = time.perf_counter() - start
        return spent, [item for item in (first, *stream) if not isinstance(item, str)][-1]

    ttft, warm, threads_used, reused = [], [], [], []
    decode = []
    for _ in range(3):
        # Cold: after an unrelated prompt, nothing of LONG_PROMPT is cached.
        list(backend.stream(to_msgs(DECODE_PROMPT), GenerationSettings(max_tokens=2)))
        spent, final = first_token(LONG_PROMPT)
        ttft.append(spent)
        threads_used.append(final.extra["prefill_threads"])
        # Warm: the next question on the same system prompt and facts (how the agent's calls look).
        spent, final = first_token(FOLLOW_UP_PROMPT)
        warm.append(spent)
        reused.append(final.extra["cached_prompt_tokens"])
        final = list(backend.stream(to_msgs(DECODE_PROMPT), GenerationSettings(max_tokens=DECODE_TOKENS)))[-1]
        decode.append(final.decode_tokens_per_s)
        decode_tokens = final.completion_tokens
    answers = []
    for text in QUALITY_PROMPTS:
        final = list(backend.stream([Message("user", text)], GenerationSettings(max_tokens=QUALITY_TOKENS)))[
            -1
        ]
        answers.append(final.text)
    weights = _linear_bytes(loaded.config, bytes_per_weight=1)
    return {
        "import_s": t1 - t0,
        "load_s": t2 - t1,
        "prompt_tokens": len(backend.prompt_ids(to_msgs(LONG_PROMPT))),
        "ttft_s": ttft,
        "warm_ttft_s": warm,
        "prefill_threads": threads_used,
        "reused_tokens": reused,
        "decode_tps": decode,
        "decode_tokens": decode_tokens,
        "rss_mib": _rss_mib(),
        "weight_bytes": weights,
        "threads": backend.threads,
        "path": loaded.stepper.description,
        "answers": answers,
    }


def _run_generate() -> dict[str, Any]:
    t0 = time.perf_counter()
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    from shopkeeper.config import load_settings
    from shopkeeper.llm import weights

    hf_logging.disable_progress_bar()
    if os.environ.get("BENCH_TORCH_THREADS"):
        torch.set_num_threads(int(os.environ["BENCH_TORCH_THREADS"]))
    files = weights.resolve(os.environ.get("BENCH_MODEL") or None, load_settings().cache_dir)
    weights.prepare(files)
    t1 = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(files.checkpoint)
    model = AutoModelForCausalLM.from_pretrained(files.checkpoint)
    t2 = time.perf_counter()

    def ids(chat: list[dict[str, str]]) -> Any:
        return tokenizer.apply_chat_template(
            chat, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )

    long_ids, decode_ids = ids(LONG_PROMPT), ids(DECODE_PROMPT)
    ttft, decode = [], []
    with torch.inference_mode():
        for _ in range(3):
            start = time.perf_counter()
            model.generate(**long_ids, max_new_tokens=1, do_sample=False)
            ttft.append(time.perf_counter() - start)
            start = time.perf_counter()
            model.generate(**decode_ids, max_new_tokens=1, do_sample=False)
            first = time.perf_counter() - start
            start = time.perf_counter()
            model.generate(
                **decode_ids, max_new_tokens=DECODE_TOKENS, min_new_tokens=DECODE_TOKENS, do_sample=False
            )
            decode.append((DECODE_TOKENS - 1) / max(time.perf_counter() - start - first, 1e-9))
        answers = []
        for text in QUALITY_PROMPTS:
            chat = ids([{"role": "user", "content": text}])
            out = model.generate(**chat, max_new_tokens=QUALITY_TOKENS, do_sample=False)
            answers.append(tokenizer.decode(out[0, chat["input_ids"].shape[1] :], skip_special_tokens=True))
    return {
        "import_s": t1 - t0,
        "load_s": t2 - t1,
        "prompt_tokens": int(long_ids["input_ids"].shape[1]),
        "ttft_s": ttft,
        "decode_tps": decode,
        "decode_tokens": DECODE_TOKENS,
        "rss_mib": _rss_mib(),
        "weight_bytes": _linear_bytes(model.config, bytes_per_weight=4),
        "threads": torch.get_num_threads(),
        "path": "AutoModelForCausalLM.generate, fp32",
        "answers": answers,
    }


def _linear_bytes(config: Any, bytes_per_weight: int) -> int:
    """Bytes of weights one decode step reads: every projection plus the output head."""
    hidden, inter, layers = config.hidden_size, config.intermediate_size, config.num_hidden_layers
    head_dim = getattr(config, "head_dim", None) or hidden // config.num_attention_heads
    q, kv = config.num_attention_heads * head_dim, config.num_key_value_heads * head_dim
    per_layer = hidden * (q + 2 * kv) + q * hidden + 3 * hidden * inter
    return (layers * per_layer + config.vocab_size * hidden) * bytes_per_weight


def _bandwidth(threads: int, size_mib: int = 256, repeats: int = 5) -> float:
    """Copy bandwidth in bytes/s (read + write), numpy, split over `threads` threads."""
    import numpy as np

    src = np.ones(size_mib * 2**20 // 8)
    dst = np.empty_like(src)
    parts = np.array_split(np.arange(src.size), threads)
    bounds = [(int(p[0]), int(p[-1]) + 1) for p in parts]
    best = float("inf")
    for _ in range(repeats):
        workers = [threading.Thread(target=np.copyto, args=(dst[a:b], src[a:b])) for a, b in bounds]
        start = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        best = min(best, time.perf_counter() - start)
    return 2 * src.nbytes / best


def _child(variant: str, threads: int | None) -> dict[str, Any]:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    if threads is not None:
        env["SHOPKEEPER_LLM_THREADS" if variant == "ours" else "BENCH_TORCH_THREADS"] = str(threads)
    out = subprocess.run(
        [sys.executable, __file__, "--child", variant], env=env, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise SystemExit(f"{variant} failed:\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _seconds(values: list[float]) -> str:
    return "/".join(f"{v:.2f}" for v in values) + " s"


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", choices=["ours", "generate"])
    parser.add_argument("--busy", action="store_true", help="keep one core busy while measuring")
    parser.add_argument("--threads", default="1", help="SHOPKEEPER_LLM_THREADS values to measure, e.g. 1,2")
    parser.add_argument("--model", help="a checkpoint dir or GGUF instead of the embedded SmolLM2")
    args = parser.parse_args()
    if args.model:
        os.environ["BENCH_MODEL"] = args.model
    if args.child:
        print(json.dumps(_run_ours() if args.child == "ours" else _run_generate()))
        return
    spinner = None
    if args.busy:
        spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        started = time.perf_counter()
        load = os.getloadavg()[0]
        bw = {n: _bandwidth(n) for n in (1, 2)}
        runs = {"generate": _child("generate", None), "generate, 1 thread": _child("generate", 1)}
        for n in [int(t) for t in args.threads.split(",")]:
            runs[f"ours, {n} thread{'s' if n > 1 else ''}"] = _child("ours", n)
    finally:
        if spinner is not None:
            spinner.kill()
            spinner.wait()
    base = runs["generate"]
    base_tps = statistics.median(base["decode_tps"])
    one_tps = statistics.median(runs["generate, 1 thread"]["decode_tps"])
    print(
        f"{args.model or 'SmolLM2-135M-Instruct'} on {len(os.sched_getaffinity(0))} CPUs; load average {load:.1f} at start"
        f"{'; one core kept busy' if args.busy else ''}; medians of 3; {time.perf_counter() - started:.0f} s"
    )
    print(f"copy bandwidth (numpy): {bw[1] / 1e9:.1f} GB/s on 1 thread, {bw[2] / 1e9:.1f} GB/s on 2")
    header = (
        f"{'variant':<22}{'threads':>8}{'import s':>9}{'load s':>8}{'ttft s':>8}{'prompt':>7}{'warm s':>7}"
        f"{'tok/s':>7}{'x base':>7}{'x 1thr':>7}{'RSS MiB':>8}{'MB/tok':>7}{'bound':>7}{'of bound':>9}"
    )
    print(header)
    for name, run in runs.items():
        tps = statistics.median(run["decode_tps"])
        bound = bw[min(run["threads"], 2)] / run["weight_bytes"]
        print(
            f"{name:<22}{run['threads']:>8}{run['import_s']:>9.1f}{run['load_s']:>8.2f}"
            f"{statistics.median(run['ttft_s']):>8.2f}{run['prompt_tokens']:>7}"
            f"{statistics.median(run['warm_ttft_s']) if 'warm_ttft_s' in run else float('nan'):>7.2f}"
            f"{tps:>7.1f}{tps / base_tps:>7.2f}{tps / one_tps:>7.2f}"
            f"{run['rss_mib']:>8.0f}{run['weight_bytes'] / 1e6:>7.0f}{bound:>7.0f}{tps / bound:>9.0%}"
        )
    for name, run in runs.items():
        if "warm_ttft_s" in run:
            print(
                f"{name}: prefill threads chosen per cold prompt {run['prefill_threads']}; "
                f"first token cold {_seconds(run['ttft_s'])}, warm {_seconds(run['warm_ttft_s'])} "
                f"(reusing {run['reused_tokens'][0]} cached prompt tokens)"
            )
    for name, run in runs.items():
        if name.startswith("generate"):
            continue
        print(f"\ngreedy answers, {name} vs generate (fp32), {QUALITY_TOKENS} tokens max:")
        for prompt, ours, ref in zip(QUALITY_PROMPTS, run["answers"], base["answers"], strict=True):
            same = "identical" if ours == ref else f"same first {_common_prefix(ours, ref)} chars"
            print(f"  {prompt[:40]:<42}{same}\n    ours: {ours[:90]!r}\n    base: {ref[:90]!r}")


if __name__ == "__main__":
    main()
