#!/usr/bin/env bash
# Fetches the pinned pip LibTorch 2.x + CUDA (scripts/torch-pip.lock) and unpacks its C++ parts
# into .deps/torch-<version>/ laid out as site-packages (torch/, nvidia/), so the RPATHs inside
# the wheel's libraries find the nvidia/* libraries. Prints the LibTorch prefix (its torch/).
# The wheels are cached (TESG_WHEEL_CACHE, default ~/.cache/tesg/wheels) and the unpacked tree
# is stamped: a second run downloads and unpacks nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

lock=scripts/torch-pip.lock
mapfile -t wheels < <(grep -v '^\s*#' "$lock" | sed '/^\s*$/d')
torch_version=$(printf '%s\n' "${wheels[@]}" | sed -n 's/^torch==//p')
dest=.deps/torch-$torch_version
stamp=$dest/.complete
cache=${TESG_WHEEL_CACHE:-$HOME/.cache/tesg/wheels}

# The wheels' tags: torch is manylinux_2_28, the nvidia-* wheels manylinux2014 / _2_17.
platforms=()
for p in manylinux_2_28 manylinux_2_27 manylinux_2_17 manylinux2014; do
  platforms+=(--platform "${p}_x86_64")
done

pip_cmd() {
  if command -v pip3 >/dev/null 2>&1; then pip3 "$@"; else python3 -m pip "$@"; fi
}

if [ ! -f "$stamp" ] || ! cmp -s "$stamp" "$lock"; then
  mkdir -p "$cache"
  for w in "${wheels[@]}"; do
    name=${w%%==*} version=${w##*==}
    pattern="$(echo "$name" | tr - _)-$version-*.whl"
    if ! compgen -G "$cache/$pattern" >/dev/null; then
      echo "fetch_torch: downloading $w" >&2
      start=$SECONDS
      pip_cmd download --quiet --no-deps --only-binary=:all: --python-version 3.11 \
        "${platforms[@]}" --dest "$cache" "$w" >&2
      echo "fetch_torch: $w in $((SECONDS - start)) s" >&2
    fi
  done
  rm -rf "$dest" && mkdir -p "$dest"
  for w in "${wheels[@]}"; do
    name=${w%%==*} version=${w##*==}
    file=$(compgen -G "$cache/$(echo "$name" | tr - _)-$version-*.whl" | head -1)
    echo "fetch_torch: unpacking $(basename "$file")" >&2
    if [ "$name" = torch ]; then  # the C++ parts only, not the Python package
      unzip -q -o "$file" 'torch/lib/*' 'torch/include/*' 'torch/share/*' \
        -x 'torch/lib/libtorch_python.so' -d "$dest"
    else
      unzip -q -o "$file" 'nvidia/*' -x '*/include/*' -d "$dest"
    fi
  done
  cp "$lock" "$stamp"
fi
echo "$PWD/$dest/torch"
