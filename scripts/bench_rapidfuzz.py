#!/usr/bin/env python3
"""The screening baseline a user would script: a rapidfuzz scan over every name.

Run by `portwatch bench engine --rapidfuzz`, which writes the world's names and a sample of
its travellers to files and compares the result with its own engine in the same run.

Without an engine, someone asked to screen travellers against a watch list would load every
name of every person into a list and ask `rapidfuzz.process.extract` for the best matches of
each traveller name: a fast C++ fuzzy matcher scanning all names per query. That is what this
script times, so the engine's speed-up is measured against a realistic alternative rather
than against a straw man. It is generous to rapidfuzz: the names are lower-cased and stripped
of punctuation once, outside the timing, and only the name comparison is timed (no dates of
birth, no documents, no policy).

Usage: bench_rapidfuzz.py NAMES QUERIES [--cutoff SCORE] [--limit N]
  NAMES    one name per line (every name and alias of every person)
  QUERIES  one traveller per line, the traveller's names separated by tabs

Prints one JSON line: the number of names and travellers, the scorer, and the time per
traveller (every name of the traveller scanned against all names): p50, p99 and mean, in
seconds, plus the mean number of names returned above the cutoff.
"""

import argparse
import json
import statistics
import sys
import time

from rapidfuzz import fuzz, process, utils


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names")
    parser.add_argument("queries")
    parser.add_argument("--cutoff", type=float, default=80.0)
    parser.add_argument("--limit", type=int, default=10)
    args = parser.parse_args()

    choices = [utils.default_process(n) for n in read_lines(args.names)]
    travellers = [line.split("\t") for line in read_lines(args.queries) if line]
    if not choices or not travellers:
        sys.exit("bench_rapidfuzz: no names or no travellers to screen")

    times, returned = [], []
    for names in travellers:
        started = time.perf_counter()
        found = 0
        for name in names:
            found += len(
                process.extract(
                    utils.default_process(name),
                    choices,
                    scorer=fuzz.token_sort_ratio,
                    limit=args.limit,
                    score_cutoff=args.cutoff,
                )
            )
        times.append(time.perf_counter() - started)
        returned.append(found)

    times.sort()
    print(
        json.dumps(
            {
                "names": len(choices),
                "travellers": len(travellers),
                "scorer": "token_sort_ratio",
                "cutoff": args.cutoff,
                "limit": args.limit,
                "p50_s": times[len(times) // 2],
                "p99_s": times[(len(times) - 1) * 99 // 100],
                "mean_s": statistics.fmean(times),
                "mean_returned": statistics.fmean(returned),
            }
        )
    )


if __name__ == "__main__":
    main()
