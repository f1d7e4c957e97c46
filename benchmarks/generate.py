"""Generate a synthetic KoKo graph at national scale as N-Quads (the core is koko.release.synthetic).

The release plus up to 400 generated districts in Sachsen, Sachsen-Anhalt and Thüringen, each a
copy of a real site's named graphs with new IRIs, names, Kreisschlüssel and coordinators, and as
many "years of offers" (copies of its curated graph) as it takes to reach the target. Streamed, so
10 million quads need no more memory than 10 thousand. Deterministic for a seed and a target.

    python benchmarks/generate.py --size 1M --out /tmp/koko-1M.nq [--seed 2020] [--districts 400]
    koko validate /tmp/koko-10k.nq      # a small instance passes the shapes
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from koko.config import load_config
from koko.release.synthetic import MAX_DISTRICTS, iter_sizes, write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="10k", help="target number of quads: 10000, 10k, 1M …")
    parser.add_argument("--out", type=Path, required=True, help="the N-Quads file to write")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--districts", type=int, default=MAX_DISTRICTS, help="at most this many generated districts")
    args = parser.parse_args(argv)
    (target,) = iter_sizes(args.size)
    started = time.perf_counter()
    plan = write(load_config(), args.out, target, args.seed, args.districts)
    print(
        f"{args.out}: {plan.quads} quads, {plan.sites} generated districts, {sum(plan.years)} curated graphs"
        f" ({time.perf_counter() - started:.1f} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
