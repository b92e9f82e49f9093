#include "tesg/version.h"

namespace tesg {

std::string version() { return TESG_VERSION; }

}  // namespace tesg
