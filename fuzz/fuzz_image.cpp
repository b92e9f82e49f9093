// Fuzzes image decoding (PNG, JPEG, TIFF, BMP, truncated or corrupt) as pairs are read.
#include <torch/torch.h>

#include "fuzz_input.h"
#include "tesg/io/image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tesg;
  const auto path = fuzz::write_input("image", data, size);
  fuzz::expect_only_tesg_errors([&] {
    const auto image = io::read_image(path);
    fuzz::check(image.dim() == 3 && (image.size(0) == 1 || image.size(0) == 3), "image not [1|3,H,W]");
    fuzz::check(image.min().item<float>() >= 0 && image.max().item<float>() <= 1, "pixels outside [0,1]");
  });
  return 0;
}
