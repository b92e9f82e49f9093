# Sourced by the scripts: the build folder of the LibTorch build that TESG_TORCH selects
# (debian: build/, pip: build-cuda/; build-fuzz/ for the fuzz targets, TESG_FUZZ=1), or
# TESG_BUILD_DIR.
tesg_build_dir() {
  if [ "${TESG_FUZZ:-0}" = 1 ]; then echo "${TESG_BUILD_DIR:-build-fuzz}"; return; fi
  case "${TESG_TORCH:-debian}" in
    debian) echo "${TESG_BUILD_DIR:-build}" ;;
    pip) echo "${TESG_BUILD_DIR:-build-cuda}" ;;
    *) echo "TESG_TORCH must be debian or pip, not '${TESG_TORCH}'" >&2; return 2 ;;
  esac
}
