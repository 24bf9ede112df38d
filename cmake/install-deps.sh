#!/usr/bin/env bash
# Installs the Debian 12 packages the workbench needs, only those that are missing.
# Used by `make run` and `make test`; safe to run again (it checks first).
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config
  # the sanitized tree and the fuzz targets (make test-sanitize, make fuzz): clang with its
  # ASan / UBSan / libFuzzer runtimes and its OpenMP; GNU time for the fuzz runs' peak RSS
  clang-14 libclang-rt-14-dev libomp-14-dev time
  # Qt 6: Widgets, Charts (needs the OpenGL dev package), Test, Concurrent (in qt6-base-dev),
  # Svg (workspaces go through SQLite itself, not Qt Sql)
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev qt6-svg-dev libgl-dev
  # core libraries
  libeigen3-dev libdnnl-dev ocl-icd-opencl-dev libsqlite3-dev nlohmann-json3-dev libyaml-cpp-dev libcli11-dev
  # zlib reads the gzip'd Fashion-MNIST IDX files (tcw_train)
  zlib1g-dev
  # MPI for `mpirun -n N tcw search|sweep` (linked only by the tcw_mpi module and the CLI)
  libopenmpi-dev openmpi-bin
  # fonts for rendering screenshots without a display
  fonts-dejavu-core
  # real data sets for the trainer (read in place)
  dataset-fashion-mnist fortunes fortunes-de fortunes-es fortunes-it fortunes-ru fortunes-pl
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "error: these packages are missing and this user cannot install them (not root, no sudo):" >&2
  echo "  ${missing[*]}" >&2
  echo "Ask an administrator to run: apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
