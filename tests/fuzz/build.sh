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
if ! command -v clang-14 >/dev/null 2>&1 ||
   ! ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a \
     >/dev/null 2>&1; then
  echo "build.sh: needs clang-14 and libFuzzer: apt-get install clang-14" \
       "libclang-rt-14-dev (not part of packaging/install-deps.sh: the" \
       "normal build and tests/run-all.sh do not need them)" >&2
  exit 2
fi
targets="${*:-fuzz_order_doc fuzz_bm_listing_page fuzz_bm_bulk_task fuzz_bmp_order}"
cmake -S . -B build/fuzz -DCMAKE_C_COMPILER=clang-14 -DCMAKE_BUILD_TYPE=Debug \
  -DBMC_FUZZ=ON -DBMC_SANITIZE=ON -DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link \
  >/dev/null
# shellcheck disable=SC2086
cmake --build build/fuzz -j2 --target $targets
