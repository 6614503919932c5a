#!/usr/bin/env bash
# Measures wall time and peak RSS of the release `msk-compile check` on each hostile input
# (the figures of the hostile-input table in the README), and on the same through `${file(…)}`
# (each `include-*` folder is a service whose serverless.yml includes the hostile file).
# Usage: tests/hostile/measure.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
cargo build -q --release -p msk-compile
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir" <<'PY'
import sys
d = sys.argv[1]
lines = ['service: s', 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]']
lines += ['a%d: &a%d [%s]' % (i, i, ', '.join(['*a%d' % (i - 1)] * 10)) for i in range(1, 10)]
lines.append('functions:\n  f:\n    handler: h\n    events:\n      - msk: {arn: *a9, topic: t}')
open(d + '/alias-bomb.yml', 'w').write('\n'.join(lines) + '\n')
open(d + '/nesting-100000.yml', 'w').write('service: s\ncustom: ' + '[' * 100000 + ']' * 100000 + '\n')
open(d + '/key-100000.yml', 'w').write('service: s\n' + 'k' * 100000 + ': 1\n')
with open(d + '/file-50mb.yml', 'w') as f:
    f.write('service: s\ncustom:\n  blob:\n')
    f.write(('    - "' + 'x' * 90 + '"\n') * (50 * 1024 * 1024 // 98 + 1))
open(d + '/invalid-utf8.yml', 'wb').write(b'service: s\nprovider: {name: "\xc3\x28"}\n')
import os
def service(name, custom, files):
    os.makedirs(d + '/include-' + name)
    for path, data in files.items():
        full = d + '/include-' + name + '/' + path
        os.makedirs(os.path.dirname(full), exist_ok=True)
        open(full, 'wb').write(data)
    open(d + '/include-' + name + '/serverless.yml', 'w').write(
        'service: s\nprovider: {name: aws}\ncustom: ' + custom + '\nfunctions:\n  f:\n    handler: h\n'
        '    events:\n      - msk: {arn: "arn:aws:kafka:us-east-1:1:cluster/c/1", topic: t}\n')
service('cycle', '${file(./a.yml)}', {'a.yml': b'again: ${file(./a.yml)}\n'})
service('directory', '${file(./dir.yml)}', {'dir.yml/x': b''})
service('dev-zero', '${file(/dev/zero)}', {})
service('50mb', '${file(./big.yml)}', {'big.yml': open(d + '/file-50mb.yml', 'rb').read()})
service('invalid-utf8', '${file(./latin1.yml)}', {'latin1.yml': b'topic: caf\xe9\n'})
service('alias-bomb', '${file(./bomb.yml)}', {'bomb.yml': open(d + '/alias-bomb.yml', 'rb').read()})
PY
printf '%-20s %10s %12s  %s\n' input seconds peak-KiB code
for file in "$dir"/*.yml "$dir"/include-*/serverless.yml; do
  out=$( { /usr/bin/time -f '%e %M' target/release/msk-compile check "$file" --message-format json 2>&1 >/dev/null; } 2>&1 || true)
  code=$(printf '%s\n' "$out" | grep -o '"code":"[A-Z0-9_]*"' | head -1 | cut -d'"' -f4)
  read -r seconds kib < <(printf '%s\n' "$out" | tail -1)
  name=$(basename "$file" .yml)
  [ "$name" = serverless ] && name=$(basename "$(dirname "$file")")
  printf '%-20s %10s %12s  %s\n' "$name" "$seconds" "$kib" "$code"
done
