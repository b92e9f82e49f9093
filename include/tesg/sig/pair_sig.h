#pragma once
// The semantic inputs of one pair by the configured backends, weight-free or native: caption
// T (file or BLIP), T without its key word, mask M (saliency, file, none or DiffEdit) and text
// semantics Ft (CLIP, or none). Shared by tesg-sig (writing the cache) and tesg-fuse (on the fly).
#include <ATen/core/Tensor.h>

#include <map>
#include <memory>
#include <string>

#include "tesg/config.h"
#include "tesg/data/fusion_sample.h"
#include "tesg/sig/sig_cache.h"

namespace tesg::sig {

class NativeSig;

class PairSig {
 public:
  /// Checks the backends, reads the captions file, loads the native models the config needs.
  explicit PairSig(const SigConfig& config);
  ~PairSig();

  /// Caption record of a pair (empty caption without a captioner). `sample` is only read by
  /// the BLIP captioner.
  CaptionRecord caption(const data::FusionSample& sample);
  /// M [1,H,W] in {0,1} of the pair for its caption record.
  torch::Tensor mask(const data::FusionSample& sample, const CaptionRecord& caption);
  /// Ft [L,D] for the caption record; undefined without a text encoder.
  torch::Tensor text(const CaptionRecord& caption);
  /// All three for a loaded pair: sets `sample.mask` and `sample.ft`, returns the caption record.
  CaptionRecord attach(data::FusionSample& sample);

 private:
  SigConfig config_;
  std::map<std::string, std::string> captions_;  // captioner file
  std::unique_ptr<NativeSig> native_;
};

}  // namespace tesg::sig
