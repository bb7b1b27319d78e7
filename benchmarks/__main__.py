"""Run the benchmarks: python -m benchmarks [--quick] [--only NAME ...]."""

import sys

from benchmarks.runner import main

sys.exit(main())
