#!/usr/bin/env bash
# The torchrun of the pinned pip torch (scripts/torch-pip.lock), for the pip build's cluster
# tests: a TCPStore of another PyTorch major (Debian's torchrun is 1.13) does not talk to
# LibTorch 2.x's, so each build is launched by the torchrun of its own PyTorch. Made from the
# torch wheel that scripts/fetch_torch.sh fetched (its Python package; its C++ libraries are
# linked to the ones in .deps/torch-<version>/) and the pure-Python packages pinned in
# scripts/torchrun-pip.lock, in .deps/torchrun-<version>/. Prints the path of its `torchrun`.
# Needs Debian's /usr/bin/python3 (3.11, the wheel's) with pip.
set -euo pipefail
cd "$(dirname "$0")/.."

torch_prefix=$(bash scripts/fetch_torch.sh)   # <checkout>/.deps/torch-<version>/torch
version=$(sed -n 's/^torch==//p' scripts/torch-pip.lock)
lock=scripts/torchrun-pip.lock
dest=.deps/torchrun-$version
stamp=$dest/.complete
cache=${TESG_WHEEL_CACHE:-$HOME/.cache/tesg/wheels}

if [ ! -f "$stamp" ] || ! cmp -s "$stamp" "$lock"; then
  rm -rf "$dest"
  mkdir -p "$dest/python/torch/lib" "$dest/deps" "$dest/bin"
  wheel=$(compgen -G "$cache/torch-$version-*.whl" | head -1)
  unzip -q -o "$wheel" 'torch/*' 'torchgen/*' 'functorch/*' \
    -x 'torch/lib/*' 'torch/include/*' 'torch/share/*' -d "$dest/python"
  unzip -q -o "$wheel" 'torch/lib/libtorch_python.so' -d "$dest/python"
  # The C++ libraries once on disk: relative links into .deps/torch-<version>/.
  for f in "$torch_prefix"/lib/*; do
    ln -sf "../../../../torch-$version/torch/lib/$(basename "$f")" "$dest/python/torch/lib/"
  done
  ln -s "../../torch-$version/nvidia" "$dest/python/nvidia"
  mapfile -t packages < <(grep -v '^\s*#' "$lock" | sed '/^\s*$/d')
  /usr/bin/python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
    --no-deps --only-binary=:all: --target "$dest/deps" "${packages[@]}" >&2
  cat > "$dest/bin/torchrun" <<'SCRIPT'
#!/bin/sh
# torchrun of the pinned pip torch (made by scripts/fetch_torchrun.sh).
here=$(cd "$(dirname "$0")/.." && pwd)
PYTHONPATH="$here/python:$here/deps${PYTHONPATH:+:$PYTHONPATH}" exec /usr/bin/python3 -m torch.distributed.run "$@"
SCRIPT
  chmod +x "$dest/bin/torchrun"
  cp "$lock" "$stamp"
fi
echo "$PWD/$dest/bin/torchrun"
