#!/bin/sh
# The orr benchmark: build, check and one serve edit at 100, 1,000 and 5,000
# services, with Zola or Hugo when installed. See bench/README.md, or
# `bench/run.sh --help`. Example: bench/run.sh --runs 5 100 1000
exec python3 "$(dirname "$0")/run.py" "$@"
