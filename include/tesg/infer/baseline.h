#pragma once
// Simple reference fusions for comparison tables: the luma of the visible image and the
// infrared combined pixel by pixel, the visible chroma kept (BT.601 YCbCr).
#include <string>

#include "tesg/infer/fuse_fn.h"

namespace tesg::infer {

/// `rule` "avg" (mean of the two lumas) or "max" (the brighter). Throws ConfigError otherwise.
FuseFn baseline_fusion(const std::string& rule);

}  // namespace tesg::infer
