#include "tesg/nn/gdfn.h"

#include <torch/torch.h>

#include "conv.h"

namespace tesg::nn {

GDFNImpl::GDFNImpl(GDFNOptions options) : options(std::move(options)) { reset(); }

void GDFNImpl::reset() {
  const auto c = options.channels();
  const auto hidden = static_cast<int64_t>(static_cast<double>(c) * options.ffn_factor());
  TORCH_CHECK(hidden > 0, "GDFN: channels * ffn_factor must be at least 1");
  project_in = register_module("project_in", same_conv(c, 2 * hidden, 1, options.bias()));
  dwconv = register_module("dwconv", same_conv(2 * hidden, 2 * hidden, 3, options.bias(),
                                               2 * hidden));
  project_out = register_module("project_out", same_conv(hidden, c, 1, options.bias()));
}

torch::Tensor GDFNImpl::forward(const torch::Tensor& x) {
  const auto gates = dwconv(project_in(x)).chunk(2, 1);
  return project_out(torch::gelu(gates[0]) * gates[1]);
}

}  // namespace tesg::nn
