#pragma once
// Simple reference fusions for comparison tables: the luma of the visible image and the
// infrared combined pixel by pixel, the visible chroma kept (BT.601 YCbCr).
#include <string>

#include "tesg/infer/fuse_fn.h"

namespace tesg::infer {

/// `rule` "avg" (mean of the two lumas), "max" (the brighter) or "edge_guided"
/// (nn::edge_guided_fusion, the base TeSG corrects with model.base edge_guided). Throws
/// ConfigError otherwise.
FuseFn baseline_fusion(const std::string& rule);

}  // namespace tesg::infer
