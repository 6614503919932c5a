#!/usr/bin/env bash
# Seeds the `compile` fuzz target's corpus with every config the repository already has: the
# oracle cases, the extra cases (with their `${file()}` includes), the extended-profile cases,
# the bad-config diagnostics corpus and the examples, plus JSON
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

shopt -s nullglob globstar
for file in "$root"/tests/cases/*/serverless.yml \
    "$root"/tests/extra-cases/**/*.yml \
    "$root"/tests/extra-cases/**/*.json \
    "$root"/tests/extended-cases/*.yml \
    "$root"/tests/bad-configs/*.yml \
    "$root"/examples/**/*.yml; do
    [[ -f "$file" && "$file" != */expected*.json ]] || continue
    add "$file"
done

if python3 -c 'import yaml' 2>/dev/null; then
    scratch="$(mktemp -d)"
    trap 'rm -rf "$scratch"' EXIT
    python3 - "$scratch" "$root"/tests/cases/*/serverless.yml "$root"/tests/extra-cases/**/serverless.yml \
        "$root"/tests/extended-cases/*.yml "$root"/examples/**/*.yml <<'PY'
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

# Small hostile seeds (under the 4096-byte `-max_len`), so that mutations start next to the
# budgets: alias and variable bombs, deep nesting, a long key, a one-line JSON config.
scratch_hostile="$(mktemp -d)"
head=$'service: s\nprovider: {name: aws}\n'
event=$'functions:\n  f:\n    handler: h\n    events:\n      - msk: {arn: \'arn:aws:kafka:us-east-1:111111111111:cluster/c/1\', topic: t}\n'
{
    printf '%sa0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n' "$head"
    for level in 1 2 3 4 5 6 7 8 9; do
        previous="*a$((level - 1))"
        printf 'a%d: &a%d [%s' "$level" "$level" "$previous"
        for _ in 1 2 3 4 5 6 7 8 9; do printf ', %s' "$previous"; done
        printf ']\n'
    done
    printf '%s' "$event"
} >"$scratch_hostile/alias-bomb.yml"
{
    printf '%scustom:\n  a0: [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n' "$head"
    for level in 1 2 3 4 5 6 7 8 9 10 11; do
        previous="'\${self:custom.a$((level - 1))}'"
        printf '  a%d: [%s' "$level" "$previous"
        for _ in 1 2 3 4 5 6 7 8 9; do printf ', %s' "$previous"; done
        printf ']\n'
    done
    printf '%s' "$event"
} >"$scratch_hostile/variable-bomb.yml"
{
    printf '%scustom:\n  a0: lollollollol\n' "$head"
    for level in 1 2 3 4 5 6 7 8 9 10 11; do
        printf "  a%d: '" "$level"
        for _ in 1 2 3 4 5 6 7 8 9 10; do printf '${self:custom.a%d}' "$((level - 1))"; done
        printf "'\n"
    done
    printf '%s' "$event"
} >"$scratch_hostile/variable-string-bomb.yml"
{
    printf '%scustom: ' "$head"
    for _ in $(seq 150); do printf '['; done
    for _ in $(seq 150); do printf ']'; done
    printf '\n%s' "$event"
} >"$scratch_hostile/deep.yml"
{
    printf '%scustom:\n  ' "$head"
    for _ in $(seq 300); do printf 'kkkkkkkkkk'; done
    printf ': 1\n%s' "$event"
} >"$scratch_hostile/long-key.yml"
{
    printf '{"service": "s", "provider": {"name": "aws"}, "functions": {"f": {"handler": "h", "events": [{"msk": {'
    for index in $(seq 60); do printf '"batchSiz%d": 1, ' "$index"; done
    printf '"arn": "arn:aws:kafka:us-east-1:111111111111:cluster/c/1", "topic": "t"}}]}}}'
} >"$scratch_hostile/one-line.json"
for file in "$scratch_hostile"/*; do
    add "$file"
done
rm -rf "$scratch_hostile"

echo "$(ls "$corpus" | wc -l) files in $corpus"
