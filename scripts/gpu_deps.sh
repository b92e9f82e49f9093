#!/usr/bin/env bash
# Packs what scripts/gpu_check.sh needs on a GPU machine that has a pip PyTorch, CMake, ninja and
# a compiler but no Debian -dev packages and no network: the headers, CMake packages and shared
# libraries of yaml-cpp, spdlog, fmt, CLI11, GoogleTest, nlohmann-json, ICU (uc) and gloo's
# headers, from Debian 12's archive, as .deps/gpu/root.tar.xz (a usr/ tree), plus the SIG fixtures
# that the CUDA tests use (only the checkout travels). About 17 MB; carry .deps/gpu.
# OpenCV's C++ libraries pull in GDAL and ~140 libraries (220 MB): they are not packed, so the GPU
# build is TESG_WITH_OPENCV=OFF (library, network, SIG, tests and benchmarks; no apps).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.deps/gpu
packages=(libyaml-cpp-dev libyaml-cpp0.7 libspdlog-dev libspdlog1.10 libfmt-dev libfmt9 libcli11-dev
          libgtest-dev nlohmann-json3-dev libicu-dev libicu72 libgloo-dev)
rm -rf "$dest" && mkdir -p "$dest/debs"
(cd "$dest/debs" && apt-get download "${packages[@]}" 2>/dev/null)
for deb in "$dest"/debs/*.deb; do dpkg-deb -x "$deb" "$dest/root"; done
rm -rf "$dest/debs" "$dest/root/usr/share/doc" "$dest/root/usr/share/man" "$dest/root/usr/share/lintian"
# Only ICU's common library is linked: drop the rest of ICU and every static library but gtest's.
find "$dest/root" \( -name 'libicu*.a' -o -name 'libyaml-cpp.a' -o -name 'libicui18n*' -o -name 'libicuio*' \
  -o -name 'libicutest*' -o -name 'libicutu*' \) -delete
rm -rf "$dest/root/usr/bin" "$dest/root/usr/sbin" "$dest/root/usr/lib/icu"
tar -C "$dest/root" -cJf "$dest/root.tar.xz" usr && rm -rf "$dest/root"
mkdir -p "$dest/sig_fixtures"
for model in clip_text unet; do cp -r ../shared/fixtures/sig/$model "$dest/sig_fixtures/"; done
du -sh "$dest"
