// Fuzzes a Hugging Face / diffusers config.json as every SIG model reads it: the JSON itself and
// the options of CLIP, BLIP, the UNet, the VAE and the DDIM schedule built from it.
#include <torch/torch.h>

#include "fuzz_input.h"
#include "tesg/sig/hf_config.h"
#include "tesg/sig/models/blip.h"
#include "tesg/sig/models/clip_text_model.h"
#include "tesg/sig/models/ddim_schedule.h"
#include "tesg/sig/models/unet.h"
#include "tesg/sig/models/vae_encoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tesg;
  using namespace tesg::sig;
  const auto path = fuzz::write_input("config.json", data, size);
  fuzz::expect_only_tesg_errors([&] {
    const auto config = HfConfig::load(path);
    fuzz::expect_only_tesg_errors([&] { models::ClipTextOptions::from_hf(config); });
    fuzz::expect_only_tesg_errors([&] { models::BlipOptions::from_hf(config); });
    fuzz::expect_only_tesg_errors([&] { models::UNetOptions::from_hf(config); });
    fuzz::expect_only_tesg_errors([&] { models::VaeOptions::from_hf(config); });
    fuzz::expect_only_tesg_errors([&] {
      const auto schedule = models::DdimSchedule::from_hf(config);
      schedule.timesteps(50);
    });
  });
  return 0;
}
