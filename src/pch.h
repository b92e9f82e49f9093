// Private precompiled header of the library, tests and benchmarks (target_precompile_headers);
// never included by name: every file includes what it uses.
#pragma once
#include <torch/torch.h>

#include <string>
#include <vector>
