#!/usr/bin/env bash
# Seeds the `compile` fuzz target's corpus with every config the repository already has: the
# oracle cases, the extra cases, the bad-config diagnostics corpus and the examples, plus JSON
# versions of them (when python3 with PyYAML is there) so that the JSON loader starts from
# real configs too. Idempotent: files are named by content hash, as libFuzzer names its own.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
corpus="$here/corpus/compile"
mkdir -p "$corpus"

add() {
    local hash
    hash="$(sha1sum "$1" | cut -d' ' -f1)"
    cp "$1" "$corpus/$hash"
}

shopt -s nullglob
for file in "$root"/tests/cases/*/serverless.yml \
    "$root"/tests/extra-cases/*/serverless.yml \
    "$root"/tests/bad-configs/*.yml \
    "$root"/examples/*.yml; do
    add "$file"
done

if python3 -c 'import yaml' 2>/dev/null; then
    scratch="$(mktemp -d)"
    trap 'rm -rf "$scratch"' EXIT
    python3 - "$scratch" "$root"/tests/cases/*/serverless.yml "$root"/tests/extra-cases/*/serverless.yml "$root"/examples/*.yml <<'PY'
import json, pathlib, sys, yaml

class Loader(yaml.SafeLoader):
    pass

# CloudFormation short forms (`!Ref x`) become their long form, as Serverless loads them.
def tagged(loader, suffix, node):
    name = "Ref" if suffix == "Ref" else "Fn::" + suffix
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}

Loader.add_multi_constructor("!", tagged)
out = pathlib.Path(sys.argv[1])
for index, name in enumerate(sys.argv[2:]):
    try:
        config = yaml.load(pathlib.Path(name).read_text(), Loader=Loader)
        (out / f"{index}.json").write_text(json.dumps(config, indent=2, default=str))
    except Exception:
        pass  # a config PyYAML reads differently is still seeded as YAML
PY
    for file in "$scratch"/*.json; do
        add "$file"
    done
fi

echo "$(ls "$corpus" | wc -l) files in $corpus"
