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

/// Score-matrix bytes above which attention runs in query chunks (a 640x480 image gives the
/// UNet 4800 x 4800 scores per head: 0.7 GB per sample at once).
constexpr int64_t kAttentionChunkBytes = int64_t(256) << 20;

/// Scaled dot-product attention over `heads` heads: q [B,Lq,C], k and v [B,Lk,C] -> [B,Lq,C].
/// `additive_mask` broadcasts to [B,heads,Lq,Lk] (0 = attend, -inf = masked). Softmax in fp32.
/// Queries are processed in chunks whose score matrix stays under `chunk_bytes`.
torch::Tensor multi_head_attention(const torch::Tensor& q, const torch::Tensor& k,
                                   const torch::Tensor& v, int64_t heads,
                                   const torch::Tensor& additive_mask = {},
                                   int64_t chunk_bytes = kAttentionChunkBytes);

/// [L,L] additive causal mask: 0 on and below the diagonal, -inf above.
torch::Tensor causal_mask(int64_t length, const torch::TensorOptions& options);

/// x * sigmoid(1.702 x) (CLIP's quick_gelu).
inline torch::Tensor quick_gelu(const torch::Tensor& x) { return x * torch::sigmoid(1.702 * x); }

}  // namespace tesg::sig::models
