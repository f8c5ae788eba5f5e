"""Retrieval benchmark over the demo store's policy and FAQ documents.

Dataset: `benchmarks/data/knowledge_questions.jsonl`, customer questions written for these documents,
each with the (document, section) that answers it (and, for a few questions that two sections answer
equally, the `also` alternatives). Reports recall@1, recall@5 and MRR@10 side by side for BM25 alone,
dense alone, reciprocal rank fusion and the default hybrid (convex score fusion), the hybrid's
sensitivity to its lexical weight, how often the answer gate answers (benchmark questions) or wrongly
answers (`knowledge_unanswerable_dev.jsonl`, questions the documents do not cover), ingestion throughput
in pages/s (model already loaded) and hybrid query latency p50/p95 (query embedding included). Exit status 1 if the hybrid does not beat both single
retrievers on recall@5. Run: `.venv/bin/python benchmarks/knowledge.py [--json OUT]`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from shopkeeper.embeddings import encode
from shopkeeper.knowledge import KnowledgeBase, demo_docs_dir
from shopkeeper.store.db import open_store

DATA = Path(__file__).resolve().parent / "data" / "knowledge_questions.jsonl"
UNANSWERABLE_DEV = Path(__file__).resolve().parent / "data" / "knowledge_unanswerable_dev.jsonl"
MODES = ("bm25", "dense", "rrf", "hybrid")


def load_questions() -> list[dict[str, object]]:
    return [json.loads(line) for line in DATA.read_text().splitlines() if line.strip()]


def evaluate(
    kb: KnowledgeBase,
    questions: list[dict[str, object]],
    modes: tuple[str, ...] = MODES,
    lexical_weight: float = 0.2,
) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    index = kb.index()
    for mode in modes:
        r1 = r5 = rr = 0.0
        for q in questions:
            expected = {(str(q["document"]), str(q["section"]))}
            expected |= {(str(d), str(s)) for d, s in q.get("also", [])}  # type: ignore[attr-defined]
            passages = index.search(
                str(q["question"]),
                kb.encode,
                k=10,
                mode=mode,
                lexical_weight=lexical_weight,  # type: ignore[arg-type]
            )
            # A chunk counts under its section; an intro chunk is titled with its document's title.
            ranked = list(dict.fromkeys((p.document_id, p.section) for p in passages))
            rank = next((i for i, key in enumerate(ranked) if key in expected), None)
            if rank is not None:
                r1 += rank == 0
                r5 += rank < 5
                rr += 1.0 / (rank + 1)
        n = len(questions)
        results[mode] = {"recall@1": r1 / n, "recall@5": r5 / n, "mrr@10": rr / n}
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    questions = load_questions()
    encode(["warm up the embedding model"])  # model load is not ingestion
    with tempfile.TemporaryDirectory() as tmp:
        db = open_store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        kb = KnowledgeBase(db)
        start = time.perf_counter()
        added = kb.add([demo_docs_dir()])
        ingest_s = time.perf_counter() - start
        pages = sum(r.pages for r in added)
        chunks = sum(r.chunks for r in added)
        kb.search("warm up the index")
        latencies = []
        for q in questions:
            t = time.perf_counter()
            kb.search(str(q["question"]), k=5)
            latencies.append((time.perf_counter() - t) * 1000)
        results = evaluate(kb, questions)
        grounded = sum(kb.answer(str(q["question"])).grounded for q in questions) / len(questions)
        dev = [
            json.loads(line)["question"] for line in UNANSWERABLE_DEV.read_text().splitlines() if line.strip()
        ]
        invented = sum(kb.answer(q).grounded for q in dev) / len(dev)
        sweep = {w: evaluate(kb, questions, ("hybrid",), w)["hybrid"] for w in (0.1, 0.2, 0.3, 0.4, 0.5)}
        db.dispose()
    cuts = statistics.quantiles(latencies, n=20)
    report = {
        "questions": len(questions),
        "documents": len(added),
        "pages": pages,
        "chunks": chunks,
        "ingest_pages_per_s": pages / ingest_s,
        "ingest_chunks_per_s": chunks / ingest_s,
        "query_ms_p50": statistics.median(latencies),
        "query_ms_p95": cuts[18],
        "retrieval": results,
        "answer_grounded_rate_answerable": grounded,
        "answer_grounded_rate_unanswerable_dev": invented,
        "hybrid_lexical_weight_sweep": {str(w): r for w, r in sweep.items()},
    }
    print(f"{len(questions)} questions over {len(added)} documents ({pages} pages, {chunks} chunks)")
    print(f"{'retriever':<10}{'recall@1':>10}{'recall@5':>10}{'MRR@10':>10}")
    for mode in MODES:
        r = results[mode]
        print(f"{mode:<10}{r['recall@1']:>10.3f}{r['recall@5']:>10.3f}{r['mrr@10']:>10.3f}")
    print("hybrid by lexical weight: " + ", ".join(f"{w}: R@5 {r['recall@5']:.3f}" for w, r in sweep.items()))
    print(
        f"answer gate: answers {grounded:.1%} of the benchmark questions, "
        f"{invented:.1%} of {len(dev)} unanswerable dev questions (the rest: 'I don't know', offer a human)"
    )
    print(f"ingestion: {pages / ingest_s:.2f} pages/s ({chunks / ingest_s:.1f} chunks/s, {ingest_s:.2f} s)")
    print(
        f"query latency (hybrid, k=5): p50 {report['query_ms_p50']:.1f} ms, "
        f"p95 {report['query_ms_p95']:.1f} ms"
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    hybrid = results["hybrid"]["recall@5"]
    if not (hybrid > results["bm25"]["recall@5"] and hybrid > results["dense"]["recall@5"]):
        print("FAIL: hybrid does not beat both single retrievers on recall@5", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
