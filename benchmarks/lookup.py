"""Benchmark the certificate lookup's matching over a catalogue of 400 types (issue 14: every pinyin reading).

What it measures: `certificates.selectors.certificate_type_match`, the part of the lookup that runs in Python on
every keystroke, over --types certificate types (default 400, more than any district's effective catalogue)
whose names, other names and sub-items are drawn (seeded: every run draws the same) from characters of several
readings (重 zhong/chong, 还 hai/huan, 长 chang/zhang, 行 xing/hang…) and common ones, plus one name of 42
characters of polyphones. The types are built in memory (no database: the selector reads the catalogue in one
query, which benchmarks/certificates.py measures), then for each query:

- cold: the first match after `term_spelling.cache_clear()`, which spells every term of the catalogue (what the
  first keystroke after a worker starts costs);
- warm: --repeat matches with the spellings cached (every later keystroke): min and median.

Queries: a sentence wrapped in filler words, a name's initials, a polyphone's other reading, a run inside a name,
full pinyin of the long name, and a miss (the longest walk: nothing matches, every term is tried).

It prints the figures; it asserts nothing (the tests count the walk's steps, they never time it).

    uv run python benchmarks/lookup.py
    uv run python benchmarks/lookup.py --types 2000 --repeat 50
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Sequence

from scratch import BENCH_SECRET_KEY

# The selector imports the models: Django is set up, no database is touched.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
os.environ.setdefault("DJANGO_SECRET_KEY", BENCH_SECRET_KEY)

import django  # noqa: E402

django.setup()

from certificates.models import CertificateType  # noqa: E402
from certificates.selectors import certificate_type_match, term_spelling  # noqa: E402

POLYPHONES = "重还长行乐朝都会数调藏差传弹得地发干好间角觉看量落没模难便片强曲少省属宿相血应只种转"
COMMON = "居民户籍婚姻状况收入经济困难家庭住房社区服务养老就业医疗保险子女入学出生死亡亲属关系财产"
LONG_NAME = "重还长行乐朝都会数调" * 4 + "证明"
QUERIES = (
    ("sentence", "我想开个婚姻状况证明"),
    ("initials", "hyzk"),
    ("other reading", "chongming"),
    ("run inside", "kuanneng"),
    ("long name", "chonghuanzhanghangyuechaodouhuishutiao"),
    ("miss", "qqqqzzzz"),
)


def catalogue(size: int, seed: int = 14) -> list[CertificateType]:
    """`size` unsaved types: names of 4 to 10 characters + 证明 (one in three half polyphones), 0-2 other names,
    0-3 sub-items; the long name and the ones the queries look for among them."""
    draw = random.Random(seed)

    def term(low: int, high: int) -> str:
        pool = POLYPHONES + COMMON if draw.random() < 1 / 3 else COMMON
        return "".join(draw.choice(pool) for _ in range(draw.randint(low, high)))

    types = [CertificateType(pk=n, name=f"{term(4, 10)}证明", aliases=[term(3, 8) for _ in range(draw.randint(0, 2))],
                             sub_items=[term(2, 6) for _ in range(draw.randint(0, 3))], rule="issue")
             for n in range(1, size - 3)]
    types += [CertificateType(pk=size - 3, name=LONG_NAME, aliases=[], sub_items=[], rule="issue"),
              CertificateType(pk=size - 2, name="婚姻状况证明", aliases=["婚否证明"], sub_items=[], rule="issue"),
              CertificateType(pk=size - 1, name="重名证明", aliases=[], sub_items=[], rule="issue"),
              CertificateType(pk=size, name="还款能力证明", aliases=[], sub_items=[], rule="issue")]
    return types


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--types", type=int, default=400, help="certificate types (default %(default)s)")
    parser.add_argument("--repeat", type=int, default=20, help="warm matches per query (default %(default)s)")
    args = parser.parse_args(argv)
    types = catalogue(max(args.types, 8))
    terms = sum(1 + len(t.aliases) + len(t.sub_items) for t in types)
    print(f"{len(types)} types, {terms} terms (names, other names, sub-items); {args.repeat} warm runs per query")
    print(f"{'query':<16} {'typed':<40} {'cold ms':>9} {'warm min':>9} {'warm med':>9}  first match")
    for label, query in QUERIES:
        term_spelling.cache_clear()
        start = time.perf_counter()
        found = certificate_type_match(catalogue=types, query=query)
        cold = (time.perf_counter() - start) * 1000
        warm = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            certificate_type_match(catalogue=types, query=query)
            warm.append((time.perf_counter() - start) * 1000)
        first = found[0].certificate.name if found else "(none)"
        print(f"{label:<16} {query:<40} {cold:>9.2f} {min(warm):>9.2f} {statistics.median(warm):>9.2f}  {first}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
