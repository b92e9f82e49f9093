#include "tesg/sig/pair_sig.h"

#include <torch/torch.h>

#include <fstream>

#include "tesg/error.h"
#include "tesg/sig/keyword.h"
#include "tesg/sig/masker.h"
#include "tesg/sig/native_sig.h"

namespace tesg::sig {
namespace {

// stem -> caption from lines "<stem><TAB><caption>".
std::map<std::string, std::string> read_captions_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError("sig.captions_file: cannot open '" + path + "'");
  std::map<std::string, std::string> captions;
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (line.empty()) continue;
    const auto tab = line.find('\t');
    if (tab == std::string::npos) {
      throw DataError(path + ":" + std::to_string(line_number) + ": expected <stem><TAB><caption>");
    }
    captions[line.substr(0, tab)] = line.substr(tab + 1);
  }
  return captions;
}

}  // namespace

PairSig::PairSig(const SigConfig& config) : config_(config) {
  check_backends(config_);
  if (config_.captioner == "file") captions_ = read_captions_file(config_.captions_file);
  if (uses_native_backends(config_)) native_ = std::make_unique<NativeSig>(config_);
}

PairSig::~PairSig() = default;

CaptionRecord PairSig::caption(const data::FusionSample& sample) {
  CaptionRecord record{sample.stem, "", "", ""};
  if (config_.captioner == "file") {
    const auto it = captions_.find(sample.stem);
    if (it == captions_.end()) {
      throw DataError(config_.captions_file + ": no caption for pair '" + sample.stem + "'");
    }
    record.caption = it->second;
  } else if (config_.captioner == "blip") {
    record.caption = native_->caption(sample.vi);
  }
  const auto split = remove_keyword(record.caption, config_.keywords);
  record.caption_without_keyword = split.caption_without_keyword;
  record.keyword = split.keyword;
  return record;
}

torch::Tensor PairSig::mask(const data::FusionSample& sample, const CaptionRecord& caption) {
  if (config_.masker != "diffedit") return make_mask(config_, sample);
  return native_->mask(sample, caption.caption, caption.caption_without_keyword);
}

torch::Tensor PairSig::text(const CaptionRecord& caption) {
  return config_.text_encoder == "clip" ? native_->text(caption.caption) : torch::Tensor();
}

CaptionRecord PairSig::attach(data::FusionSample& sample) {
  auto record = caption(sample);
  sample.mask = mask(sample, record);
  sample.ft = text(record);
  return record;
}

}  // namespace tesg::sig
