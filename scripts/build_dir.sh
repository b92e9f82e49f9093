# Sourced by the scripts: the build folder of the LibTorch build that TESG_TORCH selects
# (debian: build/, pip: build-cuda/), or TESG_BUILD_DIR.
tesg_build_dir() {
  case "${TESG_TORCH:-debian}" in
    debian) echo "${TESG_BUILD_DIR:-build}" ;;
    pip) echo "${TESG_BUILD_DIR:-build-cuda}" ;;
    *) echo "TESG_TORCH must be debian or pip, not '${TESG_TORCH}'" >&2; return 2 ;;
  esac
}
