#!/usr/bin/env bash
# run-bench.sh -- builds and runs every benchmark (release build), prints
# their figures, and writes them as the README's performance section
# (between the BEGIN/END PERFORMANCE markers) with the machine they ran on.
# The figures in the README come from this run, never typed by hand.
#   bash tests/bench/run-bench.sh            # run, print, update README.md
#   bash tests/bench/run-bench.sh --no-readme
set -euo pipefail
cd "$(dirname "$0")/../.."
update=1
[ "${1:-}" = "--no-readme" ] && update=0
bash packaging/install-deps.sh >/dev/null
cmake --preset default >/dev/null
targets=(bench_host_import bench_market bench_market_memory bench_orders bench_pro_import bench_inventory bench_web bench_workers)
cmake --build --preset default -j2 --target "${targets[@]}" >/dev/null
b=build/default
out=build/bench
mkdir -p "$out"
report="$out/performance.md"

find_bin() { find "$b" -type f -name "$1" -perm -u+x | head -n 1; }

run() { # title binary args...
  local title=$1 bin; bin=$(find_bin "$2"); shift 2
  echo "=== $title" >&2
  {
    echo "#### $title"
    echo
    echo '```'
    /usr/bin/time -f 'wall %e s, peak RSS %M KiB (whole process)' "$bin" "$@" 2>&1
    echo '```'
    echo
  } | tee -a "$report" >&2
}

# The order import's cost growth, from the three runs above (their
# sections of the report): orders per wall and per CPU second and their
# ratios to 10,000 orders (wall time includes waiting for the disk, which
# other writers on the machine share), heap the import added, peak RSS.
orders_growth() {
  echo "#### Order import: cost growth"
  echo
  echo "| orders | orders/s | of the 10,000 rate | per CPU second | of the 10,000 CPU rate | heap added | peak RSS |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
  awk '
    /^bench_orders: / {n = $2}
    /orders\/s  *:/ && n {r[n] = $3}
    /CPU time/ && n {c[n] = $(NF - 4)}
    /heap added/ && n {h[n] = $7 " MiB"}
    /peak RSS  *:/ && n {m[n] = sprintf("%.0f MiB", $4 / 1024); o[++k] = n; n = 0}
    END {for(i = 1; i <= k; i++) {x = o[i]
      printf("| %d | %s | %.0f%% | %s | %.0f%% | %s | %s |\n", x, r[x],
             r[o[1]] ? 100 * r[x] / r[o[1]] : 0, c[x],
             c[o[1]] ? 100 * c[x] / c[o[1]] : 0, h[x], m[x])}}' "$report"
  echo
}

# The inventory cycle's cost growth, from the 1%-churn runs above: median
# and max CPU per cycle, heap growth of a cycle, the warm-up full pass,
# lines per cycle, 429s (targets: 0.02 s at 100,000, 0.1 s and 16 MiB at
# 1,000,000).
inventory_growth() {
  echo "#### Inventory: cost growth (1% changing per cycle)"
  echo
  echo "| products | CPU per cycle (median) | max | heap growth in a cycle | full pass (warm-up) | lines per cycle | 429s | peak RSS |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk '
    /^plugin \(change feed/ && /1\.0% changing/ {n = $7}
    /CPU per cycle/ && n {c[n] = $5 " s"; x[n] = $8 " s"}
    /heap growth in a cycle/ && n {h[n] = $6 " MiB"}
    /warm-up cycle/ && n {w[n] = $4 " s, +" substr($7, 2) " MiB"}
    /lines per cycle/ && n {a = $5; sub(",", "", a); l[n] = a "-" $7}
    /429 responses/ && n {q[n] = $3}
    /peak RSS/ && /whole process/ && n {m[n] = sprintf("%.0f MiB", $6 / 1024); o[++k] = n; n = 0}
    END {for(i = 1; i <= k; i++) {y = o[i]
      printf("| %s | %s | %s | %s | %s | %s | %s | %s |\n", y, c[y], x[y],
             h[y], w[y], l[y], q[y], m[y])}}' "$report"
  echo
}

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
{
  echo "Measured on $(nproc) cores of ${cpu:-unknown CPU}, $(free -g | awk '/Mem:/{print $2}') GiB RAM,"
  echo "$(. /etc/os-release; echo "$PRETTY_NAME"), $(date -u +%Y-%m-%d), RelWithDebInfo build."
  echo "Regenerate with \`bash tests/bench/run-bench.sh\`."
  echo
} > "$report"

run "Host: bulk import of 100,000 products from CSV" bench_host_import
run "Marketplace simulator: requests per second (quotas off)" bench_market
run "Marketplace simulator: memory per listing at 100,000 listings" bench_market_memory 100000
for n in 10,000 50,000 100,000; do
  run "Order import end to end: $n orders (quotas off)" bench_orders "${n//,/}"
done
growth=$(orders_growth)
printf '%s\n\n' "$growth" | tee -a "$report" >&2
run "Back Market Pro: order import and tracking upload" bench_pro_import
for n in 10,000 100,000 1,000,000; do
  run "Inventory: $n products, 1% changing per 5-minute cycle, one virtual hour (quotas on)" bench_inventory --plugin --products "${n//,/}"
done
growth=$(inventory_growth)
printf '%s\n\n' "$growth" | tee -a "$report" >&2
run "Inventory at 95% of the SKU-line budget: 100,000 products, 158 changes per cycle, 30% of them sell-outs" bench_inventory --plugin --products 100000 --per-cycle 158 --sellout-pct 30
run "Inventory overloaded: 100,000 products, 5% changing per cycle" bench_inventory --plugin --products 100000 --change-pct 5
run "Inventory on a file store: 100,000 products, 1% changing per cycle" bench_inventory --plugin --products 100000 --file
run "Inventory sync: 100,000 products, 1% changing per 5-minute cycle, one virtual hour (quotas on), this plugin vs a naive push" bench_inventory --both
run "Web Toolbox: every page at 100,000 products (median and p99 over HTTP)" bench_web
run "Scheduler workers: 1,000 companies x 3 due tasks on 1, 2 and 4 workers (SQLite store)" bench_workers 1000

if [ $update = 1 ]; then
  begin='<!-- BEGIN PERFORMANCE (generated by tests/bench/run-bench.sh; do not edit) -->'
  end='<!-- END PERFORMANCE -->'
  tmp=$(mktemp)
  awk -v b="$begin" -v e="$end" -v f="$report" '
    $0==b {print; while((getline l < f) > 0) print l; skip=1; next}
    $0==e {skip=0} !skip {print}' README.md > "$tmp"
  mv "$tmp" README.md
  echo "README.md performance section updated from $report" >&2
fi
