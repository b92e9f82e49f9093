#include "tesg/train/checkpoint.h"

#include <caffe2/serialize/inline_container.h>
#include <caffe2/serialize/read_adapter_interface.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <sstream>

#include "tesg/error.h"
#include "tesg/version.h"
#include "tesg/io/atomic_file.h"
#include "tesg/io/read_file.h"
#include "zip_directory.h"

namespace tesg::train {
namespace {

const char* const kModelPrefix = "model.";

std::string shape_text(const torch::Tensor& t) {
  std::string s = "[";
  for (int64_t i = 0; i < t.dim(); ++i) s += (i ? "," : "") + std::to_string(t.size(i));
  return s + "]";
}

// Every parameter and buffer of the model by its registered (checkpoint) name.
std::vector<std::pair<std::string, torch::Tensor>> named_state(const torch::nn::Module& model) {
  std::vector<std::pair<std::string, torch::Tensor>> state;
  for (const auto& p : model.named_parameters()) state.emplace_back(p.key(), p.value());
  for (const auto& b : model.named_buffers()) state.emplace_back(b.key(), b.value());
  return state;
}

std::string read_string(torch::serialize::InputArchive& archive, const std::string& key) {
  c10::IValue value;
  if (!archive.try_read(key, value) || !value.isString()) return "";
  return value.toStringRef();
}

int64_t read_int(torch::serialize::InputArchive& archive, const std::string& key) {
  c10::IValue value;
  if (!archive.try_read(key, value) || !value.isInt()) return -1;
  return value.toInt();
}

double read_double(torch::serialize::InputArchive& archive, const std::string& key, double fallback) {
  c10::IValue value;
  if (!archive.try_read(key, value) || !value.isDouble()) return fallback;
  return value.toDouble();
}

// The checkpoint's bytes for LibTorch's zip reader, which reads wherever a corrupt directory
// points: reads past the end give what there is (LibTorch's MemoryReadAdapter does not check).
class BytesReader final : public caffe2::serialize::ReadAdapterInterface {
 public:
  explicit BytesReader(const std::string& bytes) : bytes_(bytes) {}
  size_t size() const override { return bytes_.size(); }
  size_t read(uint64_t pos, void* buf, size_t n, const char* /*what*/) const override {
    if (pos >= bytes_.size()) return 0;
    const size_t count = std::min<uint64_t>(n, bytes_.size() - pos);
    std::memcpy(buf, bytes_.data() + pos, count);
    return count;
  }

 private:
  const std::string& bytes_;
};

// Throws CheckpointError unless every record of the archive `bytes` matches its CRC-32 in the
// zip directory, which LibTorch's reader does not check (zip_directory.h).
void verify_records(const std::string& path, const std::string& bytes) {
  const auto directory = read_zip_directory(bytes);
  const auto corrupt = [&](const std::string& problem) {
    return CheckpointError(path + ": not a readable checkpoint (corrupt or truncated file: " + problem + ")");
  };
  if (!directory.problem.empty()) throw corrupt(directory.problem);
  caffe2::serialize::PyTorchStreamReader reader(std::make_shared<BytesReader>(bytes));
  for (const auto& entry : directory.entries) {
    const auto record = entry.name.substr(entry.name.find('/') + 1);  // after "<archive>/"
    const auto [data, size] = reader.getRecord(record);
    if (size != entry.size || crc32(data.get(), size) != entry.crc32) {
      throw corrupt(record + " fails its CRC-32 check");
    }
  }
}

torch::serialize::InputArchive open_archive(const std::string& path) {
  std::string problem;
  const auto read = io::read_file(path, problem);
  if (!read) throw CheckpointError(path + ": " + problem);
  const std::string& bytes = *read;
  torch::serialize::InputArchive archive;
  try {
    verify_records(path, bytes);
    archive.load_from(bytes.data(), bytes.size());
  } catch (const CheckpointError&) {
    throw;
  } catch (const std::exception&) {  // c10::Error, or std::out_of_range from a corrupt pickle
    throw CheckpointError(path + ": not a readable checkpoint (corrupt or truncated file)");
  }
  return archive;
}

CheckpointInfo read_info(torch::serialize::InputArchive& archive, const std::string& path) {
  const int64_t format = read_int(archive, "meta.format");
  if (format < 0) throw CheckpointError(path + ": not a tesg checkpoint (no meta.format)");
  if (format != kCheckpointFormat) {
    throw CheckpointError(path + ": checkpoint format " + std::to_string(format) +
                          ", this tesg reads format " + std::to_string(kCheckpointFormat));
  }
  CheckpointInfo info;
  info.kind = read_string(archive, "meta.kind");
  info.epoch = read_int(archive, "meta.epoch");
  info.step = read_int(archive, "meta.step");
  info.config_yaml = read_string(archive, "meta.config_yaml");
  info.sig_backends = read_string(archive, "meta.sig_backends");
  info.trainer_rng = read_string(archive, "meta.trainer_rng");
  info.tesg_version = read_string(archive, "meta.tesg_version");  // absent before 0.2.0
  info.best_value = read_double(archive, "meta.best_value", info.best_value);
  info.loss_scale = read_double(archive, "meta.loss_scale", 0.0);  // absent before fp16 resumes kept it
  info.loss_scale_good_steps = std::max<int64_t>(read_int(archive, "meta.loss_scale_good_steps"), 0);
  const auto provenance = read_string(archive, "meta.provenance");  // absent before 0.5.0
  if (!provenance.empty()) info.provenance = provenance_from_json(provenance, path);
  return info;
}

void load_weights(torch::serialize::InputArchive& archive, torch::nn::Module& model,
                  const std::string& path) {
  std::set<std::string> expected;
  torch::NoGradGuard no_grad;
  for (auto& [name, tensor] : named_state(model)) {
    expected.insert(kModelPrefix + name);
    torch::Tensor stored;
    if (!archive.try_read(kModelPrefix + name, stored)) {
      throw CheckpointError(path + ": missing tensor " + name + " (checkpoint of another model "
                            "configuration?)");
    }
    if (stored.sizes() != tensor.sizes()) {
      throw CheckpointError(path + ": " + name + " has shape " + shape_text(stored) +
                            ", the model expects " + shape_text(tensor));
    }
    tensor.copy_(stored);
  }
  for (const auto& key : archive.keys()) {
    if (key.rfind(kModelPrefix, 0) == 0 && !expected.count(key)) {
      throw CheckpointError(path + ": unexpected tensor " + key.substr(std::string(kModelPrefix).size()) +
                            " (checkpoint of another model configuration?)");
    }
  }
}

}  // namespace

CheckpointInfo save_checkpoint(const std::string& path, const torch::nn::Module& model,
                               torch::optim::Optimizer* optimizer, CheckpointInfo info) {
  info.kind = optimizer ? "training" : "weights";
  info.tesg_version = tesg::version();
  torch::serialize::OutputArchive archive;
  archive.write("meta.format", c10::IValue(kCheckpointFormat));
  archive.write("meta.kind", c10::IValue(info.kind));
  archive.write("meta.epoch", c10::IValue(info.epoch));
  archive.write("meta.step", c10::IValue(info.step));
  archive.write("meta.config_yaml", c10::IValue(info.config_yaml));
  archive.write("meta.sig_backends", c10::IValue(info.sig_backends));
  archive.write("meta.trainer_rng", c10::IValue(info.trainer_rng));
  archive.write("meta.tesg_version", c10::IValue(info.tesg_version));
  archive.write("meta.best_value", c10::IValue(info.best_value));
  archive.write("meta.loss_scale", c10::IValue(info.loss_scale));
  archive.write("meta.loss_scale_good_steps", c10::IValue(info.loss_scale_good_steps));
  if (!info.provenance.recorded.empty()) archive.write("meta.provenance", c10::IValue(to_json(info.provenance)));
  for (const auto& [name, tensor] : named_state(model)) {
    archive.write(kModelPrefix + name, tensor.detach().to(torch::kCPU));
  }
  if (optimizer) {
    torch::serialize::OutputArchive optimizer_archive;
    optimizer->save(optimizer_archive);
    archive.write("optimizer", optimizer_archive);
    archive.write("rng.torch_cpu",
                  torch::globalContext().defaultGenerator(torch::kCPU).get_state());
  }
  // Serialised in memory first: LibTorch's file writer aborts the process (an exception out of
  // a destructor) when the disk fills up; a failed write of the bytes is our one-line error.
  std::ostringstream bytes;
  archive.save_to(bytes);
  io::write_file_atomically(path, bytes.str());
  return info;
}

std::string describe(const CheckpointInfo& info) {
  std::string text = "kind: " + info.kind + (info.kind == "training" ? " (resumable)" : " (weights only)") + "\n";
  text += "written by: tesg " + (info.tesg_version.empty() ? std::string("before 0.2.0") : info.tesg_version) + "\n";
  text += "trained: " + std::to_string(info.step) + " steps, " + std::to_string(info.epoch) + " epochs\n";
  text += "SIG backends: " + info.sig_backends + "\n";
  text += describe(info.provenance);
  text += "config:\n" + info.config_yaml;
  if (!info.config_yaml.empty() && info.config_yaml.back() != '\n') text += "\n";
  return text;
}

std::string model_card(const std::string& name, const CheckpointInfo& info) {
  return "# Model card: " + name + "\n\n" +
         "Written by tesg-train with the run's checkpoints; `tesg-fuse --info CHECKPOINT` prints the same.\n\n"
         "## Provenance\n\n```text\n" + describe(info) + "```\n";
}

CheckpointInfo read_checkpoint_info(const std::string& path) {
  auto archive = open_archive(path);
  return read_info(archive, path);
}

CheckpointInfo load_checkpoint(const std::string& path, torch::nn::Module& model,
                               torch::optim::Optimizer* optimizer) {
  auto archive = open_archive(path);
  const auto info = read_info(archive, path);
  if (optimizer && info.kind != "training") {
    throw CheckpointError(path + ": a weights-only checkpoint cannot resume training");
  }
  load_weights(archive, model, path);
  if (optimizer) {
    try {
      torch::serialize::InputArchive optimizer_archive;
      archive.read("optimizer", optimizer_archive);
      optimizer->load(optimizer_archive);
      torch::Tensor rng;
      archive.read("rng.torch_cpu", rng);
      auto generator = torch::globalContext().defaultGenerator(torch::kCPU);  // shared handle
      generator.set_state(rng);
    } catch (const c10::Error& e) {
      throw CheckpointError(path + ": optimizer state does not match the model (" +
                            e.what_without_backtrace() + ")");
    } catch (const std::exception& e) {  // a corrupt optimizer record
      throw CheckpointError(path + ": unreadable optimizer state (" + e.what() + ")");
    }
  }
  return info;
}

}  // namespace tesg::train
