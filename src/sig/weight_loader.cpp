#include "tesg/sig/weight_loader.h"

#include <torch/torch.h>

#include <map>
#include <set>

#include "tesg/error.h"

namespace tesg::sig {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string joined(const std::vector<std::string>& names, size_t shown = 5) {
  std::string out;
  for (size_t k = 0; k < names.size() && k < shown; ++k) out += (k ? ", " : "") + names[k];
  if (names.size() > shown) out += " and " + std::to_string(names.size() - shown) + " more";
  return out;
}

std::string shape_text(torch::IntArrayRef shape) {
  std::string out = "[";
  for (size_t k = 0; k < shape.size(); ++k) out += (k ? "," : "") + std::to_string(shape[k]);
  return out + "]";
}

}  // namespace

WeightLoadReport load_weights(torch::nn::Module& module, const SafetensorsFile& file,
                              const WeightLoadOptions& options) {
  // File name (after renaming) -> stored name.
  std::map<std::string, std::string> available;
  WeightLoadReport report;
  for (const auto& stored : file.names()) {
    bool ignored = false;
    for (const auto& suffix : options.ignore) ignored = ignored || ends_with(stored, suffix);
    if (ignored) continue;
    const auto name = options.rename ? options.rename(stored) : stored;
    if (!name.empty()) available[name] = stored;
  }
  std::vector<std::string> missing, mismatched;
  std::set<std::string> used;
  torch::NoGradGuard no_grad;
  auto load = [&](const std::string& local, torch::Tensor& target) {
    const auto name = options.prefix + local;
    const auto it = available.find(name);
    if (it == available.end()) {
      missing.push_back(name);
      return;
    }
    used.insert(name);
    auto source = file.tensor(it->second);
    if (source.dim() == 4 && target.dim() == 2 && source.size(2) == 1 && source.size(3) == 1) {
      source = source.flatten(1);  // 1x1 conv weights of older checkpoints into Linear
    }
    if (source.sizes() != target.sizes()) {
      mismatched.push_back(name + " " + shape_text(source.sizes()) + " in the file, " +
                           shape_text(target.sizes()) + " in the model");
      return;
    }
    target.copy_(source);
  };
  for (auto& item : module.named_parameters(/*recurse=*/true)) load(item.key(), item.value());
  for (auto& item : module.named_buffers(/*recurse=*/true)) load(item.key(), item.value());
  if (!mismatched.empty()) {
    throw CheckpointError(file.path() + ": shape mismatch: " + joined(mismatched) +
                          " (a config.json for another model?)");
  }
  if (!missing.empty()) {
    throw CheckpointError(file.path() + ": missing tensors: " + joined(missing) +
                          " (a weight file for another model, or an incomplete download?)");
  }
  for (const auto& [name, stored] : available) {
    if (!used.count(name)) report.unexpected.push_back(stored);
  }
  return report;
}

}  // namespace tesg::sig
