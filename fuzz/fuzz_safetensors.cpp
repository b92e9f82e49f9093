// Fuzzes the safetensors reader (SIG model weights): header length, JSON header, dtypes, shapes
// and data offsets. Every tensor it accepts must have its shape and lie inside the file.
#include <torch/torch.h>

#include "fuzz_input.h"
#include "tesg/sig/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tesg;
  const auto path = fuzz::write_input("model.safetensors", data, size);
  fuzz::expect_only_tesg_errors([&] {
    const sig::SafetensorsFile file(path);
    for (const auto& name : file.names()) {
      const auto tensor = file.tensor(name);
      fuzz::check(tensor.sizes().vec() == file.shape(name), "tensor shape != header shape");
      const auto bytes = static_cast<size_t>(tensor.numel()) * tensor.element_size();
      fuzz::check(bytes <= size, "tensor larger than the file");
      // Touch every byte: a view outside the mapping faults here.
      const auto* p = static_cast<const uint8_t*>(tensor.data_ptr());
      volatile uint8_t sum = 0;
      for (size_t i = 0; i < bytes; ++i) sum = static_cast<uint8_t>(sum + p[i]);
    }
  });
  return 0;
}
