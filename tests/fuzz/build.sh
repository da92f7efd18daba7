#!/usr/bin/env bash
# build.sh -- builds the libFuzzer binaries of tests/fuzz with clang,
# AddressSanitizer + UBSan and coverage instrumentation in all the code
# they reach (plugin/common and the plugins, not only the target file),
# into build/fuzz.  Then run one, e.g. for ten minutes:
#   build/fuzz/tests/fuzz/fuzz_bmp_order -max_total_time=600 \
#     -dict=tests/fuzz/pro_orders.dict tests/fuzz/corpus/pro_orders
# (a scratch copy of the corpus directory keeps the checked-in seeds small;
# copy the interesting new inputs back by hand).
set -euo pipefail
cd "$(dirname "$0")/../.."
targets="${*:-fuzz_order_doc fuzz_bm_listing_page fuzz_bm_bulk_task fuzz_bmp_order}"
cmake -S . -B build/fuzz -DCMAKE_C_COMPILER=clang-14 -DCMAKE_BUILD_TYPE=Debug \
  -DBMC_FUZZ=ON -DBMC_SANITIZE=ON -DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link \
  >/dev/null
# shellcheck disable=SC2086
cmake --build build/fuzz -j2 --target $targets
