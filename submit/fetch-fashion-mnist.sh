#!/usr/bin/env bash
# Installs Fashion-MNIST from Debian's package dataset-fashion-mnist (the four gzipped IDX files in
# /usr/share/datasets/fashion-mnist/, already named as the loader expects) and links them into
# data/fashion-mnist/, the job's default folder for --dataset fashion-mnist. Idempotent.
# apt verifies the package's signature; the job checks each file's IDX header and records its SHA-256.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$root/data/fashion-mnist}"
src=/usr/share/datasets/fashion-mnist
files=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)

installed() {
  for f in "${files[@]}"; do [ -f "$src/$f" ] || return 1; done
}

if ! installed; then
  command -v apt-get >/dev/null || { echo "fetch-fashion-mnist: needs apt-get (Debian/Ubuntu) to install dataset-fashion-mnist" >&2; exit 1; }
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "fetch-fashion-mnist: installing the Debian package dataset-fashion-mnist" >&2
  $sudo apt-get install -y dataset-fashion-mnist >&2 \
    || { $sudo apt-get update >&2 && $sudo apt-get install -y dataset-fashion-mnist >&2; }
  installed || { echo "fetch-fashion-mnist: the package did not install ${files[*]} in $src" >&2; exit 1; }
fi

mkdir -p "$dest"
for f in "${files[@]}"; do
  # the loader takes a raw file before its .gz, so a stale raw file would shadow the link
  raw="$dest/${f%.gz}"
  if [ -e "$raw" ]; then
    echo "fetch-fashion-mnist: $raw exists and would be read instead of $f; remove it" >&2
    exit 1
  fi
  ln -sfn "$src/$f" "$dest/$f"
done
echo "fetch-fashion-mnist: $dest links the four IDX files of $src"
