#!/usr/bin/env bash
# Packs a CUDA build made here (default build-cuda, against the pip torch wheel of the GPU machine's
# version) for scripts/gpu_check.sh, which then runs it instead of building there, apps included:
#   .deps/gpu-run/run.tar.xz   bin/ (apps, tests, benchmarks) + lib/ (their Debian libraries)
#   .deps/gpu-run/shared/      the data (MSRS, RoadScene, LLVIP ir/ vi/) and the SIG fixtures
# Carry .deps/gpu-run (about 50 MB). LibTorch itself is the GPU machine's own (same version).
# OpenCV's codecs for GDAL, GDCM, OpenEXR, JPEG 2000 and WebP (and its unused BLAS, LAPACK and
# GLX) would pull in ~140 libraries: they are replaced by stubs with the same sonames, whose
# functions return -1. tesg hands OpenCV only PNG, JPEG, BMP and TIFF (io/image_decode), and
# those decoders come before the stubbed ones in OpenCV's list, so the stubs are never reached.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-cuda}
dest=.deps/gpu-run
stubbed=(libgdal.so.32 libgdcmMSFF.so.3.0 libgdcmDSED.so.3.0 libOpenEXR-3_1.so.30 libopenjp2.so.7
         libwebp.so.7 libGLX.so.0 liblapack.so.3 libblas.so.3
         # videoio / video: tesg-video reads and writes through FFmpeg (its own H.264 and MPEG-4
         # decoders, libx264 to encode); GStreamer, FireWire and gphoto2 cameras, the codecs it
         # does not use, network protocols and OpenCV's DNN trackers stay out.
         libgstreamer-1.0.so.0 libgstapp-1.0.so.0 libgstbase-1.0.so.0 libgstvideo-1.0.so.0
         libgstaudio-1.0.so.0 libgstpbutils-1.0.so.0 libgstriff-1.0.so.0 libgsttag-1.0.so.0
         libdc1394.so.25 libgphoto2.so.6 libgphoto2_port.so.12 libopencv_dnn.so.406
         libcodec2.so.1.0 librsvg-2.so.2 libSvtAv1Enc.so.1 libjxl.so.0.7 libvpx.so.7 librav1e.so.0
         libopenmpt.so.0 libzmq.so.5 libsrt-gnutls.so.1.5 libbluray.so.2 libgme.so.0 libssh-gcrypt.so.4)
system='^(libc|libm|libdl|libpthread|librt|libutil|libstdc\+\+|libgcc_s|ld-linux-x86-64)\.so'
libdir=/usr/lib/x86_64-linux-gnu

needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
is_stubbed() { local s; for s in "${stubbed[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

# stub_library REAL OUT USER...: a library with REAL's soname defining each symbol that the USER
# libraries take from REAL: functions return -1, objects are zeroes of their size.
stub_library() {
  local real=$1 out=$2; shift 2
  local soname wanted
  soname=$(readelf -d "$real" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
  wanted=$(for u in "$@"; do nm -D --undefined-only "$u" | awk '{print $2}'; done | sed 's/@.*//' | sort -u)
  nm -DS --defined-only "$real" | awk -v want="$wanted" '
    BEGIN { n = split(want, w, "\n"); for (i = 1; i <= n; i++) need[w[i]] = 1 }
    NF == 4 && ($4 in need) && !seen[$4]++ { size[$4] = "0x" $2; type[$4] = $3 }
    NF == 3 && ($3 in need) && !seen[$3]++ { size[$3] = "8"; type[$3] = $2 }
    END {
      for (s in type) {
        if (type[s] ~ /[TtWwi]/) printf ".text\n.globl %s\n.type %s,@function\n%s:\n  movq $-1, %%rax\n  ret\n", s, s, s
        else printf ".data\n.globl %s\n.type %s,@object\n.size %s,%s\n%s:\n  .zero %s\n", s, s, s, size[s], s, size[s]
      }
    }' > "$out/$soname.s"
  gcc -shared -nostdlib -Wl,-soname,"$soname" -o "$out/$soname" "$out/$soname.s"
  rm "$out/$soname.s"
}

rm -rf "$dest" && mkdir -p "$dest/run/bin" "$dest/run/lib"
executables=$(find "$build/apps" "$build/bench" "$build/tests" -maxdepth 1 -type f -perm -u+x)
cp $executables "$dest/run/bin/"

# The Debian libraries the executables need, transitively, but LibTorch/CUDA, glibc and the stubbed.
queue=$(for e in $executables; do needed "$e"; done | sort -u)
while [ -n "$queue" ]; do
  next=""
  for lib in $queue; do
    if [[ $lib =~ $system ]] || [[ $lib =~ ^lib(torch|c10|cuda|cudart|nv|cublas|cudnn|nccl) ]] \
      || is_stubbed "$lib" || [ -e "$dest/run/lib/$lib" ]; then continue; fi
    cp -L "$libdir/$lib" "$dest/run/lib/$lib"
    next+=" $(needed "$libdir/$lib")"
  done
  queue=$(echo "$next" | tr ' ' '\n' | sort -u)
done
for lib in "${stubbed[@]}"; do stub_library "$libdir/$lib" "$dest/run/lib" "$dest"/run/lib/*.so*; done
tar -C "$dest" -cJf "$dest/run.tar.xz" run && rm -rf "$dest/run"

for split in MSRS/train MSRS/test RoadScene/train RoadScene/test LLVIP/train LLVIP/test; do
  mkdir -p "$dest/shared/data/$split"
  cp -r "../shared/data/$split/ir" "../shared/data/$split/vi" "$dest/shared/data/$split/"
done
mkdir -p "$dest/shared/fixtures/sig"
cp -r ../shared/fixtures/sig/clip_text ../shared/fixtures/sig/unet "$dest/shared/fixtures/sig/"
du -sh "$dest" "$dest"/*
