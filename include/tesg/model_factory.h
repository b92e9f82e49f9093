#pragma once
// The one place that maps configuration sections onto module and loss options.
#include "tesg/config.h"
#include "tesg/nn/fusion_loss.h"
#include "tesg/nn/tesg.h"

namespace tesg {

nn::TeSGOptions model_options(const ModelConfig& config);
nn::FusionLossOptions loss_options(const LossConfig& config);

}  // namespace tesg
