"""`python -m scoring_service.healthcheck`: exit 0 when the service answers SERVING, else 1 (for probes).

The health service needs no token; --ca turns TLS on with the given PEM root certificate.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from scoring_service.client import ScoringClient


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scoring_service.healthcheck", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--address", default="127.0.0.1:50051", help="host:port of the scoring service")
    parser.add_argument(
        "--ca", type=Path, default=None, help="PEM root certificate when the service uses TLS"
    )
    parser.add_argument("--timeout", type=float, default=3.0, help="seconds to wait for the answer")
    args = parser.parse_args(argv)
    roots = args.ca.read_bytes() if args.ca else None
    with ScoringClient(args.address, root_certificates=roots, timeout=args.timeout, retries=0) as client:
        serving = client.health()
    print("SERVING" if serving else f"NOT SERVING (or unreachable) at {args.address}", file=sys.stderr)
    return 0 if serving else 1


if __name__ == "__main__":
    raise SystemExit(main())
