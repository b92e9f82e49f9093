#pragma once
// Small pieces shared by the SIG foundation models (CLIP, BLIP, UNet, VAE).
#include <torch/torch.h>

#include <memory>
#include <string>

namespace tesg::sig::models {

/// A plain named container for a level of the HF tensor names that holds no computation.
inline std::shared_ptr<torch::nn::Module> group(torch::nn::Module& parent, const std::string& name) {
  return parent.register_module(name, std::make_shared<torch::nn::Module>());
}

/// Scaled dot-product attention over `heads` heads: q [B,Lq,C], k and v [B,Lk,C] -> [B,Lq,C].
/// `additive_mask` broadcasts to [B,heads,Lq,Lk] (0 = attend, -inf = masked). Softmax in fp32.
torch::Tensor multi_head_attention(const torch::Tensor& q, const torch::Tensor& k,
                                   const torch::Tensor& v, int64_t heads,
                                   const torch::Tensor& additive_mask = {});

/// [L,L] additive causal mask: 0 on and below the diagonal, -inf above.
torch::Tensor causal_mask(int64_t length, const torch::TensorOptions& options);

/// x * sigmoid(1.702 x) (CLIP's quick_gelu).
inline torch::Tensor quick_gelu(const torch::Tensor& x) { return x * torch::sigmoid(1.702 * x); }

}  // namespace tesg::sig::models
