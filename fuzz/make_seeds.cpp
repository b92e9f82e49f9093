// Writes the binary seeds of fuzz/corpus/ (the text seeds are plain files there): checkpoints of
// the tiny TeSG (weights, and training state after one step), small images in every format and
// bit depth tesg reads, and a safetensors file with every dtype. Usage: fuzz_make_seeds [CORPUS]
#include <opencv2/imgcodecs.hpp>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "fuzz_input.h"
#include "tesg/config.h"
#include "tesg/model_factory.h"
#include "tesg/train/checkpoint.h"

namespace {

namespace fs = std::filesystem;

void write_checkpoints(const fs::path& dir) {
  const auto config = tesg::parse_config(tesg::fuzz::kTinyModelYaml, "tiny.yaml");
  tesg::nn::TeSG model(tesg::model_options(config.model));
  torch::optim::AdamW optimizer(model->parameters());
  torch::Tensor loss = torch::zeros({});
  for (const auto& p : model->parameters()) loss = loss + p.square().sum();
  loss.backward();
  optimizer.step();
  tesg::train::CheckpointInfo info;
  info.config_yaml = tesg::to_yaml(config);
  tesg::train::save_checkpoint((dir / "weights.pt").string(), *model, nullptr, info);
  info.kind = "training";
  info.step = info.epoch = 1;
  tesg::train::save_checkpoint((dir / "training.pt").string(), *model, &optimizer, info);
}

void write_images(const fs::path& dir) {
  cv::Mat gray(5, 7, CV_8UC1), color(5, 7, CV_8UC3), alpha(5, 7, CV_8UC4), deep(5, 7, CV_16UC1);
  cv::randu(gray, 0, 256);
  cv::randu(color, 0, 256);
  cv::randu(alpha, 0, 256);
  cv::randu(deep, 0, 65536);
  cv::imwrite((dir / "gray.png").string(), gray);
  cv::imwrite((dir / "color.png").string(), color);
  cv::imwrite((dir / "alpha.png").string(), alpha);
  cv::imwrite((dir / "deep.png").string(), deep);
  cv::imwrite((dir / "color.jpg").string(), color);
  cv::imwrite((dir / "gray.jpg").string(), gray);
  cv::imwrite((dir / "deep.tiff").string(), deep);
  cv::imwrite((dir / "color.tiff").string(), color);
  cv::imwrite((dir / "color.bmp").string(), color);
}

void write_safetensors(const fs::path& dir) {
  const std::string header =
      R"({"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
      R"("b":{"dtype":"F16","shape":[4],"data_offsets":[24,32]},"c":{"dtype":"BF16","shape":[1,1],"data_offsets":[32,34]},)"
      R"("d":{"dtype":"I64","shape":[],"data_offsets":[34,42]},"e":{"dtype":"U8","shape":[0,5],"data_offsets":[42,42]},)"
      R"("f":{"dtype":"BOOL","shape":[2],"data_offsets":[42,44]}})";
  std::string bytes(8, '\0');
  for (int k = 0; k < 8; ++k) bytes[k] = static_cast<char>((header.size() >> (8 * k)) & 0xff);
  bytes += header + std::string(44, '\1');
  std::ofstream(dir / "dtypes.safetensors", std::ios::binary) << bytes;
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path corpus = argc > 1 ? argv[1] : TESG_SOURCE_DIR "/fuzz/corpus";
  for (const auto* target : {"checkpoint", "image", "safetensors"}) fs::create_directories(corpus / target);
  write_checkpoints(corpus / "checkpoint");
  write_images(corpus / "image");
  write_safetensors(corpus / "safetensors");
  std::cout << "seeds written to " << corpus.string() << "\n";
}
